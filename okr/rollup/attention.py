"""What the rollup pages flag: items that need leadership's attention (behind pace, silent,
without an owner or an Accountable, unaligned), a key result's trend line, and how a week's
effort spreads over the Eisenhower quadrants and key results.

Pure: no Flask, no database; the figures it judges come from :mod:`okr.rollup.tree`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from types import MappingProxyType
from typing import Any

from okr.core.kinds import DROPPED, KR_KINDS, ORDER, Quadrant, quadrant
from okr.rollup.formulas import _CTX, AT_RISK, OFF_TRACK, ONE, _dec
from okr.rollup.tree import Node

# --- what needs attention -------------------------------------------------------------------

#: Why an item needs leadership's attention, worst first (the order of the attention list).
NEEDS_OFF_TRACK, NEEDS_AT_RISK, NEEDS_CHECK_IN, NEEDS_ACCOUNTABLE, NEEDS_OWNER, NEEDS_ALIGNMENT = range(6)


def attention(
    node: Node,
    *,
    silent: bool = False,
    has_accountable: bool = True,
    has_owner: bool = True,
    aligned: bool = True,
) -> list[int]:
    """The reasons (``NEEDS_*``, worst first) an evaluated item needs attention.

    Behind pace: off track, or at risk (its status). A key result: silent (no check-in for
    :data:`SILENT_DAYS`, see :func:`is_silent`) unless it is done, and no Accountable. An
    objective: no owner, and aligned to no annual goal. Projects are judged by their key
    result, never on their own. An item weighted 0 is left out of every figure on purpose;
    callers skip it and what lies under it.
    """
    if node.kind == "project":
        return []
    found = []
    if node.status == OFF_TRACK:
        found.append(NEEDS_OFF_TRACK)
    elif node.status == AT_RISK:
        found.append(NEEDS_AT_RISK)
    if node.kind == "key_result":
        if silent and (node.progress is None or node.progress < ONE):
            found.append(NEEDS_CHECK_IN)
        if not has_accountable:
            found.append(NEEDS_ACCOUNTABLE)
    if node.kind == "objective":
        if not has_owner:
            found.append(NEEDS_OWNER)
        if not aligned:
            found.append(NEEDS_ALIGNMENT)
    return found


# --- trend and silence: what the rollup pages draw and flag ---------------------------------

#: A key result measured by check-ins with no check-in for this many days is "silent".
SILENT_DAYS = 14


def is_silent(last_check_in: Any, period_start: Any, today: Any, days: int = SILENT_DAYS) -> bool:
    """Whether a key result has gone without a check-in for ``days`` days.

    Counted from its latest check-in, or from the start of the period when it has none; judged
    at ``today`` (a date). A period that has not started yet is never silent. So with a quarter
    starting 2026-04-01 and no check-in, the KR is silent from 2026-04-15 on.
    """
    since = period_start if last_check_in is None else max(last_check_in, period_start)
    return (today - since).days >= days


def progress_series(
    start: Any,
    target: Any,
    points: Iterable[tuple[Any, Any]],
    samples: Iterable[Any],
    *,
    kind: str = "metric",
    before: Any = None,
) -> list[float]:
    """A key result's progress at each sample date, for a trend line (floats, 0…1).

    At each sample the value is the latest check-in on or before it (``points`` are
    ``(date, value)`` pairs in date order), else ``before`` (the value carried into the period),
    else the start: the rule of :func:`kr_progress` (clamped; target = start gives 1 at the
    target, else 0), drawn over time. Floats, because this only draws; the figures stay
    Decimal. Milestones are not dated by check-ins; callers draw them flat at their progress.
    """
    if kind not in KR_KINDS or kind == "milestone":
        raise ValueError(f"a trend is drawn for metric and percent key results, not {kind!r}")
    s = float(_dec(start, "start"))
    span = float(_CTX.subtract(_dec(target, "target"), _dec(start, "start")))
    t = s + span

    def progress(value) -> float:
        c = s if value is None else float(value)
        if span == 0:
            return 1.0 if c == t else 0.0
        return min(1.0, max(0.0, (c - s) / span))

    pts = list(points)
    out: list[float] = []
    i = 0
    value = before
    for day in samples:
        while i < len(pts) and pts[i][0] <= day:
            value = pts[i][1]
            i += 1
        out.append(progress(value))
    return out


# --- effort: how a week's tasks spread over the quadrants and key results --------------------


@dataclass(frozen=True)
class Share:
    """How a week's live tasks spread over the quadrants and over key results.

    ``counts[q]`` live tasks in quadrant q, ``linked_counts[q]`` of them linked to a key result;
    ``fractions[q]``, ``linked_fraction`` and ``unlinked_fraction`` are shares of ``total``
    (Decimal, 0 when there are no tasks).
    """

    total: int
    counts: Mapping[Quadrant, int]
    linked_counts: Mapping[Quadrant, int]
    linked: int
    unlinked: int
    fractions: Mapping[Quadrant, Decimal]
    linked_fraction: Decimal
    unlinked_fraction: Decimal


def _fraction(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(part) / Decimal(whole)


def effort_share(tasks: Iterable[tuple[bool, bool, bool, str]]) -> Share:
    """Count a week's tasks, given as ``(important, urgent, linked, status)``, per quadrant and
    by whether they are linked to a key result.

    Rule: live tasks count (todo, doing, done); dropped tasks do not. Each fraction is a count
    over the live total, e.g. 1 of 3 → Decimal("0.3333333333333333333333333333"); with no live
    tasks every fraction is 0, never a division by zero.
    """
    counts = dict.fromkeys(ORDER, 0)
    linked_counts = dict.fromkeys(ORDER, 0)
    for important, urgent, linked, status in tasks:
        if status == DROPPED:
            continue
        q = quadrant(important, urgent)
        counts[q] += 1
        if linked:
            linked_counts[q] += 1
    total = sum(counts.values())
    linked = sum(linked_counts.values())
    return Share(
        total=total,
        counts=MappingProxyType(counts),
        linked_counts=MappingProxyType(linked_counts),
        linked=linked,
        unlinked=total - linked,
        fractions=MappingProxyType({q: _fraction(n, total) for q, n in counts.items()}),
        linked_fraction=_fraction(linked, total),
        unlinked_fraction=_fraction(total - linked, total),
    )
