"""The demo organisation: its plan document is valid for any day, it seeds once, and it holds what
the README promises a new user (the content team's Q2 OKR, RACI, a full Eisenhower week, logins)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import sqlmodel
from sqlmodel import select

import okr.core.db
import okr.core.migrate
from okr.accounts import passwords
from okr.core import models, periods
from okr.plandoc import importer
from okr.seed import demo, demo_budget
from okr.week import rules as eisenhower

TODAY = date(2026, 5, 21)  # Thursday of 2026-W21, in 2026-Q2

DAYS = [
    (date(2026, 1, 1), 1),  # first day of the year: last quarter is in last year
    (date(2026, 5, 21), 1),  # middle of the year, inside the content team's Q2
    (date(2026, 6, 30), 1),  # last day of a quarter
    (date(2026, 12, 31), 1),  # 2026-W53: next week is in another year
    (date(2027, 1, 4), 1),  # Monday of 2027-W01
    (date(2026, 3, 2), 7),  # July fiscal year: FY2026-Q3, Q2 was last quarter
    (date(2026, 7, 1), 7),  # first day of FY2027
    (date(2026, 12, 31), 7),
]


def _walk(doc):
    """Every objective, key result and project of a plan document, with their parents."""
    for goal in doc["goals"]:
        for objective in goal["objectives"]:
            for kr in objective["key_results"]:
                yield goal, objective, kr, None
                for project in kr["projects"]:
                    yield goal, objective, kr, project


def _items(doc):
    krs = [kr for _, _, kr, p in _walk(doc) if p is None]
    projects = [p for *_, p in _walk(doc) if p is not None]
    return krs, projects


def _database(path):
    engine = okr.core.db.make_engine("sqlite:///" + str(path / "t.sqlite"))
    okr.core.migrate.upgrade(engine)
    return engine


@pytest.fixture
def session(tmp_path):
    engine = _database(tmp_path)
    with sqlmodel.Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One seeded demo for the tests that only read it (seeding takes a few seconds)."""
    engine = _database(tmp_path_factory.mktemp("demo"))
    with sqlmodel.Session(engine) as session:
        result = demo.seed_demo(session=session, today=TODAY)
        session.commit()
        yield session, result
    engine.dispose()


@pytest.mark.parametrize(("today", "fiscal_start"), DAYS)
def test_demo_plan_is_valid_on_any_day(today, fiscal_start):
    doc = demo.build_demo_plan(today, fiscal_start)
    issues = importer.validate(doc, fiscal_start=fiscal_start)
    assert [f"{i.path}: {i.message}" for i in issues] == []


@pytest.mark.parametrize(("today", "fiscal_start"), DAYS)
def test_demo_periods_nest_and_never_pass_today(today, fiscal_start):
    doc = demo.build_demo_plan(today, fiscal_start)
    this_quarter = periods.quarter_of(today, fiscal_start)
    quarters = set()
    for goal, objective, kr, project in _walk(doc):
        quarter = periods.parse(objective["quarter"], fiscal_start)
        quarters.add(quarter)
        assert quarter.fiscal_year().year == goal["year"]
        if project is None:
            for check_in in kr["check_ins"]:
                day = date.fromisoformat(check_in["date"])
                assert quarter.start <= day <= min(quarter.end, today)
            continue
        month = periods.parse(project["month"])
        assert quarter.contains(month)
        for task in project["tasks"]:
            assert periods.parse(task["week"]).parent() == month
    assert {this_quarter, this_quarter.prev()} <= quarters


def test_demo_plan_is_deterministic():
    assert demo.build_demo_plan(TODAY) == demo.build_demo_plan(TODAY)
    assert demo.build_demo_plan(TODAY) != demo.build_demo_plan(date(2026, 8, 20))


def test_demo_plan_has_the_organisation_described():
    doc = demo.build_demo_plan(TODAY)
    teams = {t["slug"]: t for t in doc["teams"]}
    assert len(teams) == 10
    assert teams["content"] == {"slug": "content", "name": "内容平台部", "parent": "product"}
    kinds = Counter(
        "company" if t.get("parent") is None else "department" if teams[t["parent"]].get("parent") is None else "team"
        for t in teams.values()
    )
    assert kinds == {"company": 1, "department": 3, "team": 6}
    roles = Counter(p["role"] for p in doc["people"])
    assert roles["admin"] == 1 and roles["viewer"] == 2 and 24 <= sum(roles.values()) <= 27
    assert all(p["email"].endswith("@example.com") for p in doc["people"])
    managed = {p["team"] for p in doc["people"] if p["role"] == "manager"}
    assert managed == set(teams)
    # Every team has this fiscal year's goals.
    assert {g["team"] for g in doc["goals"] if g["year"] == 2026} == set(teams)


