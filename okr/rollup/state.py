"""Rollups built from the tables and brought forward by the changes written since.

A rollup of a team × period is loaded in a fixed number of set-based queries
(``okr.rollup.queries.load_rollup``) and evaluated by ``okr.rollup.rules``, the one source of the formulas.
Every change goes through ``okr.plans.ops``, which writes an audit event, so the organisation's
newest event id is its data version. :func:`bring_forward` reads the events written since a
rollup was built: when they only touch tasks and check-ins (the everyday writes of a working
week) it reloads just the projects, key results and teams they touched and re-evaluates only
the paths above them; anything else (a plan edited, a RACI letter, a team moved, many events)
rebuilds from the tables. Either way the figures equal a rebuild's (tests/test_rollup_state.py).
Event ids are exact versions because every audited write holds its organisation's lock until
it commits (okr.core.writes.lock_org). A write that skipped its audit event, or a row changed
by hand in the database, shows when the rollup is next built from the tables: the pages keep
one for at most ``ROLLUP_MAX_AGE`` seconds (``built_at``), and the guard of tests and
development (okr.core.audit_guard) fails any write path that forgets its event.

No Flask here: ``okr.leadership.views`` keeps a few of these per worker and adds what a page shows.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds as eisenhower
from okr.core import models as m
from okr.core import periods
from okr.core.queries import id_list, param, run
from okr.rollup import queries
from okr.rollup import rules as rollup

#: More events than this since a rollup was built: rebuild rather than bring it forward.
MAX_EVENTS = 200

#: Task fields that move no figure: a card's place in its quadrant, its text, who holds it.
_TASK_QUIET = frozenset(
    {
        "position",
        "title",
        "description",
        "assignee_id",
        "delegated_by_id",
        "due_on",
        "done_at",
        "carry_count",
        "updated_at",
        "updated_by_id",
    }
)
#: Task fields that move only the effort split (a card moved to another quadrant): its team's
#: kept counts change by one each way (_effort_moves); its project's progress and the paths
#: above it stay as they are. Counting the team's split afresh costs a GROUP BY over its
#: quarter's tasks (about 15 ms at the benchmark's scale 1): worth the shortcut.
_TASK_EFFORT = _TASK_QUIET | {"important", "urgent"}
#: Key result fields that change through check-ins (okr.plans.ops.refresh_key_result).
_KR_FROM_CHECK_INS = frozenset({"current", "confidence", "last_check_in_on", "updated_at", "updated_by_id"})


@dataclass
class Rollup:
    """One evaluated rollup: the tree, the groups outside it, and what they were made from.

    ``version`` is the organisation's newest audit event id the figures include. ``derived``
    holds what the web layer makes from the tree per language (attention lists, page rows);
    it is emptied whenever the tree changes, except keys ``("shape", …)``: those depend only on
    which items the tree holds, and bringing a rollup forward never changes that (anything that
    adds or removes an item rebuilds).
    """

    team: Any
    period: Any
    today: date
    expected: Decimal
    root: rollup.Node
    unaligned: list[rollup.Node]
    elsewhere: list[rollup.Node]
    meta: dict[tuple[str, Any], dict]
    trends: dict[tuple[str, Any], list[float]]
    effort: rollup.Share
    teams: dict[int, Any]
    effort_period: Any
    version: int | None
    index: dict[tuple[str, Any], rollup.Node] = field(default_factory=dict)
    derived: dict = field(default_factory=dict)
    # What a bring-forward needs: the rows, the inputs and the memos of evaluation and trends.
    data: queries.RollupData | None = None
    inputs: _Inputs | None = None
    eval_memo: dict = field(default_factory=dict)
    trend_memo: dict = field(default_factory=dict)
    # What pages make of each node (lines, attention reasons), kept by the web layer under
    # (what, id(node), …) → (node, made): a node that did not change is not made again.
    view_memo: dict = field(default_factory=dict)
    samples: list[date] = field(default_factory=list)
    kr_series: dict[int, list[float]] = field(default_factory=dict)
    unaligned_ids: frozenset = frozenset()
    built_at: float = 0.0  # time.monotonic() when it was built from the tables (ROLLUP_MAX_AGE)

    def node(self, kind: str, item_id: Any) -> rollup.Node | None:
        return self.index.get((kind, item_id))


def effort_quarter(period, today: date):
    """Effort alignment is about a quarter's tasks: the quarter viewed, or for a year its
    quarter holding today (the first or last one when today lies outside the year)."""
    if isinstance(period, periods.Quarter):
        return period
    day = min(max(today, period.start), period.end)
    return periods.quarter_of(day, period.fiscal_start)


def samples(period, today: date) -> list[date]:
    """Trend points: each week's Sunday (a quarter) or each month's end (a year) up to today,
    and today itself."""
    end = min(period.end, today)
    if today < period.start:
        return []
    if isinstance(period, periods.Year):
        days = [mo.end for mo in period.months()]
    else:
        days = [w.end for w in period.weeks()]
    out = [d for d in days if d < end]
    out.append(end)
    return out


def latest_version(session: Session, org_id: int) -> int | None:
    """The organisation's data version: its newest audit event id (one index lookup)."""
    return run(
        session,
        "latest_version",
        lambda: select(sa.func.max(m.AuditEvent.id)).where(m.AuditEvent.org_id == param("org")),
        org=org_id,
    ).one()


