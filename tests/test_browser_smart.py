"""In a real browser: typing into a key result's title updates the SMART panel in place (a
marker set on `window` before typing survives: no reload), and a blocking letter stops the save
with its message by the title."""

from __future__ import annotations

from browser_helpers import sign_in
from sqlmodel import select

from okr.core import models as m


def test_typing_a_kr_title_updates_the_smart_panel_without_reload(make, session, live_server, page):
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", email="li@example.com", name="Li Na")
    obj = make.objective(team=team, quarter="2030-Q2", title="Make creators more active", kind="committed")
    base = live_server

    sign_in(page, base, manager.email)
    page.goto(f"{base}/teams/content/plan/2030-Q2")
    page.evaluate("window.__noReload = 'still here'")

    page.locator(f"#krs-{obj.id} details.add > summary").click()
    form = page.locator(f"#new-kr-{obj.id}")
    panel = page.locator(f"#smart-panel-new-kr-{obj.id}")
    panel.wait_for()  # the slot's `load` trigger filled it in
    measurable = panel.locator("[data-letter=M]")

    form.locator("[name=kind]").select_option("milestone")
    form.locator("[name=title]").press_sequentially("Work on stuff", delay=20)
    panel.locator("[data-letter=M][data-verdict=fail]").wait_for()
    assert "Saving is blocked" in panel.inner_text()

    form.locator("[name=title]").fill("")
    form.locator("[name=title]").press_sequentially("Launch the creator billing page", delay=20)
    panel.locator("[data-letter=M][data-verdict=pass]").wait_for()
    assert measurable.get_attribute("data-verdict") == "pass"
    assert "Make creators more active" in panel.inner_text()  # R names the objective
    assert page.evaluate("window.__noReload") == "still here"

    # the save applies the same verdict: a milestone nobody can check is refused by the title
    form.locator("[name=title]").fill("Work on stuff")
    form.locator("button[type=submit]").click()
    page.locator(f"#new-kr-{obj.id} .field-title .field-error", has_text="Measurable").wait_for()
    assert page.evaluate("window.__noReload") == "still here"
    session.expire_all()
    assert session.exec(select(m.KeyResult).where(m.KeyResult.objective_id == obj.id)).all() == []
