"""The plan document's budget sections as pure functions: check and read a document's `budgets`
and a project's `budget` into plain specs, and write them back from plain values. No database:
okr.budget.ops.apply_* writes the specs, okr.budget.queries.export_* reads the values.

    "budgets": [{"team": "marketing", "year": 2026,
                 "lines": [{"category": "活动", "kind": "variable", "months": {"2026-04": 100000}}]}]
    project "budget": {"lines": [{"category": "KOL", "amount": 200000, "note": ""}],
                       "spend": [{"date": "2026-04-10", "amount": 1000, "category": "KOL", "note": "",
                                  "author": "li@example.com"}],
                       "returns": [{"kind": "direct", "gmv": 5000000, "margin": 0.2},
                                   {"kind": "other", "amount": 1000}]}

Issues are (path, message) pairs, the path in the importer's style (``budgets[0].lines[1].months.2026-13``).
Amounts are JSON numbers or decimal strings with at most two places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from okr.budget import rules
from okr.core import kinds, periods

BUDGET_KEYS = {"team", "year", "lines"}
LINE_KEYS = {"category", "kind", "months"}
PROJECT_KEYS = {"lines", "spend", "returns"}
COST_KEYS = {"category", "amount", "note"}
SPEND_KEYS = {"date", "amount", "category", "note", "author"}
RETURN_KEYS = {"kind", "gmv", "margin", "users", "ltv", "impressions", "cpm", "amount", "note"}
MONEY_INPUTS = ("gmv", "ltv", "cpm", "amount")
COUNT_INPUTS = ("users", "impressions")
NEEDS = {"direct": ("gmv", "margin"), "indirect": ("users", "ltv"), "brand": ("impressions", "cpm"), "other": ()}

MESSAGES = {
    "not_a_number": "must be an amount (a number or a decimal string)",
    "too_many_places": "has more than two decimal places",
    "negative": "cannot be negative",
    "zero": "cannot be 0",
    "too_large": "is too large (at most 1,000,000,000,000)",
    "margin_range": "must lie between 0 and 1",
    "whole_number": "must be a whole number",
}


@dataclass
class LineSpec:
    team: str
    year: int
    category: str
    kind: str
    months: dict[str, Decimal]


@dataclass
class ProjectBudgetSpec:
    lines: list[tuple[str, Decimal, str]] = field(default_factory=list)  # category, amount, note
    spend: list[tuple[date, Decimal, str, str, str | None]] = field(default_factory=list)  # + author email
    returns: list[dict] = field(default_factory=list)  # {"kind", inputs…, "note"}


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise rules.MoneyError("not_a_number")
    if isinstance(value, float):
        value = repr(value)
    return value


def _money(value, path, issues, **kw) -> Decimal | None:
    try:
        return rules.check_money(_number(value), **kw)
    except rules.MoneyError as e:
        issues.append((path, MESSAGES[e.code]))
        return None


def _text(obj, key, path, issues, *, required=True, limit=64) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        issues.append((f"{path}.{key}", "must be text" if not isinstance(value, str) else "is required"))
        return ""
    if len(value) > limit:
        issues.append((f"{path}.{key}", f"has more than {limit} characters"))
    return value.strip()


def _unknown(obj, allowed, path, issues) -> bool:
    if not isinstance(obj, dict):
        issues.append((path, "must be an object"))
        return True
    for key in sorted(set(obj) - allowed):
        issues.append((f"{path}.{key}", "is not a known key"))
    return False


def parse_budgets(section, *, fiscal_start: int = 1, path: str = "budgets") -> tuple[list[LineSpec], list]:
    """A document's `budgets` read into line specs, with every issue found (nothing is partial:
    the importer refuses the whole document when any issue is returned)."""
    specs, issues = [], []
    if not isinstance(section, list):
        return [], [(path, "must be a list")]
    seen = set()
    for i, entry in enumerate(section):
        p = f"{path}[{i}]"
        if _unknown(entry, BUDGET_KEYS, p, issues):
            continue
        team = _text(entry, "team", p, issues)
        year = entry.get("year")
        try:
            fy = periods.Year(year, fiscal_start)
        except (periods.PeriodError, TypeError):
            issues.append((f"{p}.year", "must be a year such as 2026"))
            continue
        allowed = {str(mo) for mo in fy.months()}
        lines = entry.get("lines", [])
        if not isinstance(lines, list):
            issues.append((f"{p}.lines", "must be a list"))
            continue
        for j, line in enumerate(lines):
            lp = f"{p}.lines[{j}]"
            if _unknown(line, LINE_KEYS, lp, issues):
                continue
            category = _text(line, "category", lp, issues)
            kind = line.get("kind", "variable")
            if kind not in kinds.BUDGET_KINDS:
                issues.append((f"{lp}.kind", "must be fixed or variable"))
            if (team, fy.year, category) in seen:
                issues.append((f"{lp}.category", "appears twice for this team and year"))
            seen.add((team, fy.year, category))
            months = {}
            raw = line.get("months", {})
            if not isinstance(raw, dict):
                issues.append((f"{lp}.months", "must be an object of month: amount"))
                continue
            for month, amount in raw.items():
                if month not in allowed:
                    issues.append((f"{lp}.months.{month}", f"is not a month of the fiscal year {fy.year}"))
                    continue
                value = _money(amount, f"{lp}.months.{month}", issues)
                if value is not None:
                    months[month] = value
            specs.append(LineSpec(team, fy.year, category, kind, months))
    return specs, issues


def parse_project_budget(obj, *, start: date, end: date, path: str) -> tuple[ProjectBudgetSpec, list]:
    """A project's `budget` read into a spec; spend must be dated from ``start`` to ``end``."""
    spec, issues = ProjectBudgetSpec(), []
    if _unknown(obj, PROJECT_KEYS, path, issues):
        return spec, issues
    for name, keys in (("lines", COST_KEYS), ("spend", SPEND_KEYS), ("returns", RETURN_KEYS)):
        items = obj.get(name, [])
        if not isinstance(items, list):
            issues.append((f"{path}.{name}", "must be a list"))
            continue
        for i, item in enumerate(items):
            p = f"{path}.{name}[{i}]"
            if _unknown(item, keys, p, issues):
                continue
            note = _text(item, "note", p, issues, required=False, limit=2000)
            if name == "lines":
                amount = _money(item.get("amount"), f"{p}.amount", issues, allow_zero=False)
                spec.lines.append((_text(item, "category", p, issues), amount, note))
            elif name == "spend":
                try:
                    day = date.fromisoformat(item.get("date"))
                except (TypeError, ValueError):
                    issues.append((f"{p}.date", "must be a date such as 2026-04-10"))
                    continue
                if not start <= day <= end:
                    issues.append((f"{p}.date", f"must lie from {start} to {end}"))
                amount = _money(item.get("amount"), f"{p}.amount", issues, allow_zero=False)
                author = item.get("author")
                if author is not None and not isinstance(author, str):
                    issues.append((f"{p}.author", "must be an email"))
                spec.spend.append((day, amount, _text(item, "category", p, issues), note, author))
            else:
                spec.returns.append(_return(item, p, issues, note))
    return spec, issues


