"""The seeded world the security tests share: two organisations, a team tree (company ⊃ A ⊃ A1,
and B beside A), people of each role, and every kind of item per team; plus the URL filler that
turns any rule of ``app.url_map`` into a request, and a dump of every table to diff writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from okr.core import models as m

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Tables that record the act of asking rather than data: failed sign-ins.
UNTRACKED_TABLES = {"login_attempt", "rate_limit_counter", "user_session"}  # throttles and sign-ins, not data
UNTRACKED_COLUMNS = {"app_user": {"last_login_at"}}


@dataclass
class TeamItems:
    team: m.Team
    goal: m.AnnualGoal
    objective: m.Objective
    kr: m.KeyResult
    check_in: m.CheckIn
    project: m.Project
    task: m.Task
    member: m.User
    archived_goal: m.AnnualGoal
    kpi_alert: m.KpiAlert | None = None


@dataclass
class World:
    org: m.Organisation
    other_org: m.Organisation
    teams: dict[str, TeamItems] = field(default_factory=dict)
    users: dict[str, m.User] = field(default_factory=dict)


def _items(make, session, team, member, manager) -> TeamItems:
    goal = make.goal(team=team, owner_id=manager.id)
    objective = make.objective(team=team, goal=goal, owner_id=manager.id)
    kr = make.kr(objective=objective, owner_id=manager.id)
    from okr.plans import ops as planning

    ci = planning.check_in(
        session=session,
        actor_id=None,
        org_id=team.org_id,
        kr=kr,
        checked_on=date(2026, 4, 15),
        value=Decimal(1050),
        confidence=Decimal("0.7"),
        author_id=member.id,
    )
    session.commit()
    session.refresh(ci)
    project = make.project(team=team, kr=kr, owner_id=manager.id)
    task = make.task(team=team, assignee=member, project=project)
    make.raci(manager, "A", kr=kr)
    make.raci(member, "R", kr=kr)
    make.raci(manager, "A", project=project)
    make.raci(member, "R", project=project)
    archived = make.goal(team=team, title="An archived goal", is_archived=True)
    kpi = m.Kpi(org_id=team.org_id, team_id=team.id, key=f"kpi-{team.slug}", name="Daily posts", owner_id=manager.id,
                normal_min=Decimal(900), normal_max=Decimal(1400))  # fmt: skip
    session.add(kpi)
    session.flush()
    session.add(m.KpiValue(kpi_id=kpi.id, measured_on=date(2026, 4, 15), value=Decimal(500), severity="warning",
                           rule="normal_range"))  # fmt: skip
    alert = m.KpiAlert(kpi_id=kpi.id, measured_on=date(2026, 4, 15), value=Decimal(500), severity="warning",
                       rule="normal_range")  # fmt: skip
    session.add(alert)
    session.commit()
    return TeamItems(team, goal, objective, kr, ci, project, task, member, archived, alert)


def build_world(make, session) -> World:
    org = make.org(slug="acme", name="Acme")
    other = make.org(slug="other", name="Other")
    company = make.team(org=org, slug="company", name="Company", kind="company")
    a = make.team(org=org, parent=company, slug="team-a", name="Team A", kind="department")
    a1 = make.team(org=org, parent=a, slug="team-a1", name="Team A1")
    b = make.team(org=org, parent=company, slug="team-b", name="Team B")
    x = make.team(org=other, slug="team-x", name="Team X", kind="company")
    w = World(org=org, other_org=other)
    u = w.users
    u["admin"] = make.user(team=company, role="member", email="admin@acme.test", is_admin=True)
    u["manager_a"] = make.user(team=a, role="manager", email="manager-a@acme.test")
    u["manager_b"] = make.user(team=b, role="manager", email="manager-b@acme.test")
    u["member_a1"] = make.user(team=a1, role="member", email="member-a1@acme.test")
    u["member_a"] = make.user(team=a, role="member", email="member-a@acme.test")
    u["member_b"] = make.user(team=b, role="member", email="member-b@acme.test")
    u["viewer"] = make.user(team=a, role="viewer", email="viewer@acme.test")
    u["other_admin"] = make.user(team=x, role="manager", email="admin@other.test", is_admin=True)
    u["other_member"] = make.user(team=x, role="member", email="member@other.test")
    w.teams["company"] = _items(make, session, company, u["member_a"], u["admin"])
    w.teams["A"] = _items(make, session, a, u["member_a"], u["manager_a"])
    w.teams["A1"] = _items(make, session, a1, u["member_a1"], u["manager_a"])
    w.teams["B"] = _items(make, session, b, u["member_b"], u["manager_b"])
    w.teams["X"] = _items(make, session, x, u["other_member"], u["other_admin"])
    return w


@pytest.fixture
def world(make, session) -> World:
    return build_world(make, session)


# --- filling URL arguments ------------------------------------------------------------------


class UnknownArgument(LookupError):
    pass


def _period_for(rule: str) -> str:
    if "/week" in rule or "/tasks" in rule:
        return "2026-W16"
    if "/month" in rule or "/projects" in rule:
        return "2026-04"
    if "/year" in rule:
        return "2026"
    return "2026-Q2"


def fill(rule, t: TeamItems) -> dict:
    """URL values for ``rule`` pointing into team ``t``; UnknownArgument names what is missing."""
    values = {}
    kind = None
    if "kind" in rule.arguments:
        items = getattr(rule._converters.get("kind"), "items", None)
        for candidate in ("kr", "key_result", "goal", "objective", "project", "task", "team"):
            if items is None or candidate in items:
                kind = candidate
                break
    item_ids = {
        "kr": t.kr.id,
        "key_result": t.kr.id,
        "goal": t.goal.id,
        "objective": t.objective.id,
        "project": t.project.id,
        "task": t.task.id,
        "team": t.team.id,
    }
    ids = {
        "team_id": t.team.id,
        "goal_id": t.goal.id,
        "annual_goal_id": t.goal.id,
        "objective_id": t.objective.id,
        "obj_id": t.objective.id,
        "kr_id": t.kr.id,
        "key_result_id": t.kr.id,
        "check_in_id": t.check_in.id,
        "checkin_id": t.check_in.id,
        "project_id": t.project.id,
        "task_id": t.task.id,
        "user_id": t.member.id,
        "person_id": t.member.id,
        "member_id": t.member.id,
        "manager_id": t.kr.owner_id,  # the team's manager owns its key result
        "assignee_id": t.member.id,
        "item_id": item_ids.get(kind or "kr", t.kr.id),
        "alert_id": t.kpi_alert.id if t.kpi_alert is not None else 1,
        # A personal access token: the world holds none, so revoking one is the 404 of a token
        # that is not the person's (unless a sweep just created their own, which they may revoke).
        "token_id": 1,
    }
    for arg in sorted(rule.arguments):
        if arg in ids:
            values[arg] = ids[arg]
        elif arg in ("slug", "team_slug", "team"):
            values[arg] = t.team.slug
        elif arg == "period":
            values[arg] = _period_for(rule.rule)
        elif arg == "quarter":
            values[arg] = "2026-Q2"
        elif arg == "month":
            values[arg] = "2026-04"
        elif arg == "week":
            values[arg] = "2026-W16"
        elif arg == "year":
            values[arg] = 2026
        elif arg == "half":
            values[arg] = 1
        elif arg == "day":
            values[arg] = "2026-04-15"
        elif arg == "token":  # an unsubscribe link's: this one is not valid
            values[arg] = "not-a-signed-token"
        elif arg == "kind" and kind is not None:
            values[arg] = kind
        elif arg == "item_type":
            values[arg] = "key_result"
        elif arg == "filename":
            values[arg] = "css/app.css"
        elif arg == "letter":
            values[arg] = "R"
        else:
            raise UnknownArgument(
                f"{rule.endpoint} ({rule.rule}): the security matrix cannot fill URL argument {arg!r}; "
                "teach tests/test_security_world.py:fill() what it names (an id or slug of the seeded world)"
            )
    return values


def team_scoped(rule) -> bool:
    """Whether the rule's arguments point at something owned by a team (so another org's is 404)."""
    return any(
        a not in ("kind", "period", "quarter", "month", "week", "year", "filename", "letter", "item_type")
        for a in rule.arguments
    )


def routes(app):
    """(rule, method) for every rule and method of the url map (HEAD and OPTIONS aside)."""
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule, method))
    return sorted(out, key=lambda rm: (rm[0].rule, rm[1]))


def plausible_body(app, endpoint: str, t: TeamItems) -> dict:
    """A body with a believable value for each field the view declares, pointing into ``t``."""
    view = app.view_functions[endpoint]
    acc = getattr(view, "accepts", None) or {"form": None, "json": {}}
    names = dict(acc.get("json") or {})
    form = acc.get("form")
    if form is not None:
        from wtforms.fields.core import UnboundField

        for name in dir(form):
            f = getattr(form, name, None)
            if isinstance(f, UnboundField):
                names.setdefault(name, f.field_class.__name__)
    body = {}
    for name, kind in names.items():
        low, k = name.lower(), str(kind).lower()
        if name == "version":
            body[name] = "1"
        elif low.endswith("_id") or low in ("assignee", "owner", "parent", "team"):
            body[name] = str(
                {
                    "team_id": t.team.id,
                    "parent_id": t.team.id,
                    "goal_id": t.goal.id,
                    "objective_id": t.objective.id,
                    "key_result_id": t.kr.id,
                    "kr_id": t.kr.id,
                    "project_id": t.project.id,
                    "task_id": t.task.id,
                }.get(low, t.member.id)
            )
        elif any(s in k for s in ("bool", "check")):
            body[name] = "y"
        elif any(s in k for s in ("date",)) or low.endswith("_on") or low == "date":
            body[name] = "2026-04-20"
        elif any(s in k for s in ("int", "decimal", "float", "quantity", "number")) or low in (
            "value",
            "start",
            "target",
            "weight",
            "confidence",
        ):
            body[name] = "5"
        elif low in ("week",):
            body[name] = "2026-W16"
        elif low in ("month",):
            body[name] = "2026-04"
        elif low in ("quarter", "period"):
            body[name] = "2026-Q2"
        elif low in ("quadrant",):
            body[name] = "do"
        elif low in ("letter",):
            body[name] = "A"
        elif low in ("role",):
            body[name] = "manager"
        elif low in ("email",):
            body[name] = "probe@acme.test"
        else:
            body[name] = "Matrix probe"
    return body


# --- dumping every table --------------------------------------------------------------------


def dump(engine) -> dict[str, dict]:
    """Every row of every table (but untracked ones), keyed by table then primary key."""
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in UNTRACKED_TABLES:
                continue
            skip = UNTRACKED_COLUMNS.get(table.name, set())
            cols = [c for c in table.columns if c.name not in skip]
            pk = list(table.primary_key.columns)
            rows = conn.execute(sa.select(*cols).order_by(*pk)).mappings().all()
            out[table.name] = {tuple(r[c.name] for c in pk): dict(r) for r in rows}
    return out


def _tracked():
    for table in SQLModel.metadata.sorted_tables:
        if table.name in UNTRACKED_TABLES:
            continue
        skip = UNTRACKED_COLUMNS.get(table.name, set())
        yield table, [c for c in table.columns if c.name not in skip], list(table.primary_key.columns)


def _fingerprint_sql(dialect: str) -> str:
    """One statement: per tracked table its name, row count and every row as text in key order."""
    q = dialect == "postgresql"
    parts = []
    for table, cols, pk in _tracked():
        name = f'"{table.name}"'
        order = ", ".join(f'"{c.name}"' for c in pk)
        if q:
            row = "CAST(ROW(" + ", ".join(f'"{c.name}"' for c in cols) + ") AS text)"
            body = f"(SELECT string_agg({row}, '|' ORDER BY {order}) FROM {name})"
        else:
            row = " || ',' || ".join(f'quote("{c.name}")' for c in cols)
            body = f"(SELECT group_concat(r, '|') FROM (SELECT {row} AS r FROM {name} ORDER BY {order}))"
        parts.append(f"SELECT '{table.name}' AS t, (SELECT count(*) FROM {name}) AS n, {body} AS rows")
    return " UNION ALL ".join(parts)


_FINGERPRINT_SQL: dict[str, str] = {}


def fingerprint(engine) -> dict[str, tuple[int, str]]:
    """{table: (row count, hash of its rows)} in one round trip: cheap enough to take around
    every request of a sweep; ``dump`` gives the rows themselves when a fingerprint moved."""
    import hashlib

    sql = _FINGERPRINT_SQL.get(engine.dialect.name) or _FINGERPRINT_SQL.setdefault(
        engine.dialect.name, _fingerprint_sql(engine.dialect.name)
    )
    with engine.connect() as conn:
        rows = conn.execute(sa.text(sql)).all()
    return {
        t: (n, hashlib.blake2b((text or "").encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())
        for t, n, text in rows
    }


def diff(before: dict, after: dict) -> list[tuple[str, tuple, dict | None, dict | None]]:
    """(table, pk, row before, row after) for every row added, removed or changed."""
    changes = []
    for table in before.keys() | after.keys():
        b, a = before.get(table, {}), after.get(table, {})
        for pk in b.keys() | a.keys():
            if b.get(pk) != a.get(pk):
                changes.append((table, pk, b.get(pk), a.get(pk)))
    return sorted(changes, key=lambda c: (c[0], str(c[1])))


def test_world_builds_and_dumps(world, session, app):
    from okr.core.db import get_engine

    d = dump(get_engine(app.config["DATABASE_URL"]))
    assert len(d["team"]) == 5 and len(d["task"]) == 5 and len(d["check_in"]) == 5
    assert diff(d, d) == []


def test_fingerprint_moves_with_any_tracked_change_and_only_then(world, session, app):
    from okr.core.db import get_engine

    engine = get_engine(app.config["DATABASE_URL"])
    before = fingerprint(engine)
    assert set(before) == set(dump(engine)) and before["task"][0] == 5
    assert fingerprint(engine) == before
    with engine.begin() as conn:  # a login time is not data
        conn.execute(sa.text("UPDATE app_user SET last_login_at = CURRENT_TIMESTAMP"))
    assert fingerprint(engine) == before
    with engine.begin() as conn:  # one character of one row is
        conn.execute(sa.text("UPDATE task SET title = title || 'x' WHERE id = :id"), {"id": world.teams["B"].task.id})
    after = fingerprint(engine)
    assert [t for t in after if after[t] != before[t]] == ["task"] and after["task"][0] == 5


def test_public_list_names_real_endpoints_with_a_reason(app):
    from okr.core.web.public import PUBLIC

    for endpoint, reason in PUBLIC.items():
        assert endpoint in app.view_functions, f"{endpoint} is listed as public but does not exist"
        assert isinstance(reason, str) and len(reason) > 5