def test_demo_key_results_cover_every_kind_and_pace():
    doc = demo.build_demo_plan(TODAY)
    krs, projects = _items(doc)
    metric = [k for k in krs if k["kind"] == "metric"]
    assert any(k["target"] > k["start"] for k in metric)
    assert any(k["target"] < k["start"] for k in metric)
    assert any(k["kind"] == "percent" for k in krs)
    milestones = [k["done"] for k in krs if k["kind"] == "milestone"]
    assert True in milestones and False in milestones
    assert any(k.get("progress_from") == "projects" and k["projects"] for k in krs)
    assert {o["kind"] for g in doc["goals"] for o in g["objectives"]} == {"committed", "aspirational"}
    # Some key results have gone quiet for three weeks and more this quarter.
    quarter = periods.quarter_of(TODAY)
    silent = [
        kr
        for _, o, kr, p in _walk(doc)
        if p is None
        and o["quarter"] == str(quarter)
        and kr["kind"] != "milestone"
        and not kr.get("progress_from")
        and all((TODAY - date.fromisoformat(c["date"])).days >= 21 for c in kr["check_ins"])
    ]
    assert silent
    # Months of projects: last and this month (plus the content team's Q2 ones).
    assert {p["month"] for p in projects} == {"2026-04", "2026-05"}


def _quarter_of(objective, project, fiscal_start):
    """The quarter whose load counts an item, as the RACI page does: a key result by its
    objective's quarter, a project by the quarter its month falls in."""
    if project is None:
        return objective["quarter"]
    return str(periods.parse(project["month"]).fiscal_quarter(fiscal_start))


@pytest.mark.parametrize(("today", "fiscal_start"), DAYS)
def test_demo_raci_overloads_one_person_this_quarter_and_shows_a_gap(today, fiscal_start):
    doc = demo.build_demo_plan(today, fiscal_start)
    this_quarter = str(periods.quarter_of(today, fiscal_start))
    load: dict[str, dict[str, Counter]] = {}  # quarter -> person -> letters
    gaps = Counter()
    for _goal, objective, kr, project in _walk(doc):
        item = project if project is not None else kr
        quarter = _quarter_of(objective, project, fiscal_start)
        if "raci" not in item:  # a project nobody has been named for yet
            gaps[quarter] += 1
            continue
        raci = item["raci"]
        assert isinstance(raci["A"], str)
        assert raci["R"] and raci["A"] not in raci["R"]
        people = [raci["A"], *raci["R"], *raci["C"], *raci["I"]]
        assert len(people) == len(set(people)), "one letter per person per item"
        assert item["owner"] == raci["A"], "the Accountable is the owner"
        per = load.setdefault(quarter, {})
        for letter in "ARCI":
            for person in [raci[letter]] if letter == "A" else raci[letter]:
                per.setdefault(person, Counter())[letter] += 1
    for quarter, per in load.items():
        over = sorted(p for p, n in per.items() if n["A"] > 5 or n["R"] > 8)
        # The load page counts one quarter: there she is over the limit, and nobody else ever is.
        assert over == ([demo.OVERLOADED] if quarter == this_quarter else []), (quarter, over)
    assert gaps[this_quarter] >= 1, "the RACI page has a gap to show this quarter"
    items = [p or kr for *_, kr, p in _walk(doc) if "raci" in (p or kr)]
    assert any(item["raci"]["C"] for item in items)
    assert any(item["raci"]["I"] for item in items)


def test_demo_tasks_fill_five_weeks_for_every_working_person():
    doc = demo.build_demo_plan(TODAY)
    _, projects = _items(doc)
    tasks = doc["tasks"] + [t for p in projects for t in p["tasks"]]
    week = periods.week_of(TODAY)
    window = [week.prev().prev().prev(), week.prev().prev(), week.prev(), week, week.next()]
    workers = [p["email"] for p in doc["people"] if p["role"] != "viewer"]
    for person in workers:
        for w in window:
            mine = [t for t in tasks if t["assignee"] == person and t["week"] == str(w)]
            quadrants = {eisenhower.quadrant(t["important"], t["urgent"]) for t in mine}
            assert quadrants == set(eisenhower.ORDER), (person, str(w))
    assert {t["status"] for t in tasks} == {"todo", "doing", "done", "dropped"}
    assert {t["status"] for t in tasks if t["week"] == str(week.next())} == {"todo"}
    assert doc["tasks"], "some tasks belong to no key result"


