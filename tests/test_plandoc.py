"""The plan document: validation that reports every problem with its path, an all-or-nothing
import, and an export that imports into an empty database as the same plan."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from okr.accounts import passwords
from okr.core import migrate, models
from okr.core.db import make_engine
from okr.plandoc import exporter, importer, schema
from okr.plans import ops as planning
from okr.raci import ops as raci_ops

PLANS = Path(__file__).parent / "plans"


def load_plan(name: str) -> dict:
    return json.loads((PLANS / name).read_text(encoding="utf-8"))


@pytest.fixture
def make_session(tmp_path):
    """Sessions on fresh migrated SQLite databases: ``make_session("a")``, ``make_session("b")``."""
    engines = []
    sessions = []

    def make(name: str = "t") -> Session:
        engine = make_engine("sqlite:///" + str(tmp_path / f"{name}.sqlite"))
        migrate.upgrade(engine)
        engines.append(engine)
        session = Session(engine, expire_on_commit=False)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
    for engine in engines:
        engine.dispose()


@pytest.fixture
def session(make_session):
    return make_session("t")


def make_org(session: Session, slug: str = "acme") -> int:
    org = models.Organisation(slug=slug, name=slug.title())
    session.add(org)
    session.flush()
    return org.id


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def paths(issues) -> list[str]:
    return [issue.path for issue in issues]


def minimal(**kr) -> dict:
    """A small valid plan: one team, two people, one goal → objective → key result."""
    key_result = {
        "title": "日均发布内容量提升30%",
        "kind": "metric",
        "start": 1000,
        "target": 1300,
        "raci": {"A": "li@example.com", "R": ["wang@example.com"]},
    }
    key_result.update(kr)
    return {
        "format": "okr-plan/1",
        "teams": [{"slug": "content", "name": "内容平台部"}],
        "people": [
            {"email": "li@example.com", "name": "李娜", "team": "content", "role": "manager"},
            {"email": "wang@example.com", "name": "王磊", "team": "content"},
        ],
        "goals": [
            {
                "team": "content",
                "year": 2026,
                "title": "内容平台年度创作活跃度翻番",
                "objectives": [
                    {
                        "quarter": "2026-Q2",
                        "title": "提升用户创作活跃度",
                        "kind": "aspirational",
                        "key_results": [key_result],
                    }
                ],
            }
        ],
    }


# --- a valid document ---------------------------------------------------------------------------


def test_chinese_plan_validates_and_imports_with_the_right_counts(session):
    doc = load_plan("content_platform_2026.json")
    assert importer.validate(doc) == []
    org_id = make_org(session)

    result = importer.import_plan(doc, session=session, org_id=org_id)
    session.commit()

    assert result.issues == [] and result.ok
    assert result.created == {
        "teams": 4,
        "people": 5,
        "memberships": 6,
        "goals": 2,
        "objectives": 2,
        "key_results": 4,
        "check_ins": 5,
        "projects": 2,
        "tasks": 5,
        "raci": 15,
    }
    counts = row_counts(session)
    assert counts["team"] == 4 and counts["app_user"] == 5 and counts["membership"] == 6
    assert counts["key_result"] == 4 and counts["check_in"] == 5 and counts["task"] == 5
    assert counts["raci_assignment"] == 15
    # Every new person got a password of their own, stored only as a scrypt hash.
    assert sorted(result.passwords) == [
        "chen@example.com",
        "li@example.com",
        "sun@example.com",
        "wang@example.com",
        "zhao@example.com",
    ]
    li = session.exec(select(models.User).where(models.User.email == "li@example.com")).one()
    assert li.password_hash.startswith(passwords.method() + "$")
    assert passwords.check_password(li.password_hash, result.passwords["li@example.com"])
    assert "created 4 teams" in result.summary()


def test_imported_plan_reads_back_as_written(session):
    org_id = make_org(session)
    importer.import_plan(load_plan("content_platform_2026.json"), session=session, org_id=org_id)
    session.commit()

    teams = {t.slug: t for t in session.exec(select(models.Team)).all()}
    assert teams["content"].name == "内容平台部"
    assert teams["content"].parent_id == teams["product"].id
    # Kinds follow the depth of the tree when the document leaves them out.
    assert [teams[s].kind for s in ("company", "product", "content")] == ["company", "department", "team"]

    kr = session.exec(select(models.KeyResult).where(models.KeyResult.title == "日均发布内容量提升30%")).one()
    # Check-ins were listed out of order (04-15, 04-01, 04-29): current is the latest by date.
    assert (kr.start, kr.target, kr.current) == (Decimal(1000), Decimal(1300), Decimal("1125.5"))
    assert kr.confidence == Decimal("0.75") and kr.last_check_in_on == date(2026, 4, 29)
    assert kr.unit == "篇/日" and kr.weight == Decimal(2)

    decreasing = session.exec(select(models.KeyResult).where(models.KeyResult.start == 8)).one()
    assert (decreasing.target, decreasing.current) == (Decimal(5), Decimal("7.2"))

    milestone = session.exec(select(models.KeyResult).where(models.KeyResult.kind == "milestone")).one()
    assert milestone.is_done is False and milestone.current == 0

    project = session.exec(select(models.Project).where(models.Project.title == "创作者激励计划")).one()
    assert project.key_result_id == kr.id and project.month == "2026-04" and project.team_id == teams["content"].id
    raci = raci_ops.get_raci(session=session, project=project)
    emails = {u.id: u.email for u in session.exec(select(models.User)).all()}
    assert {emails[u]: letter for u, letter in raci.items()} == {
        "li@example.com": "A",
        "wang@example.com": "R",
        "zhao@example.com": "R",
    }

    # The growth team's objective is aligned to the company's goal and keeps its own team.
    company_goal = session.exec(select(models.AnnualGoal).where(models.AnnualGoal.team_id == teams["company"].id)).one()
    growth_objective = session.exec(
        select(models.Objective).where(models.Objective.team_id == teams["growth"].id)
    ).one()
    assert growth_objective.goal_id == company_goal.id
    content_goal = session.exec(select(models.AnnualGoal).where(models.AnnualGoal.team_id == teams["content"].id)).one()
    assert content_goal.parent_goal_id == company_goal.id
    assert company_goal.measure_target == Decimal(20000) and company_goal.unit == "活跃创作者"

    # Stand-alone tasks: the assignee's first team, or the task's own "team".
    loose = {t.title: t for t in session.exec(select(models.Task).where(models.Task.project_id.is_(None))).all()}
    assert loose["整理创作者社群周报"].team_id == teams["content"].id
    assert loose["更新团队值班表"].team_id == teams["growth"].id
    assert loose["更新团队值班表"].done_at is not None

    # Every row was written through the operations, so every row is audited.
    events = session.exec(select(models.AuditEvent)).all()
    created = {(e.item_type, e.item_id) for e in events if e.action == "create"}
    assert ("key_result", kr.id) in created and ("project", project.id) in created
    assert any(e.item_type == "raci" and e.item_id == kr.id for e in events)


def test_dry_run_counts_everything_and_writes_nothing(session):
    org_id = make_org(session)
    session.commit()
    before = row_counts(session)

    result = importer.import_plan(load_plan("content_platform_2026.json"), session=session, org_id=org_id, dry_run=True)
    session.commit()

    assert result.issues == [] and result.dry_run
    assert result.created["tasks"] == 5 and result.created["people"] == 5
    assert result.passwords == {}
    assert "would create" in result.summary()
    assert row_counts(session) == before


def test_existing_teams_and_people_are_reused(session):
    org_id = make_org(session)
    importer.import_plan(minimal(), session=session, org_id=org_id)
    session.commit()
    # A second document names the same team and people, and someone new.
    doc = minimal()
    doc["people"].append({"email": "sun@example.com", "name": "孙悦", "team": "content"})
    doc["teams"][0]["name"] = "另一个名字"  # an existing team is reused as it is
    result = importer.import_plan(doc, session=session, org_id=org_id)
    assert result.issues == []
    assert result.created["teams"] == 0 and result.created["people"] == 1
    assert result.created["memberships"] == 1
    assert list(result.passwords) == ["sun@example.com"]
    assert session.exec(select(models.Team)).one().name == "内容平台部"


# --- export and round trip ------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_gives_the_same_plan(make_session):
    first = make_session("first")
    org_id = make_org(first)
    importer.import_plan(load_plan("content_platform_2026.json"), session=first, org_id=org_id)
    first.commit()
    exported = exporter.export_plan(session=first, org_id=org_id)
    text = json.dumps(exported, ensure_ascii=False)  # plain JSON, no Decimal or date objects

    second = make_session("second")
    other_org = make_org(second, "other")
    result = importer.import_plan(json.loads(text), session=second, org_id=other_org)
    second.commit()
    assert result.issues == []
    again = exporter.export_plan(session=second, org_id=other_org)

    assert again == exported
    # And the export says what the source document said, in the format's own words.
    goal = next(g for g in exported["goals"] if g["team"] == "content")
    kr = goal["objectives"][0]["key_results"][0]
    assert kr["title"] == "日均发布内容量提升30%"
    assert (kr["start"], kr["target"], kr["unit"]) == (1000, 1300, "篇/日")
    assert [c["date"] for c in kr["check_ins"]] == ["2026-04-01", "2026-04-15", "2026-04-29"]
    assert kr["check_ins"][2]["value"] == 1125.5
    assert kr["raci"] == {"A": "li@example.com", "R": ["wang@example.com"], "C": ["zhao@example.com"]}
    assert [p["title"] for p in kr["projects"]] == ["创作者激励计划", "优质内容流量扶持"]
    assert [t["status"] for t in kr["projects"][0]["tasks"]] == ["done", "doing", "todo"]
    assert goal["supports"] == "g1"
    company = next(g for g in exported["goals"] if g["team"] == "company")
    assert company["objectives"][0]["team"] == "growth"
    assert {t["title"] for t in exported["tasks"]} == {"整理创作者社群周报", "更新团队值班表"}


def test_a_document_with_every_field_exports_back_unchanged(session):
    # The fixture is written in the export's own order and defaults, so import → export is the
    # identity: every field survives, numbers included (2.5, 0.125, 79.123456, 999999999.5).
    doc = load_plan("every_field.json")
    org_id = make_org(session)
    result = importer.import_plan(doc, session=session, org_id=org_id)
    assert result.issues == []
    assert exporter.export_plan(session=session, org_id=org_id) == doc

    kr = session.exec(select(models.KeyResult).where(models.KeyResult.start == 20)).one()
    # Two check-ins on 2026-02-13: the later entry is current.
    assert (kr.current, kr.confidence, kr.score_override) == (Decimal("9.5"), Decimal("0.7"), Decimal("0.8"))
    ada = session.exec(select(models.User).where(models.User.email == "ada@example.com")).one()
    assert ada.is_admin


def test_export_by_fiscal_year(session):
    doc = minimal()
    doc["goals"][0]["objectives"][0]["quarter"] = "2026-Q1"  # July-September 2025 with a July start
    doc["tasks"] = [
        {"week": "2025-W30", "title": "fiscal 2026", "team": "content"},
        {"week": "2026-W30", "title": "fiscal 2027", "team": "content"},
    ]
    org_id = make_org(session)
    assert importer.import_plan(doc, session=session, org_id=org_id, fiscal_start=7).issues == []
    exported = exporter.export_plan(session=session, org_id=org_id, year=2026, fiscal_start=7)
    assert [o["quarter"] for o in exported["goals"][0]["objectives"]] == ["2026-Q1"]
    assert [t["title"] for t in exported["tasks"]] == ["fiscal 2026"]
    assert exporter.export_plan(session=session, org_id=org_id, year=2027, fiscal_start=7)["goals"] == []


def test_export_of_one_team_and_one_year_imports_on_its_own(make_session):
    first = make_session("first")
    org_id = make_org(first)
    doc = load_plan("content_platform_2026.json")
    # Something from another year that a 2026 export leaves out.
    doc["goals"].append({"team": "content", "year": 2025, "title": "2025年内容平台目标", "objectives": []})
    importer.import_plan(doc, session=first, org_id=org_id)
    first.commit()

    exported = exporter.export_plan(session=first, org_id=org_id, team_slug="content", year=2026)
    assert {g["year"] for g in exported["goals"]} == {2026}
    assert [t["slug"] for t in exported["teams"]] == ["company", "product", "content"]
    # The growth team's objective and task belong to another team's plan.
    assert all(o.get("team") != "growth" for g in exported["goals"] for o in g["objectives"])
    assert [t["title"] for t in exported["tasks"]] == ["整理创作者社群周报"]

    second = make_session("second")
    other_org = make_org(second, "other")
    assert importer.validate(exported) == []
    result = importer.import_plan(exported, session=second, org_id=other_org)
    assert result.issues == []
    assert exporter.export_plan(session=second, org_id=other_org, team_slug="content", year=2026) == exported

    with pytest.raises(LookupError):
        exporter.export_plan(session=first, org_id=org_id, team_slug="nope")


def test_export_leaves_archived_items_out(session):
    org_id = make_org(session)
    importer.import_plan(minimal(), session=session, org_id=org_id)
    kr = session.exec(select(models.KeyResult)).one()
    planning.archive(session=session, actor_id=None, org_id=org_id, item=kr)
    exported = exporter.export_plan(session=session, org_id=org_id)
    assert exported["goals"][0]["objectives"][0]["key_results"] == []


# --- every problem, with its path -----------------------------------------------------------------


TWENTY_ERRORS = {
    "format": "okr-plan/2",
    "teams": [
        {"slug": "content", "name": "内容平台部"},
        {"slug": "content", "name": "重复的团队"},
    ],
    "people": [
        {"email": "li@example.com", "name": "李娜", "team": "content", "role": "boss"},
        {"email": "wang@example.com", "name": "王磊", "team": "content"},
        {"email": "LI@example.com", "name": "Li Na"},
    ],
    "goals": [
        {
            "team": "content",
            "year": 2025,
            "title": "",
            "objectives": [
                {
                    "quarter": "2026-Q2",
                    "title": "提升用户创作活跃度",
                    "kind": "stretch",
                    "key_results": [
                        {
                            "title": "日均发布内容量提升30%",
                            "kind": "metric",
                            "start": 1000,
                            "target": 1000,
                            "raci": {"A": ["li@example.com", "wang@example.com"], "R": 5},
                            "check_ins": [{"date": "2026-02-30", "value": float("nan"), "confidence": 1.5}],
                            "projects": [
                                {
                                    "month": "2026-Q2",
                                    "title": "创作者激励计划",
                                    "tasks": [
                                        {
                                            "week": "2026-W54",
                                            "title": "确定激励规则",
                                            "assignee": "nobody@example.com",
                                            "status": "finished",
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    ],
    "tasks": [{"week": "2026-W16", "title": "整理周报", "important": "yes", "urgnet": True}],
}


def test_twenty_errors_are_all_reported_with_their_paths_and_nothing_is_written(session):
    kr = "goals[0].objectives[0].key_results[0]"
    expected = [
        "format",
        "teams[1].slug",  # duplicate slug
        "people[0].role",  # not a role
        "people[2].email",  # duplicate email (case does not matter)
        "goals[0].title",  # empty
        "goals[0].objectives[0].quarter",  # 2026-Q2 is not in 2025
        "goals[0].objectives[0].kind",  # not committed/aspirational
        f"{kr}.target",  # equal to start
        f"{kr}.raci.A",  # two people Accountable
        f"{kr}.raci.R",  # not an email or a list of emails
        f"{kr}.check_ins[0].date",  # 2026-02-30
        f"{kr}.check_ins[0].value",  # NaN
        f"{kr}.check_ins[0].confidence",  # above 1
        f"{kr}.projects[0].month",  # a quarter where a month goes
        f"{kr}.projects[0].tasks[0].week",  # no week 54
        f"{kr}.projects[0].tasks[0].assignee",  # unknown person
        f"{kr}.projects[0].tasks[0].status",  # not a task status
        "tasks[0].urgnet",  # typo
        "tasks[0]",  # no team and no assignee
        "tasks[0].important",  # not a boolean
    ]
    issues = importer.validate(TWENTY_ERRORS)
    assert paths(issues) == expected
    assert len(issues) == 20

    org_id = make_org(session)
    session.commit()
    before = row_counts(session)
    result = importer.import_plan(copy.deepcopy(TWENTY_ERRORS), session=session, org_id=org_id)
    session.commit()
    assert paths(result.issues) == expected
    assert result.created == {} and result.passwords == {}
    assert row_counts(session) == before


def test_messages_say_what_is_wrong():
    messages = {issue.path: issue.message for issue in importer.validate(TWENTY_ERRORS)}
    assert "okr-plan/1" in messages["format"]
    assert "2025" in messages["goals[0].objectives[0].quarter"]
    assert "did you mean 'urgent'" in messages["tasks[0].urgnet"]
    assert "2026-02-30" in messages["goals[0].objectives[0].key_results[0].check_ins[0].date"]
    assert str(schema.Issue("goals[0].title", "empty")) == "goals[0].title: must not be empty"


@pytest.mark.parametrize(
    ("where", "key", "path"),
    [
        ("top", "tasks_", "tasks_"),
        ("goal", "titel", "goals[0].titel"),
        ("objective", "wieght", "goals[0].objectives[0].wieght"),
        ("kr", "targte", "goals[0].objectives[0].key_results[0].targte"),
    ],
)
def test_unknown_keys_are_errors_at_every_level(where, key, path):
    doc = minimal()
    target = {
        "top": doc,
        "goal": doc["goals"][0],
        "objective": doc["goals"][0]["objectives"][0],
        "kr": doc["goals"][0]["objectives"][0]["key_results"][0],
    }[where]
    target[key] = 1
    issues = importer.validate(doc)
    assert paths(issues) == [path]
    assert "unknown key" in issues[0].message


def test_not_an_object_and_missing_format():
    assert paths(importer.validate([])) == [""]
    assert paths(importer.validate({})) == ["format"]
    assert importer.validate({"format": "okr-plan/1"}) == []


# --- periods ---------------------------------------------------------------------------------------


def with_project(project: dict) -> dict:
    doc = minimal()
    doc["goals"][0]["objectives"][0]["key_results"][0]["projects"] = [project]
    return doc


OBJ = "goals[0].objectives[0]"
PROJECT = f"{OBJ}.key_results[0].projects[0]"


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["goals"][0]["objectives"][0].update(quarter="2026-Q5"), f"{OBJ}.quarter", "no quarter 5"),
        (lambda d: d["goals"][0]["objectives"][0].update(quarter="2026-04"), f"{OBJ}.quarter", "is a month"),
        (lambda d: d["goals"][0].update(year=2025), f"{OBJ}.quarter", "not in the goal's year 2025"),
        (lambda d: d["goals"][0].update(year="2026-Q1"), "goals[0].year", "is a quarter"),
        (lambda d: d["goals"][0].update(year=26), "goals[0].year", "outside 1900 to 9999"),
        (lambda d: d["goals"][0].update(year=True), "goals[0].year", "a year such as 2026"),
    ],
)
def test_bad_periods(change, path, words):
    doc = minimal()
    change(doc)
    issues = importer.validate(doc)
    assert paths(issues) == [path]
    assert words in issues[0].message


@pytest.mark.parametrize(
    ("project", "path", "words"),
    [
        ({"month": "2026-07", "title": "七月项目"}, f"{PROJECT}.month", "not in the objective's quarter 2026-Q2"),
        (
            {"month": "2026-04", "title": "创作者激励计划", "tasks": [{"week": "2026-W54", "title": "t"}]},
            f"{PROJECT}.tasks[0].week",
            "no week 54",
        ),
        # 2026-W14 runs Mon 30 March to Sun 5 April: its Thursday is in April, so not in March.
        (
            {"month": "2026-03", "title": "三月项目", "tasks": [{"week": "2026-W14", "title": "t"}]},
            f"{PROJECT}.tasks[0].week",
            "Thursday",
        ),
        (
            {"month": "2026-04", "title": "创作者激励计划", "tasks": [{"week": "2026-04", "title": "t"}]},
            f"{PROJECT}.tasks[0].week",
            "is a month",
        ),
    ],
)
def test_bad_project_and_task_periods(project, path, words):
    doc = with_project(project)
    if project["month"] == "2026-03":
        doc["goals"][0]["objectives"][0]["quarter"] = "2026-Q1"
    issues = importer.validate(doc)
    assert paths(issues) == [path]
    assert words in issues[0].message


def test_week_of_its_month_by_thursday_is_accepted():
    # 2026-W14's Thursday is 2 April: it belongs to April and Q2.
    doc = with_project({"month": "2026-04", "title": "创作者激励计划", "tasks": [{"week": "2026-W14", "title": "t"}]})
    assert importer.validate(doc) == []


def test_fiscal_year_quarters():
    doc = minimal()
    # With a July start, fiscal 2026 runs July 2025 to June 2026: its Q1 is July-September 2025.
    doc["goals"][0]["objectives"][0]["quarter"] = "2026-Q1"
    doc["goals"][0]["objectives"][0]["key_results"][0]["projects"] = [{"month": "2025-08", "title": "八月项目"}]
    assert importer.validate(doc, fiscal_start=7) == []
    assert paths(importer.validate(doc, fiscal_start=1)) == [f"{PROJECT}.month"]


# --- key results, numbers and dates ----------------------------------------------------------------


KR = "goals[0].objectives[0].key_results[0]"


def test_decreasing_key_result_is_valid_and_tracks_its_latest_check_in(session):
    doc = minimal(
        title="内容审核平均时长从8小时降到5小时",
        start=8,
        target=5,
        unit="小时",
        check_ins=[
            {"date": "2026-05-01", "value": 6.5, "confidence": 0.8},
            {"date": "2026-04-10", "value": 7.2, "confidence": 0.5, "note": "补录的四月数据"},
        ],
    )
    assert importer.validate(doc) == []
    org_id = make_org(session)
    importer.import_plan(doc, session=session, org_id=org_id)
    kr = session.exec(select(models.KeyResult)).one()
    # The back-dated 04-10 entry comes second in the document but does not overwrite 05-01.
    assert (kr.start, kr.target, kr.current) == (Decimal(8), Decimal(5), Decimal("6.5"))
    assert kr.last_check_in_on == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("kr", "path", "words"),
    [
        ({"target": 1000}, f"{KR}.target", "must differ from start"),
        ({"start": None}, f"{KR}.start", "must be a number"),
        ({"target": "1,300"}, f"{KR}.target", "is not a number"),
        ({"target": float("inf")}, f"{KR}.target", "finite"),
        ({"target": 1e12}, f"{KR}.target", "too large"),
        ({"target": "-1000000000000"}, f"{KR}.target", "too large"),
        ({"target": 1.0000001}, f"{KR}.target", "decimal places"),
        ({"target": True}, f"{KR}.target", "must be a number"),
        ({"weight": -0.5}, f"{KR}.weight", "at least 0"),
        ({"kind": "count"}, f"{KR}.kind", "metric, percent, milestone"),
        ({"progress_from": "tasks"}, f"{KR}.progress_from", "checkins, projects"),
        ({"kind": "milestone"}, f"{KR}.start", "milestone has no start"),
        ({"done": True}, f"{KR}.done", "only a milestone"),
        ({"title": "x" * 201}, f"{KR}.title", "at most 200"),
        ({"title": "   "}, f"{KR}.title", "must not be empty"),
        ({"description": "长" * 30000}, f"{KR}.description", "64 KB"),
        ({"score": 1.2}, f"{KR}.score", "at most 1"),
        ({"check_ins": [{"date": "2026-4-1", "value": 1}]}, f"{KR}.check_ins[0].date", "YYYY-MM-DD"),
        ({"check_ins": [{"date": "2026-04-01"}]}, f"{KR}.check_ins[0].value", "is required"),
        (
            {"check_ins": [{"date": "2026-04-01", "value": 1, "confidence": -0.1}]},
            f"{KR}.check_ins[0].confidence",
            "at least 0",
        ),
        ({"check_ins": {"date": "2026-04-01"}}, f"{KR}.check_ins", "must be a list"),
    ],
)
def test_key_result_errors(kr, path, words):
    doc = minimal(**kr)
    if kr.get("kind") == "milestone":
        del doc["goals"][0]["objectives"][0]["key_results"][0]["target"]
    issues = importer.validate(doc)
    assert paths(issues) == [path]
    assert words in issues[0].message


def test_numbers_may_be_numeric_strings_and_milestones_take_done(session):
    doc = minimal(start="1000", target=" 1300.50 ")
    milestone = {
        "title": "上线创作者成长等级体系",
        "kind": "milestone",
        "done": True,
        "raci": {"A": "li@example.com", "R": ["wang@example.com"]},
    }
    doc["goals"][0]["objectives"][0]["key_results"].append(milestone)
    assert importer.validate(doc) == []
    org_id = make_org(session)
    importer.import_plan(doc, session=session, org_id=org_id)
    krs = session.exec(select(models.KeyResult).order_by(models.KeyResult.id)).all()
    assert krs[0].target == Decimal("1300.5")
    assert krs[1].kind == "milestone" and krs[1].is_done is True


def test_non_finite_numbers_from_json_text_are_refused():
    text = json.dumps(minimal()).replace('"target": 1300', '"target": NaN')
    issues = importer.validate(json.loads(text))
    assert paths(issues) == [f"{KR}.target"]


# --- RACI ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raci", "expected"),
    [
        ({"R": ["wang@example.com"]}, [f"{KR}.raci.A"]),
        ({"A": [], "R": ["wang@example.com"]}, [f"{KR}.raci.A"]),
        ({"A": ["li@example.com", "wang@example.com"], "R": ["sun@example.com"]}, [f"{KR}.raci.A"]),
        ({"A": "li@example.com"}, []),  # nobody else does the work: li holds A/R
        ({"A": "li@example.com", "R": "li@example.com", "C": "li@example.com"}, [f"{KR}.raci.C"]),
        ({"A": "li@example.com", "R": ["wang@example.com"], "X": ["sun@example.com"]}, [f"{KR}.raci.X"]),
        ({"A": "li@example.com", "R": ["wang@example.com"], "C": ["li@example.com"]}, [f"{KR}.raci.C[0]"]),
        ({"A": "li@example.com", "R": ["wang@example.com", "ghost@example.com"]}, [f"{KR}.raci.R[1]"]),
        ({"A": "li@example.com", "R": "wang@example.com", "I": 3}, [f"{KR}.raci.I"]),
        ("li@example.com", [f"{KR}.raci"]),
    ],
)
def test_raci_errors(raci, expected):
    doc = minimal(raci=raci)
    doc["people"].append({"email": "sun@example.com", "name": "孙悦", "team": "content"})
    assert paths(importer.validate(doc)) == expected


def test_raci_errors_on_projects_have_their_paths():
    doc = with_project({"month": "2026-04", "title": "创作者激励计划", "raci": {"R": [], "C": ["wang@example.com"]}})
    assert paths(importer.validate(doc)) == [f"{PROJECT}.raci.A"]


# --- teams, people and references ------------------------------------------------------------------


def test_team_and_people_errors():
    doc = minimal()
    doc["teams"] += [
        {"slug": "a", "name": "A", "parent": "b"},
        {"slug": "b", "name": "B", "parent": "a"},
        {"slug": "Bad Slug", "name": "坏"},
        {"slug": "c", "name": "C", "parent": "c"},
        {"slug": "d", "name": "D", "kind": "division"},
    ]
    doc["people"] += [
        {"email": "not-an-email", "name": "X"},
        {"email": "zhao@example.com", "name": "赵敏", "team": "nowhere"},
        {"email": "qian@example.com", "name": "", "role": "member"},
        {
            "email": "sun@example.com",
            "name": "孙悦",
            "memberships": [{"team": "content"}, {"team": "content", "role": "viewer"}],
        },
    ]
    doc["goals"][0]["owner"] = "ghost@example.com"
    doc["goals"][0]["team"] = "marketing"
    assert paths(importer.validate(doc)) == [
        "teams[3].slug",
        "teams[4].parent",
        "teams[5].kind",
        "teams[1].parent",
        "teams[2].parent",
        "people[2].email",
        "people[3].team",
        "people[4].name",
        "people[4].role",
        "people[5].memberships[1].team",
        "goals[0].team",
        "goals[0].owner",
    ]


def test_goal_refs_must_exist_and_not_loop():
    doc = minimal()
    doc["goals"][0].update(ref="a", supports="b")
    doc["goals"].append({"team": "content", "year": 2026, "title": "第二个目标", "ref": "b", "supports": "a"})
    doc["goals"].append({"team": "content", "year": 2026, "title": "第三个目标", "ref": "a", "supports": "zzz"})
    assert paths(importer.validate(doc)) == [
        "goals[2].ref",
        "goals[2].supports",
        "goals[0].supports",
        "goals[1].supports",
    ]


def test_stand_alone_tasks_need_a_team():
    doc = minimal()
    doc["people"].append({"email": "sun@example.com", "name": "孙悦"})
    doc["tasks"] = [
        {"week": "2026-W16", "title": "no assignee, no team"},
        {"week": "2026-W16", "title": "assignee without a team", "assignee": "sun@example.com"},
        {"week": "2026-W16", "title": "own team", "assignee": "sun@example.com", "team": "content"},
        {"week": "2026-W16", "title": "assignee's team", "assignee": "wang@example.com"},
    ]
    assert paths(importer.validate(doc)) == ["tasks[0]", "tasks[1]"]


def test_people_and_teams_in_the_database_are_known(session):
    org_id = make_org(session)
    importer.import_plan(minimal(), session=session, org_id=org_id)
    session.commit()
    doc = minimal()
    del doc["teams"], doc["people"]
    # Without the database they are unknown; with it they are found.
    assert paths(importer.validate(doc)) == ["goals[0].team", f"{KR}.raci.A", f"{KR}.raci.R[0]"]
    assert importer.validate(doc, session=session, org_id=org_id) == []


def test_an_email_of_another_organisation_is_refused_without_saying_so(session):
    first = make_org(session, "first")
    importer.import_plan(minimal(), session=session, org_id=first)
    second = make_org(session, "second")
    result = importer.import_plan(minimal(), session=session, org_id=second)
    assert paths(result.issues) == ["people[0].email", "people[1].email"]
    assert (
        result.issues[0].message
        == "li@example.com cannot be used for a new account: ask the person for another address"
    )


# --- scope: what a document may touch (an upload by a team's manager) -------------------------------


def test_a_scope_limits_teams_people_and_memberships(session):
    from okr.core.permissions import ImportScope

    org_id = make_org(session)
    importer.import_plan(minimal(), session=session, org_id=org_id)
    importer.import_plan(
        {"format": "okr-plan/1", "teams": [{"slug": "sales", "name": "Sales"}]}, session=session, org_id=org_id
    )
    content = session.exec(select(models.Team).where(models.Team.slug == "content")).one()
    scope = ImportScope(team_ids=frozenset({content.id}), may_manage_people=False)
    doc = minimal()
    doc["teams"].append({"slug": "new", "name": "New"})
    doc["people"][1]["memberships"] = [{"team": "sales"}]
    doc["people"].append({"email": "sun@example.com", "name": "孙悦", "team": "content"})
    doc["goals"].append({"team": "sales", "year": 2026, "title": "销售目标"})
    expected = ["teams[1]", "people[1].memberships[0]", "people[2]", "goals[1].team"]
    assert paths(importer.validate(doc, session=session, org_id=org_id, scope=scope)) == expected
    before = row_counts(session)
    result = importer.import_plan(doc, session=session, org_id=org_id, scope=scope)
    assert paths(result.issues) == expected and row_counts(session) == before
    # the same document without a scope (the operator's `okr import`) imports
    assert importer.import_plan(doc, session=session, org_id=org_id).issues == []
    # and a scope that manages people but not every team still refuses the goal only
    wide = ImportScope(team_ids=frozenset({content.id}), may_manage_people=True)
    assert paths(
        importer.validate(minimal() | {"goals": doc["goals"][1:]}, session=session, org_id=org_id, scope=wide)
    ) == ["goals[0].team"]


def test_the_import_names_what_it_creates(session):
    org_id = make_org(session)
    result = importer.import_plan(minimal(), session=session, org_id=org_id, dry_run=True)
    assert result.new_teams == [("content", "内容平台部", None)]
    assert result.new_people == [("li@example.com", "李娜", False), ("wang@example.com", "王磊", False)]
    assert result.new_memberships == [
        ("li@example.com", "content", "manager"),
        ("wang@example.com", "content", "member"),
    ]


def test_issues_translate_their_template_and_phrases():
    issue = importer.validate({"format": "okr-plan/1", "goals": [{"team": "x", "year": "2026-Q1", "title": "t"}]})[1]
    assert issue.path == "goals[0].year" and issue.message == "2026-Q1 is a quarter: this must be a year such as 2026"
    zh = {
        "%(value)s is %(found)s: this must be %(what)s": "%(value)s 是%(found)s：这里必须是%(what)s",
        "a quarter": "季度",
        "a year such as 2026": "年份（如 2026）",
    }
    assert issue.translated(lambda text: zh.get(text, text)) == "2026-Q1 是季度：这里必须是年份（如 2026）"
    assert schema.Issue("p", "empty").translated(str.upper) == "MUST NOT BE EMPTY"


def test_the_pure_schema_keeps_the_columns_lengths():
    assert (schema.TITLE_MAX, schema.NAME_MAX) == (models.TITLE_MAX, models.NAME_MAX)


def test_every_issue_is_a_code_the_catalogs_word():
    from okr.plandoc.messages import MESSAGES

    issues = importer.validate(TWENTY_ERRORS)
    assert issues and all(issue.code in MESSAGES for issue in issues)
    assert {issue.code for issue in issues} >= {"unknown_format", "unknown_key_hint", "not_calendar_date"}
