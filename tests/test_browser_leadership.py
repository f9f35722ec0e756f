"""The company rollup as leadership reads it in a real browser: the picture first (with and
without JavaScript), an explanation opened next to the clicked figure on a laptop and a phone,
Esc putting it away with focus back on the figure, and present mode moved by the arrow keys."""

from __future__ import annotations

import pytest

from tests.browser_helpers import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def company(make):
    org = make.org(slug="acme")
    co = make.team(org=org, slug="acme", name="Acme")
    ops = make.team(org=org, slug="ops", name="Operations", parent=co)
    sales = make.team(org=org, slug="sales", name="Sales", parent=co)
    viewer = make.user(team=co, role="viewer", email="viewer@example.com", name="Vera Viewer")
    top = make.goal(team=co, year=2026, title="Acme grows")
    for team, current in ((ops, 10), (sales, 90)):
        goal = make.goal(team=team, year=2026, title=f"{team.name} goal", parent_goal_id=top.id)
        obj = make.objective(team=team, goal=goal, quarter="2026-Q2", title=f"{team.name} objective")
        make.kr(objective=obj, title=f"{team.name} KR 0 to 100", start=0, target=100, current=current)
    return viewer


def _inside(box, width, height):
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_a_clicked_figure_explains_itself_on_screen_and_esc_returns_focus(company, live_server, page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, live_server, company.email)
    page.goto(f"{live_server}/rollup/2026-Q2")
    assert page.locator("#picture svg.heatmap title").first.text_content()
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    figure = page.locator("#tree a.figure:visible").last
    figure.scroll_into_view_if_needed()
    figure.click()
    panel = page.locator("#explain-panel.popped")
    panel.wait_for(state="visible")
    page.locator("#explain .explain").wait_for()
    box = panel.bounding_box()
    assert _inside(box, *size), box
    page.keyboard.press("Escape")
    assert page.locator("#explain-panel.popped").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('figure')")


def test_picture_reads_without_javascript(company, live_server, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, company.email)
    page.goto(f"{live_server}/rollup/2026-Q2")
    heat = page.locator("svg.heatmap")
    assert "Teams against their objectives" in heat.locator("title").first.text_content()
    cells = heat.locator("a[aria-label]")
    labels = [cells.nth(i).get_attribute("aria-label") for i in range(cells.count())]
    assert any("Operations objective" in x and "%" in x for x in labels), labels
    assert page.locator("svg.trend-chart desc").text_content()
    context.close()


def test_present_mode_shows_one_team_per_screen(company, live_server, page):
    sign_in(page, live_server, company.email)
    page.goto(f"{live_server}/rollup/2026-Q2?present=1")
    slides = page.locator(".present-slide")
    assert slides.count() == 3
    visible = lambda: [slides.nth(i).is_visible() for i in range(3)]  # noqa: E731
    assert visible() == [True, False, False]
    page.keyboard.press("ArrowRight")
    assert visible() == [False, True, False]
    assert "Operations" in slides.nth(1).locator("h1").inner_text()
    page.keyboard.press("ArrowLeft")
    assert visible() == [True, False, False]
