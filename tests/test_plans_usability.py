"""What a new user hit on the plan pages: screen-reader text shown on every row, no favicon, Add
forms with no way back, a stale edit with no way on, and "Check-ins due" that did not open the
check-in form. Each test names what a person would see."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core import periods

QUARTER = "2026-Q2"


@pytest.fixture
def plan(make):
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", name="Li Na")
    member = make.user(team=team, role="member", name="Wang Qiang")
    goal = make.goal(team=team, year=2026, title="Grow the creator community")
    obj = make.objective(team=team, goal=goal, quarter=QUARTER, title="Make creators more active")
    kr = make.kr(objective=obj, title="Daily posts from 1000 to 1300", start=1000, target=1300)
    make.raci(member, "R", kr=kr)
    return {"team": team, "manager": manager, "member": member, "goal": goal, "objective": obj, "kr": kr}


def stylesheets(html: str) -> list[str]:
    """The stylesheets a screen shows the page with (print ones aside)."""
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"( media="print")?>', html)
    return [href for href, media in links if not media]


def css_rules(b, html: str) -> str:
    out = []
    for href in stylesheets(html):
        resp = b.get(href, buffered=True)
        assert resp.status_code == 200, href
        out.append(resp.get_data(as_text=True))
    return "\n".join(out)


# --- 1. screen-reader-only text is hidden on the plan pages ---------------------------------------


@pytest.mark.parametrize("period", ["2026", QUARTER, "2026-05"])
def test_plan_pages_hide_their_screen_reader_text(plan, as_user, period):
    b = as_user(plan["manager"])
    html = b.get(f"/teams/content/plan/{period}").get_data(as_text=True)
    if period != "2026-05":  # a month with no project has no History link to read
        assert '<span class="sr-only">' in html
    css = css_rules(b, html)
    rule = re.search(r"\.sr-only\s*\{([^}]*)\}", css)
    assert rule, "no stylesheet of the plan page hides .sr-only text"
    assert "clip" in rule.group(1) and "1px" in rule.group(1)


def test_the_key_result_page_hides_its_screen_reader_text(plan, as_user):
    b = as_user(plan["manager"])
    html = b.get(f"/key-results/{plan['kr'].id}").get_data(as_text=True)
    assert re.search(r"\.sr-only\s*\{[^}]*clip", css_rules(b, html))


# --- 7. a favicon on every page ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/teams/content/plan/2026-Q2", "/week/2026-W21"])
def test_every_page_links_a_favicon_that_exists(plan, as_user, client, path):
    b = as_user(plan["member"])
    html = (client if path == "/login" else b).get(path).get_data(as_text=True)
    found = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert found, "no favicon link: the browser asks for /favicon.ico and gets 404"
    resp = client.get(found.group(1), buffered=True)
    assert resp.status_code == 200
    assert resp.mimetype == "image/svg+xml"
    assert resp.get_data(as_text=True).lstrip().startswith("<svg")


# --- 7. every Add form has Cancel -------------------------------------------------------------------


@pytest.mark.parametrize(
    "period, kind, parent",
    [("2026", "goal", None), (QUARTER, "objective", None), (QUARTER, "kr", "objective"), ("2026-05", "project", None)],
)
def test_add_forms_opened_in_place_have_cancel(plan, as_user, period, kind, parent):
    b = as_user(plan["manager"])
    query = f"?parent={plan[parent].id}" if parent else ""
    resp = b.get(f"/teams/content/plan/{period}/new/{kind}{query}", headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html
    cancel = re.search(r'<a class="button" href="([^"]+)" data-cancel>([^<]+)</a>', html)
    assert cancel, "the Add form has no Cancel"
    assert cancel.group(1) == f"/teams/content/plan/{period}"  # without JavaScript: back to the plan
    assert cancel.group(2) == "Cancel"


def test_add_form_page_without_javascript_has_cancel_back_to_the_plan(plan, as_user):
    b = as_user(plan["manager"])
    html = b.get(f"/teams/content/plan/{QUARTER}/new/objective").get_data(as_text=True)
    assert "<html" in html
    assert re.search(rf'<a class="button" href="/teams/content/plan/{QUARTER}"[^>]*>Cancel</a>', html)


def test_add_form_cancel_in_chinese(plan, as_user):
    b = as_user(plan["manager"])
    html = b.get(
        f"/teams/content/plan/{QUARTER}/new/objective", headers={"HX-Request": "true", "Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert re.search(r"data-cancel>取消</a>", html)


def test_the_copy_panel_has_cancel(plan, as_user):
    b = as_user(plan["manager"])
    html = b.get(f"/teams/content/plan/{QUARTER}/copy", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="copy_panel"' in html
    assert re.search(
        rf'<a class="button" href="/teams/content/plan/{QUARTER}" data-cancel="copy_panel">Cancel</a>', html
    )


def test_a_check_in_form_opened_in_a_row_has_cancel_that_gives_the_row_back(plan, as_user):
    kr = plan["kr"]
    b = as_user(plan["member"])
    html = b.get(f"/key-results/{kr.id}/check-in?return_to=row", headers={"HX-Request": "true"}).get_data(as_text=True)
    cancel = re.search(r'<a class="button" href="([^"]+)" hx-get="([^"]+)" hx-target="#kr-(\d+)"[^>]*>Cancel</a>', html)
    assert cancel, "the check-in form opened in a row has no Cancel"
    assert cancel.group(3) == str(kr.id)
    row = b.get(cancel.group(2).replace("&amp;", "&"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'id="kr-{kr.id}"' in row and "check-in-form" not in row


# --- 7. the stale-edit message has a Reload button -----------------------------------------------------


def test_a_stale_archive_without_javascript_offers_reload(plan, as_user, session):
    goal = plan["goal"]
    b = as_user(plan["manager"])
    resp = b.post(f"/items/goal/{goal.id}/archive", data={"version": str(goal.version + 5)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else changed this in the meantime." in html
    assert re.search(r'<a class="button primary" href="/teams/content/plan/2026">Reload</a>', html)


def test_a_stale_archive_over_htmx_gives_app_js_the_word_reload(plan, as_user):
    """Over htmx the 409 is not swapped in: app.js shows its message with a Reload button whose word
    the page gives (in the page's language)."""
    goal = plan["goal"]
    b = as_user(plan["manager"])
    resp = b.post(f"/items/goal/{goal.id}/archive", data={"version": str(goal.version + 5)}, htmx=True)
    assert resp.status_code == 409
    for lang, word in (("en", "Reload"), ("zh-CN", "重新加载")):
        page = b.get("/teams/content/plan/2026", headers={"Accept-Language": lang}).get_data(as_text=True)
        box = re.search(r'<div id="request-error"[^>]*>', page).group(0)
        assert f'data-reload="{word}"' in box
    js = b.get("/static/js/app.js", buffered=True).get_data(as_text=True)
    assert "409" in js and "reload" in js


def test_an_edit_conflict_offers_reload_beside_save(plan, as_user, session):
    obj = plan["objective"]
    b = as_user(plan["manager"])
    data = {
        "title": "Mine",
        "kind": "committed",
        "goal_id": "",
        "owner_id": "",
        "weight": "1",
        "description": "",
        "version": str(obj.version + 3),
    }
    resp = b.post(f"/items/objective/{obj.id}", data=data, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert re.search(rf'<a class="button" href="/teams/content/plan/{QUARTER}">Reload</a>', html)


# --- 7. "Check-ins due" opens the key result's check-in form -------------------------------------------


@pytest.fixture
def due(make, app):
    """A key result of this quarter with no check-in, the member Responsible for it."""
    team = make.team(slug="growth", name="Growth")
    member = make.user(team=team, role="member", name="Zhao Lei")
    quarter = str(periods.quarter_of(date.today(), app.config["FISCAL_YEAR_START"]))
    kr = make.kr(objective=make.objective(team=team, quarter=quarter), title="Weekly active creators 200 → 500")
    make.raci(member, "R", kr=kr)
    return {"member": member, "kr": kr}


def test_check_ins_due_opens_the_check_in_form(due, as_user, session):
    kr = due["kr"]
    b = as_user(due["member"])
    board = b.get("/week").get_data(as_text=True)
    owe = board[board.index('id="owe-h"') :]
    link = re.search(r'<a href="([^"]+)">Weekly active creators 200 → 500</a>', owe)
    assert link, owe[:800]
    assert link.group(1) == f"/key-results/{kr.id}/check-in#check-in-{kr.id}"
    page = b.get(link.group(1).split("#")[0])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    form = re.search(rf'<form id="check-in-{kr.id}"[^>]*>(.*?)</form>', html, re.S)
    assert form, "the page has no check-in form"
    assert re.search(r'<input[^>]*autofocus[^>]*name="value"|<input[^>]*name="value"[^>]*autofocus', form.group(1))
    # ... and it saves like any check-in.
    resp = b.post(
        f"/key-results/{kr.id}/check-ins",
        data={"value": "260", "confidence": "0.7", "checked_on": date.today().isoformat(), "note": "", "version": "1"},
    )
    assert resp.status_code == 303
    session.expire_all()
    assert session.exec(select(m.CheckIn).where(m.CheckIn.key_result_id == kr.id)).one().value == 260