def _return(item, p, issues, note) -> dict:
    kind = item.get("kind")
    if kind not in kinds.RETURN_KINDS:
        issues.append((f"{p}.kind", "must be direct, indirect, brand or other"))
        return {}
    out = {"kind": kind, "note": note}
    for key in MONEY_INPUTS:
        if item.get(key) is not None:
            out[key] = _money(item[key], f"{p}.{key}", issues)
    for key in COUNT_INPUTS:
        if item.get(key) is not None:
            try:
                out[key] = rules.check_count(_number(item[key]))
            except rules.MoneyError as e:
                issues.append((f"{p}.{key}", MESSAGES[e.code]))
    if item.get("margin") is not None:
        try:
            out["margin"] = rules.check_margin(_number(item["margin"]))
        except rules.MoneyError as e:
            issues.append((f"{p}.margin", MESSAGES[e.code]))
    if "amount" not in out:
        for key in NEEDS[kind]:
            if key not in out:
                issues.append((f"{p}.{key}", "is required for this kind (or give a plain amount)"))
        if not NEEDS[kind]:
            issues.append((f"{p}.amount", "is required for a return of kind other"))
    return out


# --- writing ---------------------------------------------------------------------------------


def amount_json(value: Decimal) -> int | str:
    """A whole amount as a JSON number (100000), one with cents as a decimal string ("1200.50")."""
    d = rules.money(value)
    return int(d) if d == d.to_integral_value() else format(d, "f")


def _plain(value: Decimal) -> int | str:
    d = Decimal(value).normalize()
    return int(d) if d == d.to_integral_value() else format(d, "f")


def budgets_section(lines) -> list[dict]:
    """`budgets` from (team slug, year, category, kind, {month: amount}) in order, one entry per
    team and year."""
    out: dict[tuple[str, int], dict] = {}
    for team, year, category, kind, months in lines:
        entry = out.setdefault((team, year), {"team": team, "year": year, "lines": []})
        entry["lines"].append(
            {"category": category, "kind": kind, "months": {mo: amount_json(a) for mo, a in sorted(months.items())}}
        )
    return list(out.values())


def project_budget_section(costs, spend, returns) -> dict:
    """A project's `budget` from (category, amount, note) costs, (date, amount, category, note,
    author email) spend and return dicts (kind and inputs); empty parts are left out."""
    doc = {}
    if costs:
        doc["lines"] = [_with_note({"category": c, "amount": amount_json(a)}, n) for c, a, n in costs]
    if spend:
        doc["spend"] = [
            _with_note(
                {"date": d.isoformat(), "amount": amount_json(a), "category": c, **({"author": who} if who else {})}, n
            )
            for d, a, c, n, who in spend
        ]
    if returns:
        rows = []
        for r in returns:
            row = {"kind": r["kind"]}
            for key in ("gmv", "margin", "users", "ltv", "impressions", "cpm", "amount"):
                if r.get(key) is not None:
                    row[key] = amount_json(r[key]) if key in MONEY_INPUTS else _plain(r[key])
            rows.append(_with_note(row, r.get("note") or ""))
        doc["returns"] = rows
    return doc


def _with_note(row: dict, note: str) -> dict:
    if note:
        row["note"] = note
    return row