# --- inputs of okr.rollup.rules, kept so that a change replaces only its path ----------------------


@dataclass
class _Inputs:
    kr: dict[int, rollup.KRIn]
    objective: dict[int, rollup.ObjectiveIn]
    goal: dict[int, rollup.GoalIn]
    team: dict[int, rollup.TeamIn]
    kr_objective: dict[int, int]  # kr id -> objective id
    objective_goal: dict[int, int]  # objective id -> goal id (aligned in this rollup only)
    goal_team: dict[int, int]  # goal id -> team id
    project_kr: dict[int, int]  # project id -> kr id
    pace: dict[str, Decimal]  # a year's quarters -> their own pace (empty for a quarter)
    period: Any = None
    today: date | None = None
    kr_pace: dict[int, Decimal | None] = field(default_factory=dict)  # kr id -> its own pace, if any

    def own_pace(self, period, starts_on) -> Decimal:
        """The pace of an item of ``period`` counting from ``starts_on`` (okr.rollup.formulas.pace)."""
        return rollup.pace(period.start, period.end, self.today, starts_on)


def _project_in(p, counts) -> rollup.ProjectIn:
    done, live, _dropped, done_est, live_est, all_est = counts.get(p.id, (0, 0, 0, None, None, False))
    return rollup.ProjectIn(
        p.id,
        p.title,
        done,
        live,
        done_estimate=done_est if all_est else None,
        live_estimate=live_est if all_est else None,
    )


def _kr_in(kr, data: queries.RollupData, expected: Decimal | None = None) -> rollup.KRIn:
    return rollup.KRIn(
        kr.id,
        kr.title,
        kr.kind,
        kr.start,
        kr.target,
        None if kr.last_check_in_on is None else kr.current,
        done=kr.is_done,
        weight=kr.weight,
        progress_from=kr.progress_from,
        confidence=kr.confidence,
        projects=tuple(_project_in(p, data.counts) for p in data.projects.get(kr.id, ())),
        score_override=kr.score_override,
        expected=expected,
    )


def _objective_in(o, inputs: _Inputs, data: queries.RollupData) -> rollup.ObjectiveIn:
    """An objective and its key results, each judged against its own pace: its quarter's, from
    its own ``starts_on`` when it has one (a key result with none counts from the quarter's start)."""
    quarter = inputs.period if str(inputs.period) == o.quarter else periods.parse(o.quarter, inputs.period.fiscal_start)
    own = o.starts_on is not None
    expected = inputs.own_pace(quarter, o.starts_on) if own else inputs.pace.get(o.quarter)
    krs = []
    for kr in data.krs.get(o.id, ()):
        kr_pace = inputs.own_pace(quarter, kr.starts_on) if own or kr.starts_on is not None else None
        inputs.kr_pace[kr.id] = kr_pace
        krs.append(inputs.kr.setdefault(kr.id, _kr_in(kr, data, kr_pace)))
        inputs.kr_objective[kr.id] = o.id
        for p in data.projects.get(kr.id, ()):
            inputs.project_kr[p.id] = kr.id
    found = rollup.ObjectiveIn(o.id, o.title, kind=o.kind, weight=o.weight, key_results=tuple(krs), expected=expected)
    inputs.objective[o.id] = found
    return found


