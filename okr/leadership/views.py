"""Rollup pages for leadership: company and team rollups against pace, what needs attention,
every figure's explanation, the quarter review, and the JSON twin of the rollups.

The figures come from okr.rollup.rules (pure), evaluated over rows loaded in a fixed number of
set-based queries and kept current by okr.rollup.state; this module only turns them into pages.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from flask import Blueprint, abort, current_app, jsonify, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from markupsafe import Markup

from okr.core import kinds as eisenhower
from okr.core import models as m
from okr.core import periods
from okr.core.web import (
    TeamRecord,
    actor,
    db,
    item_or_404,
    render,
    team_by_id,
    team_or_404,
    team_records,
    top_team,
    wants_json,
)
from okr.rollup import rules as rollup
from okr.rollup import state as rollup_state

bp = Blueprint("leadership", __name__)

STATUS_LABELS = {
    rollup.ON_TRACK: _l("on track"),
    rollup.AT_RISK: _l("at risk"),
    rollup.OFF_TRACK: _l("off track"),
    rollup.NO_DATA: _l("no data"),
}
BAND_LABELS = {"green": _l("green"), "yellow": _l("yellow"), "red": _l("red")}
KIND_LABELS = {
    "team": _l("team"),
    "goal": _l("goal"),
    "objective": _l("objective"),
    "key_result": _l("key result"),
    "project": _l("project"),
}
QUADRANT_LABELS = {
    eisenhower.Quadrant.DO: _l("Do"),
    eisenhower.Quadrant.SCHEDULE: _l("Schedule"),
    eisenhower.Quadrant.DELEGATE: _l("Delegate"),
    eisenhower.Quadrant.ELIMINATE: _l("Eliminate"),
}
EXPLAIN_KINDS = {
    "team": m.Team,
    "goal": m.AnnualGoal,
    "objective": m.Objective,
    "key_result": m.KeyResult,
    "project": m.Project,
}


# --- building a rollup ------------------------------------------------------------------------


@dataclass
class Attention:
    kind: str
    id: int
    title: str
    team: m.Team | None
    reasons: list[str]
    severity: int
    html: str | None = None  # the item as the page shows it, made once (attention_html)
    href: str | None = None  # where it opens, when not its explanation (an overspent project's budget)


Rollup = rollup_state.Rollup


def _fiscal_start() -> int:
    return current_app.config["FISCAL_YEAR_START"]


def _period_or_404(text: str):
    try:
        period = periods.parse(text, _fiscal_start())
    except (periods.PeriodError, TypeError):
        abort(404)
    if not isinstance(period, (periods.Year, periods.Quarter)):
        abort(404)
    return period


def _today() -> date:
    return date.today()


def build_rollup(team: m.Team | TeamRecord, period, today: date | None = None) -> Rollup:
    """The rollup of ``team`` (and every team under it), current to the last change.

    Each worker keeps the few rollups read last (okr.rollup.state.Rollup) under (team,
    period, day). Every change goes through the features' ops, which write an audit event, so a
    kept rollup reads the organisation's newest event id and the events since its version (one
    statement) and is brought forward by them: figures are right straight after a change, and
    a check-in or a finished task costs the path above it, not the whole tree. A kept rollup
    older than ``ROLLUP_MAX_AGE`` seconds is built again from the tables, so a change that left
    no event (a fix made by hand in the database) shows within that time on every worker.
    """
    today = today or _today()
    session = db()
    now = time.monotonic()
    max_age = current_app.config["ROLLUP_MAX_AGE"]
    cache = current_app.extensions.setdefault("okr_rollup_cache", OrderedDict())
    lock = current_app.extensions.setdefault("okr_rollup_lock", threading.Lock())
    key = (team.id, str(period), today)
    with lock:  # a threaded server must not bring one rollup forward twice at once
        found = cache.get(key)
        if found is None or now - found.built_at >= max_age:
            built = rollup_state.build_at(session, team, period, today, now)
        else:
            built = rollup_state.bring_forward_to_latest(session, found, now)
        cache[key] = built
        cache.move_to_end(key)
        while len(cache) > ROLLUP_CACHE_SIZE:
            cache.popitem(last=False)
    return built


ROLLUP_CACHE_SIZE = 8  # a company year rollup holds every row it was made from: keep few


def attention_of(r: Rollup) -> list[Attention]:
    """What needs attention in ``r``, in the request's language (kept with the rollup)."""
    key = ("attention", str(get_locale()))
    found = r.derived.get(key)
    if found is None:
        found = r.derived[key] = _attention(r)
    return found


