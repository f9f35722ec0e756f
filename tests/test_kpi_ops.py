"""okr.kpi.ops and `okr kpi values`: values replace by date (audited), severities and alerts stay
in step with the rules, a KR measured by a KPI moves, bad rows stop everything."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.kpi import ops, rows


@pytest.fixture
def kpi_world(make, session):
    team = make.team(slug="content", name="内容平台部")
    owner = make.user(team=team, role="manager", email="li@example.com")
    kpi = ops.create_kpi(
        session=session,
        actor_id=owner.id,
        org_id=team.org_id,
        team_id=team.id,
        key="daily_posts",
        name="日均发布量",
        unit="篇/日",
        owner_id=owner.id,
        level="strategic",
        direction="higher",
        frequency="daily",
        normal_min=D(900),
        normal_max=D(1400),
        critical_min=D(600),
        critical_max=D(2000),
        targets={"2026-Q2": D(1300)},
    )
    session.commit()
    return team, owner, kpi


def _record(session, team, owner, kpi, on, value, note=""):
    row = ops.record_value(
        session=session, actor_id=owner.id, org_id=team.org_id, kpi=kpi, on=on, value=D(value), note=note
    )
    session.commit()
    return row


def _alerts(session, kpi):
    return session.exec(select(m.KpiAlert).where(m.KpiAlert.kpi_id == kpi.id).order_by(m.KpiAlert.measured_on)).all()


def test_a_second_value_for_a_date_replaces_the_first_and_is_audited(kpi_world, session):
    team, owner, kpi = kpi_world
    first = _record(session, team, owner, kpi, date(2026, 4, 1), 1000)
    second = _record(session, team, owner, kpi, date(2026, 4, 1), 1100, "corrected")
    assert first.id == second.id
    values = session.exec(select(m.KpiValue).where(m.KpiValue.kpi_id == kpi.id)).all()
    assert [(v.measured_on, v.value, v.note) for v in values] == [(date(2026, 4, 1), D(1100), "corrected")]
    events = session.exec(
        select(m.AuditEvent).where(m.AuditEvent.item_type == "kpi_value").order_by(m.AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update"]
    assert '"1000"' in events[1].before and '"1100"' in events[1].after


def test_one_alert_per_bad_value_kept_in_step_with_replacements(kpi_world, session):
    team, owner, kpi = kpi_world
    _record(session, team, owner, kpi, date(2026, 4, 1), 500)  # below the critical min 600
    _record(session, team, owner, kpi, date(2026, 4, 2), 800)  # below the normal min 900
    _record(session, team, owner, kpi, date(2026, 4, 1), 500)  # the same value again: no second alert
    alerts = _alerts(session, kpi)
    assert [(a.measured_on.day, a.severity, a.rule, a.status) for a in alerts] == [
        (1, "critical", "critical_range", "open"),
        (2, "warning", "normal_range", "open"),
    ]
    _record(session, team, owner, kpi, date(2026, 4, 1), 950)  # corrected: back in range
    session.refresh(alerts[0])
    assert alerts[0].status == "resolved" and alerts[0].resolved_by_id is None
    value = session.exec(select(m.KpiValue).where(m.KpiValue.measured_on == date(2026, 4, 1))).one()
    assert (value.severity, value.rule) == ("normal", None)


def test_a_backfilled_value_rejudges_the_values_after_it(kpi_world, session):
    team, owner, kpi = kpi_world
    start = date(2026, 4, 1)
    entries = [ops.Entry(start + timedelta(days=i), D(1000 + (i % 2) * 10)) for i in range(8)]
    entries.append(ops.Entry(start + timedelta(days=9), D(1100)))  # 9th value: mean 1005, σ 5 → sudden
    ops.record_values(session=session, actor_id=owner.id, org_id=team.org_id, kpi=kpi, entries=entries)
    session.commit()
    assert [(a.measured_on, a.rule) for a in _alerts(session, kpi)] == [(start + timedelta(days=9), "sudden_change")]
    # A value on day 9 (between) of 1100 widens the window of day 10: |1100 − 1016.25| < 3σ now
    _record(session, team, owner, kpi, start + timedelta(days=8), 1100)
    rows_ = session.exec(select(m.KpiValue).where(m.KpiValue.kpi_id == kpi.id).order_by(m.KpiValue.measured_on)).all()
    assert [r.severity for r in rows_][-2:] == ["warning", "normal"]
    last_alert = _alerts(session, kpi)[-1]
    assert last_alert.status == "resolved"


def test_alert_is_acknowledged_then_resolved_with_a_note(kpi_world, session):
    team, owner, kpi = kpi_world
    _record(session, team, owner, kpi, date(2026, 4, 1), 100)
    alert = _alerts(session, kpi)[0]
    with pytest.raises(ops.KpiError) as refused:
        ops.resolve(session=session, actor_id=owner.id, org_id=team.org_id, alert=alert, note="  ")
    assert refused.value.field == "note"
    ops.acknowledge(session=session, actor_id=owner.id, org_id=team.org_id, alert=alert, note="looking")
    ops.resolve(
        session=session, actor_id=owner.id, org_id=team.org_id, alert=alert, note="cause: outage; action: fixed"
    )
    session.commit()
    session.refresh(alert)
    assert (alert.status, alert.acknowledged_by_id, alert.resolve_note) == (
        "resolved",
        owner.id,
        "cause: outage; action: fixed",
    )
    with pytest.raises(ops.StaleEdit):
        ops.acknowledge(session=session, actor_id=owner.id, org_id=team.org_id, alert=alert, expected_version=1)


def test_kpi_tree_refuses_cycles_level_inversions_and_taken_keys(kpi_world, session):
    team, owner, kpi = kpi_world
    child = ops.create_kpi(
        session=session, actor_id=None, org_id=team.org_id, team_id=team.id, key="ctr", name="CTR",
        level="execution", parent_id=kpi.id,
    )  # fmt: skip
    with pytest.raises(ops.KpiError) as e:
        ops.update_kpi(
            session=session, actor_id=None, org_id=team.org_id, kpi=kpi, expected_version=None, parent_id=child.id
        )
    assert e.value.code == "parent_cycle"
    with pytest.raises(ops.KpiError) as e:
        ops.create_kpi(
            session=session, actor_id=None, org_id=team.org_id, team_id=team.id, key="x", name="X",
            level="strategic", parent_id=child.id,
        )  # fmt: skip
    assert e.value.code == "level_above_parent"
    with pytest.raises(ops.KpiError) as e:
        ops.create_kpi(session=session, actor_id=None, org_id=team.org_id, team_id=team.id, key="ctr", name="again")
    assert (e.value.field, e.value.code) == ("key", "key_taken")


@pytest.mark.parametrize(
    "value, code",
    [
        (D("NaN"), "not_finite"),
        (D("Infinity"), "not_finite"),
        (D(10) ** 12, "too_large"),
        (D("1.0000001"), "too_many_places"),
    ],
)
def test_hostile_values_are_refused_and_nothing_is_written(kpi_world, session, value, code):
    team, owner, kpi = kpi_world
    with pytest.raises(ops.KpiError) as e:
        ops.record_values(
            session=session,
            actor_id=None,
            org_id=team.org_id,
            kpi=kpi,
            entries=[ops.Entry(date(2026, 4, 1), D(1)), ops.Entry(date(2026, 4, 2), value)],
        )
    session.rollback()
    assert e.value.code == code
    assert session.exec(select(m.KpiValue)).all() == []


def test_a_key_result_measured_by_the_kpi_moves_with_its_values(kpi_world, session, make):
    team, owner, kpi = kpi_world
    objective = make.objective(team=team, quarter="2026-Q2")
    kr = make.kr(objective=objective, start=1000, target=1300, kpi_id=kpi.id)
    _record(session, team, owner, kpi, date(2026, 3, 31), 1250)  # Q1: not this KR's quarter
    session.refresh(kr)
    assert kr.current == D(1000)
    _record(session, team, owner, kpi, date(2026, 4, 20), 1180)
    session.refresh(kr)
    assert (kr.current, kr.last_check_in_on) == (D(1180), date(2026, 4, 20))


def test_rows_name_each_bad_row_by_row_and_column():
    text = (
        "key,date,value,note\nposts,2026-04-01,1000,ok\nposts,2026-13-01,1000,\nposts,2026-04-02,NaN,\n,1969-12-31,1,\n"
    )
    parsed, problems = rows.parse_rows(text)
    assert [r.row for r in parsed] == [2]
    assert [(p.row, p.column, p.code) for p in problems] == [
        (3, "date", "not_a_date"),
        (4, "value", "not_a_number"),
        (5, "key", "required"),
        (5, "date", "date_out_of_range"),
    ]
    parsed, problems = rows.parse_rows("2026-04-01\t1,300\tpasted\n", with_key=False)
    assert problems == [] and parsed[0].value == D(1300) and parsed[0].note == "pasted"


def test_cli_records_a_file_all_or_nothing(kpi_world, session, app, tmp_path):
    team, owner, kpi = kpi_world
    good = tmp_path / "good.csv"
    good.write_text('key,date,value,note\ndaily_posts,2026-04-01,1000,\ndaily_posts,2026-04-02,"1,050",x\n')
    bad = tmp_path / "bad.csv"
    bad.write_text("key,date,value\ndaily_posts,2026-04-03,1000\nnope,2026-04-04,1\ndaily_posts,2026-04-05,inf\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kpi", "values", str(bad)])
    assert result.exit_code == 1
    assert "Row 3, column key" in result.output and "Row 4, column value" in result.output
    assert session.exec(select(m.KpiValue)).all() == []
    result = runner.invoke(args=["kpi", "values", str(good)])
    assert result.exit_code == 0, result.output
    assert "Recorded 2 value(s) of 1 KPI(s)." in result.output
    session.expire_all()
    assert [v.value for v in session.exec(select(m.KpiValue).order_by(m.KpiValue.measured_on)).all()] == [
        D(1000),
        D(1050),
    ]


def test_a_check_in_on_a_kpi_measured_key_result_gives_confidence_not_value(kpi_world, session, make):
    from okr.plans import ops as plan_ops

    team, owner, kpi = kpi_world
    kr = make.kr(objective=make.objective(team=team, quarter="2026-Q2"), start=1000, target=1300, kpi_id=kpi.id)
    _record(session, team, owner, kpi, date(2026, 4, 20), 1180)
    plan_ops.check_in(
        session=session, actor_id=owner.id, org_id=team.org_id, kr=kr, value=D(9999), confidence=D("0.6"),
        checked_on=date(2026, 4, 21),
    )  # fmt: skip
    session.commit()
    session.refresh(kr)
    assert (kr.current, kr.confidence, kr.last_check_in_on) == (D(1180), D("0.6"), date(2026, 4, 20))