def _goal_in(g, inputs: _Inputs, data: queries.RollupData) -> rollup.GoalIn:
    measure = None
    if g.measure_start is not None and g.measure_target is not None:
        measure = (g.measure_start, g.measure_target, g.measure_current)
    objectives = []
    for o in data.aligned.get(g.id, ()):
        objectives.append(_objective_in(o, inputs, data))
        inputs.objective_goal[o.id] = g.id
    expected = None if g.starts_on is None else inputs.own_pace(inputs.period, g.starts_on)
    found = rollup.GoalIn(
        g.id, g.title, weight=g.weight, measure=measure, objectives=tuple(objectives), expected=expected
    )
    inputs.goal[g.id] = found
    return found


def _team_in(tid: int, inputs: _Inputs, data: queries.RollupData) -> rollup.TeamIn:
    team = data.teams[tid]
    goals = []
    for g in data.goals.get(tid, ()):
        goals.append(_goal_in(g, inputs, data))
        inputs.goal_team[g.id] = tid
    found = rollup.TeamIn(
        tid,
        team.name,
        goals=tuple(goals),
        children=tuple(_team_in(c, inputs, data) for c in data.children.get(tid, ()) if c in data.teams and c != tid),
    )
    inputs.team[tid] = found
    return found


def _effort(data: queries.RollupData) -> rollup.Share:
    """rollup.Share from grouped counts of the rollup's teams (the rule of effort_share:
    dropped tasks are not counted; each fraction is over the live total)."""
    counts = dict.fromkeys(eisenhower.ORDER, 0)
    linked = dict.fromkeys(eisenhower.ORDER, 0)
    for rows in data.effort.values():
        for important, urgent, is_linked, status, n in rows:
            if status == eisenhower.DROPPED:
                continue
            q = eisenhower.quadrant(important, urgent)
            counts[q] += n
            if is_linked:
                linked[q] += n
    total = sum(counts.values())
    n_linked = sum(linked.values())
    frac = lambda part: Decimal(0) if total == 0 else Decimal(part) / Decimal(total)  # noqa: E731
    return rollup.Share(
        total=total,
        counts=MappingProxyType(counts),
        linked_counts=MappingProxyType(linked),
        linked=n_linked,
        unlinked=total - n_linked,
        fractions=MappingProxyType({q: frac(n) for q, n in counts.items()}),
        linked_fraction=frac(n_linked),
        unlinked_fraction=frac(total - n_linked),
    )


def _series(kr, data: queries.RollupData, sample_days: list[date]) -> list[float] | None:
    if kr.progress_from != "checkins" or kr.kind == "milestone" or len(sample_days) < 2:
        return None
    return rollup.progress_series(
        kr.start, kr.target, data.points.get(kr.id, ()), sample_days, kind=kr.kind, before=data.before.get(kr.id)
    )


def _kr_meta(kr, o, data: queries.RollupData, period, today: date) -> dict:
    """What a key result's line shows besides its figure. Silence is judged within the key
    result's own quarter (in a year's rollup too) and only for key results measured by
    check-ins: a milestone moves by being done."""
    quarter = period if isinstance(period, periods.Quarter) else periods.parse(o.quarter, period.fiscal_start)
    return {
        "team": data.teams.get(o.team_id),
        "row": kr,
        "owner": data.names.get(kr.owner_id),
        "accountable": data.accountable.get(kr.id, []),
        "silent": kr.progress_from == "checkins"
        and kr.kind != "milestone"
        and today >= quarter.start
        and rollup.is_silent(kr.last_check_in_on, _counted_from(quarter, kr), min(today, quarter.end)),
    }


def _counted_from(quarter, kr) -> date:
    """The first day a key result is judged on: its quarter's, or its own start within it."""
    return quarter.start if kr.starts_on is None else min(max(kr.starts_on, quarter.start), quarter.end)


def _project_meta(p, data: queries.RollupData) -> dict:
    done, live, dropped, *_ = data.counts.get(p.id, (0, 0, 0, None, None, False))
    return {"team": data.teams.get(p.team_id), "row": p, "done": done, "live": live, "dropped": dropped}


def _objectives(data: queries.RollupData) -> list:
    return [o for objs in data.aligned.values() for o in objs] + data.unaligned + data.elsewhere


# --- building ----------------------------------------------------------------------------------