def test_seed_demo_creates_the_organisation_once(seeded):
    session, first = seeded
    assert first.created and first.counts["tasks"] > 0
    counts = {
        model: len(session.exec(select(model)).all())
        for model in (
            models.Team,
            models.User,
            models.Objective,
            models.KeyResult,
            models.CheckIn,
            models.Project,
            models.Task,
            models.RaciAssignment,
        )
    }
    doc = demo.build_demo_plan(TODAY)
    krs, projects = _items(doc)
    assert counts[models.Team] == len(doc["teams"])
    assert counts[models.User] == len(doc["people"])
    assert counts[models.KeyResult] == len(krs)
    # The budget's campaign and trade show are projects of their own (okr/seed/demo_budget.py).
    assert counts[models.Project] == len(projects) + len(demo_budget.PROJECTS)
    assert counts[models.Task] == len(doc["tasks"]) + sum(len(p["tasks"]) for p in projects)

    second = demo.seed_demo(session=session, today=TODAY)
    session.commit()
    assert not second.created and second.org_id == first.org_id
    assert "already" in second.message
    assert len(session.exec(select(models.Organisation)).all()) == 1
    for model, count in counts.items():
        assert len(session.exec(select(model)).all()) == count


def test_seeded_demo_has_the_content_teams_q2_okr(seeded):
    session, result = seeded
    content = session.exec(
        select(models.Team).where(models.Team.org_id == result.org_id, models.Team.slug == "content")
    ).one()
    assert content.name == "内容平台部"
    objective = session.exec(
        select(models.Objective).where(
            models.Objective.team_id == content.id,
            models.Objective.quarter == "2026-Q2",
            models.Objective.title == "提升用户创作活跃度",
        )
    ).one()
    assert objective.kind == "aspirational"
    krs = {
        kr.title: kr
        for kr in session.exec(select(models.KeyResult).where(models.KeyResult.objective_id == objective.id))
    }
    assert set(krs) == {"日均发布内容量提升30%", "创作者留存率提升15%"}
    posts = krs["日均发布内容量提升30%"]
    assert (posts.kind, posts.start, posts.target, posts.unit) == ("metric", 1000, 1300, "篇/日")
    assert krs["创作者留存率提升15%"].kind == "percent"
    projects = session.exec(
        select(models.Project).where(models.Project.key_result_id.in_([k.id for k in krs.values()]))
    ).all()
    assert {p.title for p in projects} == {"创作者激励计划", "内容分发算法优化"}
    assert all(p.team_id == content.id for p in projects)


@pytest.mark.parametrize(("today", "fiscal_start"), [(date(2026, 1, 1), 1), (date(2026, 12, 31), 7)])
def test_seeded_demo_has_the_content_q2_okr_from_any_quarter(session, today, fiscal_start):
    demo.seed_demo(session=session, today=today, fiscal_start=fiscal_start)
    q2 = str(periods.Quarter(periods.year_of(today, fiscal_start).year, 2, fiscal_start))
    objective = session.exec(select(models.Objective).where(models.Objective.title == "提升用户创作活跃度")).one()
    assert objective.quarter == q2
    titles = set(session.exec(select(models.Project.title)).all())
    assert {"创作者激励计划", "内容分发算法优化"} <= titles


def test_seeded_items_have_exactly_one_accountable_who_is_the_owner(seeded):
    session, _ = seeded
    rows = session.exec(select(models.RaciAssignment)).all()
    letters: dict[tuple[str, int], Counter] = {}
    accountable = {}
    for row in rows:
        key = ("kr", row.key_result_id) if row.key_result_id else ("project", row.project_id)
        letters.setdefault(key, Counter())[row.letter] += 1
        if row.letter == "A":
            accountable[key] = row.user_id
    krs = session.exec(select(models.KeyResult)).all()
    projects = session.exec(select(models.Project)).all()
    assert {k for k in letters if k[0] == "kr"} == {("kr", k.id) for k in krs}
    unstaffed = {("project", p.id) for p in projects} - {k for k in letters if k[0] == "project"}
    assert [p.title for p in projects if ("project", p.id) in unstaffed] == [
        "创作者学院课程录制 Record the academy courses"
    ]
    for counts in letters.values():
        assert counts["A"] == 1 and counts["R"] >= 1
    for kr in krs:
        assert kr.owner_id == accountable[("kr", kr.id)]
    for project in projects:
        assert project.owner_id == accountable.get(("project", project.id))