def _attention(r: Rollup) -> list[Attention]:
    """What needs leadership's attention: items behind pace (off track first), silent key
    results, objectives with no owner, key results with no Accountable, unaligned objectives.

    An item weighted 0 is left out of every figure on purpose, and so is what lies under it:
    none of it is reported. Each node's reasons are kept per node and language in
    ``r.view_memo``, so after a change only the changed path is judged again."""
    locale = str(get_locale())
    memo = r.view_memo
    words = None

    def under(n: rollup.Node) -> list[Attention]:
        """The node's items and those of everything under it, kept per subtree (an unchanged
        node is the same object with the same children: only a changed path is walked)."""
        nonlocal words
        key = ("attention", n.kind, n.id, locale)  # by item, so a changed node's entry replaces its last
        hit = memo.get(key)
        if hit is not None and hit[0] is n:
            return hit[1]
        items: list[Attention] = []
        if n.kind != "project" and not (n.weight is not None and n.weight == 0):
            if words is None:
                words = {
                    "off": _("off track: %(reason)s"),
                    "risk": _("at risk: %(reason)s"),
                    "behind": _("%(done)s done, %(gap)s points behind the pace of %(period)s"),
                    "silent": _("no check-in for %(days)s days (last: %(last)s)"),
                    "silent_by": _("no check-in for %(days)s days (last: %(last)s; %(owner)s)"),
                    "never": _("never"),
                    "no_a": _("no Accountable (A) in its RACI"),
                    "no_owner": _("objective has no owner"),
                    "unaligned": _("aligned to no annual goal"),
                }
            item = _node_attention(n, r, words)
            if item is not None:
                items.append(item)
            for c in n.children:
                items.extend(under(c))
        memo[key] = (n, items)
        return items

    found = [a for n in [r.root, *r.unaligned, *r.elsewhere] for a in under(n)]
    return sorted(found, key=lambda a: (a.severity, a.kind != "team", a.title))


def _node_attention(n: rollup.Node, r: Rollup, words: dict) -> Attention | None:
    info = r.meta.get((n.kind, n.id), {})
    row = info.get("row")
    codes = rollup.attention(
        n,
        silent=bool(info.get("silent")),
        has_accountable=bool(info.get("accountable")),
        has_owner=row is None or getattr(row, "owner_id", None) is not None,
        aligned=n.id not in r.unaligned_ids if n.kind == "objective" else True,
    )
    if not codes:
        return None
    reasons = []
    for code in codes:
        if code in (rollup.NEEDS_OFF_TRACK, rollup.NEEDS_AT_RISK):
            word = words["off" if code == rollup.NEEDS_OFF_TRACK else "risk"]
            reasons.append(word % {"reason": _behind(n, r, words) or explained(n.status_reason)})
        elif code == rollup.NEEDS_CHECK_IN:
            last = row.last_check_in_on
            start = r.period.start if last is None else last
            days = max(rollup.SILENT_DAYS, (min(r.today, r.period.end) - start).days)
            owner = info.get("owner")
            args = {"days": days, "last": last.isoformat() if last else words["never"], "owner": owner}
            reasons.append(words["silent_by" if owner else "silent"] % args)
        else:
            reasons.append(
                words[
                    {
                        rollup.NEEDS_ACCOUNTABLE: "no_a",
                        rollup.NEEDS_OWNER: "no_owner",
                        rollup.NEEDS_ALIGNMENT: "unaligned",
                    }[code]
                ]
            )
    return Attention(n.kind, n.id, n.title, info.get("team"), reasons, codes[0])