def build(session: Session, team, period, today: date, *, version: int | None = None) -> Rollup:
    """Load and evaluate the rollup of ``team`` (and every team under it) from the tables."""
    effort_period = effort_quarter(period, today)
    data = queries.load_rollup(session, team, period, today=today, effort_period=effort_period)
    r = Rollup(
        team=data.teams.get(team.id, team),
        period=period,
        today=today,
        expected=period.elapsed(today),
        root=None,
        unaligned=[],
        elsewhere=[],
        meta={},
        trends={},
        effort=_effort(data),
        teams=data.teams,
        effort_period=effort_period,
        version=version,
        data=data,
        samples=samples(period, today),
        unaligned_ids=frozenset(o.id for o in data.unaligned),
    )
    pace = {str(q): q.elapsed(today) for q in period.quarters()} if isinstance(period, periods.Year) else {}
    r.inputs = _Inputs({}, {}, {}, {}, {}, {}, {}, {}, pace, period, today)
    team_in = _team_in(team.id, r.inputs, data)
    side = [_objective_in(o, r.inputs, data) for o in data.unaligned + data.elsewhere]

    meta = r.meta
    for tid, t in data.teams.items():
        meta[("team", tid)] = {"team": t}
    for tid, goals in data.goals.items():
        for g in goals:
            meta[("goal", g.id)] = {"team": data.teams.get(tid), "row": g}
    for o in _objectives(data):
        meta[("objective", o.id)] = {"team": data.teams.get(o.team_id), "row": o, "owner": data.names.get(o.owner_id)}
        for kr in data.krs.get(o.id, ()):
            meta[("key_result", kr.id)] = _kr_meta(kr, o, data, period, today)
            series = _series(kr, data, r.samples)
            if series is not None:
                r.kr_series[kr.id] = series
            for p in data.projects.get(kr.id, ()):
                meta[("project", p.id)] = _project_meta(p, data)
    _evaluate(r, team_in, side)
    return r


def _evaluate(r: Rollup, team_in: rollup.TeamIn, side: list[rollup.ObjectiveIn]) -> None:
    """Evaluate the inputs (reusing every unchanged subtree), draw trends, index the nodes."""
    # Projects are measured by estimate where every live task has one (okr.rollup.rules: project).
    r.root = rollup.evaluate(team_in, expected=r.expected, by_estimate=True, memo=r.eval_memo)
    nodes = [rollup.evaluate(o, expected=r.expected, by_estimate=True, memo=r.eval_memo) for o in side]
    n_unaligned = len(r.data.unaligned)
    r.unaligned, r.elsewhere = nodes[:n_unaligned], nodes[n_unaligned:]
    if len(r.samples) > 1:
        for tree in [r.root, *nodes]:
            rollup.trend(tree, r.kr_series, len(r.samples), memo=r.trend_memo, out=r.trends)
    # Index the nodes; a subtree reused from the memo is indexed already (same node objects).
    old, index = r.index, dict(r.index)
    stack = [r.root, *nodes]
    while stack:
        n = stack.pop()
        key = (n.kind, n.id)
        if old.get(key) is n:
            continue
        index[key] = n
        stack.extend(n.children)
    r.index = index
    r.derived = _shape_only(r.derived)
    # The memos forget what the tree no longer uses, now and then (they only grow in between).
    live = None
    if len(r.trend_memo) > 2 * len(index) + 16:
        live = {id(n) for n in index.values()}
        r.trend_memo = {k: v for k, v in r.trend_memo.items() if k in live}
    if len(r.view_memo) > 8 * len(index) + 64:
        live = live or {id(n) for n in index.values()}
        r.view_memo = {k: v for k, v in r.view_memo.items() if id(v[0]) in live}  # each value starts with its node
    if len(r.eval_memo) > 2 * len(index) + 16:
        i = r.inputs
        inputs = {id(x) for d in (i.kr, i.objective, i.goal, i.team) for x in d.values()}
        r.eval_memo = {k: v for k, v in r.eval_memo.items() if k[0] in inputs}


def _shape_only(derived: dict) -> dict:
    return {k: v for k, v in derived.items() if type(k) is tuple and k[0] == "shape"}


# --- bringing forward ----------------------------------------------------------------------------


@dataclass
class _Touched:
    tasks: set[int] = field(default_factory=set)
    check_ins: set[int] = field(default_factory=set)
    krs: set[int] = field(default_factory=set)
    projects: set[int] = field(default_factory=set)  # a task's project before the change
    teams: set[int] = field(default_factory=set)  # a task's team before the change
    # Tasks that only changed quadrant: {task id: [(event id, the event's before), …]}.
    moves: dict[int, list[tuple[int, dict]]] = field(default_factory=dict)


