"""The KPI board and its JSON twin, the quick value form and the paste, as people use them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.kpi import ops

Q2 = "2026-Q2"


@pytest.fixture
def world(make, session):
    company = make.team(slug="company", name="公司", kind="company")
    content = make.team(
        org=session.get(m.Organisation, company.org_id), parent=company, slug="content", name="内容平台部"
    )
    manager = make.user(team=content, role="manager", email="li@example.com")
    member = make.user(team=content, role="member", email="wang@example.com")
    viewer = make.user(team=content, role="viewer", email="view@example.com")
    org_id = company.org_id

    def kpi(team, key, **kw):
        fields = dict(name=key.title(), level="tactical", direction="higher", frequency="daily") | kw
        made = ops.create_kpi(session=session, actor_id=None, org_id=org_id, team_id=team.id, key=key, **fields)
        session.commit()
        return made

    share = kpi(company, "market_share", name="市场份额", level="strategic", normal_min=D(10), critical_min=D(5),
                targets={Q2: D(20)})  # fmt: skip
    posts = kpi(content, "daily_posts", name="日均发布量", unit="篇/日", parent_id=share.id, normal_min=D(900),
                normal_max=D(1400), critical_min=D(600), critical_max=D(2000), targets={Q2: D(1300)},
                owner_id=manager.id)  # fmt: skip
    ctr = kpi(content, "ctr", name="CTR", level="execution", parent_id=posts.id, direction="band",
              normal_min=D(2), normal_max=D(4), frequency="weekly")  # fmt: skip
    entries = [ops.Entry(date(2026, 4, 1) + timedelta(days=i), D(1000 + (i % 2) * 20)) for i in range(10)]
    entries += [ops.Entry(date(2026, 4, 11), D(1400)), ops.Entry(date(2026, 4, 12), D(500))]
    ops.record_values(session=session, actor_id=None, org_id=org_id, kpi=posts, entries=entries)
    ops.record_values(
        session=session, actor_id=None, org_id=org_id, kpi=ctr, entries=[ops.Entry(date(2026, 4, 6), D(4))]
    )
    session.commit()
    return {"company": company, "content": content, "manager": manager, "member": member, "viewer": viewer,
            "share": share, "posts": posts, "ctr": ctr}  # fmt: skip


def test_json_twin_has_the_documented_shape_and_the_rules_answers(world, as_user):
    b = as_user(world["viewer"])
    resp = b.get(f"/api/v1/kpis/content/{Q2}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["team"] == "content" and body["period"] == Q2
    by_key = {k["key"]: k for k in body["kpis"]}
    assert list(by_key) == ["daily_posts", "ctr"]  # the metric tree: parent first
    posts = by_key["daily_posts"]
    assert set(posts) == {"key", "name", "level", "parent", "unit", "direction", "latest", "status", "target",
                          "target_met", "alerts"}  # fmt: skip
    assert posts["parent"] == "market_share" and posts["unit"] == "篇/日"
    assert posts["latest"] == {"date": "2026-04-12", "value": 500}
    assert posts["status"] == "critical" and posts["target"] == 1300 and posts["target_met"] is False
    # 1400 = normal max is inside the range, but far from the last 8 (mean 1010, σ 10): sudden
    assert posts["alerts"] == [
        {"date": "2026-04-11", "value": 1400, "severity": "warning", "rule": "sudden_change"},
        {"date": "2026-04-12", "value": 500, "severity": "critical", "rule": "critical_range"},
    ]
    ctr = by_key["ctr"]
    # a band KPI meets its goal inside the normal range (4 = its max is inside); weekly, judged today
    assert ctr["target"] is None and ctr["target_met"] is True and ctr["alerts"] == []
    assert ctr["status"] in ("normal", "stale")


def test_company_board_rolls_the_teams_up_and_a_quiet_period_has_no_data(world, as_user):
    b = as_user(world["viewer"])
    body = b.get(f"/api/v1/kpis/company/{Q2}").get_json()
    assert [k["key"] for k in body["kpis"]] == ["market_share", "daily_posts", "ctr"]
    assert body["kpis"][0]["status"] == "no_data" and body["kpis"][0]["target_met"] is None
    quiet = b.get("/api/v1/kpis/content/2026-Q1").get_json()
    assert {k["status"] for k in quiet["kpis"]} == {"no_data"}
    page = b.get(f"/teams/company/kpis/{Q2}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "日均发布量" in html and "市场份额" in html


def test_board_page_shows_cards_with_status_sparkline_and_filters(world, as_user):
    b = as_user(world["member"])
    html = b.get(f"/teams/content/kpis/{Q2}").get_data(as_text=True)
    assert 'data-key="daily_posts" data-status="critical"' in html
    assert '<svg class="spark"' in html and 'class="band"' in html and 'class="target"' in html
    assert "Critical" in html
    only = b.get(f"/teams/content/kpis/{Q2}?level=execution", headers={"HX-Request": "true"})
    text = only.get_data(as_text=True)
    assert only.status_code == 200 and 'id="kpi_board"' in text and "<html" not in text
    assert 'data-key="ctr"' in text and 'data-key="daily_posts"' not in text
    zh = as_user(world["member"])
    zh.client.set_cookie("okr_session", "", expires=0)
    assert b.get("/api/v1/kpis/content/2026-Q9").status_code == 404
    assert b.get("/api/v1/kpis/nope/2026-Q2").status_code == 404


def test_quick_form_records_a_value_today_and_a_second_one_replaces_it(world, as_user, session):
    b = as_user(world["member"])
    url = f"/teams/content/kpis/{Q2}/values"
    resp = b.post(url, data={"kpi": "daily_posts", "value": "1,050", "on": "2026-04-20", "note": "ok"}, htmx=True)
    assert resp.status_code == 200 and 'id="kpi_board"' in resp.get_data(as_text=True)
    resp = b.post(url, data={"kpi": "daily_posts", "value": "1060", "on": "2026-04-20"}, htmx=True)
    assert resp.status_code == 200
    values = session.exec(select(m.KpiValue).where(m.KpiValue.measured_on == date(2026, 4, 20))).all()
    assert [v.value for v in values] == [D(1060)]
    resp = b.post(url, json={"kpi": "ctr", "value": 3})  # no date: today
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["date"] == date.today().isoformat()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kpi": "daily_posts", "value": "NaN"}, "value"),
        ({"kpi": "daily_posts", "value": "inf"}, "value"),
        ({"kpi": "daily_posts", "value": "1e13"}, "value"),
        ({"kpi": "daily_posts", "value": ""}, "value"),
        ({"kpi": "daily_posts", "value": "1", "on": "1969-12-31"}, "on"),
        ({"kpi": "daily_posts", "value": "1", "on": "10000-01-01"}, "on"),
        ({"kpi": "nope", "value": "1"}, "kpi"),
        ({"kpi": "market_share", "value": "1"}, "kpi"),  # the company's KPI: not on this board
        ({"kpi": ["a", "b"], "value": {"x": 1}}, "value"),
    ],
)
def test_bad_values_are_named_by_field_and_nothing_is_saved(world, as_user, session, data, field):
    b = as_user(world["manager"])
    resp = b.post(f"/teams/content/kpis/{Q2}/values", json=data)
    assert resp.status_code == 422
    assert field in resp.get_json()["fields"]
    assert session.exec(select(m.KpiValue).where(m.KpiValue.kpi_id == world["posts"].id)).all().__len__() == 12
    page = b.post(f"/teams/content/kpis/{Q2}/values", data={k: v for k, v in data.items() if isinstance(v, str)})
    assert page.status_code == 422 and "field-error" in page.get_data(as_text=True)


def test_viewers_cannot_enter_values(world, as_user):
    b = as_user(world["viewer"])
    resp = b.post(f"/teams/content/kpis/{Q2}/values", json={"kpi": "daily_posts", "value": 1})
    assert resp.status_code == 403


def test_paste_is_all_or_nothing_with_rows_named(world, as_user, session):
    b = as_user(world["member"])
    url = f"/teams/content/kpis/{Q2}/paste"
    bad = "daily_posts\t2026-04-21\t1000\nctr\t2026-04-22\tabc\nnope\t2026-04-23\t1\n"
    resp = b.post(url, data={"rows": bad}, htmx=True)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Row 2, column value" in text and "Row 3, column key" in text
    assert session.exec(select(m.KpiValue).where(m.KpiValue.measured_on == date(2026, 4, 21))).first() is None
    good = "key,date,value,note\ndaily_posts,2026-04-21,1000,\nctr,2026-04-13,3.5,weekly\n"
    resp = b.post(url, data={"rows": good}, htmx=True)
    assert resp.status_code == 200
    assert session.exec(select(m.KpiValue).where(m.KpiValue.measured_on == date(2026, 4, 21))).one().value == D(1000)


def test_board_in_chinese(world, as_user):
    b = as_user(world["member"])
    b.post("/language", data={"lang": "zh", "csrf_token": b.token})
    html = b.get(f"/teams/content/kpis/{Q2}").get_data(as_text=True)
    assert "严重" in html and "录入数值" in html


def test_board_statements_do_not_grow_with_kpis_or_values(world, as_user, session, app):
    from statements import count_statements

    b = as_user(world["manager"])

    def counts():
        found = []
        for path in (f"/teams/company/kpis/{Q2}", f"/api/v1/kpis/company/{Q2}", f"/teams/content/kpis/{Q2}"):
            b.get(path)  # warm the per-process caches
            with count_statements(app) as seen:
                assert b.get(path).status_code == 200
            found.append(len(seen))
        return found

    before = counts()
    content = world["content"]
    for n in range(12):
        kpi = ops.create_kpi(session=session, actor_id=None, org_id=content.org_id, team_id=content.id, key=f"k{n}",
                             name=f"K{n}", parent_id=world["posts"].id, normal_min=D(1))  # fmt: skip
        ops.record_values(
            session=session, actor_id=None, org_id=content.org_id, kpi=kpi,
            entries=[ops.Entry(date(2026, 4, 1) + timedelta(days=d), D(d % 3)) for d in range(30)],
        )  # fmt: skip
    session.commit()
    assert counts() == before


def test_a_manager_adds_a_kpi_under_another_and_bad_ones_are_named_by_field(world, as_user, session):
    b = as_user(world["manager"])
    url = f"/teams/content/kpis/{Q2}/new"
    good = {"key": "dau", "name": "日活 DAU", "unit": "万", "level": "execution", "parent": "daily_posts",
            "direction": "higher", "frequency": "weekly", "normal_min": "200", "critical_min": "150", "target": "260"}  # fmt: skip
    resp = b.post(url, data=good, htmx=True)
    assert resp.status_code == 200 and 'data-key="dau"' in resp.get_data(as_text=True)
    kpi = session.exec(select(m.Kpi).where(m.Kpi.key == "dau")).one()
    assert kpi.parent_id == world["posts"].id and kpi.owner_id == world["manager"].id
    body = b.get(f"/api/v1/kpis/content/{Q2}").get_json()
    assert {k["key"]: k for k in body["kpis"]}["dau"]["target"] == 260
    for bad, field in [
        ({**good, "key": "dau"}, "key"),  # taken
        ({**good, "key": "x1", "level": "strategic"}, "parent"),  # above its parent's level
        ({**good, "key": "x2", "normal_min": "100", "critical_min": "150"}, "critical_min"),  # narrower
        ({**good, "key": "x3", "normal_max": "NaN"}, "normal_max"),
        ({**good, "key": "bad key!"}, "key"),
    ]:
        resp = b.post(url, json=bad)
        assert resp.status_code == 422 and field in resp.get_json()["fields"], (bad, resp.get_json())
    assert session.exec(select(m.Kpi).where(m.Kpi.key.in_(["x1", "x2", "x3"]))).all() == []
    assert as_user(world["member"]).post(url, json=good | {"key": "y"}).status_code == 403


def test_the_demo_board_tells_a_story(demo, app, as_user, session):
    """The content platform's board on first run: a breach, a sudden change and a stale series."""
    from okr.seed import demo_kpi

    li = session.exec(select(m.User).where(m.User.email == "li@example.com")).one()
    b = as_user(li, password="demo-password")
    quarter = periods.quarter_of(date.today(), app.config["FISCAL_YEAR_START"])
    body = b.get(f"/api/v1/kpis/content/{quarter}").get_json()
    by_key = {k["key"]: k for k in body["kpis"]}
    assert set(by_key) == {"daily_posts", "creator_retention", "retention_7d", "feed_ctr"}
    breach = (date.today() - timedelta(days=demo_kpi.BREACH_DAYS_AGO)).isoformat()
    sudden = (date.today() - timedelta(days=demo_kpi.SUDDEN_DAYS_AGO)).isoformat()
    assert {"date": breach, "severity": "critical", "rule": "critical_range"}.items() <= next(
        a for a in by_key["daily_posts"]["alerts"] if a["date"] == breach
    ).items() or date.fromisoformat(breach) < quarter.start
    if date.fromisoformat(sudden) >= quarter.start:
        assert [a["rule"] for a in by_key["creator_retention"]["alerts"]] == ["sudden_change"]
    assert by_key["retention_7d"]["status"] == "stale"
    assert by_key["daily_posts"]["parent"] == "mau" and by_key["feed_ctr"]["level"] == "execution"
    html = b.get(f"/teams/content/kpis/{quarter}").get_data(as_text=True)
    assert "日均发布量 Daily posts" in html and 'data-status="stale"' in html
