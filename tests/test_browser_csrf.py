"""A stale or missing CSRF token in a real browser: the htmx request is refused, the person sees
why and a "Try again" button, what they typed stays in the field, and the retry (with a fresh
token fetched from /csrf-token) saves it once."""

import time

import pytest
from browser_helpers import sign_in
from sqlmodel import select

from okr.core import models as m

pytestmark = pytest.mark.browser

WEEK = "2026-W21"


@pytest.fixture
def member(make):
    team = make.team(slug="content", name="Content")
    return make.user(team=team, role="member", name="Wang Qiang", email="wang@example.com")


def titles(session, user):
    session.expire_all()
    return [
        t.title for t in session.exec(select(m.Task).where(m.Task.assignee_id == user.id).order_by(m.Task.id)).all()
    ]


def watch(page):
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def refused_then_retried(page, session, member, title):
    """Type a task, send it with the token broken, and check the refusal, the kept text and the retry."""
    field = page.locator("#add-title-do")
    field.fill(title)
    with page.expect_response(lambda r: "/tasks" in r.url and r.request.method == "POST") as first:
        field.press("Enter")
    assert first.value.status == 400
    box = page.locator("#request-error")
    box.wait_for(state="visible")
    assert "security token" in box.inner_text()
    retry = box.get_by_role("button", name="Try again")
    retry.wait_for(state="visible")
    assert field.input_value() == title, "what the person typed must survive the refusal"
    assert title not in titles(session, member)

    with page.expect_response(lambda r: "/tasks" in r.url and r.request.method == "POST") as second:
        retry.click()
    assert second.value.status == 200
    page.wait_for_selector(f"#cards-do .task-title:has-text('{title}')")
    assert box.is_hidden()
    assert titles(session, member).count(title) == 1


def test_missing_token_shows_a_message_and_a_retry_that_keeps_the_typed_text(page, live_server, member, session):
    problems = watch(page)
    sign_in(page, live_server, member.email)
    page.goto(f"{live_server}/week/{WEEK}")
    # A page whose token was lost: no meta content, no hidden field.
    page.evaluate("""() => {
        document.querySelector('meta[name="csrf-token"]').setAttribute('content', '');
        document.querySelectorAll('input[name="csrf_token"]').forEach(i => i.remove());
    }""")
    refused_then_retried(page, session, member, "Book the venue")
    assert not problems, problems


def test_expired_token_is_refreshed_and_the_retry_saves(app, page, live_server, member, session):
    problems = watch(page)
    sign_in(page, live_server, member.email)
    page.goto(f"{live_server}/week/{WEEK}")
    # The page was left open past the token's lifetime.
    app.config["WTF_CSRF_TIME_LIMIT"] = 2
    time.sleep(3)
    refused_then_retried(page, session, member, "Send the invitations")
    assert not problems, problems


def test_the_refusal_and_retry_speak_chinese(page, live_server, member, session):
    problems = watch(page)
    session.expire_all()
    user = session.get(m.User, member.id)
    user.locale = "zh"
    session.add(user)
    session.commit()
    sign_in(page, live_server, member.email)
    page.goto(f"{live_server}/week/{WEEK}")
    page.evaluate("""() => {
        document.querySelector('meta[name="csrf-token"]').setAttribute('content', 'stale');
        document.querySelectorAll('input[name="csrf_token"]').forEach(i => i.value = 'stale');
    }""")
    field = page.locator("#add-title-do")
    field.fill("预订会场")
    with page.expect_response(lambda r: "/tasks" in r.url and r.request.method == "POST") as first:
        field.press("Enter")
    assert first.value.status == 400
    box = page.locator("#request-error")
    box.wait_for(state="visible")
    assert "令牌" in box.inner_text()
    retry = box.get_by_role("button", name="重试")
    retry.wait_for(state="visible")
    assert field.input_value() == "预订会场"
    with page.expect_response(lambda r: "/tasks" in r.url and r.request.method == "POST") as second:
        retry.click()
    assert second.value.status == 200
    page.wait_for_selector("#cards-do .task-title:has-text('预订会场')")
    assert titles(session, member).count("预订会场") == 1
    assert not problems, problems