def _behind(n: rollup.Node, r: Rollup, words: dict) -> str | None:
    """How far behind pace a figure is, in plain words: "48% done, 24 points behind the pace of
    2026-Q2". None when there is no pace to be behind (the formula then says why)."""
    if n.progress is None or n.expected is None or n.progress >= n.expected:
        return None
    gap = rollup.percent(n.expected - n.progress)
    return words["behind"] % {"done": pct0(n.progress), "gap": gap, "period": str(r.period)}


def _overspent(r: Rollup) -> list[Attention]:
    """The rollup's projects whose spend went past their planned cost (okr.budget), as attention
    items at risk: "spent 52,000.00 of its planned 40,000.00 (30% over)". Two statements."""
    from okr.budget import queries as budget_queries
    from okr.budget import rules as budget

    rows = budget_queries.overspent_projects(db(), list(r.teams), r.period)
    out = []
    for pid, title, team_id, planned, actual in rows:
        reason = _(
            "spent %(actual)s of its planned %(planned)s (%(over)s over)",
            actual=budget.grouped(actual),
            planned=budget.grouped(planned),
            over=budget.percent(budget.variance(planned, actual).fraction),
        )
        out.append(
            Attention(
                "project",
                pid,
                title,
                r.teams.get(team_id),
                [reason],
                rollup.NEEDS_AT_RISK,
                href=url_for("budget.project", project_id=pid),
            )
        )
    return out


def pct0(value) -> str:
    """A progress as a whole percentage, rounded half up as on every page (0.4783 → 48%,
    0.125 → 13%), "–" for none."""
    if value is None:
        return "–"
    return f"{rollup.percent(value)}%"


def attention_groups(items: list[Attention]) -> list[tuple]:
    """The attention list by team, the team with the worst item first (then the most items):
    [(team or None, [items])]."""
    groups: dict = {}
    for a in items:
        groups.setdefault(a.team.id if a.team else None, (a.team, []))[1].append(a)
    return sorted(groups.values(), key=lambda g: (min(a.severity for a in g[1]), -len(g[1])))


# --- presenting -------------------------------------------------------------------------------

#: The words okr.rollup.rules writes into formulas and status reasons (it stays language-free: a kept
#: rollup serves every language), each marked for translation. ``explained`` swaps them for
#: the request's language, longest first; tests/test_reports_pages.py checks that a Chinese
#: page's formulas keep no English word.
FORMULA_PHRASES = (
    _l("goals of this team and the teams under it: "),
    _l("no key results with progress and a weight above 0 → no progress"),
    _l("no objectives with progress and a weight above 0 → no progress"),
    _l("no goals with progress and a weight above 0 → no progress"),
    _l("no projects with progress and a weight above 0 → no progress"),
    _l(" left out (weight 0 or no progress)"),
    _l("Σ progress×weight / Σ weight over "),
    _l(" key results = "),
    _l(" objectives = "),
    _l(" goals = "),
    _l(" projects = "),
    _l("only one counted: "),
    _l("(weight "),
    _l("mean of live projects: "),
    _l("own measure: "),
    _l("; score = override "),
    _l("; score "),
    _l("done estimate "),
    _l(" / live estimate "),
    _l(" done / "),
    _l(" live tasks "),
    _l("→ no progress"),
    _l("milestone not done = "),
    _l("milestone done = "),
    _l("target = start = "),
    _l(": current "),
    _l(" target → "),
    _l(", clamped to "),
    _l("progress "),
    _l(" ≥ expected "),
    _l(" < expected "),
    _l(" but ≥ "),
    _l(" → on track"),
    _l(" → at risk"),
    _l(" → off track"),
    _l("; confidence "),
    _l("no progress to judge"),
    _l("period over: score "),
    _l("period over: progress "),
    _l(" is green"),
    _l(" is yellow"),
    _l(" is red"),
)
_EXPLAINED: dict[str, tuple] = {}


