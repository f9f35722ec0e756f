"""In a real browser: a manager plans a quarter on the page and a member checks in, all in place
(a marker set on `window` before the edits survives: no full page reload)."""

from __future__ import annotations

from decimal import Decimal

from browser_helpers import sign_in
from sqlmodel import select

from okr.core import models as m


def test_manager_plans_a_quarter_and_member_checks_in_without_reload(make, session, live_server, page):
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", email="li@example.com", name="Li Na")
    member = make.user(team=team, role="member", email="wang@example.com", name="Wang Qiang")
    base = live_server

    sign_in(page, base, manager.email)
    page.goto(f"{base}/teams/content/plan/2026-Q2")
    page.evaluate("window.__noReload = 'still here'")

    page.click("#objectives > details.add > summary")
    page.fill("#new-objective-title", "Make creators more active")
    page.select_option("#new-objective-kind", "aspirational")
    page.click("#new-objective button[type=submit]")
    section = page.locator("#objectives section.objective", has_text="Make creators more active")
    section.wait_for()

    for title, start, target in (
        ("Daily posts from 1,000 to 1,300", "1,000", "1,300"),
        ("Weekly creators to 500", "200", "500"),
    ):
        section.locator("details.add > summary", has_text="Add a key result").click()
        form = section.locator("form[id^=new-kr-]")
        form.locator("[name=title]").fill(title)
        form.locator("[name=start]").fill(start)
        form.locator("[name=target]").fill(target)
        form.locator("button[type=submit]").click()
        section.locator(".kr", has_text=title).wait_for()

    # a bad value gets its message by the field, in place
    section.locator("details.add > summary", has_text="Add a key result").click()
    form = section.locator("form[id^=new-kr-]")
    form.locator("[name=title]").fill("Broken")
    form.locator("[name=start]").fill("5")
    form.locator("[name=target]").fill("5")
    form.locator("button[type=submit]").click()
    section.locator(".field-error", has_text="The target must differ from the start.").wait_for()

    kr_block = section.locator(".kr-block", has_text="Daily posts from 1,000 to 1,300")
    kr_block.locator("details.add > summary", has_text="Add a project").click()
    pform = kr_block.locator("form[id^=new-project-]")
    pform.locator("[name=title]").fill("Creator incentive programme")
    pform.locator("button[type=submit]").click()
    kr_block.locator(".project", has_text="Creator incentive programme").wait_for()
    assert page.evaluate("window.__noReload") == "still here"

    session.expire_all()
    kr = session.exec(select(m.KeyResult).where(m.KeyResult.title.startswith("Daily posts"))).one()
    assert (kr.start, kr.target) == (Decimal(1000), Decimal(1300))
    assert session.exec(select(m.Project)).one().key_result_id == kr.id
    make.raci(member, "R", kr=kr)

    sign_in(page, base, member.email)
    page.goto(f"{base}/teams/content/plan/2026-Q2")
    page.evaluate("window.__noReload = 'member here'")
    row = page.locator(f"#kr-{kr.id}")
    row.locator("a", has_text="Check in").click()
    check = page.locator(f"#check-in-{kr.id}")
    check.locator("[name=value]").fill("1,080")
    check.locator("[name=confidence]").fill("high")
    check.locator("button[type=submit]").click()
    page.locator(f"#kr-{kr.id} .current", has_text="1080").wait_for()
    assert page.evaluate("window.__noReload") == "member here"

    # the KR page: the history grows in place
    page.goto(f"{base}/key-results/{kr.id}")
    page.evaluate("window.__noReload = 'kr page'")
    assert page.locator("tr.check-in").count() == 1
    form = page.locator(f"#check-in-{kr.id}")
    form.locator("[name=value]").fill("1100")
    form.locator("[name=confidence]").fill("0.8")
    form.locator("button[type=submit]").click()
    page.locator("tr.check-in").nth(1).wait_for()
    assert page.locator("tr.check-in").count() == 2
    assert page.locator("svg .value-line").count() == 1
    assert page.evaluate("window.__noReload") == "kr page"


def test_plan_page_hides_reader_text_cancels_add_and_reloads_after_a_stale_edit(
    make, session, live_server, page, as_user
):
    """What a new user saw: "History <title>" on every row, a 404 for the favicon on every page, an
    Add form that could not be put away, and a refused edit with no way on."""
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", email="li@example.com", name="Li Na")
    colleague = make.user(team=team, role="manager", email="zhao@example.com", name="Zhao Lei")
    goal = make.goal(team=team, year=2026, title="Grow the creator community")
    obj = make.objective(team=team, goal=goal, quarter="2026-Q2", title="Make creators more active")
    kr = make.kr(objective=obj, title="Daily posts from 1000 to 1300")
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server}/teams/content/plan/2026-Q2")
    page.evaluate("window.__noReload = 'still here'")

    # Screen-reader text takes no room on the screen.
    hidden = page.locator(f"#kr-{kr.id} .history-link .sr-only")
    assert hidden.inner_text().strip() == kr.title
    box = hidden.bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1

    # An Add form opened in place is put away by Cancel, and what was typed goes with it.
    add = page.locator("#objectives > details.add")
    add.locator("summary").click()
    page.fill("#new-objective-title", "Half-typed")
    page.locator("#new-objective a", has_text="Cancel").click()
    assert add.evaluate("d => d.open") is False
    add.locator("summary").click()
    assert page.input_value("#new-objective-title") == ""
    assert page.evaluate("window.__noReload") == "still here"

    # Someone else renames the objective; archiving what this page shows is refused with Reload.
    other = as_user(colleague)
    edit = other.get(f"/items/objective/{obj.id}/edit").get_data(as_text=True)
    assert "Make creators more active" in edit
    resp = other.post(
        f"/items/objective/{obj.id}",
        data={
            "title": "Make creators much more active",
            "kind": "aspirational",
            "goal_id": str(goal.id),
            "owner_id": "",
            "weight": "1",
            "description": "",
            "version": str(obj.version),
        },
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[:400]
    page.locator(f"#objective-{obj.id} button", has_text="Archive").click()
    error = page.locator("#request-error")
    error.wait_for(state="visible")
    assert "Someone else changed this in the meantime." in error.inner_text()
    error.locator("button", has_text="Reload").click()
    page.locator(f"#objective-{obj.id}", has_text="Make creators much more active").wait_for()
    assert page.evaluate("window.__noReload") is None  # reloaded, as asked
    session.expire_all()
    assert session.get(m.Objective, obj.id).is_archived is False
    assert missing == [], missing