def _classify(events) -> _Touched | None:
    """What the events touched, or None when one of them needs a rebuild."""
    touched = _Touched()
    for event_id, item_type, item_id, action, before, after in events:
        if item_type == "task":
            if action == "update":
                old = json.loads(before or "{}")
                changed = set(old) | set(json.loads(after or "{}"))
                if changed <= _TASK_QUIET:
                    continue
                if changed <= _TASK_EFFORT:
                    touched.moves.setdefault(item_id, []).append((event_id, old))
                    continue
                if old.get("project_id") is not None:
                    touched.projects.add(int(old["project_id"]))
                if old.get("team_id") is not None:
                    touched.teams.add(int(old["team_id"]))
            touched.tasks.add(item_id)
        elif item_type == "check_in":
            touched.check_ins.add(item_id)
        elif item_type == "key_result" and action == "update":
            changed = set(json.loads(before or "{}")) | set(json.loads(after or "{}"))
            if not changed <= _KR_FROM_CHECK_INS:
                return None
            touched.krs.add(item_id)
        else:
            return None
    return touched


def build_at(session: Session, team, period, today: date, now: float) -> Rollup:
    """:func:`build` at the organisation's current version, read first: whatever is written
    meanwhile has a newer event, which the next look brings in."""
    r = build(session, team, period, today, version=latest_version(session, team.org_id))
    r.built_at = now
    return r


def bring_forward(session: Session, r: Rollup, version: int | None, now: float) -> Rollup:
    """A rollup with every change up to ``version`` in it: ``r`` itself when nothing changed,
    a copy brought forward when the changes since are everyday ones (tasks, check-ins), else a
    rebuild from the tables. ``r`` is never changed, so a page still reading it is safe."""
    if version == r.version:
        return r
    base = r.version or 0  # None: the organisation had no event yet
    if version is None or version < base or r.data is None:
        return build_at(session, r.team, r.period, r.today, now)
    params = {"base": base, "version": version, "org": r.team.org_id}
    events = run(session, "rollup_events", lambda: _events_statement(upto=True), **params).all()
    return _forward(session, r, events, version, now)


def bring_forward_to_latest(session: Session, r: Rollup, now: float) -> Rollup:
    """:func:`bring_forward` to the organisation's newest event, read with the events since
    ``r`` in one statement (one moment: no event in it is newer than the version it reads).

    Event ids are exact versions: every audited write holds its organisation's lock until it
    commits (okr.core.writes.lock_org), so no event below the newest one can still appear."""
    base = r.version or 0
    E = m.AuditEvent

    def build():
        events = _events_statement(upto=False).subquery()
        latest = select(
            sa.literal(0).label("k"), sa.func.max(E.id), *[sa.null().cast(c.type) for c in events.c[1:]]
        ).where(E.org_id == param("org"))
        return sa.union_all(latest, select(sa.literal(1), *events.c)).order_by(sa.literal_column("k"))

    rows = run(session, "rollup_latest", build, base=base, org=r.team.org_id).all()
    version, events = rows[0][1], [tuple(row[1:]) for row in rows[1:]]
    if version == r.version:
        return r
    if version is None or version < base or r.data is None:
        return build_at(session, r.team, r.period, r.today, now)
    return _forward(session, r, events, version, now)


def _events_statement(*, upto: bool):
    """The organisation's events after ``base`` (up to ``version`` when ``upto``), oldest
    first, at most MAX_EVENTS + 1."""
    E = m.AuditEvent
    newer = E.id > param("base")
    if upto:
        newer = sa.and_(newer, E.id <= param("version"))
    return (
        select(E.id, E.item_type, E.item_id, E.action, E.before, E.after)
        .where(E.org_id == param("org"), newer)
        .order_by(E.id)
        .limit(MAX_EVENTS + 1)
    )


def _forward(session: Session, r: Rollup, events, version: int, now: float) -> Rollup:
    """``r`` with ``events`` (those after its version up to ``version``) in it."""
    touched = _classify(events) if len(events) <= MAX_EVENTS else None
    if touched is None:
        return build_at(session, r.team, r.period, r.today, now)
    fresh = _apply(session, r, touched, version)
    fresh.version = version
    return fresh


