"""A manager fills in a RACI matrix in a real browser: with the mouse (cell → letter menu) and
with the keyboard (type a letter, arrows to move), without a page reload; a second A is refused."""

import pytest
from browser_helpers import sign_in
from sqlmodel import select

from okr.core import models as m

pytestmark = pytest.mark.browser


@pytest.fixture
def matrix(make):
    org = make.org()
    team = make.team(org=org, slug="content", name="Content")
    li = make.user(team=team, role="manager", name="Li Na", email="li@example.com")
    wang = make.user(team=team, role="member", name="Wang Wei", email="wang@example.com")
    obj = make.objective(team=team, quarter="2026-Q2", title="Make creators more active")
    kr = make.kr(objective=obj, title="Daily posts 1000 → 1300")
    return {"li": li, "wang": wang, "kr": kr}


def letters(session, kr):
    session.expire_all()
    rows = session.exec(select(m.RaciAssignment).where(m.RaciAssignment.key_result_id == kr.id)).all()
    return {r.user_id: r.letter for r in rows}


def test_fill_a_row_with_mouse_and_keyboard(page, live_server, matrix, session):
    li, wang, kr = matrix["li"], matrix["wang"], matrix["kr"]
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    sign_in(page, live_server, "li@example.com")
    page.goto(live_server + "/teams/content/raci/2026-Q2")
    page.evaluate("window.__same_page = true")
    row = f"#raci-kr-{kr.id}"
    li_cell = f'{row} button[data-cell="raci-kr-{kr.id}:{li.id}"]'
    wang_cell = f'{row} button[data-cell="raci-kr-{kr.id}:{wang.id}"]'

    # mouse: open the cell's menu and choose A
    page.click(li_cell)
    page.click('.raci-menu button[data-letter="A"]')
    page.wait_for_selector(f'{li_cell}[data-letter="A"]')
    assert "No one is Responsible" in page.inner_text(row)

    # keyboard: the focus stays on li's cell after the swap; move right and type R
    page.wait_for_function(
        f"document.activeElement && document.activeElement.dataset.cell === 'raci-kr-{kr.id}:{li.id}'"
    )
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    page.wait_for_selector(f'{wang_cell}[data-letter="R"]')
    assert "Complete" in page.inner_text(row)
    assert letters(session, kr) == {li.id: "A", wang.id: "R"}

    # a second A is refused on the row with the reason; nothing is saved
    page.focus(wang_cell)
    page.keyboard.press("a")
    page.wait_for_selector(f"{row} .raci-note-refused")
    assert "Accountable" in page.inner_text(f"{row} .raci-note-refused")
    assert letters(session, kr) == {li.id: "A", wang.id: "R"}

    # Delete on the only R of a complete row is refused too, with its reason
    page.focus(wang_cell)
    page.keyboard.press("Delete")
    page.wait_for_function(
        f"document.querySelector('{row} .raci-note-refused') && document.querySelector('{row} .raci-note-refused').textContent.includes('Responsible')"
    )
    assert letters(session, kr) == {li.id: "A", wang.id: "R"}
    assert page.evaluate("window.__same_page") is True  # never reloaded
    assert problems == []  # no script error, no CSP violation


def test_a_row_someone_else_changed_shows_their_letters_and_says_so(page, live_server, matrix, make, session):
    li, wang, kr = matrix["li"], matrix["wang"], matrix["kr"]
    sign_in(page, live_server, "li@example.com")
    page.goto(live_server + "/teams/content/raci/2026-Q2")
    row = f"#raci-kr-{kr.id}"
    make.raci(wang, "R", kr=kr)  # another manager saves while this page is open
    page.focus(f'{row} button[data-cell="raci-kr-{kr.id}:{li.id}"]')
    page.keyboard.press("a")
    page.wait_for_selector(f"{row} .raci-note-conflict")
    page.wait_for_selector("#request-error:not([hidden])")
    assert "Someone else changed this row" in page.inner_text("#request-error")
    assert page.get_attribute(f'{row} button[data-cell="raci-kr-{kr.id}:{wang.id}"]', "data-letter") == "R"
    assert letters(session, kr) == {wang.id: "R"}
    # the row now carries the new letters: the same key press goes through
    page.focus(f'{row} button[data-cell="raci-kr-{kr.id}:{li.id}"]')
    page.keyboard.press("a")
    page.wait_for_selector(f'{row} button[data-cell="raci-kr-{kr.id}:{li.id}"][data-letter="A"]')
    assert letters(session, kr) == {wang.id: "R", li.id: "A"}
