"""The rollup's tree: the inputs (team, goal, objective, key result, project), their evaluation
into :class:`Node` objects that carry every figure with its formula, and the trend of each node.

Pure: no Flask, no database. The arithmetic is :mod:`okr.rollup.formulas`; this module only
walks the tree, reusing every unchanged subtree when the caller keeps a memo.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from okr.core.kinds import KR_KINDS, OBJECTIVE_KINDS, PROGRESS_FROM
from okr.rollup.formulas import (
    _Q4,
    _WIDE,
    ONE,
    _Acc,
    _band_status_with_reason,
    _dec,
    _eq,
    _fmt,
    _kr,
    _project,
    _status_with_reason,
    _weight,
    kr_score,
    score_band,
)

# --- traceable tree evaluation -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProjectIn:
    """A project by its task counts (dropped tasks already left out of ``live``)."""

    id: Any
    title: str
    done: int
    live: int
    done_estimate: Any = None
    live_estimate: Any = None
    weight: Any = 1


@dataclass(frozen=True, slots=True)
class KRIn:
    """A key result; ``current`` is the latest check-in's value, None when there is none;
    ``expected`` its own pace when it counts from a day of its own (``starts_on``)."""

    id: Any
    title: str
    kind: str
    start: Any
    target: Any
    current: Any
    done: bool = False
    weight: Any = 1
    progress_from: str = "checkins"
    confidence: Any = None
    projects: tuple[ProjectIn, ...] = ()
    score_override: Any = None
    expected: Any = None


@dataclass(frozen=True, slots=True)
class ObjectiveIn:
    """An objective; ``expected`` is the pace it and its key results are judged against when
    it differs from the tree's (a quarter's objective in a year's rollup runs by its quarter)."""

    id: Any
    title: str
    kind: str = "committed"
    weight: Any = 1
    key_results: tuple[KRIn, ...] = ()
    expected: Any = None


@dataclass(frozen=True, slots=True)
class GoalIn:
    """An annual goal; ``measure`` is an optional ``(start, target, current)`` of its own;
    ``expected`` its own pace when it counts from a day of its own (``starts_on``)."""

    id: Any
    title: str
    weight: Any = 1
    objectives: tuple[ObjectiveIn, ...] = ()
    measure: tuple[Any, Any, Any] | None = None
    expected: Any = None


@dataclass(frozen=True, slots=True)
class TeamIn:
    """A team with its goals and its sub-teams; the company is the root team."""

    id: Any
    name: str
    goals: tuple[GoalIn, ...] = ()
    children: tuple[TeamIn, ...] = ()


def _json_number(d: Decimal | None) -> float | None:
    # Serialisation only: arithmetic never sees these floats.
    return None if d is None else float(d.quantize(_Q4, context=_WIDE))


@dataclass(slots=True, eq=False)
class Node:
    """One evaluated figure and what it was made of.

    ``kind`` is team / goal / objective / key_result / project. ``weight`` is the item's own
    weight, except for a team, whose weight is the total weight of the counted goals in its
    subtree (what it carries in its parent's mean). ``counted`` is False for a child that its
    parent's figure left out (weight 0, no progress, or a parent measured otherwise: a goal
    with its own measure, a KR measured by check-ins). ``status`` is None when no
    ``expected`` pace was given, and for projects under a key result (a project runs by its
    month, not the period being viewed). ``score`` and ``band`` are set for key results and
    objectives. ``formula`` shows the arithmetic with the numbers filled in; ``status_reason``
    shows the status rule that applied.
    """

    kind: str
    id: Any
    title: str
    progress: Decimal | None
    weight: Decimal
    formula: str
    expected: Decimal | None = None
    status: str | None = None
    status_reason: str = ""
    score: Decimal | None = None
    band: str | None = None
    confidence: Decimal | None = None
    counted: bool = True
    children: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        """Every node of the tree, this one first, depth first, children in order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe values: figures (progress, weight, expected, score, confidence) become
        floats rounded half-up to 4 places (None stays None); ``id`` is passed through."""
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "progress": _json_number(self.progress),
            "weight": _json_number(self.weight),
            "expected": _json_number(self.expected),
            "status": self.status,
            "status_reason": self.status_reason,
            "score": _json_number(self.score),
            "band": self.band,
            "confidence": _json_number(self.confidence),
            "counted": self.counted,
            "formula": self.formula,
            "children": [child.as_dict() for child in self.children],
        }