def _touched_tasks_statement():
    """Each touched task as it is now, with whether its project counts as linked (as in
    queries.effort_by_team) and the newest audit event of the task and of its project: read in
    one statement, so the row and the events are of one moment."""
    T, P, E = m.Task, m.Project, m.AuditEvent
    newest = lambda kind, item: (  # noqa: E731
        select(sa.func.max(E.id)).where(E.item_type == kind, E.item_id == item).scalar_subquery()
    )
    return (
        select(
            T.id,
            T.team_id,
            T.project_id,
            T.week,
            T.status,
            T.is_archived,
            T.important,
            T.urgent,
            sa.case((P.key_result_id.is_not(None), True), else_=False),
            newest("task", T.id),
            newest("project", T.project_id),
        )
        .outerjoin(P, P.id == T.project_id)
        .where(T.id.in_(id_list()))
    )


def _effort_moves(row, moves: list[tuple[int, dict]], version: int, weeks: set[str]):
    """What a card's moves since the rollup's version do to its team's effort counts:
    {(important, urgent, linked, status): ±1}, or None when they cannot be told from the row (a
    newer change to the task or its project is in it): the caller reads the team's split again.

    The events hold only what changed, so the quadrant before them is the row's, with each
    event's ``before`` applied from the newest back."""
    (_id, _team, _project, week, status, archived, important, urgent, linked, task_event, project_event) = row
    if task_event != max(e for e, _b in moves) or (project_event is not None and project_event > version):
        return None
    was_important, was_urgent = important, urgent
    for _e, before in sorted(moves, key=lambda m: m[0], reverse=True):
        was_important = before.get("important", was_important)
        was_urgent = before.get("urgent", was_urgent)
    if archived or week not in weeks or (bool(was_important), bool(was_urgent)) == (bool(important), bool(urgent)):
        return {}
    return {
        (bool(was_important), bool(was_urgent), bool(linked), status): -1,
        (bool(important), bool(urgent), bool(linked), status): 1,
    }


