"""Write operations on the plan: audited creates and updates, optimistic locking, archive and
restore, check-ins that keep a key result's current value at the latest one, RACI, people."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from okr.accounts import ops as accounts_ops
from okr.accounts import passwords
from okr.core import migrate, models
from okr.core.db import make_engine
from okr.plans import ops as planning
from okr.plans.ops import StaleEdit
from okr.raci import ops as raci_ops


@pytest.fixture
def engine(tmp_path):
    engine = make_engine("sqlite:///" + str(tmp_path / "t.sqlite"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(session):
    """An organisation with a team, a manager and a member, and one goal → objective → KR."""
    org = models.Organisation(slug="acme", name="Acme")
    session.add(org)
    session.flush()
    ops = {"session": session, "org_id": org.id}
    li = accounts_ops.create_user(**ops, email="Li@Example.com", name="李娜", password_hash="")
    wang = accounts_ops.create_user(**ops, email="wang@example.com", name="王磊")
    team = planning.create(**ops, actor_id=li.id, model=models.Team, slug="content", name="内容平台部")
    accounts_ops.add_member(**ops, actor_id=li.id, user_id=li.id, team_id=team.id, role="manager")
    accounts_ops.add_member(**ops, actor_id=li.id, user_id=wang.id, team_id=team.id)
    goal = planning.create(
        **ops, actor_id=li.id, model=models.AnnualGoal, team_id=team.id, year=2026, title="内容平台年度创作活跃度翻番"
    )
    objective = planning.create(
        **ops,
        actor_id=li.id,
        model=models.Objective,
        team_id=team.id,
        quarter="2026-Q2",
        title="提升用户创作活跃度",
        goal_id=goal.id,
    )
    kr = planning.create(
        **ops,
        actor_id=li.id,
        model=models.KeyResult,
        objective_id=objective.id,
        title="日均发布内容量提升30%",
        start=Decimal(1000),
        target=Decimal(1300),
        unit="篇/日",
    )
    session.commit()
    return {
        "org": org,
        "li": li,
        "wang": wang,
        "team": team,
        "goal": goal,
        "objective": objective,
        "kr": kr,
        "ops": {"session": session, "org_id": org.id, "actor_id": li.id},
    }


def events(session, item_type=None, item_id=None):
    query = select(models.AuditEvent).order_by(models.AuditEvent.id)
    if item_type is not None:
        query = query.where(models.AuditEvent.item_type == item_type)
    if item_id is not None:
        query = query.where(models.AuditEvent.item_id == item_id)
    return session.exec(query).all()


# --- create and update ---------------------------------------------------------------------------


def test_create_records_who_when_and_an_audit_event(session, world):
    kr = world["kr"]
    assert kr.id is not None and kr.version == 1
    assert kr.created_by_id == world["li"].id and kr.updated_by_id == world["li"].id
    assert kr.created_at.tzinfo is not None
    assert kr.current == Decimal(1000)  # a new KR starts at its start

    [event] = events(session, "key_result", kr.id)
    assert (event.action, event.user_id, event.org_id, event.before) == ("create", world["li"].id, world["org"].id, "")
    after = json.loads(event.after)
    assert after["title"] == "日均发布内容量提升30%"
    assert after["start"] == "1000" and after["target"] == "1300"  # Decimal as string, never float
    assert after["objective_id"] == world["objective"].id


def test_update_writes_changed_values_bumps_the_version_and_audits_before_and_after(session, world):
    kr = world["kr"]
    planning.update(
        **world["ops"], item=kr, expected_version=1, target=Decimal(1350), title="日均发布内容量提升35%", unit="篇/日"
    )
    session.commit()

    session.expire_all()
    stored = session.get(models.KeyResult, kr.id)
    assert (stored.target, stored.title, stored.version) == (Decimal(1350), "日均发布内容量提升35%", 2)
    assert stored.updated_by_id == world["li"].id and stored.updated_at >= stored.created_at
    update = events(session, "key_result", kr.id)[-1]
    assert update.action == "update"
    # Only what changed: the unit was given but did not change.
    assert json.loads(update.before) == {"target": "1300", "title": "日均发布内容量提升30%"}
    assert json.loads(update.after) == {"target": "1350", "title": "日均发布内容量提升35%"}


def test_update_with_a_stale_version_raises_and_changes_nothing(session, world):
    kr = world["kr"]
    planning.update(**world["ops"], item=kr, expected_version=1, target=Decimal(1400))
    session.commit()
    count = len(events(session))

    with pytest.raises(StaleEdit) as caught:
        planning.update(**world["ops"], item=kr, expected_version=1, target=Decimal(9999))
    assert (caught.value.expected, caught.value.actual, caught.value.item) == (1, 2, kr)
    session.commit()

    session.expire_all()
    stored = session.get(models.KeyResult, kr.id)
    assert (stored.target, stored.version) == (Decimal(1400), 2)
    assert len(events(session)) == count


def test_a_write_that_lost_the_race_is_a_stale_edit_too(engine, world):
    # Two people load the same KR; the first saves; the second's row version no longer matches.
    with Session(engine) as first, Session(engine) as second:
        mine = first.get(models.KeyResult, world["kr"].id)
        theirs = second.get(models.KeyResult, world["kr"].id)
        ops = {"org_id": world["org"].id, "actor_id": world["li"].id}
        planning.update(session=first, **ops, item=mine, expected_version=1, target=Decimal(1500))
        first.commit()
        with pytest.raises(StaleEdit):
            planning.update(session=second, **ops, item=theirs, expected_version=1, target=Decimal(1600))
        second.rollback()
    with Session(engine) as fresh:
        assert fresh.get(models.KeyResult, world["kr"].id).target == Decimal(1500)


def test_update_that_changes_nothing_writes_nothing(session, world):
    count = len(events(session))
    planning.update(**world["ops"], item=world["kr"], expected_version=1, title="日均发布内容量提升30%")
    assert world["kr"].version == 1 and len(events(session)) == count


def test_update_refuses_what_only_check_ins_change_and_moves_current_with_start(session, world):
    kr = world["kr"]
    with pytest.raises(planning.PlanningError):
        planning.update(**world["ops"], item=kr, expected_version=None, current=Decimal(5))
    with pytest.raises(planning.PlanningError):
        planning.update(**world["ops"], item=kr, expected_version=None, version=7)
    planning.update(**world["ops"], item=kr, expected_version=None, start=Decimal(900))
    assert kr.current == Decimal(900)  # no check-in yet: current is the start


def test_quantities_are_decimal_never_float(session, world):
    with pytest.raises(TypeError):
        planning.update(**world["ops"], item=world["kr"], expected_version=None, target=1300.5)
    planning.update(**world["ops"], item=world["kr"], expected_version=None, target="1300.5")
    assert world["kr"].target == Decimal("1300.5")


def test_items_of_another_organisation_are_refused(session, world):
    other = models.Organisation(slug="other", name="Other")
    session.add(other)
    session.flush()
    with pytest.raises(planning.PlanningError):
        planning.create(
            session=session,
            actor_id=None,
            org_id=other.id,
            model=models.Objective,
            team_id=world["team"].id,
            quarter="2026-Q2",
            title="不属于这里",
        )
    with pytest.raises(planning.PlanningError):
        planning.update(
            session=session, actor_id=None, org_id=other.id, item=world["kr"], expected_version=None, title="改不了"
        )
    with pytest.raises(planning.PlanningError):
        planning.create(
            session=session,
            actor_id=None,
            org_id=other.id,
            model=models.Team,
            slug="x",
            name="X",
            parent_id=world["team"].id,
        )


def test_a_team_cannot_move_below_itself(session, world):
    child = planning.create(**world["ops"], model=models.Team, slug="child", name="子团队", parent_id=world["team"].id)
    with pytest.raises(planning.PlanningError):
        planning.update(**world["ops"], item=world["team"], expected_version=None, parent_id=child.id)


# --- archive and restore -------------------------------------------------------------------------


def test_archive_and_restore_are_audited(session, world):
    objective = world["objective"]
    planning.archive(**world["ops"], item=objective, expected_version=1)
    assert objective.is_archived and objective.archived_at is not None and objective.version == 2
    planning.restore(**world["ops"], item=objective)
    assert not objective.is_archived and objective.archived_at is None and objective.version == 3
    archived, restored = events(session, "objective", objective.id)[-2:]
    assert archived.action == "archive" and json.loads(archived.before)["is_archived"] is False
    assert json.loads(archived.after)["is_archived"] is True
    assert restored.action == "restore" and json.loads(restored.after) == {"is_archived": False, "archived_at": None}
    with pytest.raises(StaleEdit):
        planning.archive(**world["ops"], item=objective, expected_version=1)


# --- check-ins -------------------------------------------------------------------------------------


def test_check_in_moves_current_to_the_latest_by_date(session, world):
    kr = world["kr"]
    ops = world["ops"]
    planning.check_in(
        **ops, kr=kr, value=Decimal(1080), confidence=Decimal("0.7"), note="首周", checked_on=date(2026, 4, 15)
    )
    assert (kr.current, kr.confidence, kr.last_check_in_on) == (Decimal(1080), Decimal("0.7"), date(2026, 4, 15))

    # A back-dated check-in joins the history but does not overwrite the newer value.
    back = planning.check_in(
        **ops, kr=kr, value=Decimal(1010), confidence=Decimal("0.5"), note="补录", checked_on=date(2026, 4, 1)
    )
    assert (kr.current, kr.confidence, kr.last_check_in_on) == (Decimal(1080), Decimal("0.7"), date(2026, 4, 15))
    assert back.author_id == world["li"].id

    # On the same day, the later entry wins.
    planning.check_in(**ops, kr=kr, value=Decimal(1090), confidence=None, note="", checked_on=date(2026, 4, 15))
    assert (kr.current, kr.confidence) == (Decimal(1090), None)
    session.commit()

    session.expire_all()
    stored = session.get(models.KeyResult, kr.id)
    assert stored.current == Decimal(1090)
    history = session.exec(select(models.CheckIn).where(models.CheckIn.key_result_id == kr.id)).all()
    assert len(history) == 3
    kr_updates = [e for e in events(session, "key_result", kr.id) if e.action == "update"]
    assert json.loads(kr_updates[0].before)["current"] == "1000"
    assert json.loads(kr_updates[0].after)["current"] == "1080"
    assert len(events(session, "check_in")) == 3


def test_archiving_the_latest_check_in_brings_back_the_one_before(session, world):
    kr = world["kr"]
    ops = world["ops"]
    planning.check_in(**ops, kr=kr, value=Decimal(1050), checked_on=date(2026, 4, 8))
    latest = planning.check_in(**ops, kr=kr, value=Decimal(1100), checked_on=date(2026, 4, 22))
    planning.archive(**ops, item=latest)
    assert (kr.current, kr.last_check_in_on) == (Decimal(1050), date(2026, 4, 8))
    planning.restore(**ops, item=latest)
    assert kr.current == Decimal(1100)


def test_decreasing_key_result_check_ins(session, world):
    ops = world["ops"]
    kr = planning.create(
        **ops,
        model=models.KeyResult,
        objective_id=world["objective"].id,
        title="内容审核平均时长从8小时降到5小时",
        start=Decimal(8),
        target=Decimal(5),
    )
    planning.check_in(**ops, kr=kr, value=Decimal("6.5"), checked_on=date(2026, 5, 1))
    planning.check_in(**ops, kr=kr, value=Decimal("7.2"), checked_on=date(2026, 4, 10))
    assert kr.current == Decimal("6.5")


def test_check_in_refuses_bad_values(session, world):
    ops = world["ops"]
    with pytest.raises(planning.PlanningError):
        planning.check_in(
            **ops, kr=world["kr"], value=Decimal(1), confidence=Decimal("1.5"), checked_on=date(2026, 4, 1)
        )
    with pytest.raises(TypeError):
        planning.check_in(**ops, kr=world["kr"], value=1.5, checked_on=date(2026, 4, 1))


# --- RACI ------------------------------------------------------------------------------------------


def test_set_raci_replaces_the_letters_and_audits(session, world):
    li, wang, kr = world["li"], world["wang"], world["kr"]
    ops = world["ops"]
    raci_ops.set_raci(**ops, key_result=kr, assignments={li.id: "A", wang.id: "R"})
    assert raci_ops.get_raci(session=session, key_result=kr) == {li.id: "A", wang.id: "R"}
    raci_ops.set_raci(**ops, key_result=kr, assignments={li.id: "A", wang.id: "C"})
    assert raci_ops.get_raci(session=session, key_result=kr) == {li.id: "A", wang.id: "C"}
    raci_ops.set_raci(**ops, key_result=kr, assignments={wang.id: "A"})
    assert raci_ops.get_raci(session=session, key_result=kr) == {wang.id: "A"}

    last = events(session, "raci", kr.id)[-1]
    assert json.loads(last.before) == {"key_result_id": kr.id, "letters": {str(li.id): "A", str(wang.id): "C"}}
    assert json.loads(last.after) == {"key_result_id": kr.id, "letters": {str(wang.id): "A"}}
    assert len(events(session, "raci")) == 3


def test_set_raci_refuses_bad_letters_and_strangers(session, world):
    ops = world["ops"]
    with pytest.raises(planning.PlanningError):
        raci_ops.set_raci(**ops, key_result=world["kr"], assignments={world["li"].id: "X"})
    other = models.Organisation(slug="other", name="Other")
    session.add(other)
    session.flush()
    stranger = accounts_ops.create_user(session=session, org_id=other.id, email="x@other.example", name="X")
    with pytest.raises(planning.PlanningError):
        raci_ops.set_raci(**ops, key_result=world["kr"], assignments={stranger.id: "R"})
    with pytest.raises(planning.PlanningError):
        raci_ops.set_raci(**ops, assignments={})


# --- the Accountable is the owner ---------------------------------------------------------------------


def test_giving_the_a_makes_that_person_the_owner_audited(session, world):
    li, wang, kr = world["li"], world["wang"], world["kr"]
    ops = world["ops"]
    raci_ops.set_raci(**ops, key_result=kr, assignments={li.id: "A", wang.id: "R"})
    assert kr.owner_id == li.id
    raci_ops.set_raci(**ops, key_result=kr, assignments={li.id: "C", wang.id: "A"})
    session.commit()
    session.expire_all()
    assert session.get(models.KeyResult, kr.id).owner_id == wang.id
    owner_events = [
        e for e in events(session, "key_result", kr.id) if e.action == "update" and "owner_id" in json.loads(e.after)
    ]
    assert [(json.loads(e.before)["owner_id"], json.loads(e.after)["owner_id"]) for e in owner_events] == [
        (None, li.id),
        (li.id, wang.id),
    ]
    assert len(events(session, "raci", kr.id)) == 2  # one audited change per letter change, no echo


def test_taking_the_a_from_the_owner_leaves_no_owner(session, world):
    li, wang, kr = world["li"], world["wang"], world["kr"]
    raci_ops.set_raci(**world["ops"], key_result=kr, assignments={li.id: "A", wang.id: "R"})
    raci_ops.set_raci(**world["ops"], key_result=kr, assignments={li.id: "R", wang.id: "R"})
    assert kr.owner_id is None


def test_changing_the_owner_makes_the_new_owner_the_a(session, world):
    li, wang, kr = world["li"], world["wang"], world["kr"]
    ops = world["ops"]
    zhao = accounts_ops.create_user(session=session, org_id=world["org"].id, email="zhao@example.com", name="赵磊")
    raci_ops.set_raci(**ops, key_result=kr, assignments={li.id: "A", wang.id: "R", zhao.id: "C"})
    raci_events = len(events(session, "raci", kr.id))
    planning.update(**ops, item=kr, expected_version=kr.version, owner_id=zhao.id)
    # zhao's C became the A; li (the previous A) lost her letter; wang keeps his R.
    assert raci_ops.get_raci(session=session, key_result=kr) == {zhao.id: "A", wang.id: "R"}
    assert kr.owner_id == zhao.id
    assert len(events(session, "raci", kr.id)) == raci_events + 1
    last = events(session, "raci", kr.id)[-1]
    assert json.loads(last.after)["letters"] == {str(wang.id): "R", str(zhao.id): "A"}
    planning.update(**ops, item=kr, expected_version=kr.version, owner_id=None)
    assert raci_ops.get_raci(session=session, key_result=kr) == {wang.id: "R"}


def test_a_project_owner_from_the_form_becomes_its_a(session, world):
    li, wang = world["li"], world["wang"]
    ops = world["ops"]
    project = planning.create(
        **ops,
        model=models.Project,
        team_id=world["team"].id,
        month="2026-04",
        key_result_id=world["kr"].id,
        title="创作者激励计划",
    )
    planning.update(**ops, item=project, expected_version=project.version, owner_id=wang.id)
    assert raci_ops.get_raci(session=session, project=project) == {wang.id: "A"}
    planning.update(**ops, item=project, expected_version=project.version, title="创作者激励计划 v2")
    assert raci_ops.get_raci(session=session, project=project) == {wang.id: "A"}  # other fields: no change
    assert raci_ops.get_raci(session=session, key_result=world["kr"]) == {}  # and no other item's
    assert li.id not in raci_ops.get_raci(session=session, project=project)


def test_the_importer_names_the_a_as_the_owner(session, world):
    from okr.plandoc import importer

    doc = {
        "format": "okr-plan/1",
        "goals": [
            {
                "team": "content",
                "year": 2026,
                "title": "内容生态翻倍",
                "objectives": [
                    {
                        "quarter": "2026-Q2",
                        "title": "提升创作活跃度",
                        "key_results": [
                            {
                                "title": "日均发布量从 1000 到 1300",
                                "start": 1000,
                                "target": 1300,
                                "owner": "li@example.com",
                                "raci": {"A": "wang@example.com", "R": ["li@example.com"]},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    result = importer.import_plan(doc, session=session, org_id=world["org"].id, actor_id=None, dry_run=False)
    assert result.ok, result.issues
    kr = session.exec(select(models.KeyResult).where(models.KeyResult.title == "日均发布量从 1000 到 1300")).one()
    assert kr.owner_id == world["wang"].id


def test_a_key_result_or_project_created_with_an_owner_has_them_as_its_a(session, world):
    li, ops = world["li"], world["ops"]
    obj = world["kr"].objective_id
    kr = planning.create(
        **ops,
        model=models.KeyResult,
        objective_id=obj,
        title="Weekly creators from 200 to 500",
        start=200,
        target=500,
        owner_id=li.id,
    )
    assert raci_ops.get_raci(session=session, key_result=kr) == {li.id: "A"}
    project = planning.create(
        **ops,
        model=models.Project,
        team_id=world["team"].id,
        month="2026-04",
        key_result_id=kr.id,
        title="Creator week",
        owner_id=li.id,
    )
    assert raci_ops.get_raci(session=session, project=project) == {li.id: "A"}
    assert (
        planning.create(
            **ops, model=models.Project, team_id=world["team"].id, month="2026-04", title="No owner yet"
        ).owner_id
        is None
    )


def test_a_document_naming_no_a_keeps_the_owner_accountable(session, world):
    from okr.plandoc import importer

    doc = {
        "format": "okr-plan/1",
        "goals": [
            {
                "team": "content",
                "year": 2026,
                "title": "Grow",
                "objectives": [
                    {
                        "quarter": "2026-Q2",
                        "title": "Creators post more",
                        "key_results": [
                            {
                                "title": "Daily posts from 1000 to 1300",
                                "start": 1000,
                                "target": 1300,
                                "owner": "li@example.com",
                                "raci": {"R": ["wang@example.com"]},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    result = importer.import_plan(doc, session=session, org_id=world["org"].id, actor_id=None, dry_run=False)
    assert result.ok, result.issues
    kr = session.exec(select(models.KeyResult).where(models.KeyResult.title == "Daily posts from 1000 to 1300")).one()
    assert kr.owner_id == world["li"].id
    assert raci_ops.get_raci(session=session, key_result=kr) == {world["li"].id: "A", world["wang"].id: "R"}


# --- people and passwords ----------------------------------------------------------------------------


def test_people_and_memberships(session, world):
    li = world["li"]
    assert li.email == "li@example.com"  # stored trimmed and lower-case
    with pytest.raises(planning.PlanningError):
        accounts_ops.create_user(session=session, org_id=world["org"].id, email="LI@example.com ", name="Again")

    membership = accounts_ops.add_member(
        **world["ops"], user_id=world["wang"].id, team_id=world["team"].id, role="viewer"
    )
    assert membership.role == "viewer"
    last = events(session, "team", world["team"].id)[-1]
    assert json.loads(last.before) == {"membership": {"user_id": world["wang"].id, "role": "member"}}
    assert json.loads(last.after) == {"membership": {"user_id": world["wang"].id, "role": "viewer"}}
    with pytest.raises(planning.PlanningError):
        accounts_ops.add_member(**world["ops"], user_id=world["wang"].id, team_id=world["team"].id, role="owner")


def test_passwords_are_scrypt_hashes():
    # At the suite's cheap cost; tests/test_passwords.py proves the production one.
    hashed = passwords.hash_password("正确的密码 horse battery")
    assert hashed.startswith("scrypt:")
    assert passwords.check_password(hashed, "正确的密码 horse battery")
    assert not passwords.check_password(hashed, "wrong")
    assert not passwords.check_password("", "anything")
