"""The rollup's formulas: every formula that turns check-ins, tasks and weights into progress, pace
status and quarter-end scores, from one project up to the company, each able to explain itself.

Nothing here touches Flask or the database: plain values in, :class:`~decimal.Decimal` out.
Pages, the JSON API and the benchmark all call these functions, so they agree to the digit.

Formula sheet (docs/rollup.md repeats it):

==================  ==========================================================================
figure              formula
==================  ==========================================================================
key result          ``(current − start) / (target − start)`` clamped to 0…1; a target below
                    the start means lower is better; ``current`` None (no check-in) is the
                    start; target = start gives 1 when current = target, else 0; a milestone
                    is 1 when done, else 0
KR from projects    mean of its live projects' progress (each weighs its weight, 1 unless set,
                    so it is the plain mean); projects without live tasks are left out
project             done tasks / live tasks (dropped tasks are not live); by estimate, done
                    estimate / live estimate; no live tasks → no progress (None)
objective           weighted mean of its key results
annual goal         its own measure (as a key result) when it has one, else the weighted mean
                    of its aligned objectives
team, company       weighted mean over the goals of the team and of every team under it (the
                    company is the root team)
weighted mean       ``Σ progress×weight / Σ weight``; weight 0 or no progress leaves an item
                    out; nothing left → None; a negative weight is a ValueError
status              see :func:`status`
KR score            the manager's override if any, else the progress, clamped to 0…1; a KR
                    with no progress scores 0
objective score     weighted mean of its KR scores; band: see :func:`score_band`
==================  ==========================================================================

Arithmetic runs in one private decimal context (28 significant digits, half-even, the widest
exponent range), so results never depend on a caller's thread context and no sum underflows
to zero. Every division checks its divisor first: none can divide by zero. Inputs may be
``Decimal``, ``int``, ``str`` or ``float`` (a float is read by its shortest repr, so ``0.7``
is exactly 0.7); NaN and infinities are a ValueError, ``bool`` and other types a TypeError.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from datetime import date
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Any

from okr.core.kinds import KR_KINDS, TASK_STATUSES

# --- thresholds: the one place they are set -------------------------------------------------

#: On track while progress ≥ expected − ON_TRACK_MARGIN.
ON_TRACK_MARGIN = Decimal("0.10")
#: At risk while progress ≥ expected − AT_RISK_MARGIN (and not on track); off track below.
AT_RISK_MARGIN = Decimal("0.25")
#: A latest confidence below this makes an item at most at risk.
CONFIDENCE_AT_RISK = Decimal("0.4")
#: A latest confidence below this makes an item off track.
CONFIDENCE_OFF_TRACK = Decimal("0.2")
#: Aspirational scores: red below YELLOW, yellow below GREEN, green from GREEN on.
ASPIRATIONAL_YELLOW = Decimal("0.4")
ASPIRATIONAL_GREEN = Decimal("0.7")
#: Committed scores are judged against 1.0: yellow from 0.7, green only at 1.0.
COMMITTED_YELLOW = Decimal("0.7")
COMMITTED_GREEN = Decimal("1")

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
_SEVERITY = (ON_TRACK, AT_RISK, OFF_TRACK)  # index = how bad
_LABEL = {ON_TRACK: "on track", AT_RISK: "at risk", OFF_TRACK: "off track"}


# --- decimal plumbing ----------------------------------------------------------------------

_CTX = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
# Only for rounding figures to 4 places for display: quantize needs room for every digit.
_WIDE = Context(prec=MAX_PREC, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)
_Q4 = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)
_MAX_TERMS = 8  # a formula lists its terms up to this many, then sums them up with Σ


def _dec(value: Any, name: str = "value") -> Decimal:
    """Read a number as a finite Decimal (see the module docstring for what is accepted)."""
    if type(value) is Decimal:
        if value.is_finite():
            return value
        raise ValueError(f"{name} must be a finite number, not {value}")
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{name} must be a number, not {value!r}")
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{name} must be a number, not {value!r}") from None
    else:
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not d.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return d


def _weight(value: Any) -> Decimal:
    w = _dec(value, "weight")
    if w < ZERO:
        raise ValueError(f"weight must not be negative, got {w}")
    return w


def _count(value: Any, name: str) -> int:
    """A task count: an int, or an integral Decimal (PostgreSQL's SUM returns those)."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        n = int(value)
    elif isinstance(value, bool):
        raise TypeError(f"{name} must be a count, not {value!r}")
    else:
        try:
            n = operator.index(value)
        except TypeError:
            raise TypeError(f"{name} must be a count, not {value!r}") from None
    if n < 0:
        raise ValueError(f"{name} must not be negative, got {n}")
    return n


def _clamp(x: Decimal) -> Decimal:
    if x <= ZERO:
        return ZERO  # also turns -0 into 0
    if x >= ONE:
        return ONE
    return x


def _fmt(d: Decimal) -> str:
    """A figure for a formula: at most 4 decimal places and no trailing zeros; a figure too
    large or too small for that (beyond 10^15, under 10^-4) keeps 6 digits as 1.5e-9."""
    if d.is_zero():
        return "0"
    if d.adjusted() > 15 or d.adjusted() < -4:  # neither hundreds of digits nor a false "0"
        return format(d, ".6g")
    s = format(d.quantize(_Q4, context=_WIDE), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _eq(d: Decimal) -> str:
    """``= 0.6`` when the shown figure is exact, ``≈ 0.6667`` when it is rounded."""
    shown = _fmt(d)
    exact = Decimal(shown) == d
    return f"= {shown}" if exact else f"≈ {shown}"


# --- key results ---------------------------------------------------------------------------


def kr_progress(start: Any, target: Any, current: Any, *, kind: str = "metric", done: bool = False) -> Decimal:
    """Progress of a key result, 0…1.

    ``metric`` and ``percent``: ``(current − start) / (target − start)`` clamped to 0…1. A
    target below the start means lower is better: churn 8 → 5 at 6.2 gives
    (6.2 − 8) / (5 − 8) = 0.6. ``current`` None means no check-in yet, so it is the start
    (progress 0).

    target = start ("hold the line", e.g. keep incidents at 0): there is no distance to cover,
    so progress is 1 when current = target and 0 otherwise, in either direction (the KR
    names no better side). With no check-in current is the start, which is the target: 1.

    ``milestone``: 1 when ``done``, else 0 (start, target and current are not read).
    ``done`` is ignored by the other kinds.
    """
    return _kr(start, target, current, kind, done, explain=False)[0]


def _kr(start, target, current, kind, done, *, explain: bool) -> tuple[Decimal, str]:
    if kind == "milestone":
        p = ONE if done else ZERO
        return p, (f"milestone {'done' if done else 'not done'} = {p}" if explain else "")
    if kind not in KR_KINDS:
        raise ValueError(f"unknown key result kind {kind!r}; expected one of {KR_KINDS}")
    s = _dec(start, "start")
    t = _dec(target, "target")
    c = s if current is None else _dec(current, "current")
    span = _CTX.subtract(t, s)
    if span.is_zero():  # the divisor itself is checked, so no division by zero can slip by
        p = ONE if c == t else ZERO
        if not explain:
            return p, ""
        rel = "=" if c == t else "≠"
        formula = f"target = start = {_fmt(t)}: current {_fmt(c)} {rel} target → {p}"
    else:
        raw = _CTX.divide(_CTX.subtract(c, s), span)
        p = _clamp(raw)
        if not explain:
            return p, ""
        formula = f"({_fmt(c)} − {_fmt(s)}) / ({_fmt(t)} − {_fmt(s)}) {_eq(raw)}"
        if raw != p:
            formula += f", clamped to {p}"
    if current is None:
        formula = "no check-in, current = start: " + formula
    return p, formula


def kr_progress_from_projects(progresses: Iterable[Any]) -> Decimal | None:
    """A key result's progress from its projects: the plain mean of the live projects' progress.

    ``Σ progress / n`` over the entries that are not None; None entries are projects with no
    live tasks and are skipped; no entries left → None. (project A 0.75, B 0.5 → 0.625)
    """
    acc = _Acc()
    for p in progresses:
        acc.add(p, ONE)
    return acc.result()


# --- projects ------------------------------------------------------------------------------


def project_progress(
    done: int,
    live: int,
    *,
    done_estimate: Any = None,
    live_estimate: Any = None,
    by_estimate: bool = False,
) -> Decimal | None:
    """Progress of a project: ``done / live`` tasks, or ``done_estimate / live_estimate``.

    ``live`` counts the tasks that are not dropped (todo, doing, done); ``done`` is the done
    ones among them, so 0 ≤ done ≤ live (else ValueError). No live tasks → None.
    By estimate only when ``by_estimate`` is asked and ``live_estimate`` is given and above 0;
    otherwise by count. A missing ``done_estimate`` then counts as 0.
    """
    return _project(done, live, done_estimate, live_estimate, by_estimate)[0]


def _project(done, live, done_estimate, live_estimate, by_estimate):
    """(progress, how) where how is ("count", done, live) or ("estimate", de, le)."""
    d = _count(done, "done")
    n = _count(live, "live")
    if d > n:
        raise ValueError(f"done ({d}) cannot exceed live ({n}) tasks")
    if n == 0:
        return None, ("count", d, n)
    if by_estimate and live_estimate is not None:
        le = _dec(live_estimate, "live_estimate")
        de = ZERO if done_estimate is None else _dec(done_estimate, "done_estimate")
        if le < ZERO or de < ZERO:
            raise ValueError("estimates must not be negative")
        if de > le:
            raise ValueError(f"done estimate ({de}) cannot exceed live estimate ({le})")
        if le > ZERO:
            return _CTX.divide(de, le), ("estimate", de, le)
    return _CTX.divide(Decimal(d), Decimal(n)), ("count", d, n)


def project_progress_from_tasks(tasks: Iterable[tuple[str, Any]], by_estimate: bool = False) -> Decimal | None:
    """:func:`project_progress` from ``(status, estimate)`` pairs, status one of
    todo / doing / done / dropped.

    Dropped tasks are not live. By estimate only when asked and *every* live task carries an
    estimate (a half-estimated project is measured by count rather than by a guess).
    """
    done = live = 0
    done_est = live_est = ZERO
    all_estimated = True
    for task_status, estimate in tasks:
        if task_status == "dropped":
            continue
        if task_status not in TASK_STATUSES:
            raise ValueError(f"unknown task status {task_status!r}; expected one of {TASK_STATUSES}")
        live += 1
        is_done = task_status == "done"
        done += is_done
        if estimate is None:
            all_estimated = False
        elif by_estimate:
            e = _dec(estimate, "estimate")
            live_est = _CTX.add(live_est, e)
            if is_done:
                done_est = _CTX.add(done_est, e)
    return project_progress(
        done,
        live,
        done_estimate=done_est,
        live_estimate=live_est if all_estimated else None,
        by_estimate=by_estimate,
    )


def percent(fraction: Any, places: int = 0) -> Decimal | None:
    """A figure (0…1) as a percentage rounded half up to ``places`` decimals; None stays None.

    Every page shows progress through this one rule: 1 of 8 tasks done is 0.125, shown as 13%
    to a whole percent (plan pages, the week board, the weekly report) and 12.5% to one decimal
    (the rollup pages). 2/3 → 67 or 66.7."""
    if fraction is None:
        return None
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return _CTX.multiply(_dec(fraction, "fraction"), _HUNDRED).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE)


_HUNDRED = Decimal(100)
_QUANTA = {0: Decimal(1), 1: Decimal("0.1")}


# --- means ---------------------------------------------------------------------------------


class _Acc:
    """Running weighted mean; merging two is O(1), so a team tree is summed in linear time.

    The mean is clamped to the smallest and largest counted progress, so rounding in the last
    of 28 digits can never put it outside its children (and equal children give the child).
    """

    __slots__ = ("pw", "w", "lo", "hi", "n", "left_out", "all_one", "terms")

    def __init__(self, keep_terms: bool = False) -> None:
        self.pw = ZERO
        self.w = ZERO
        self.lo: Decimal | None = None
        self.hi: Decimal | None = None
        self.n = 0
        self.left_out = 0
        self.all_one = True
        self.terms: list[tuple[Decimal, Decimal]] | None = [] if keep_terms else None

    def add(self, progress: Any, weight: Any) -> bool:
        """Count one item; return whether it was counted."""
        w = _weight(weight)
        if progress is None or w.is_zero():
            self.left_out += 1
            return False
        p = _dec(progress, "progress")
        self.pw = _CTX.add(self.pw, _CTX.multiply(p, w))
        self.w = _CTX.add(self.w, w)
        if self.n == 0:
            self.lo = self.hi = p
        elif p < self.lo:
            self.lo = p
        elif p > self.hi:
            self.hi = p
        self.n += 1
        if w != ONE:
            self.all_one = False
        if self.terms is not None and len(self.terms) <= _MAX_TERMS:
            self.terms.append((p, w))
        return True

    def merge(self, other: _Acc) -> None:
        self.left_out += other.left_out
        if other.n == 0:
            return
        self.pw = _CTX.add(self.pw, other.pw)
        self.w = _CTX.add(self.w, other.w)
        self.lo = other.lo if self.n == 0 or other.lo < self.lo else self.lo
        self.hi = other.hi if self.n == 0 or other.hi > self.hi else self.hi
        self.n += other.n
        self.all_one = self.all_one and other.all_one
        if self.terms is not None and other.terms is not None:
            room = _MAX_TERMS + 1 - len(self.terms)
            if room > 0:
                self.terms.extend(other.terms[:room])

    def result(self) -> Decimal | None:
        if self.n == 0 or self.w.is_zero():
            return None
        if self.lo == self.hi:
            return self.lo
        mean = _CTX.divide(self.pw, self.w)
        return min(max(mean, self.lo), self.hi)

    def formula(self, what: str) -> str:
        result = self.result()
        if result is None:
            text = f"no {what} with progress and a weight above 0 → no progress"
        elif self.terms is not None and self.n == 1:
            p, w = self.terms[0]
            text = f"only one counted: {_fmt(p)} (weight {_fmt(w)}) {_eq(result)}"
        elif self.terms is not None and self.n <= _MAX_TERMS:
            if self.all_one:
                parts = " + ".join(_fmt(p) for p, _ in self.terms)
                text = f"({parts}) / {self.n} {_eq(result)}"
            else:
                parts = " + ".join(f"{_fmt(p)}×{_fmt(w)}" for p, w in self.terms)
                text = f"({parts}) / {_fmt(self.w)} {_eq(result)}"
        else:
            text = f"Σ progress×weight / Σ weight over {self.n} {what} = {_fmt(self.pw)} / {_fmt(self.w)} {_eq(result)}"
        if self.left_out:
            text += f"; {self.left_out} left out (weight 0 or no progress)"
        return text


def weighted_mean(pairs: Iterable[tuple[Any, Any]]) -> Decimal | None:
    """``Σ progress×weight / Σ weight`` over ``(progress, weight)`` pairs.

    A weight of 0 or a progress of None leaves the item out; nothing left → None. A negative
    weight is a ValueError (checked even on items left out). The result always lies between
    the smallest and largest counted progress. ((0.5, 2), (0.8, 1)) → (0.5×2 + 0.8×1) / 3 = 0.6
    """
    acc = _Acc()
    for progress, weight in pairs:
        acc.add(progress, weight)
    return acc.result()


# --- status --------------------------------------------------------------------------------


def _pace_level(p: Decimal, e: Decimal) -> int:
    if p >= _CTX.subtract(e, ON_TRACK_MARGIN):
        return 0
    if p >= _CTX.subtract(e, AT_RISK_MARGIN):
        return 1
    return 2


def _confidence_level(c: Decimal | None) -> int:
    if c is None:
        return 0
    if c < CONFIDENCE_OFF_TRACK:
        return 2
    if c < CONFIDENCE_AT_RISK:
        return 1
    return 0


def status(progress: Any, expected: Any, confidence: Any = None) -> str:
    """Status of an item from its progress against pace and its latest confidence.

    ``expected`` is the pace: the elapsed fraction of the period (0…1). The status is the
    worse of the two columns below; progress None gives ``no_data``.

    ===========  =============================================  =========================
    status       progress against pace                          latest confidence
    ===========  =============================================  =========================
    on_track     progress ≥ expected − 0.10                     none, or ≥ 0.4
    at_risk      expected − 0.25 ≤ progress < expected − 0.10   0.2 ≤ confidence < 0.4
    off_track    progress < expected − 0.25                     confidence < 0.2
    ===========  =============================================  =========================

    The margins are ``ON_TRACK_MARGIN``, ``AT_RISK_MARGIN``, ``CONFIDENCE_AT_RISK`` and
    ``CONFIDENCE_OFF_TRACK``; each boundary belongs to the better side (progress exactly
    expected − 0.10 is on track, confidence exactly 0.4 changes nothing).
    """
    if progress is None:
        return NO_DATA
    p = _dec(progress, "progress")
    e = _dec(expected, "expected")
    c = None if confidence is None else _dec(confidence, "confidence")
    return _SEVERITY[max(_pace_level(p, e), _confidence_level(c))]


def _status_with_reason(p: Decimal | None, e: Decimal, c: Decimal | None) -> tuple[str, str]:
    if p is None:
        return NO_DATA, "no progress to judge"
    pace = _pace_level(p, e)
    conf = _confidence_level(c)
    on_bar = _CTX.subtract(e, ON_TRACK_MARGIN)
    risk_bar = _CTX.subtract(e, AT_RISK_MARGIN)
    if pace == 0:
        reason = f"progress {_fmt(p)} ≥ expected {_fmt(e)} − {ON_TRACK_MARGIN} = {_fmt(on_bar)}"
    elif pace == 1:
        reason = (
            f"progress {_fmt(p)} < expected {_fmt(e)} − {ON_TRACK_MARGIN} = {_fmt(on_bar)}"
            f" but ≥ {_fmt(e)} − {AT_RISK_MARGIN} = {_fmt(risk_bar)}"
        )
    else:
        reason = f"progress {_fmt(p)} < expected {_fmt(e)} − {AT_RISK_MARGIN} = {_fmt(risk_bar)}"
    reason += f" → {_LABEL[_SEVERITY[pace]]}"
    if conf:
        bar = CONFIDENCE_OFF_TRACK if conf == 2 else CONFIDENCE_AT_RISK
        reason += f"; confidence {_fmt(c)} < {bar} → {_LABEL[_SEVERITY[conf]]}"
    return _SEVERITY[max(pace, conf)], reason


# --- pace ----------------------------------------------------------------------------------


def pace(start: date, end: date, at: date, starts_on: date | None = None) -> Decimal:
    """Expected progress: the fraction of an item's days that have passed at the start of ``at``.

    An item counts from ``starts_on`` (clamped into its period) or, when None, from its
    period's first day ``start``, to the period's last day ``end``:
    ``clamp((at − from).days, 0, days) / days`` with ``days = (end − from).days + 1``. So a
    goal of 2026 added on 2026-07-02 is at 0 that day, not at one half; at 2026-04-01 a
    quarter starting 2026-04-01 (91 days) is at 0, and after its end at 1.
    """
    begin = start if starts_on is None else min(max(starts_on, start), end)
    days = (end - begin).days + 1
    passed = min(max((at - begin).days, 0), days)
    return _CTX.divide(Decimal(passed), Decimal(days))


def counts_from(start: date, end: date, created: date) -> date | None:
    """The ``starts_on`` of an item added on ``created`` to a period from ``start`` to ``end``:
    the day it was added when that lies after the period's first day and within it, else None
    (it counts from the period's start: added beforehand, on the first day, or afterwards)."""
    return created if start < created <= end else None


# --- quarter-end scores --------------------------------------------------------------------


def kr_score(progress: Any, override: Any = None) -> Decimal:
    """Quarter-end score of a key result, 0…1: the manager's override when given, else the
    progress, clamped to 0…1. A KR with neither (no progress) scores 0."""
    if override is not None:
        return _clamp(_dec(override, "override"))
    if progress is None:
        return ZERO
    return _clamp(_dec(progress, "progress"))


def objective_score(pairs: Iterable[tuple[Any, Any]]) -> Decimal | None:
    """Score of an objective: :func:`weighted_mean` of its ``(KR score, KR weight)`` pairs;
    no KR with a weight above 0 → None."""
    return weighted_mean(pairs)


def score_band(score: Any, *, committed: bool = False) -> str:
    """Colour of a score.

    ==============  ================  =====================  ==============
    objective       red               yellow                 green
    ==============  ================  =====================  ==============
    aspirational    score < 0.4       0.4 ≤ score < 0.7      score ≥ 0.7
    committed       score < 0.7       0.7 ≤ score < 1.0      score = 1.0
    ==============  ================  =====================  ==============

    0.7 is the usual bar for aspirational OKRs; a committed one is a promise, so it is green
    only when fully delivered. Boundaries belong to the better band.
    """
    s = _dec(score, "score")
    if committed:
        yellow, green = COMMITTED_YELLOW, COMMITTED_GREEN
    else:
        yellow, green = ASPIRATIONAL_YELLOW, ASPIRATIONAL_GREEN
    if s >= green:
        return "green"
    if s >= yellow:
        return "yellow"
    return "red"


_BAND_STATUS = {"green": ON_TRACK, "yellow": AT_RISK, "red": OFF_TRACK}


def band_status(score: Any, *, committed: bool = False) -> str:
    """Status of an objective or key result once its period is over: its score band decides
    (green on track, yellow at risk, red off track), not pace. An aspirational objective scored
    0.725 is green, so on track, though 0.725 < 1 − 0.25 would be off track against pace.
    A goal or a team of a finished period is judged the same way by its progress against the
    aspirational bar (green from 0.7), so it never reads off track above objectives scored green."""
    return _BAND_STATUS[score_band(score, committed=committed)]


def _band_status_with_reason(score: Decimal, committed: bool, what: str = "score") -> tuple[str, str]:
    band = score_band(score, committed=committed)
    found = _BAND_STATUS[band]
    return found, f"period over: {what} {_fmt(score)} is {band} → {_LABEL[found]}"


def met(score: Any, committed: bool = False) -> bool:
    """Whether a score meets its bar: ≥ 0.7 for aspirational, 1.0 for committed (= green)."""
    return score_band(score, committed=committed) == "green"
