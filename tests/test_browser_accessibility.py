"""axe-core (vendored under tests/vendor/axe-core) over the pages people read most, on the demo
as `okr demo` seeds it: the company rollup, the quarter review, a team's plan, my week, the
team's RACI and a key result's page. No serious or critical violation of WCAG 2 A/AA; and the
rollup, week and plan pages fit a 390 px phone without sideways scrolling."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from tests.browser_helpers import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
MANAGER = "li@example.com"


def _quarter() -> str:
    return str(periods.quarter_of(date.today(), 1))


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return found


def _paths(session) -> list[str]:
    q = _quarter()
    kr = session.exec(
        select(m.KeyResult).join(m.Objective).where(m.Objective.quarter == q).order_by(m.KeyResult.id)
    ).first()
    return [
        f"/rollup/{q}",
        f"/teams/content/review/{q}",
        f"/teams/content/plan/{q}",
        "/week",
        "/teams/content/raci",
        f"/key-results/{kr.id}",
    ]


def test_axe_finds_no_serious_violation_on_the_pages_people_read(page, live_server, demo, session):
    from okr.seed import demo as demo_module

    page.set_default_timeout(30_000)  # the demo's company pages are the heaviest there are
    sign_in(page, live_server, MANAGER, demo_module.DEMO_PASSWORD)
    problems = {}
    for path in _paths(session):
        page.goto(f"{live_server}{path}")
        found = _violations(page)
        if found:
            problems[path] = found
    assert problems == {}, problems


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rollup_week_and_plan_fit_a_phone(page, live_server, demo, session, lang):
    from okr.seed import demo as demo_module

    page.set_default_timeout(30_000)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, MANAGER, demo_module.DEMO_PASSWORD)
    if lang == "zh":
        page.locator("form.lang button[value=zh]").click()
    wide = {}
    for path in _paths(session)[:4:2] + ["/week"]:
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}, wide