def _apply(session: Session, r: Rollup, t: _Touched, version: int) -> Rollup:
    """A copy of ``r`` with what the touched tasks and check-ins change reloaded and the paths
    above them re-evaluated (every other subtree is reused as it is)."""
    data, inputs = r.data, r.inputs
    deltas: dict[int, Counter] = {}  # team id -> effort count changes from cards moved
    if t.tasks or t.moves:
        weeks = {str(w) for w in r.effort_period.weeks()}
        for row in run(session, "touched_tasks", _touched_tasks_statement, ids=sorted(t.tasks | set(t.moves))).all():
            task_id, team_id, project_id = row[0], row[1], row[2]
            if task_id in t.tasks:
                t.teams.add(team_id)
                if project_id is not None:
                    t.projects.add(project_id)
                continue
            change = _effort_moves(row, t.moves[task_id], version, weeks)
            if change is None:
                t.teams.add(team_id)
            elif change:
                deltas.setdefault(team_id, Counter()).update(change)
    if t.check_ins:
        t.krs.update(
            run(
                session,
                "touched_check_ins",
                lambda: select(m.CheckIn.key_result_id).where(m.CheckIn.id.in_(id_list())),
                ids=sorted(t.check_ins),
            ).all()
        )
    projects = sorted(p for p in t.projects if p in inputs.project_kr)
    teams = sorted(tid for tid in t.teams if tid in inputs.team)
    moved = {tid: d for tid, d in deltas.items() if tid in inputs.team and tid not in t.teams}
    krs = sorted(k for k in t.krs if k in inputs.kr_objective)
    if not (projects or teams or moved or krs):
        return replace(r)

    data = replace(data)
    out = replace(
        r,
        data=data,
        meta=dict(r.meta),
        derived=_shape_only(r.derived),
        kr_series=dict(r.kr_series),
        trends=dict(r.trends),
        inputs=_Inputs(
            dict(inputs.kr),
            dict(inputs.objective),
            dict(inputs.goal),
            dict(inputs.team),
            inputs.kr_objective,
            inputs.objective_goal,
            inputs.goal_team,
            inputs.project_kr,
            inputs.pace,
            inputs.period,
            inputs.today,
            inputs.kr_pace,
        ),
    )
    inputs = out.inputs
    # Projects: new task counts for those in this rollup.
    if projects:
        fresh = queries.project_task_counts(session, projects)
        data.counts = {**data.counts, **dict.fromkeys(projects, (0, 0, 0, None, None, False)), **fresh}
        for pid in projects:
            out.meta[("project", pid)] = _project_meta(out.meta[("project", pid)]["row"], data)
    # Teams: the effort split of those in this rollup, counted afresh, or moved cards applied to
    # the kept counts (a count that would fall below 0 means they do not add up: count afresh).
    if moved:
        effort = dict(data.effort)
        for tid, delta in moved.items():
            counts = Counter({(i, u, lk, st): n for i, u, lk, st, n in effort.get(tid, [])})
            counts.update(delta)
            if min(counts.values(), default=0) < 0:
                teams.append(tid)
                continue
            effort[tid] = [(*key, n) for key, n in counts.items() if n]
        data.effort = effort
    if teams:
        fresh = queries.effort_by_team(session, teams, out.effort_period)
        data.effort = {**data.effort, **{tid: fresh.get(tid, []) for tid in teams}}
    if teams or moved:
        out.effort = _effort(data)
    # Key results: their rows (current, confidence, last check-in) and check-ins of the period.
    if krs:
        rows = {kr.id: (kr, name) for kr, name in queries.rollup_key_results(session, krs)}
        if len(rows) < len(krs):  # archived meanwhile: only a rebuild drops it from the tree
            rebuilt = build(session, r.team, r.period, r.today, version=r.version)
            rebuilt.built_at = r.built_at
            return rebuilt
        points, before = queries.check_in_points(session, krs, out.period, out.today)
        data.points = {**data.points, **{k: points.get(k, []) for k in krs}}
        data.before = {**{k: v for k, v in data.before.items() if k not in rows}, **before}
        data.names = dict(data.names)
        new_krs = dict(data.krs)
        for kid, (kr, name) in rows.items():
            oid = inputs.kr_objective[kid]
            new_krs[oid] = [kr if k.id == kid else k for k in new_krs[oid]]
            if kr.owner_id is not None and name is not None:
                data.names[kr.owner_id] = name
        data.krs = new_krs
        for kid, (kr, _name) in rows.items():
            o = out.meta[("objective", inputs.kr_objective[kid])]["row"]
            out.meta[("key_result", kid)] = _kr_meta(kr, o, data, out.period, out.today)
            series = _series(kr, data, out.samples)
            if series is None:
                out.kr_series.pop(kid, None)
            else:
                out.kr_series[kid] = series

    # New inputs along every changed path: key result → objective → goal → teams to the root.
    changed_krs = set(krs) | {inputs.project_kr[p] for p in projects}
    if not changed_krs:
        return out
    objectives: set[int] = set()
    for kid in changed_krs:
        oid = inputs.kr_objective[kid]
        row = next(k for k in data.krs[oid] if k.id == kid)
        inputs.kr[kid] = _kr_in(row, data, inputs.kr_pace.get(kid))
        objectives.add(oid)
    goals: set[int] = set()
    for oid in objectives:
        old = inputs.objective[oid]
        inputs.objective[oid] = replace(old, key_results=tuple(inputs.kr[k.id] for k in old.key_results))
        if oid in inputs.objective_goal:
            goals.add(inputs.objective_goal[oid])
    parents = {child: tid for tid, kids in data.children.items() for child in kids}
    chain: list[int] = []  # changed teams, each before its parent
    for gid in goals:
        old = inputs.goal[gid]
        inputs.goal[gid] = replace(old, objectives=tuple(inputs.objective[o.id] for o in old.objectives))
        path, tid = [], inputs.goal_team[gid]
        while tid is not None and tid in inputs.team and tid not in path:
            path.append(tid)
            tid = None if tid == out.team.id else parents.get(tid)
        chain.extend(path)
    order = {tid: i for i, tid in enumerate(chain)}  # a parent's last place is after its children
    for tid in sorted(set(chain), key=lambda x: order[x]):
        old = inputs.team[tid]
        inputs.team[tid] = replace(
            old,
            goals=tuple(inputs.goal[g.id] for g in old.goals),
            children=tuple(inputs.team[c.id] for c in old.children),
        )
    side = [inputs.objective[o.id] for o in data.unaligned + data.elsewhere]
    _evaluate(out, inputs.team[out.team.id], side)
    return out
