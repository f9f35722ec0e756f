"""In a real browser, at a laptop's 1366 px and a phone's 390 px: the effort-alignment table's
headers and quadrant names never break inside a word ("Task s", "Eliminat e"), in English or
Chinese; and the plan pages show no screen-reader-only text (the history links' titles, the
SMART badges' sentences stay 1 px and clipped, read aloud but not seen). And the year's rollup
says which quarter its effort alignment counts (no browser needed for that one)."""

from __future__ import annotations

import pytest
from browser_helpers import sign_in

from okr.core import periods

QUARTER = "2026-Q2"
VIEWPORTS = [(1366, 800), (390, 844)]

# Each word of the matched elements' text, and whether the browser laid it out on more than
# one line: a word broken in two has boxes on two lines.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const word = /[A-Za-z]+|[\\u4e00-\\u9fff]+/g;
      for (let m = word.exec(node.data); m; m = word.exec(node.data)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

# Screen-reader-only elements that a sighted reader could see: larger than 1 px, or not clipped.
SEEN_HIDDEN = """() => [...document.querySelectorAll('.sr-only, .visually-hidden')]
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 1 || r.height > 1; })
  .map(el => el.textContent.trim())"""


@pytest.fixture
def company(make, session):
    co = make.team(slug="company", name="Galaxy Tech", kind="company")
    viewer = make.user(team=co, role="viewer", email="he.min@example.com", name="He Min")
    manager = make.user(team=co, role="manager", email="li@example.com", name="Li Na")
    goal = make.goal(team=co, year=2026, title="Grow the creator community")
    obj = make.objective(team=co, goal=goal, quarter=QUARTER, title="Make new creators post every week")
    kr = make.kr(objective=obj, title="Weekly posting creators from 200 to 500", start=200, target=500)
    project = make.project(kr=kr, month="2026-04", title="Creator incentive programme")
    weeks = [str(w) for w in periods.parse(QUARTER).weeks()]
    for i, (important, urgent) in enumerate([(True, True), (True, False), (False, True), (False, False)] * 3):
        make.task(
            team=co,
            project=project if i % 2 else None,
            week=weeks[i],
            title=f"Task {i}",
            important=important,
            urgent=urgent,
            assignee=manager,
        )
    return {"viewer": viewer, "manager": manager}


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("width, height", VIEWPORTS)
def test_effort_table_breaks_no_word(company, session, live_server, page, locale, width, height):
    viewer = company["viewer"]
    viewer.locale = locale
    session.add(viewer)
    session.commit()
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, viewer.email)
    for period in (QUARTER, "2026"):
        page.goto(f"{live_server}/rollup/{period}")
        table = page.locator("#effort table")
        table.wait_for()
        assert table.locator("tbody tr").count() == 4
        broken = page.evaluate(BROKEN_WORDS, "#effort th, #effort td:first-child")
        assert broken == [], f"{period} at {width}px ({locale}): {broken}"
        # the table stays inside its card, scrolling sideways rather than spilling over
        card = page.locator("#effort").bounding_box()
        assert page.locator("#effort .effort-scroll").bounding_box()["width"] <= card["width"] + 0.5


@pytest.mark.parametrize("width, height", VIEWPORTS)
def test_plan_pages_show_no_screen_reader_text(company, live_server, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, company["manager"].email)
    for period in (QUARTER, "2026", "2026-04"):
        page.goto(f"{live_server}/teams/company/plan/{period}")
        page.locator("main").wait_for()
        hidden = page.locator(".sr-only, .visually-hidden")
        assert hidden.count() > 0, period  # the page has such text, for screen readers
        assert page.evaluate(SEEN_HIDDEN) == [], period
    page.goto(f"{live_server}/teams/company/plan/{QUARTER}")
    history = page.locator("a.history-link").first
    assert history.inner_text().strip() == "History" or history.bounding_box()["width"] < 120


def test_the_year_page_says_which_quarter_its_effort_counts(company, as_user, session):
    b = as_user(company["viewer"])
    year = b.get("/rollup/2026").get_data(as_text=True)
    effort = year[year.index('id="effort"') :].split("</section>")[0]
    quarter = b.get("/api/v1/rollup/company/2026").get_json()["effort"]["quarter"]
    assert quarter.startswith("2026-Q")
    assert f'<span class="muted">{quarter}</span></h2>' in effort
    assert f"A year's rollup counts the tasks of one quarter: {quarter}" in effort
    page = b.get(f"/rollup/{QUARTER}").get_data(as_text=True)
    assert "A year's rollup counts" not in page
    company["viewer"].locale = "zh"
    session.add(company["viewer"])
    session.commit()
    year = b.get("/rollup/2026").get_data(as_text=True)
    assert f"年度汇总只统计一个季度的任务：{quarter}" in year
