"""A deterministic company for the benchmark: 40 teams, 400 people, a year of plans and work.

Rows go in with set-based Core inserts (no ORM objects, no audit), so scale 1 (about 300,000
tasks and 40,000 check-ins) seeds in well under two minutes on SQLite. ``scale`` is the length
of history in years ending at ``today``: the company's size and each period's plan stay the same,
only the weeks of tasks and check-ins behind it grow — which is what a page must not scan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from okr.accounts.passwords import hash_password
from okr.core import models as m
from okr.core import periods
from okr.seed import bench_budget

BENCH_PASSWORD = "bench-password"
TASKS_PER_PERSON_PER_WEEK = 15
CHUNK = 5000


@dataclass
class BenchResult:
    teams: int = 0
    people: int = 0
    goals: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    projects: int = 0
    tasks: int = 0
    raci: int = 0
    kpis: int = 0
    kpi_values: int = 0
    kpi_alerts: int = 0
    logins: dict = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.teams} teams, {self.people} people, {self.goals} goals, {self.objectives} objectives, "
            f"{self.key_results} key results, {self.check_ins} check-ins, {self.projects} projects, "
            f"{self.tasks} tasks, {self.raci} RACI letters, {self.kpis} KPIs with {self.kpi_values} values "
            f"and {self.kpi_alerts} alerts"
        )


def _insert(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(table), rows[i : i + CHUNK])


def _ids(conn, table, where) -> list[int]:
    return [r[0] for r in conn.execute(sa.select(table.c.id).where(where).order_by(table.c.id))]


def seed(
    engine: sa.Engine,
    *,
    teams: int = 40,
    people: int = 400,
    scale: float = 1.0,
    today: date | None = None,
    fiscal_start: int = 1,
    seed_value: int = 2026,
    kpis: int = 400,
) -> BenchResult:
    """Create the organisation ``bench`` (refuses if it exists) and its plans; returns counts."""
    rnd = random.Random(seed_value)
    today = today or date.today()
    now = datetime.now(UTC)
    res = BenchResult()
    T = {
        name: SQLModelTable.__table__
        for name, SQLModelTable in {
            "org": m.Organisation,
            "user": m.User,
            "team": m.Team,
            "member": m.Membership,
            "goal": m.AnnualGoal,
            "obj": m.Objective,
            "kr": m.KeyResult,
            "ci": m.CheckIn,
            "proj": m.Project,
            "task": m.Task,
            "raci": m.RaciAssignment,
        }.items()
    }
    stamp = {"created_at": now, "updated_at": now, "version": 1, "is_archived": False}

    with engine.begin() as conn:
        if conn.execute(sa.select(T["org"].c.id).where(T["org"].c.slug == "bench")).first():
            raise ValueError("the organisation 'bench' exists already: use a fresh database")
        org_id = conn.execute(
            sa.insert(T["org"]).values(
                slug="bench",
                name="Bench Co",
                smart_blocking="",
                raci_max_accountable=5,
                raci_max_responsible=8,
                created_at=now,
            )
        ).inserted_primary_key[0]

        # --- the team tree: company → departments → teams, 3 deep ---------------------------
        n_depts = max(1, round((teams - 1) ** 0.5 / 1.1))
        n_leaf = max(1, teams - 1 - n_depts)
        company = conn.execute(
            sa.insert(T["team"]).values(
                org_id=org_id, slug="company", name="Bench Co", kind="company", position=0, **stamp
            )
        ).inserted_primary_key[0]
        _insert(
            conn,
            T["team"],
            [
                dict(
                    org_id=org_id,
                    parent_id=company,
                    slug=f"dept-{d}",
                    name=f"Department {d}",
                    kind="department",
                    position=d,
                    **stamp,
                )
                for d in range(n_depts)
            ],
        )
        dept_ids = _ids(conn, T["team"], T["team"].c.kind == "department")
        _insert(
            conn,
            T["team"],
            [
                dict(
                    org_id=org_id,
                    parent_id=dept_ids[t % n_depts],
                    slug=f"team-{t}",
                    name=f"Team {t}",
                    kind="team",
                    position=t,
                    **stamp,
                )
                for t in range(n_leaf)
            ],
        )
        leaf_ids = _ids(conn, T["team"], (T["team"].c.kind == "team") & (T["team"].c.org_id == org_id))
        all_team_ids = [company] + dept_ids + leaf_ids
        res.teams = len(all_team_ids)

        # --- people: spread over the teams; the first of each team manages it --------------
        pw = hash_password(BENCH_PASSWORD)
        _insert(
            conn,
            T["user"],
            [
                dict(
                    org_id=org_id,
                    email=f"p{i}@bench.example",
                    name=f"Person {i}",
                    password_hash=pw,
                    is_admin=(i == 0),
                    is_archived=False,
                    session_version=1,
                    created_at=now,
                )
                for i in range(people)
            ],
        )
        user_ids = _ids(conn, T["user"], T["user"].c.org_id == org_id)
        res.people = len(user_ids)
        team_people: dict[int, list[int]] = {t: [] for t in leaf_ids}
        for i, uid in enumerate(user_ids):
            team_people[leaf_ids[i % len(leaf_ids)]].append(uid)
        members = []
        for t, uids in team_people.items():
            for j, uid in enumerate(uids):
                members.append(dict(user_id=uid, team_id=t, role="manager" if j == 0 else "member", created_at=now))
        heads = {}
        for k, t in enumerate([company] + dept_ids):
            head = user_ids[(k * 7 + 1) % len(user_ids)]
            heads[t] = head
            if not any(x["user_id"] == head and x["team_id"] == t for x in members):
                members.append(dict(user_id=head, team_id=t, role="manager", created_at=now))
        _insert(conn, T["member"], members)
        people_of = {**team_people, **{t: [heads[t]] for t in heads}}
        res.logins = {
            "admin": "p0@bench.example",
            "manager": f"p{user_ids.index(team_people[leaf_ids[1 % len(leaf_ids)]][0])}@bench.example",
            "member": f"p{user_ids.index(team_people[leaf_ids[1 % len(leaf_ids)]][-1])}@bench.example",
        }

        # --- periods: the years of history ending today ----------------------------------
        this_year = periods.year_of(today, fiscal_start)
        n_years = max(1, int(-(-scale // 1)))  # ceil
        years = [this_year]
        for _ in range(n_years - 1):
            years.insert(0, years[0].prev())
        history_start = max(years[0].start, today - timedelta(days=int(round(365 * scale))))

        # --- goals, objectives, key results per team and quarter ---------------------------
        goal_rows = []
        for y in years:
            for t in all_team_ids:
                for g in range(3):
                    goal_rows.append(
                        dict(
                            team_id=t,
                            year=y.year,
                            title=f"{y} goal {g + 1} of team {t}",
                            description="",
                            weight=1 + (g == 0),
                            owner_id=people_of[t][0],
                            position=g,
                            unit="",
                            **stamp,
                        )
                    )
        _insert(conn, T["goal"], goal_rows)
        goals = conn.execute(sa.select(T["goal"].c.id, T["goal"].c.team_id, T["goal"].c.year)).all()
        res.goals = len(goals)
        goals_of = {}
        for gid, t, yr in goals:
            goals_of.setdefault((t, yr), []).append(gid)

        obj_rows = []
        quarters = [
            q for y in years for q in y.children() if q.start <= today or q == periods.quarter_of(today, fiscal_start)
        ]
        quarters += [q for q in years[-1].children() if q not in quarters]  # plan the whole current year
        for q in quarters:
            for t in all_team_ids:
                for o in range(3 if t in leaf_ids else 2):
                    gl = goals_of[(t, q.parent().year)]
                    obj_rows.append(
                        dict(
                            team_id=t,
                            quarter=str(q),
                            title=f"{q} objective {o + 1} of team {t}",
                            description="",
                            kind="committed" if o == 0 else "aspirational",
                            goal_id=gl[o % len(gl)],
                            owner_id=people_of[t][0],
                            weight=1,
                            position=o,
                            reflection="",
                            carry_over=False,
                            **stamp,
                        )
                    )
        _insert(conn, T["obj"], obj_rows)
        objectives = conn.execute(sa.select(T["obj"].c.id, T["obj"].c.team_id, T["obj"].c.quarter)).all()
        res.objectives = len(objectives)

        kinds = ["metric", "metric", "percent", "milestone"]
        kr_rows = []
        for oid, t, _q in objectives:
            for k in range(4):
                kind = kinds[(oid + k) % 4]
                decreasing = kind == "metric" and (oid + k) % 5 == 0
                start, target = (
                    (Decimal(8), Decimal(5))
                    if decreasing
                    else (Decimal(100 * (k + 1)), Decimal(100 * (k + 1) + 50 + 10 * (oid % 7)))
                )
                if kind == "percent":
                    start, target = Decimal(20), Decimal(35)
                if kind == "milestone":
                    start, target = Decimal(0), Decimal(1)
                kr_rows.append(
                    dict(
                        objective_id=oid,
                        title=f"KR {k + 1} of objective {oid}",
                        description="",
                        kind=kind,
                        start=start,
                        target=target,
                        current=start,
                        is_done=False,
                        unit="%" if kind == "percent" else "",
                        weight=1,
                        progress_from="projects" if (oid + k) % 9 == 0 else "checkins",
                        owner_id=people_of[t][min(k, len(people_of[t]) - 1)],
                        position=k,
                        reflection="",
                        **stamp,
                    )
                )
        _insert(conn, T["kr"], kr_rows)
        krs = conn.execute(
            sa.select(T["kr"].c.id, T["kr"].c.objective_id, T["kr"].c.kind, T["kr"].c.start, T["kr"].c.target)
        ).all()
        res.key_results = len(krs)
        obj_info = {oid: (t, q) for oid, t, q in objectives}

        # --- weekly check-ins from the quarter's start to today -----------------------------
        ci_rows, kr_updates = [], []
        qobj = {}
        for kid, oid, kind, start, target in krs:
            t, qtext = obj_info[oid]
            q = qobj.get(qtext) or qobj.setdefault(qtext, periods.parse(qtext, fiscal_start))
            if q.start > today or q.end < history_start:
                continue
            day = max(q.start, history_start) + timedelta(days=(kid % 5))
            value = Decimal(start)
            last = None
            owner = people_of[t][0]
            pace = Decimal(rnd.choice([60, 80, 100, 110])) / 100
            while day <= min(today, q.end):
                frac = Decimal(q.elapsed(day)) * pace
                if kind == "milestone":
                    value = Decimal(1) if frac > Decimal("0.8") else Decimal(0)
                else:
                    value = (Decimal(start) + (Decimal(target) - Decimal(start)) * frac).quantize(Decimal("0.01"))
                conf = Decimal(rnd.choice([3, 5, 7, 8, 9])) / 10
                ci_rows.append(
                    dict(
                        key_result_id=kid,
                        checked_on=day,
                        value=value,
                        confidence=conf,
                        note="",
                        author_id=owner,
                        **stamp,
                    )
                )
                last = (value, conf, day)
                day += timedelta(days=3 if kid % 2 == 0 else 7)  # twice a week for half the KRs
            if last:
                kr_updates.append(
                    dict(
                        b_id=kid,
                        b_current=last[0],
                        b_conf=last[1],
                        b_day=last[2],
                        b_done=kind == "milestone" and last[0] == 1,
                    )
                )
        _insert(conn, T["ci"], ci_rows)
        res.check_ins = len(ci_rows)
        kr_t = T["kr"]
        stmt = (
            kr_t.update()
            .where(kr_t.c.id == sa.bindparam("b_id"))
            .values(
                current=sa.bindparam("b_current", type_=m.Quantity()),
                confidence=sa.bindparam("b_conf", type_=m.Quantity()),
                last_check_in_on=sa.bindparam("b_day"),
                is_done=sa.bindparam("b_done"),
            )
        )
        for i in range(0, len(kr_updates), CHUNK):
            conn.execute(stmt, kr_updates[i : i + CHUNK])

        # --- projects: per leaf team and month, each moving one of the quarter's KRs --------
        krs_of_team_q: dict[tuple[int, str], list[int]] = {}
        for kid, oid, *_rest in krs:
            krs_of_team_q.setdefault(obj_info[oid], []).append(kid)
        proj_rows = []
        months = [mo for q in quarters for mo in q.months()]
        for mo in months:
            q = str(mo.parent(fiscal_start))
            for t in leaf_ids:
                pool = krs_of_team_q.get((t, q), [])
                for p in range(4):
                    proj_rows.append(
                        dict(
                            team_id=t,
                            month=str(mo),
                            key_result_id=pool[(p * 2) % len(pool)] if pool and p < 3 else None,
                            title=f"{mo} project {p + 1} of team {t}",
                            description="",
                            owner_id=people_of[t][p % len(people_of[t])],
                            starts_on=mo.start,
                            due_on=mo.end,
                            status="active",
                            position=p,
                            **stamp,
                        )
                    )
        _insert(conn, T["proj"], proj_rows)
        projects = conn.execute(
            sa.select(T["proj"].c.id, T["proj"].c.team_id, T["proj"].c.month, T["proj"].c.key_result_id)
        ).all()
        res.projects = len(projects)
        projects_of = {}
        for pid, t, mo, _kr in projects:
            projects_of.setdefault((t, mo), []).append(pid)

        # --- RACI on every KR and project ---------------------------------------------------
        raci_rows = []
        for kid, oid, *_rest in krs:
            t = obj_info[oid][0]
            ppl = people_of[t]
            raci_rows.append(
                dict(key_result_id=kid, project_id=None, user_id=ppl[kid % len(ppl)], letter="A", created_at=now)
            )
            if len(ppl) > 1:
                raci_rows.append(
                    dict(
                        key_result_id=kid,
                        project_id=None,
                        user_id=ppl[(kid + 1) % len(ppl)],
                        letter="R",
                        created_at=now,
                    )
                )
        for pid, t, _mo, _kr in projects:
            ppl = people_of[t]
            raci_rows.append(
                dict(key_result_id=None, project_id=pid, user_id=ppl[pid % len(ppl)], letter="A", created_at=now)
            )
            if len(ppl) > 1:
                raci_rows.append(
                    dict(
                        key_result_id=None,
                        project_id=pid,
                        user_id=ppl[(pid + 1) % len(ppl)],
                        letter="R",
                        created_at=now,
                    )
                )
            if len(ppl) > 2:
                raci_rows.append(
                    dict(
                        key_result_id=None,
                        project_id=pid,
                        user_id=ppl[(pid + 2) % len(ppl)],
                        letter="C",
                        created_at=now,
                    )
                )
        _insert(conn, T["raci"], raci_rows)
        res.raci = len(raci_rows)

        # --- tasks: about 15 per person per week over the history ---------------------------
        week = periods.week_of(history_start)
        last_week = periods.week_of(today).next()
        this_week = periods.week_of(today)
        statuses = ["done"] * 7 + ["dropped"] + ["todo", "doing"]
        n = 0
        batch = []
        while week <= last_week:
            wtext = str(week)
            mo = str(week.parent())
            past = week < this_week
            for t, uids in team_people.items():
                pool = projects_of.get((t, mo), [])
                for uid in uids:
                    for k in range(TASKS_PER_PERSON_PER_WEEK):
                        r = rnd.random()
                        status = statuses[int(r * 10)] if past else ("done" if r < 0.3 else "todo")
                        batch.append(
                            dict(
                                team_id=t,
                                week=wtext,
                                project_id=pool[k % len(pool)] if pool and r < 0.65 else None,
                                title=f"Task {k + 1} of {uid} in {wtext}",
                                description="",
                                assignee_id=uid,
                                important=(k % 2 == 0),
                                urgent=(k % 3 == 0),
                                status=status,
                                position=k,
                                carry_count=0,
                                done_at=now if status == "done" else None,
                                **stamp,
                            )
                        )
                        n += 1
            if len(batch) >= 50000:
                _insert(conn, T["task"], batch)
                batch = []
            week = week.next()
        _insert(conn, T["task"], batch)
        res.tasks = n
    with engine.begin() as conn:
        _seed_kpis(conn, org_id, rnd, today, fiscal_start, kpis, int(round(365 * scale)), people_of, now, res)
    bench_budget.seed(engine, org_id, today, fiscal_start, seed_value)
    if engine.dialect.name == "postgresql":
        # Statistics after a bulk load, as PostgreSQL's manual advises (autovacuum would get
        # there within minutes): without them the planner guesses one row per team and the
        # RACI load counts take 5 ms instead of 0.8. SQLite plans these pages better without.
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return res


def _seed_kpis(conn, org_id, rnd, today, fiscal_start, count, days, people_of, now, res) -> None:
    """``count`` KPIs spread over the teams (per team a strategic one, tactical ones under it and
    execution ones under those), a daily value each for ``days`` days ending today with the
    severity okr.kpi.rules gives it (about one value in a hundred breaks a range), one alert per
    bad value, and a target for this quarter."""
    from okr.kpi import rules

    K, V, A, TG = (t.__table__ for t in (m.Kpi, m.KpiValue, m.KpiAlert, m.KpiTarget))
    team_ids = sorted(people_of)
    if not count or not team_ids:
        return
    stamp = {"created_at": now, "updated_at": now, "version": 1, "is_archived": False}
    quarter = str(periods.quarter_of(today, fiscal_start))
    specs = []
    for i in range(count):
        t = team_ids[i % len(team_ids)]
        k = i // len(team_ids)  # the KPI's number within its team
        level = "strategic" if k == 0 else ("tactical" if k <= 3 else "execution")
        specs.append((i, t, k, level))
    rows = [
        dict(
            org_id=org_id, team_id=t, key=f"kpi-{i}", name=f"KPI {k + 1} of team {t}", description="", unit="",
            owner_id=people_of[t][0], level=level, parent_id=None, direction="higher", frequency="daily",
            normal_min=Decimal(900), normal_max=Decimal(1100), critical_min=Decimal(800), critical_max=Decimal(1200),
            position=k, **stamp,
        )
        for i, t, k, level in specs
    ]  # fmt: skip
    _insert(conn, K, rows)
    ids = dict(conn.execute(sa.select(K.c.key, K.c.id).where(K.c.org_id == org_id)).all())
    # The tree: a team's tactical KPIs under its strategic one, execution ones under a tactical one.
    by_team: dict[int, list] = {}
    for i, t, k, _level in specs:
        by_team.setdefault(t, []).append((ids[f"kpi-{i}"], k))
    for members in by_team.values():
        top = members[0][0]
        tactical = [kid for kid, k in members if 1 <= k <= 3] or [top]
        for kid, k in members[1:]:
            parent = top if k <= 3 else tactical[k % len(tactical)]
            conn.execute(sa.update(K).where(K.c.id == kid).values(parent_id=parent))
    _insert(conn, TG, [dict(kpi_id=kid, period=quarter, value=Decimal(1000)) for kid in ids.values()])
    normal, critical = rules.Range(Decimal(900), Decimal(1100)), rules.Range(Decimal(800), Decimal(1200))
    dates = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    batch, alerts = [], []
    for kid in ids.values():
        values = []
        for _d in dates:
            r = rnd.random()
            if r < 0.005:
                values.append(Decimal(rnd.choice((700, 1300))))
            elif r < 0.01:
                values.append(Decimal(rnd.choice((850, 1150))))
            else:
                values.append(Decimal(rnd.randint(9700, 10300)) / 10)
        for on, value, verdict in zip(
            dates, values, rules.severities(values, normal=normal, critical=critical), strict=True
        ):
            batch.append(dict(kpi_id=kid, measured_on=on, value=value, note="", severity=verdict.severity,
                              rule=verdict.rule, created_at=now, updated_at=now))  # fmt: skip
            if verdict.severity != rules.NORMAL:
                alerts.append(dict(kpi_id=kid, measured_on=on, value=value, severity=verdict.severity,
                                   rule=verdict.rule, status="open", acknowledge_note="", resolve_note="", **stamp))  # fmt: skip
        if len(batch) >= 50000:
            _insert(conn, V, batch)
            res.kpi_values += len(batch)
            batch = []
    _insert(conn, V, batch)
    _insert(conn, A, alerts)
    res.kpis = len(ids)
    res.kpi_values += len(batch)
    res.kpi_alerts = len(alerts)
