"""How the SMART verdict applies when an item is saved: which failing letters block the save
(the organisation's setting, and Measurable always for a key result), and verdicts for many items.

Pure: no Flask, no database. The live panel, the badges and the save all call okr.smart.rules.check
through here, so what the person sees while typing is what the server applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache

from okr.smart.rules import LETTERS, Letter, SmartItem, SmartResult, check

__all__ = [
    "ALWAYS_BLOCKING",
    "blocking_letters",
    "blocking_problems",
    "check_many",
    "failing",
    "item_kind",
    "make_item",
]

# A key result that cannot be measured is not a key result, whatever the organisation says.
ALWAYS_BLOCKING = {"goal": "", "objective": "", "key_result": "M"}

_KIND_NAMES = {
    "goal": "goal",
    "annual_goal": "goal",
    "objective": "objective",
    "kr": "key_result",
    "key_result": "key_result",
    "key-result": "key_result",
}


def item_kind(kind: object) -> str | None:
    """The coach's name for an item kind (``kr`` → ``key_result``), or None when it is not one."""
    return _KIND_NAMES.get(kind) if isinstance(kind, str) else None


def blocking_letters(kind: str, org_blocking: str | None) -> str:
    """The letters that stop a save when they fail, in S, M, A, R, T order.

    The organisation's setting (``Organisation.smart_blocking``: "" by default, e.g. "SMT")
    names them; anything else in it is ignored. A key result always needs M.
    """
    chosen = {ch for ch in str(org_blocking or "").upper() if ch in LETTERS}
    chosen |= set(ALWAYS_BLOCKING.get(item_kind(kind) or "", ""))
    return "".join(letter for letter in LETTERS if letter in chosen)


def blocking_problems(result: SmartResult, kind: str, org_blocking: str | None) -> dict[str, Letter]:
    """{letter: its verdict} for each blocking letter whose verdict is "fail" (a warning never
    blocks); empty when the item may be saved."""
    return {
        letter: result[letter] for letter in blocking_letters(kind, org_blocking) if result[letter].verdict == "fail"
    }


def make_item(
    kind: str,
    *,
    title: object = "",
    description: object = "",
    period: object = None,
    parent_title: object = None,
    kr_kind: object = None,
    start: Decimal | None = None,
    target: Decimal | None = None,
    unit: object = None,
    due_date: date | None = None,
    confidence: Decimal | None = None,
    committed: bool | None = None,
) -> SmartItem:
    """A SmartItem from field values as forms and rows hold them.

    A milestone's start and target (0 → 1, filled in by the form) are no measure of it, so
    they are left out: a milestone is measured by its deliverable.
    """
    name = item_kind(kind)
    if name is None:
        raise ValueError(f"not a SMART item kind: {kind!r}")
    kr_kind = kr_kind if kr_kind in ("metric", "percent", "milestone") else None
    if kr_kind == "milestone":
        start = target = None
    return SmartItem(
        kind=name,
        title=str(title or ""),
        description=str(description or ""),
        period=str(period) if period else None,
        parent_title=str(parent_title) if parent_title else None,
        kr_kind=kr_kind,
        start=start,
        target=target,
        unit=str(unit) if unit else None,
        due_date=due_date,
        confidence=confidence,
        committed=committed,
    )


def check_many(items: Iterable[tuple[object, SmartItem]], today: date | None = None) -> dict:
    """{key: SmartResult} for many items at once: values in, verdicts out, nothing loaded.

    A plan page judges every item on each view, and items rarely change between views: the
    verdicts of the last few thousand (item, day) are kept. Items are frozen values,
    so a kept verdict is the verdict."""
    return {key: _checked(item, today) for key, item in items}


@lru_cache(maxsize=4096)
def _checked(item: SmartItem, today: date | None) -> SmartResult:
    return check(item, today=today)


def failing(results: Mapping[object, SmartResult], letter: str) -> set:
    """The keys whose ``letter`` fails."""
    return {key for key, result in results.items() if result[letter].verdict == "fail"}