def test_seeded_raci_page_shows_li_overloaded_and_a_gap_this_quarter(seeded):
    # Counted as the RACI page counts: this quarter's live items, with the organisation's limits.
    from okr.raci import queries as rq
    from okr.raci import rules as raci

    session, result = seeded
    org = session.get(models.Organisation, result.org_id)
    quarter = periods.quarter_of(TODAY)
    load = rq.quarter_load(session, org.id, quarter)
    over = raci.overloaded(load, max_a=org.raci_max_accountable, max_r=org.raci_max_responsible)
    li = session.exec(select(models.User).where(models.User.email == demo.OVERLOADED)).one()
    assert over == {li.id: [raci.TOO_MANY_ACCOUNTABLE]} and load[li.id].A > 5
    content = session.exec(select(models.Team).where(models.Team.slug == "content")).one()
    matrix = rq.team_matrix(session, content, quarter)
    gaps = raci.gaps((r.key, r.live_letters) for r in matrix.rows)
    assert [({r.key: r.item.title for r in matrix.rows}[key], codes) for key, codes in gaps] == [
        ("创作者学院课程录制 Record the academy courses", [raci.NO_ACCOUNTABLE, raci.NO_RESPONSIBLE])
    ]


@pytest.mark.parametrize(("today", "fiscal_start"), [(TODAY, 1), (date(2026, 11, 27), 1), (date(2027, 1, 4), 1)])
def test_seeded_member_can_drag_schedule_to_do_and_finish_it_this_week(session, today, fiscal_start):
    demo.seed_demo(session=session, today=today, fiscal_start=fiscal_start)
    wang = session.exec(select(models.User).where(models.User.email == demo.DEMO_MEMBER)).one()
    tasks = session.exec(
        select(models.Task).where(models.Task.assignee_id == wang.id, models.Task.week == str(periods.week_of(today)))
    ).all()
    open_in = {
        q: [t for t in tasks if eisenhower.quadrant(t.important, t.urgent) == q and t.status in ("todo", "doing")]
        for q in (eisenhower.Quadrant.SCHEDULE, eisenhower.Quadrant.DO)
    }
    assert open_in[eisenhower.Quadrant.DO]
    # Finishing the Schedule task moves a project's progress on the plan page.
    assert any(t.project_id is not None for t in open_in[eisenhower.Quadrant.SCHEDULE])


def test_seeded_demo_aligns_a_team_objective_to_the_company_goal(seeded):
    session, _ = seeded
    teams = {t.id: t.slug for t in session.exec(select(models.Team)).all()}
    goals = {g.id: g for g in session.exec(select(models.AnnualGoal)).all()}
    crossing = [
        (teams[o.team_id], teams[goals[o.goal_id].team_id], o.title)
        for o in session.exec(select(models.Objective)).all()
        if o.goal_id is not None and goals[o.goal_id].team_id != o.team_id
    ]
    assert crossing == [("ops", "company", "Grow a lively community 社区活跃度提升")]


def test_seeded_member_has_all_four_quadrants_this_week(seeded):
    session, _ = seeded
    wang = session.exec(select(models.User).where(models.User.email == "wang@example.com")).one()
    tasks = session.exec(
        select(models.Task).where(models.Task.assignee_id == wang.id, models.Task.week == str(periods.week_of(TODAY)))
    ).all()
    assert {eisenhower.quadrant(t.important, t.urgent) for t in tasks} == set(eisenhower.ORDER)
    assert any(t.project_id is not None for t in tasks)
    assert any(t.project_id is None for t in tasks)


def test_demo_logins_work(seeded):
    session, _ = seeded
    assert [email for email, _ in demo.DEMO_LOGINS][:1] == [demo.ADMIN_EMAIL]
    for email, _ in demo.DEMO_LOGINS:
        user = session.exec(select(models.User).where(models.User.email == email)).one()
        assert passwords.check_password(user.password_hash, demo.DEMO_PASSWORD)
        assert not passwords.check_password(user.password_hash, "wrong-password")
        assert user.is_admin == (email == demo.ADMIN_EMAIL)
    admins = session.exec(select(models.User).where(models.User.is_admin)).all()
    assert [u.email for u in admins] == [demo.ADMIN_EMAIL]


def test_seed_summary_says_what_was_made(seeded):
    session, result = seeded
    assert result.summary().startswith("created the demo organisation")
    assert "26 people" in result.summary()
    again = demo.seed_demo(session=session, today=TODAY)
    assert again.summary() == again.message
