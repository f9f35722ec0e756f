"""The plan document's kpis section (okr.kpi.document): every problem with its path, an import
that gives the statuses and alerts the rules say, and export → import giving the same KPIs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.kpi import document, queries


def _section():
    start = date(2026, 4, 1)
    posts = [{"date": (start + timedelta(days=i)).isoformat(), "value": 1000 + (i % 2) * 10} for i in range(20)]
    posts[9]["value"] = 1300  # a sudden change inside the normal range
    posts[15]["value"] = 550  # a breach of the critical range
    return [
        {"team": "content", "key": "daily_posts", "name": "日均发布量", "unit": "篇/日", "owner": "Li@example.com",
         "level": "strategic", "direction": "higher", "frequency": "daily", "normal": {"min": 900, "max": 1400},
         "critical": {"min": 600}, "targets": {"2026-Q2": 1300}, "values": posts},
        {"team": "content", "key": "ctr", "name": "点击率", "unit": "%", "level": "execution", "parent": "daily_posts",
         "direction": "band", "frequency": "weekly", "normal": {"min": 2, "max": 4},
         "values": [{"date": "2026-04-06", "value": "4"}, {"date": "2026-04-06", "value": 4.5, "note": "fixed"}]},
    ]  # fmt: skip


def test_check_names_every_problem_by_its_path():
    bad = [
        {"team": "nope", "key": "a", "name": "", "levle": "x", "normal": {"min": 5, "max": 1},
         "values": [{"date": "1969-12-31", "value": 1}, {"date": "2026-04-01", "value": float("nan")},
                    {"date": "2026-04-02", "value": True}, {"date": "2026-04-03", "value": "1e13"}]},
        {"team": "content", "key": "a", "name": "again", "parent": "a", "targets": {"2026-Q5": 1}},
        {"team": "content", "key": "b", "name": "b", "level": "strategic", "parent": "c"},
        {"team": "content", "key": "c", "name": "c", "level": "execution", "critical": {"min": 10}, "normal": {}},
    ]  # fmt: skip
    issues, _rows = document.check_kpis(bad, teams={"content"}, people=set())
    paths = [i.path for i in issues]
    assert paths == [
        "kpis[0].levle",
        "kpis[0].team",
        "kpis[0].name",
        "kpis[0].normal",
        "kpis[0].values[0].date",
        "kpis[0].values[1].value",
        "kpis[0].values[2].value",
        "kpis[0].values[3].value",
        "kpis[1].key",
        "kpis[1].targets.2026-Q5",
        "kpis[3].critical",
        "kpis[1].parent",
        "kpis[2].parent",
    ]
    assert "would make a cycle" in issues[-2].message and "level cannot be above" in issues[-1].message


def test_import_then_board_then_export_round_trip(make, session):
    team = make.team(slug="content", name="内容平台部")
    owner = make.user(team=team, role="manager", email="li@example.com")
    issues, rows = document.check_kpis(_section(), teams={"content"}, people={"li@example.com"})
    assert issues == []
    counts = document.import_kpis(rows, session=session, org_id=team.org_id, actor_id=None)
    session.commit()
    assert counts == {"kpis": 2, "kpi_values": 21}
    board = queries.board(session, team, [team.id], periods.parse("2026-Q2"), today=date(2026, 4, 21))
    got = {c.kpi.key: c for c in board.cards}
    posts = got["daily_posts"]
    assert posts.kpi.owner_id == owner.id and posts.status == "normal" and posts.target_met is False
    assert [(a["date"].day, a["severity"], a["rule"]) for a in posts.alerts] == [
        (10, "warning", "sudden_change"),
        (16, "critical", "critical_range"),
    ]
    ctr = got["ctr"]
    assert ctr.latest == (date(2026, 4, 6), D("4.5")) and ctr.status == "warning" and ctr.target_met is False
    alerts = session.exec(select(m.KpiAlert).order_by(m.KpiAlert.measured_on)).all()
    assert [(a.measured_on.day, a.rule) for a in alerts] == [
        (6, "normal_range"),
        (10, "sudden_change"),
        (16, "critical_range"),
    ]
    exported = document.export_kpis(session, org_id=team.org_id)
    assert [k["key"] for k in exported] == ["daily_posts", "ctr"]
    assert exported[1]["parent"] == "daily_posts" and exported[1]["values"] == [
        {"date": "2026-04-06", "value": 4.5, "note": "fixed"}
    ]
    assert exported[0]["normal"] == {"min": 900, "max": 1400} and exported[0]["critical"] == {"min": 600}
    other = make.team(slug="content", name="again")  # a new organisation: import what was exported
    make.user(team=other, email="li2@example.com")
    for row in exported:
        row["owner"] = None
    issues, rows = document.check_kpis(exported, teams={"content"}, people=set())
    assert issues == []
    document.import_kpis(rows, session=session, org_id=other.org_id, actor_id=None)
    session.commit()
    again = queries.board(session, other, [other.id], periods.parse("2026-Q2"), today=date(2026, 4, 21))
    assert [(c.kpi.key, c.status, c.target_met, c.alerts) for c in again.cards] == [
        (c.kpi.key, c.status, c.target_met, c.alerts) for c in board.cards
    ]


def test_a_key_taken_in_the_organisation_is_an_issue():
    issues, _ = document.check_kpis(
        [{"team": "content", "key": "ctr", "name": "x"}], teams={"content"}, people=set(), existing={"ctr": "tactical"}
    )
    assert [i.path for i in issues] == ["kpis[0].key"]


def test_okr_kpi_import_is_all_or_nothing(make, session, app, tmp_path):
    import json

    make.team(slug="content", name="内容平台部")
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"format": "okr-plan/1", "kpis": [*_section(), {"team": "nope", "key": "x", "name": "x"}]})
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kpi", "import", str(bad)])
    assert result.exit_code == 1 and "kpis[0].owner" in result.output and "kpis[2].team" in result.output
    assert session.exec(select(m.Kpi)).all() == []
    good = tmp_path / "good.json"
    rows = _section()
    rows[0]["owner"] = None
    good.write_text(json.dumps({"kpis": rows}))
    result = runner.invoke(args=["kpi", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 KPIs with 21 values." in result.output
    assert len(session.exec(select(m.KpiAlert)).all()) == 3
