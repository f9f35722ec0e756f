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
