"""The SMART coach on the web: the JSON check in both languages and its 400s, the live panel
fragment, one item's verdict, badges and the ?fails= filter on the plan pages, and the letters
that block a save (422 with the message by the title, nothing saved)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from okr.core import models as m


@pytest.fixture
def plan(make, session):
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", name="Li Na")
    viewer = make.user(team=team, role="viewer", name="Zhao Lei")
    goal = make.goal(team=team, year=2026, title="Grow the creator community")
    obj = make.objective(team=team, goal=goal, quarter="2026-Q2", title="Make creators more active", kind="committed")
    good = make.kr(objective=obj, title="Daily posts from 1000 to 1300", start=1000, target=1300, unit="posts")
    vague = make.kr(objective=obj, title="Work on stuff", kind="milestone", start=0, target=1)
    return {
        "team": team,
        "manager": manager,
        "viewer": viewer,
        "goal": goal,
        "objective": obj,
        "good": good,
        "vague": vague,
    }


def _set_locale(session, user, locale):
    user.locale = locale
    session.add(user)
    session.commit()


# --- JSON -----------------------------------------------------------------------------------


def test_api_gives_five_letters_and_a_score(plan, as_user):
    b = as_user(plan["manager"])
    resp = b.post(
        "/api/v1/smart",
        json={
            "kind": "key_result",
            "title": "Increase NPS from 32 to 45 by end of Q3",
            "period": "2030-Q3",
            "start": 32,
            "target": 45,
            "unit": "",
            "parent_title": "Customers love the product",
        },
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert list(body["letters"]) == ["S", "M", "A", "R", "T"]
    assert {v["verdict"] for v in body["letters"].values()} == {"pass"}
    assert body["score"] == 5
    assert all(set(v) == {"verdict", "message", "suggestion"} for v in body["letters"].values())


def test_api_speaks_the_persons_language(plan, as_user, session):
    _set_locale(session, plan["manager"], "zh")
    b = as_user(plan["manager"])
    resp = b.post("/api/v1/smart", json={"kind": "kr", "title": "提升用户满意度", "period": "2030-Q2"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["letters"]["M"]["verdict"] == "fail"
    assert "关键结果必须可衡量" in body["letters"]["M"]["message"]
    assert body["letters"]["S"]["verdict"] == "warn"  # 提升 which way, not how far
    assert body["score"] == 3


def test_api_english_vague_objective(plan, as_user):
    b = as_user(plan["manager"])
    body = b.post("/api/v1/smart", json={"kind": "objective", "title": "Improve the website"}).get_json()
    verdicts = {k: v["verdict"] for k, v in body["letters"].items()}
    assert verdicts == {"S": "fail", "M": "fail", "A": "pass", "R": "warn", "T": "fail"}
    assert body["letters"]["S"]["suggestion"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "Ship v2 onboarding"}, "kind"),
        ({"kind": "task", "title": "x"}, "kind"),
        ({"kind": "kr", "title": 12}, "title"),
        ({"kind": "kr", "title": "x", "start": "many"}, "start"),
        ({"kind": "kr", "title": "x", "target": [1]}, "target"),
        ({"kind": "kr", "title": "x", "target": True}, "target"),
        ({"kind": "kr", "title": "x", "kr_kind": "binary"}, "kr_kind"),
        ({"kind": "kr", "title": "x", "due_date": "2026-02-30"}, "due_date"),
        ({"kind": "kr", "title": "x", "confidence": 300}, "confidence"),
        ({"kind": "objective", "title": "x", "committed": "yes"}, "committed"),
        ({"kind": "objective", "title": "x", "colour": "red"}, "colour"),
    ],
)
def test_api_refuses_wrong_types_with_400_by_field(plan, as_user, body, field):
    b = as_user(plan["manager"])
    resp = b.post("/api/v1/smart", json=body)
    assert resp.status_code == 400
    data = resp.get_json()
    assert data["error"] and field in data["fields"]


def test_api_refuses_bad_json(plan, as_user):
    b = as_user(plan["manager"])
    resp = b.post("/api/v1/smart", data="{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.get_json()["error"]
    resp = b.post("/api/v1/smart", json=["kind", "kr"])
    assert resp.status_code == 400


def test_api_messages_of_400_in_chinese(plan, as_user, session):
    _set_locale(session, plan["manager"], "zh")
    b = as_user(plan["manager"])
    data = b.post("/api/v1/smart", json={"kind": "nope"}).get_json()
    assert "目标" in data["fields"]["kind"][0]


def test_api_needs_sign_in_and_csrf(plan, client, as_user):
    resp = client.post("/api/v1/smart", json={"kind": "kr", "title": "x"})
    assert resp.status_code in (400, 401)
    b = as_user(plan["manager"])
    resp = b.client.post("/api/v1/smart", json={"kind": "kr", "title": "x"})  # no X-CSRFToken
    assert resp.status_code == 400


# --- the live panel -------------------------------------------------------------------------


def test_panel_is_a_fragment_with_five_letters(plan, as_user):
    b = as_user(plan["manager"])
    resp = b.post(
        "/smart/panel",
        data={
            "smart_kind": "kr",
            "smart_slot": "new-kr-7",
            "title": "Reduce p95 latency to 200ms",
            "kind": "metric",
            "start": "450",
            "target": "200",
            "unit": "ms",
            "parent": str(plan["objective"].id),
        },
        htmx=True,
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'id="smart-panel-new-kr-7"' in html
    assert "<html" not in html
    for letter in "SMART":
        assert f'data-letter="{letter}"' in html
    assert 'data-verdict="fail"' not in html
    assert "Make creators more active" in html  # R names the objective it serves


def test_panel_shows_what_blocks_a_save(plan, as_user):
    b = as_user(plan["manager"])
    html = b.post(
        "/smart/panel",
        data={"smart_kind": "kr", "title": "Work on stuff", "kind": "milestone", "parent": str(plan["objective"].id)},
        htmx=True,
    ).get_data(as_text=True)
    assert 'data-letter="M" data-verdict="fail"' in html
    assert "Saving is blocked" in html


def test_panel_in_chinese(plan, as_user, session):
    _set_locale(session, plan["manager"], "zh")
    b = as_user(plan["manager"])
    html = b.post(
        "/smart/panel",
        data={"smart_kind": "objective", "title": "完成新版官网上线", "kind": "committed", "period": "2030-Q3"},
        htmx=True,
    ).get_data(as_text=True)
    assert "可衡量" in html and "<html" not in html


def test_panel_ignores_an_objective_of_another_organisation(plan, make, as_user):
    other = make.objective(team=make.team(org=make.org(slug="other")), title="Secret plan of another company")
    b = as_user(plan["manager"])
    html = b.post(
        "/smart/panel", data={"smart_kind": "kr", "title": "Ship v2 onboarding", "parent": str(other.id)}, htmx=True
    ).get_data(as_text=True)
    assert "Secret plan" not in html


# --- one item, badges, filter ---------------------------------------------------------------


def test_item_fragment_and_page(plan, as_user):
    b = as_user(plan["viewer"])
    kr = plan["vague"]
    resp = b.get(f"/smart/item/kr/{kr.id}", headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'id="smart-item-kr-{kr.id}"' in html and "<html" not in html
    assert 'data-letter="M" data-verdict="fail"' in html
    page = b.get(f"/smart/item/kr/{kr.id}").get_data(as_text=True)
    assert "<html" in page


def test_item_of_another_organisation_is_404(plan, make, as_user):
    other = make.kr(objective=make.objective(team=make.team(org=make.org(slug="other"))))
    b = as_user(plan["manager"])
    assert b.get(f"/smart/item/kr/{other.id}").status_code == 404
    assert b.get("/smart/item/kr/99999999999999999999").status_code == 404


def test_quarter_page_shows_badges(plan, as_user):
    b = as_user(plan["viewer"])
    html = b.get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    assert f'id="smart-objective-{plan["objective"].id}"' in html
    assert f'id="smart-kr-{plan["good"].id}"' in html
    assert f'id="smart-kr-{plan["vague"].id}"' in html
    assert "css/smart.css" in html


def test_year_page_shows_goal_badges(plan, as_user):
    b = as_user(plan["viewer"])
    html = b.get("/teams/content/plan/2026").get_data(as_text=True)
    assert f'id="smart-goal-{plan["goal"].id}"' in html


def test_quarter_page_filters_to_items_failing_a_letter(plan, as_user):
    b = as_user(plan["viewer"])
    html = b.get("/teams/content/plan/2026-Q2?fails=M").get_data(as_text=True)
    assert f'id="kr-{plan["vague"].id}"' in html
    assert f'id="kr-{plan["good"].id}"' not in html
    assert "Make creators more active" in html  # its objective stays, as the heading
    html = b.get("/teams/content/plan/2026-Q2?fails=R").get_data(as_text=True)
    assert f'id="kr-{plan["vague"].id}"' not in html


def test_filter_matches_amber_letters_and_says_when_nothing_fails(make, as_user, session):
    """An objective whose badge shows S and M amber is what "Show items failing: S" is for;
    a letter nothing fails says so, not that the quarter has no objectives."""
    team = make.team(slug="content", name="Content")
    viewer = make.user(team=team, role="viewer", name="Zhao Lei")
    goal = make.goal(team=team, year=2030, title="Grow the creator community")
    obj = make.objective(team=team, goal=goal, quarter="2030-Q2", title="Make creators more active")
    b = as_user(viewer)
    page = b.get("/teams/content/plan/2030-Q2").get_data(as_text=True)
    badge = page[page.index(f'id="smart-objective-{obj.id}"') :].split("</details>")[0]
    assert 'data-letter="S" data-verdict="warn"' in badge and 'data-letter="M" data-verdict="warn"' in badge
    assert 'data-letter="R" data-verdict="pass"' in badge
    for letter in "SM":
        html = b.get(f"/teams/content/plan/2030-Q2?fails={letter}").get_data(as_text=True)
        assert f'id="smart-objective-{obj.id}"' in html, letter
        assert "No objectives this quarter yet" not in html
    html = b.get("/teams/content/plan/2030-Q2?fails=R").get_data(as_text=True)
    assert f'id="smart-objective-{obj.id}"' not in html
    assert "No objectives this quarter yet" not in html
    assert "No objective or key result fails R (Relevant) this quarter." in html
    viewer.locale = "zh"
    session.add(viewer)
    session.commit()
    html = b.get("/teams/content/plan/2030-Q2?fails=R").get_data(as_text=True)
    assert "本季度没有未通过 R（相关）的目标或关键结果。" in html


def test_badges_cost_no_query_per_row(plan, make, app, as_user):
    import sqlalchemy as sa

    from okr.core.db import get_engine

    b = as_user(plan["viewer"])
    b.get("/teams/content/plan/2026-Q2")
    counts = []
    for extra in (0, 8):
        for i in range(extra):
            make.kr(objective=plan["objective"], title=f"Extra KR {i} from 1 to 2", start=1, target=2)
        seen = []

        def count(*_a, **_k):
            seen.append(1)

        engine = get_engine(app.config["DATABASE_URL"])
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            b.get("/teams/content/plan/2026-Q2")
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        counts.append(len(seen))
    assert counts[1] == counts[0], counts


# --- blocking letters on save ---------------------------------------------------------------


def _count(session, model):
    session.expire_all()
    return len(session.exec(select(model)).all())


def test_a_key_result_that_cannot_be_measured_is_not_saved(plan, as_user, session):
    b = as_user(plan["manager"])
    before = _count(session, m.KeyResult)
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/kr",
        data={
            "title": "Work on stuff",
            "kind": "milestone",
            "weight": "1",
            "parent": str(plan["objective"].id),
            "progress_from": "checkins",
        },
        htmx=True,
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "field-title has-error" in html
    assert "Measurable: A milestone needs a clear done condition" in html
    assert _count(session, m.KeyResult) == before


def test_organisation_blocking_letters_stop_an_objective(plan, as_user, session):
    org = session.get(m.Organisation, plan["team"].org_id)
    org.smart_blocking = "SMT"
    session.add(org)
    session.commit()
    b = as_user(plan["manager"])
    before = _count(session, m.Objective)
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/objective",
        data={
            "title": "Improve the website",
            "kind": "committed",
            "weight": "1",
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Specific:" in html and "Measurable:" in html
    assert _count(session, m.Objective) == before
    # a specific objective in the same quarter goes through (T comes from the quarter)
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/objective",
        data={
            "title": "Make new creators post in their first week",
            "kind": "committed",
            "weight": "1",
        },
    )
    assert resp.status_code == 303
    assert _count(session, m.Objective) == before + 1


def test_blocking_message_in_chinese_and_in_json(plan, as_user, session):
    _set_locale(session, plan["manager"], "zh")
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/kr",
        json={
            "title": "做一些事情",
            "kind": "milestone",
            "weight": 1,
            "parent": plan["objective"].id,
            "progress_from": "checkins",
        },
    )
    assert resp.status_code == 422
    assert "可衡量" in " ".join(resp.get_json()["fields"]["title"])


def test_warnings_never_block(plan, as_user, session):
    org = session.get(m.Organisation, plan["team"].org_id)
    org.smart_blocking = "SMART"
    session.add(org)
    session.commit()
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/kr",
        data={
            "title": "Increase NPS from 32 to 45",
            "kind": "metric",
            "start": "32",
            "target": "45",
            "weight": "1",
            "parent": str(plan["objective"].id),
            "progress_from": "checkins",
        },
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