@bp.app_template_filter("explained")
def explained(text: str) -> str:
    """A formula or status reason of okr.rollup.rules in the request's language."""
    if not text:
        return text
    locale = str(get_locale())
    if locale.startswith("en"):
        return text
    found = _EXPLAINED.get(locale)
    if found is None:
        import re

        pairs = {str(p._args[0] if hasattr(p, "_args") else p): str(p) for p in FORMULA_PHRASES}
        pattern = re.compile("|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True)))
        found = _EXPLAINED[locale] = (pattern, pairs)
    pattern, pairs = found
    return pattern.sub(lambda m_: pairs[m_.group(0)], text)


def attention_html(r: Rollup, items: list[Attention]) -> Markup:
    """The attention list's items, each rendered once by reports/_attention.html and kept with
    the item (an item is kept per node and language until its node changes)."""
    macro = None
    out = []
    for a in items:
        if a.html is None:
            if macro is None:
                macro = current_app.jinja_env.get_template("leadership/_attention.html").module.item
                explain_base, team_base = url_bases(r)
            a.html = str(
                macro(
                    a=a,
                    kind_label=str(KIND_LABELS.get(a.kind, a.kind)),
                    href=a.href or explain_base.format(a.kind, a.id),
                    team_href=team_base.format(quote(a.team.slug, safe="")) if a.team else None,
                )
            )
        out.append(a.html)
    return Markup("".join(out))


def pct(value) -> str:
    """A progress as a percentage with one decimal, rounded half up as on every page
    (okr.rollup.formulas.percent: 0.6667 → 66.7%, 0.125 → 12.5%), "–" for none."""
    if value is None:
        return "–"
    return f"{rollup.percent(value, 1)}%"


def qty(value) -> str:
    """A stored quantity as people write it: 1000, 6.2 (no trailing zeros)."""
    if value is None:
        return ""
    d = Decimal(value).normalize()
    return format(d, "f")


def num4(value) -> str:
    if value is None:
        return ""
    return format(Decimal(value).quantize(Decimal("0.0001")), "f")


def width_class(value) -> int:
    if value is None:
        return 0
    return max(0, min(100, int((Decimal(value) * 100).to_integral_value())))


def sparkline(series: list[float] | None, width: int = 80, height: int = 18) -> str:
    """SVG polyline points for a trend (y = 0 at the bottom, 1 at the top)."""
    if not series or len(series) < 2:
        return ""
    step = width / (len(series) - 1)
    pts = []
    for i, v in enumerate(series):
        v = min(1.0, max(0.0, v))
        pts.append(f"{i * step:.0f},{(1 - v) * (height - 2) + 1:.1f}")
    return " ".join(pts)


def url_bases(r: Rollup) -> tuple[str, str]:
    """``str.format`` patterns of the explain and team rollup URLs of this period, built once by
    url_for: a page links thousands of figures, and building each URL alone costs more than
    the rollup itself."""
    period = str(r.period)
    explain = url_for("leadership.explain", kind="KIND", item_id=1, period=period)
    team = url_for("leadership.team", slug="SLUG", period=period)
    brace = lambda u: u.replace("{", "{{").replace("}", "}}")  # noqa: E731
    return brace(explain).replace("/KIND/1/", "/{}/{}/"), brace(team).replace("/SLUG/", "/{}/")


#: The attention list shows this many items first (worst first); "show all" lists every one.
ATTENTION_SHOWN = 60

#: Up to this many key results a rollup page shows them inline; a larger tree (a company's year)
#: shows objectives and opens their key results on demand, so the page stays small and fast.
INLINE_KEY_RESULTS = 300
#: Likewise up to this many objectives a page shows them inline; past it (a company's year: four
#: quarters of every team) goals open their objectives on demand.
INLINE_OBJECTIVES = 200


def tree_html(r: Rollup, roots: list[rollup.Node], depth0: int = 0) -> Markup:
    """The drill-down in document order as nested ``<details>``: team → goal → objective → key
    result; projects and their tasks open on demand (htmx) or on the key result's explain
    page (without script). Past INLINE_KEY_RESULTS key results, objectives open theirs on
    demand the same way, and past INLINE_OBJECTIVES objectives, goals open theirs.

    Each line is rendered once by the ``line`` macro of reports/_tree.html and kept per node
    and language in ``r.view_memo``: after a check-in only the lines on its path are made
    again, and a company page is the joining of kept strings.
    """
    inline = r.derived.get(("shape", "inline"))
    if inline is None:
        kinds = Counter(k[0] for k in r.index)
        inline = r.derived[("shape", "inline")] = (
            kinds["objective"] <= INLINE_OBJECTIVES,
            kinds["key_result"] <= INLINE_KEY_RESULTS,
        )
    inline_objectives, inline_krs = inline
    locale = str(get_locale())
    memo = r.view_memo
    maker = None

    def visit(n: rollup.Node, depth: int, opened: bool, parent_team) -> str:
        """The node's line and everything under it, kept per subtree: an unchanged node is the
        same object with the same children, so after a check-in only its path is joined again."""
        nonlocal maker
        info = r.meta.get((n.kind, n.id), {})
        team = info.get("team")
        shown_team = team if team is not parent_team or n.kind == "team" else None
        leaf = (
            n.kind == "key_result"
            or (n.kind == "objective" and not inline_krs)
            or (n.kind == "goal" and not inline_objectives)
        )
        # By item, not by node object: a changed node's subtree replaces its last one (the page of
        # a company's year is joined again after every change; kept by object they piled up).
        # depth0 tells which children open.
        key = ("subtree", n.kind, n.id, locale, depth, depth0, opened, leaf)
        hit = memo.get(key)
        if hit is not None and hit[0] is n and hit[1] is shown_team:
            return hit[2]
        line_key = ("line", n.kind, n.id, locale, depth, opened, leaf)
        line = memo.get(line_key)
        if line is not None and line[0] is n:
            html = line[1]
        else:
            maker = maker or _LineMaker(r)
            html = maker.line(n, info, depth, opened, shown_team, leaf)
            memo[line_key] = (n, html)
        if not leaf:
            html += "".join([visit(c, depth + 1, n.kind == "team" and depth == depth0, team) for c in n.children])
        html += "</details></div>"
        memo[key] = (n, shown_team, html)
        return html

    return Markup("".join([visit(root, depth0, depth0 == 0, None) for root in roots]))


class _LineMaker:
    """Everything a drill-down line needs that is the same for every line of a page: labels
    in the request's language, URL patterns and the macro, looked up once."""

    def __init__(self, r: Rollup):
        from flask import current_app

        self.r = r
        self.macro = current_app.jinja_env.get_template("leadership/_tree.html").module.line
        self.explain_base, self.team_base = url_bases(r)
        self.labels = {k: str(v) for k, v in STATUS_LABELS.items()}
        self.bands = {k: str(v) for k, v in BAND_LABELS.items()}
        self.kinds = {k: str(v) for k, v in KIND_LABELS.items()}
        self.weight_fmt, self.not_counted = _("weight %(w)s"), _("not counted")
        self.score_fmt = _("score %(s)s")
        self.lazy_label = _("What it is made of")
        self.pace_class = width_class(r.expected)
        self.words = {
            "milestone": _("milestone"),
            "done": _("done"),
            "not done": _("not done"),
            "now": _("now"),
            "last": _("last check-in"),
            "never": _("never"),
            "nobody": _("nobody"),
            "owner": _("owner"),
            "from_projects": _("progress from its projects"),
            "committed": _("committed"),
            "aspirational": _("aspirational"),
        }
        self.tasks_fmt = _("%(done)s done of %(live)s live tasks, %(dropped)s dropped (not counted)")

    def facts(self, n: rollup.Node, info: dict) -> str:
        row, words = info.get("row"), self.words
        if row is None:
            return ""
        if n.kind == "key_result":
            if row.kind == "milestone":
                text = f"{words['milestone']}: {words['done'] if row.is_done else words['not done']}"
            else:
                text = f"{qty(row.start)} → {qty(row.target)} {row.unit}, {words['now']} {qty(row.current)}"
            text += f" · {words['last']}: {row.last_check_in_on or words['never']}"
            text += f" · A: {', '.join(info.get('accountable') or []) or words['nobody']}"
            if row.progress_from == "projects":
                text += f" · {words['from_projects']}"
            return text
        if n.kind == "objective":
            return f"{row.quarter} · {words.get(row.kind, row.kind)} · {words['owner']}: {info.get('owner') or words['nobody']}"
        if n.kind == "project":
            return f"{row.month} · " + self.tasks_fmt % {
                "done": info["done"],
                "live": info["live"],
                "dropped": info["dropped"],
            }
        return ""

    def line(self, n: rollup.Node, info: dict, depth: int, opened: bool, shown_team, leaf: bool) -> str:
        weight = self.weight_fmt % {"w": qty(n.weight)}
        if not n.counted:
            weight += f" · {self.not_counted}"
        team = info.get("team")
        explain_url = self.explain_base.format(n.kind, n.id)
        return str(
            self.macro(
                n=n,
                depth=depth,
                open=opened,
                kind_label=self.kinds.get(n.kind, n.kind),
                title_url=self.team_base.format(quote(team.slug, safe="")) if n.kind == "team" and team else None,
                team_name=shown_team.name if shown_team and n.kind != "team" else None,
                team_url=self.team_base.format(quote(shown_team.slug, safe=""))
                if shown_team and n.kind != "team"
                else None,
                explain_url=explain_url,
                figure=pct(n.progress),
                data_progress=num4(n.progress),
                width=width_class(n.progress),
                status_label=self.labels.get(n.status, "") if n.status else "",
                weight_text=weight,
                score_text=self.score_fmt % {"s": num4(n.score)} if n.score is not None else "",
                band_label=self.bands.get(n.band, "") if n.band else "",
                spark=sparkline(self.r.trends.get((n.kind, n.id))) if n.kind != "project" else "",
                facts=self.facts(n, info),
                lazy_url=explain_url if leaf and n.children else None,
                lazy_label=self.lazy_label,
                pace_class=self.pace_class,
            )
        )


def node_json(n: rollup.Node, r: Rollup) -> dict:
    d = {
        "kind": n.kind,
        "id": n.id,
        ("name" if n.kind == "team" else "title"): n.title,
        "progress": _round(n.progress),
        "expected": _round(n.expected),
        "status": n.status,
        "weight": _round(n.weight),
        "counted": n.counted,
        "formula": n.formula,
    }
    if n.kind == "team":
        d["slug"] = r.meta.get(("team", n.id), {}).get("team").slug if ("team", n.id) in r.meta else None
    if n.status_reason:
        d["status_reason"] = n.status_reason
    if n.score is not None or n.kind in ("objective", "key_result"):
        d["score"] = _round(n.score)
        d["band"] = n.band
    if n.kind == "project":
        info = r.meta.get(("project", n.id), {})
        d.update(done=info.get("done"), live=info.get("live"), dropped=info.get("dropped"))
    trend = r.trends.get((n.kind, n.id))
    if trend is not None:
        d["trend"] = [round(v, 4) for v in trend]
    d["children"] = [node_json(c, r) for c in n.children]
    return d


def _round(value) -> float | None:
    if value is None:
        return None
    return float(Decimal(value).quantize(Decimal("0.0001")))


def rollup_json(r: Rollup) -> dict:
    out = node_json(r.root, r)
    e = r.effort
    out.update(
        period=str(r.period),
        today=r.today.isoformat(),
        unaligned=[node_json(n, r) for n in r.unaligned],
        elsewhere=[node_json(n, r) for n in r.elsewhere],
        attention=[
            {
                "kind": a.kind,
                "id": a.id,
                "title": a.title,
                "team": a.team.slug if a.team else None,
                "reasons": a.reasons,
            }
            for a in attention_of(r)
        ],
        effort={
            "quarter": str(r.effort_period),
            "total": e.total,
            "linked": e.linked,
            "unlinked": e.unlinked,
            "linked_share": _round(e.linked_fraction),
            "quadrants": {
                str(q): {"tasks": e.counts[q], "linked": e.linked_counts[q], "share": _round(e.fractions[q])}
                for q in eisenhower.ORDER
            },
        },
    )
    return out


def _context(r: Rollup, **extra) -> dict:
    prev_p, next_p = r.period.prev(), r.period.next()
    if isinstance(r.period, periods.Quarter):
        other = r.period.fiscal_year()
    else:
        other = periods.quarter_of(min(max(r.today, r.period.start), r.period.end), _fiscal_start())
    return dict(
        r=r,
        period=str(r.period),
        prev_period=str(prev_p),
        next_period=str(next_p),
        other_period=str(other),
        pct=pct,
        num4=num4,
        qty=qty,
        width_class=width_class,
        sparkline=sparkline,
        tree_html=tree_html,
        attention_html=attention_html,
        lazy_label=_("What it is made of"),
        pace_class=width_class(r.expected),
        explain_base=url_bases(r)[0],
        team_base=url_bases(r)[1],
        status_labels=STATUS_LABELS,
        band_labels=BAND_LABELS,
        kind_labels=KIND_LABELS,
        quadrant_labels=QUADRANT_LABELS,
        quadrants=eisenhower.ORDER,
        is_company=r.team.parent_id is None,
        **extra,
    )


def _root_team():
    team = top_team()
    if team is None:
        abort(404)
    return team


def _team_by_slug(slug: str):
    """A team by slug; "company" is the top team when no team has that slug."""
    if slug == "company" and not any(t.slug == slug for t in team_records()):
        return _root_team()
    return team_or_404(slug)


def _page(team: TeamRecord, period_text: str):
    period = _period_or_404(period_text)
    r = build_rollup(team, period)
    if wants_json():
        return jsonify(rollup_json(r))
    attention = sorted(attention_of(r) + _overspent(r), key=lambda a: (a.severity, a.kind != "team", a.title))
    limit = len(attention) if request.args.get("all") else ATTENTION_SHOWN
    from okr.leadership import pictures

    pic = pictures.picture(r, *url_bases(r))
    shown = attention[:limit]
    if request.args.get("present"):
        by_team = {(t.id if t else None): items for t, items in attention_groups(attention)}
        return render("leadership/present.html", pic=pic, by_team=by_team, **_context(r))
    return render(
        "leadership/rollup.html",
        attention=attention,
        attention_limit=limit,
        attention_groups=attention_groups(shown),
        pic=pic,
        **_context(r),
    )


# --- pages ------------------------------------------------------------------------------------


@bp.get("/rollup")
@login_required
def company_now():
    return redirect(url_for("leadership.company", period=str(periods.quarter_of(_today(), _fiscal_start()))))


@bp.get("/rollup/<period>")
@login_required
def company(period):
    team = top_team()
    if team is None:
        if wants_json():
            abort(404)
        from flask import flash

        # A new organisation has no team yet: say so where the teams will be, not 404.
        flash(_("There is no team yet, so there is nothing to roll up. An admin adds teams under Admin."), "info")
        return redirect(url_for("home.teams"))
    return _page(team, period)


@bp.get("/teams/<slug>/rollup/<period>")
@login_required
def team(slug, period):
    return _page(team_or_404(slug), period)


@bp.get("/api/v1/rollup/<slug>/<period>")
@login_required
def api_rollup(slug, period):
    team = _team_by_slug(slug)
    r = build_rollup(team, _period_or_404(period))
    return jsonify(rollup_json(r))


def _top_of(team_id: int) -> int:
    chain = actor().ancestors_and_self(team_id)
    return chain[-1]


@bp.get("/rollup/explain/<kind>/<int:item_id>/<period>")
@login_required
def explain(kind, item_id, period):
    """What a figure was made from: its formula, its children with their weights, the pace."""
    model = EXPLAIN_KINDS.get(kind)
    if model is None:
        abort(404)
    p = _period_or_404(period)
    item, team = item_or_404(model, item_id)
    if kind == "team":
        top = item
    else:
        top = team_by_id(_top_of(team.id)) or team
    r = build_rollup(top, p)
    node = r.node(kind, item.id)
    if node is None:
        abort(404)
    if wants_json():
        return jsonify(node_json(node, r))
    return render(
        "leadership/explain.html", block="explain", **_context(r, node=node, info=r.meta.get((kind, node.id), {}))
    )


# --- quarter review ---------------------------------------------------------------------------