def evaluate(
    node: TeamIn | GoalIn | ObjectiveIn | KRIn | ProjectIn,
    *,
    expected: Any = None,
    by_estimate: bool = False,
    memo: dict | None = None,
) -> Node:
    """Evaluate a tree of inputs into a tree of :class:`Node`, every figure with its formula.

    ``expected`` is the pace of the period being viewed (its elapsed fraction, 0…1); without
    it no status is judged. ``by_estimate`` measures projects by estimate where they have one.
    Work is linear in the size of the tree. A team may appear only once in the tree.

    ``memo`` (a dict kept by the caller between calls with the same ``expected`` and
    ``by_estimate``) remembers the node made from each input object: inputs are frozen, so a
    subtree whose input is the very same object as last time is not evaluated again. A caller
    that replaces only the inputs along a changed path (a key result, its objective, goal and
    teams) pays for that path, not for the tree.
    """
    e = None if expected is None else _dec(expected, "expected")
    ev = _Eval(e, by_estimate, memo)
    if isinstance(node, TeamIn):
        return ev.team(node, set())[0]
    if isinstance(node, GoalIn):
        return ev.goal(node)
    if isinstance(node, ObjectiveIn):
        return ev.objective(node)
    if isinstance(node, KRIn):
        return ev.kr(node, committed=False)
    if isinstance(node, ProjectIn):
        return _eval_project(node, e, by_estimate, judged=True)
    raise TypeError(f"cannot evaluate {type(node).__name__}")


def _judge(n: Node, e: Decimal | None, committed: bool | None = None) -> None:
    """Status against pace. Once the period is over (pace 1) the score band decides instead: an
    objective's or key result's (``committed`` given) by its score, a goal's or team's by its
    progress against the aspirational bar (okr.rollup.formulas.band_status)."""
    if e is not None:
        n.expected = e
        if e >= ONE and committed is not None and n.score is not None:
            n.status, n.status_reason = _band_status_with_reason(n.score, committed)
        elif e >= ONE and committed is None and n.kind in ("goal", "team") and n.progress is not None:
            n.status, n.status_reason = _band_status_with_reason(n.progress, False, "progress")
        else:
            n.status, n.status_reason = _status_with_reason(n.progress, e, n.confidence)


def _eval_project(pr: ProjectIn, e, by_estimate: bool, *, judged: bool) -> Node:
    progress, how = _project(pr.done, pr.live, pr.done_estimate, pr.live_estimate, by_estimate)
    if progress is None:
        formula = "0 live tasks → no progress"
    elif how[0] == "estimate":
        formula = f"done estimate {_fmt(how[1])} / live estimate {_fmt(how[2])} {_eq(progress)}"
    else:
        formula = f"{how[1]} done / {how[2]} live tasks {_eq(progress)}"
    n = Node("project", pr.id, pr.title, progress, _weight(pr.weight), formula)
    if judged:
        _judge(n, e)
    return n


class _Eval:
    """One evaluation: the pace, the estimate rule and the memo of earlier evaluations.

    Each method returns the remembered result when its input object is the one remembered
    (the memo keeps the input alive, so its id cannot be reused by another object)."""

    __slots__ = ("e", "by_estimate", "memo")

    def __init__(self, e, by_estimate: bool, memo: dict | None) -> None:
        self.e, self.by_estimate, self.memo = e, by_estimate, memo

    def _recall(self, item, key_extra=None):
        if self.memo is None:
            return None
        hit = self.memo.get((id(item), key_extra))
        return hit[1] if hit is not None and hit[0] is item else None

    def _keep(self, item, result, key_extra=None):
        if self.memo is not None:
            self.memo[(id(item), key_extra)] = (item, result)
        return result

    def kr(self, kr: KRIn, *, committed: bool, e: Decimal | None = None) -> Node:
        found = self._recall(kr, committed)
        if found is not None:
            return found
        e, by_estimate = self.e if e is None else e, self.by_estimate
        if kr.expected is not None and e is not None:
            e = _dec(kr.expected, "expected")
        if kr.kind not in KR_KINDS:
            raise ValueError(f"unknown key result kind {kr.kind!r}; expected one of {KR_KINDS}")
        children = [_eval_project(p, e, by_estimate, judged=False) for p in kr.projects]
        if kr.progress_from == "projects":
            acc = _Acc(keep_terms=True)
            for child in children:
                child.counted = acc.add(child.progress, child.weight)
            progress = acc.result()
            formula = "mean of live projects: " + acc.formula("projects")
        elif kr.progress_from == "checkins":
            progress, formula = _kr(kr.start, kr.target, kr.current, kr.kind, kr.done, explain=True)
            for child in children:
                child.counted = False
        else:
            raise ValueError(f"unknown progress_from {kr.progress_from!r}; expected one of {PROGRESS_FROM}")
        score = kr_score(progress, kr.score_override)
        if kr.score_override is not None:
            formula += f"; score = override {_fmt(score)}"
        n = Node(
            "key_result",
            kr.id,
            kr.title,
            progress,
            _weight(kr.weight),
            formula,
            score=score,
            band=score_band(score, committed=committed),
            confidence=None if kr.confidence is None else _dec(kr.confidence, "confidence"),
            children=children,
        )
        _judge(n, e, committed)
        return self._keep(kr, n, committed)

    def objective(self, obj: ObjectiveIn) -> Node:
        found = self._recall(obj)
        if found is not None:
            return found
        if obj.kind not in OBJECTIVE_KINDS:
            raise ValueError(f"unknown objective kind {obj.kind!r}; expected one of {OBJECTIVE_KINDS}")
        committed = obj.kind == "committed"
        e = self.e if obj.expected is None or self.e is None else _dec(obj.expected, "expected")
        children = [self.kr(kr, committed=committed, e=e) for kr in obj.key_results]
        acc = _Acc(keep_terms=True)
        scores = _Acc(keep_terms=True)
        for child in children:
            child.counted = acc.add(child.progress, child.weight)
            scores.add(child.score, child.weight)
        progress = acc.result()
        score = scores.result()
        formula = acc.formula("key results")
        if score != progress:
            formula += f"; score {scores.formula('key results')}"
        n = Node(
            "objective",
            obj.id,
            obj.title,
            progress,
            _weight(obj.weight),
            formula,
            score=score,
            band=None if score is None else score_band(score, committed=committed),
            children=children,
        )
        _judge(n, e, committed)
        return self._keep(obj, n)

    def goal(self, goal: GoalIn) -> Node:
        found = self._recall(goal)
        if found is not None:
            return found
        children = [self.objective(o) for o in goal.objectives]
        if goal.measure is not None:
            start, target, current = goal.measure
            progress, formula = _kr(start, target, current, "metric", False, explain=True)
            formula = "own measure: " + formula
            for child in children:
                child.counted = False
        else:
            acc = _Acc(keep_terms=True)
            for child in children:
                child.counted = acc.add(child.progress, child.weight)
            progress = acc.result()
            formula = acc.formula("objectives")
        n = Node("goal", goal.id, goal.title, progress, _weight(goal.weight), formula)
        n.children = children
        _judge(n, self.e if goal.expected is None or self.e is None else _dec(goal.expected, "expected"))
        return self._keep(goal, n)

    def team(self, team: TeamIn, seen: set) -> tuple[Node, _Acc]:
        if team.id in seen:
            raise ValueError(f"team {team.id!r} appears twice in the tree")
        seen.add(team.id)
        found = self._recall(team)
        if found is not None:
            return found
        acc = _Acc(keep_terms=True)
        children: list[Node] = []
        for goal in team.goals:
            child = self.goal(goal)
            child.counted = acc.add(child.progress, child.weight)
            children.append(child)
        for sub in team.children:
            child, sub_acc = self.team(sub, seen)
            child.counted = sub_acc.n > 0
            acc.merge(sub_acc)
            children.append(child)
        formula = "goals of this team and the teams under it: " + acc.formula("goals")
        n = Node("team", team.id, team.name, acc.result(), acc.w, formula, children=children)
        _judge(n, self.e)
        return self._keep(team, (n, acc))


def trend(
    root: Node,
    kr_series: dict[Any, list[float]],
    n: int,
    memo: dict | None = None,
    out: dict | None = None,
) -> dict[tuple[str, Any], list[float]]:
    """The trend of every node of an evaluated tree, ``n`` points each, keyed by (kind, id).

    A key result's trend is ``kr_series[id]`` when given, its last point replaced by its
    figure (so a trend drawn up to today ends where the figure stands), else flat at its
    progress (a KR measured by projects, a milestone). Every other node's point is the weighted mean of its
    *counted* children's points with the same weights as its figure (so the last point of a
    trend drawn up to today is the figure); a node with a figure of its own (a goal's own
    measure) is drawn flat. Floats: this is for drawing, not for the figures.

    To redraw only what changed, pass ``memo`` (kept between calls with the same ``n``) and
    ``out``, the trends drawn last time for a tree of the same shape: a node that
    :func:`evaluate` reused from its memo keeps its entry in ``out`` (and so does its subtree),
    every other node's entry is drawn again. A key result whose ``kr_series`` changed must
    therefore be evaluated anew.
    """
    out = {} if out is None else out

    def visit(node: Node) -> list[float] | None:
        if memo is not None:
            hit = memo.get(id(node))
            if hit is not None and hit[0] is node:
                return hit[1]
        child_series = [(c, visit(c)) for c in node.children]
        if node.kind == "key_result":
            s = kr_series.get(node.id)
            if node.progress is None:
                s = None
            elif s is None:
                s = [float(node.progress)] * n
            elif n:
                s = [*s[:-1], float(node.progress)]  # today's point is the figure itself
        elif node.kind == "project":
            s = None if node.progress is None else [float(node.progress)] * n
        else:
            counted = [(float(c.weight), cs) for c, cs in child_series if c.counted and cs is not None]
            total = sum(w for w, _ in counted)
            if counted and total > 0:
                s = [sum(w * cs[k] for w, cs in counted) / total for k in range(n)]
            elif node.progress is not None:
                s = [float(node.progress)] * n
            else:
                s = None
        if s is not None:
            out[(node.kind, node.id)] = s
        else:
            out.pop((node.kind, node.id), None)
        if memo is not None:
            memo[id(node)] = (node, s)
        return s

    visit(root)
    return out
