"""Notifications: the inbox and its count, preferences, `okr notify` against a real SMTP server
(aiosmtpd in this process), retries when the server is down, the unsubscribe link, and two runs
at once sending each message once."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
from datetime import date, timedelta
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from okr.core import models as m
from okr.core.models import utcnow
from okr.notify import rules, tokens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts (or refuses them all)."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 refused for the test"
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [msg for msg in self.messages if address in msg["To"]]


@pytest.fixture
def smtp():
    handler = Inbox()
    handler.port = _free_port()
    handler.start()
    yield handler
    handler.stop()


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{smtp.port}", MAIL_FROM="okr@example.org")
    return app


def _notify(app, *args):
    result = app.test_cli_runner().invoke(args=["notify", *args])
    return result


def _rows(session, user=None):
    session.expire_all()
    stmt = sa.select(m.Notification).order_by(m.Notification.id)
    if user is not None:
        stmt = stmt.where(m.Notification.user_id == user.id)
    return list(session.scalars(stmt))


@pytest.fixture
def team_of_three(make, session):
    team = make.team(slug="content", name="Content")
    boss = make.user(team=team, role="manager", name="Mia Manager", email="mia@example.com")
    ann = make.user(team=team, role="member", name="Ann Member", email="ann@example.com")
    li = make.user(team=team, role="member", name="李雷", email="li@example.com")
    li.locale = "zh"
    session.add(li)
    session.commit()
    return {"team": team, "boss": boss, "ann": ann, "li": li}


# --- the inbox ------------------------------------------------------------------------------------


def test_a_delegated_task_reaches_the_inbox_once_and_the_count_goes_down_when_read(
    team_of_three, make, as_user, session
):
    t = team_of_three
    task = make.task(team=t["team"], assignee=t["boss"], title="Draft the creator survey", week="2026-W21")
    boss = as_user(t["boss"])
    resp = boss.post(f"/tasks/{task.id}/delegate", data={"assignee_id": t["ann"].id, "version": task.version})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]

    ann = as_user(t["ann"])
    page = ann.get("/inbox").get_data(as_text=True)
    assert "Mia Manager handed you “Draft the creator survey”" in page
    assert 'id="inbox-count"' in page and ">1</span>" in page
    rows = _rows(session, t["ann"])
    assert [(r.event, r.link) for r in rows] == [("task_delegated", "/week/2026-W21")]

    # Handing it over again to the same person tells them nothing new.
    session.refresh(task)
    boss.post(f"/tasks/{task.id}/delegate", data={"assignee_id": t["ann"].id, "version": task.version})
    assert len(_rows(session, t["ann"])) == 1

    resp = ann.post("/inbox/read", data={"id": rows[0].id}, htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="inbox_list"' in body and "<html" not in body
    assert 'hx-swap-oob="true" hidden>0</span>' in body
    assert _rows(session, t["ann"])[0].read_at is not None
    # The person who delegated it and the third person were told nothing.
    assert _rows(session, t["boss"]) == [] and _rows(session, t["li"]) == []


def test_the_inbox_is_in_the_readers_language_and_only_theirs(team_of_three, session, as_user):
    from okr.core import notices

    t = team_of_three
    notices.notify(
        session, person_id=t["li"].id, event="task_delegated", key="k1", params={"by": "Mia", "title": "写简报"}
    )
    session.commit()
    page = as_user(t["li"]).get("/inbox").get_data(as_text=True)
    assert "Mia 把“写简报”交给了你" in page
    assert "写简报" not in as_user(t["ann"]).get("/inbox").get_data(as_text=True)
    data = as_user(t["li"]).get("/inbox?format=json").get_json()
    assert data["unread"] == 1 and data["items"][0]["event"] == "task_delegated"


def test_preferences_choose_the_channel_and_off_tells_nothing(team_of_three, make, as_user, session):
    t = team_of_three
    ann = as_user(t["ann"])
    page = ann.get("/me/notifications").get_data(as_text=True)
    assert "Tasks delegated to me" in page
    resp = ann.post("/me/notifications", data={"task_delegated": "off", "task_overdue": "digest"})
    assert resp.status_code == 303
    resp = ann.post("/me/notifications", data={"task_delegated": "loud"})
    assert resp.status_code == 422 and "Not a valid choice" in resp.get_data(as_text=True)
    assert ann.get("/me/notifications?format=json").get_json()["task_delegated"] == "off"

    task = make.task(team=t["team"], assignee=t["boss"], title="Chase the printer")
    as_user(t["boss"]).post(f"/tasks/{task.id}/delegate", data={"assignee_id": t["ann"].id, "version": task.version})
    assert _rows(session, t["ann"]) == []
    audit = session.scalars(sa.select(m.AuditEvent).where(m.AuditEvent.item_type == "notification_preference")).all()
    assert len(audit) == 1 and '"task_delegated": "off"' in audit[0].after


# --- okr notify and mail --------------------------------------------------------------------------


def test_okr_notify_mails_each_person_once_in_their_language(mail_app, smtp, team_of_three, make, session):
    t = team_of_three
    make.kr(objective=_objective_now(make, t["team"]), title="Weekly active creators", owner_id=t["ann"].id)
    _age_krs(session, days=9)
    make.kr(objective=_objective_now(make, t["team"]), title="活跃创作者", owner_id=t["li"].id)
    _age_krs(session, days=20, owner=t["li"])

    result = _notify(mail_app)
    assert result.exit_code == 0, result.output
    assert "mail sent 2, failed 0" in result.output
    (to_ann,) = smtp.to("ann@example.com")
    (to_li,) = smtp.to("li@example.com")
    assert "Check in on “Weekly active creators”: no check-in for 9 days" in to_ann["Subject"]
    assert "“活跃创作者”已错过进展更新：20 天没有进展记录" in to_li["Subject"]
    assert to_li["Content-Language"] == "zh-Hans"
    text = to_li.get_body(("plain",)).get_content()
    html = to_li.get_body(("html",)).get_content()
    assert "你好，李雷：" in text and "活跃创作者" in html and '<html lang="zh-Hans">' in html
    assert to_ann["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    again = _notify(mail_app)
    assert again.exit_code == 0 and "nothing new; mail sent 0, failed 0" in again.output
    assert len(smtp.messages) == 2
    rows = _rows(session)
    assert sorted(r.event for r in rows) == ["checkin_due", "checkin_missed"]
    assert {r.email_state for r in rows} == {"sent"}


def _objective_now(make, team):
    from okr.core import periods

    return make.objective(team=team, quarter=str(periods.quarter_of(date.today(), 1)))


def _age_krs(session, days: int, owner=None):
    stmt = sa.update(m.KeyResult).values(last_check_in_on=date.today() - timedelta(days=days))
    if owner is not None:
        stmt = stmt.where(m.KeyResult.owner_id == owner.id)
    session.execute(stmt)
    session.commit()


def test_a_stopped_mail_server_loses_nothing_and_a_later_run_delivers(mail_app, smtp, team_of_three, make, session):
    t = team_of_three
    make.task(team=t["team"], assignee=t["ann"], title="Send the invoices", due_on=date.today() - timedelta(days=2))
    smtp.stop()
    result = _notify(mail_app)
    assert result.exit_code == 1 and "mail sent 0, failed 1" in result.output
    (row,) = _rows(session, t["ann"])
    assert row.event == "task_overdue" and row.email_state == "pending" and row.email_attempts == 1
    assert "cannot use the mail server" in row.email_error and row.email_next_at is not None
    # In the inbox meanwhile.
    assert "Send the invoices" in _inbox_text(mail_app, t["ann"])

    # Too early for the retry: nothing is tried.
    smtp.start()
    assert "mail sent 0, failed 0" in _notify(mail_app).output
    # Once the back-off has passed, the next run delivers it, once.
    session.execute(sa.update(m.Notification).values(email_next_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    result = _notify(mail_app)
    assert "mail sent 1, failed 0" in result.output, result.output
    assert len(smtp.to("ann@example.com")) == 1
    assert _rows(session, t["ann"])[0].email_state == "sent"
    assert len(_notify(mail_app).output) and len(smtp.messages) == 1


def test_a_refused_message_is_recorded_and_retried(mail_app, smtp, team_of_three, make, session):
    t = team_of_three
    make.task(team=t["team"], assignee=t["ann"], title="File the report", due_on=date.today() - timedelta(days=1))
    smtp.refuse = True
    assert "failed 1" in _notify(mail_app).output
    (row,) = _rows(session, t["ann"])
    assert row.email_state == "pending" and "refused" in row.email_error
    smtp.refuse = False
    session.execute(sa.update(m.Notification).values(email_next_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert "mail sent 1" in _notify(mail_app).output


def _inbox_text(app, user):
    from conftest import Browser

    b = Browser(app.test_client())
    b.login(user.email)
    return b.get("/inbox").get_data(as_text=True)


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 2), (2, 4), (3, 8), (9, 360), (11, 360)]
)  # 2 · 2^(n-1) minutes, at most 6 hours
def test_retry_back_off(attempts, minutes):
    now = utcnow()
    assert rules.retry_at(now, attempts) - now == timedelta(minutes=minutes)


def test_retry_gives_up_after_the_last_attempt():
    assert rules.retry_at(utcnow(), rules.MAX_ATTEMPTS) is None


@pytest.mark.parametrize(
    ("last", "expected"),
    [(6, None), (7, "checkin_due"), (13, "checkin_due"), (14, "checkin_missed"), (40, "checkin_missed"), (-3, None)],
)
def test_check_in_due_at_7_days_missed_at_14(last, expected):
    today = date(2026, 5, 20)
    assert rules.checkin_event(today - timedelta(days=last), date(2026, 1, 1), today) == expected


def test_smtp_addresses():
    assert rules.smtp_target("smtp://a%40b:p%3Ass@mail.example.org") == rules.SmtpTarget(
        "mail.example.org", 587, "starttls", "a@b", "p:ss"
    )
    assert rules.smtp_target("smtps://mail.example.org").port == 465
    with pytest.raises(rules.SmtpUrlError):
        rules.smtp_target("http://mail.example.org")


def test_the_weekly_digest_gathers_digest_events_in_one_mail(mail_app, smtp, team_of_three, make, session, as_user):
    t = team_of_three
    as_user(t["ann"]).post("/me/notifications", data={"task_overdue": "digest"})
    for i in range(3):
        make.task(team=t["team"], assignee=t["ann"], title=f"Chore {i}", due_on=date.today() - timedelta(days=1))
    result = _notify(mail_app)
    assert "task_overdue 3" in result.output and "weekly_digest" not in result.output
    assert smtp.messages == []
    # The first run of next week sums this week up.
    result = _notify(mail_app, "--today", (date.today() + timedelta(days=7)).isoformat())
    assert "weekly_digest 1" in result.output and "mail sent 1" in result.output, result.output
    (digest,) = smtp.to("ann@example.com")
    body = digest.get_body(("plain",)).get_content()
    assert "3 notifications" in digest["Subject"]
    assert all(f"“Chore {i}” was due on" in body for i in range(3))
    assert {r.email_state for r in _rows(session, t["ann"]) if r.event == "task_overdue"} == {"digested"}
    _notify(mail_app, "--today", (date.today() + timedelta(days=8)).isoformat())
    assert len(smtp.messages) == 1


# --- unsubscribe ----------------------------------------------------------------------------------


def test_unsubscribe_from_the_mails_link(mail_app, smtp, team_of_three, make, session, client):
    t = team_of_three
    make.task(team=t["team"], assignee=t["ann"], title="Renew the domain", due_on=date.today() - timedelta(days=3))
    _notify(mail_app)
    (msg,) = smtp.to("ann@example.com")
    link = msg["List-Unsubscribe"].strip("<>")
    path = link.split("localhost:5000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Overdue tasks" in page.get_data(as_text=True)
    # Fetching the page changed nothing; the button (or the mail program's one-click POST) does.
    assert session.scalar(sa.select(sa.func.count()).select_from(m.NotificationPreference)) == 0
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "will not be told" in done.get_data(as_text=True)
    pref = session.scalars(sa.select(m.NotificationPreference)).one()
    assert (pref.user_id, pref.event, pref.channel) == (t["ann"].id, "task_overdue", "off")

    make.task(team=t["team"], assignee=t["ann"], title="Pay the rent", due_on=date.today() - timedelta(days=1))
    _notify(mail_app)
    assert len(smtp.messages) == 1 and len(_rows(session, t["ann"])) == 1


def test_an_expired_or_forged_unsubscribe_link_changes_nothing(app, team_of_three, client, monkeypatch, session):
    import time

    t = team_of_three
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - rules.UNSUBSCRIBE_MAX_AGE.total_seconds() - 60)
    old = tokens.make(app.config["SECRET_KEY"], t["ann"].id, "task_overdue")
    monkeypatch.setattr(time, "time", real)
    assert client.post(f"/unsubscribe/{old}").status_code == 410
    forged = tokens.make("another-secret-entirely", t["ann"].id, "task_overdue")
    assert client.post(f"/unsubscribe/{forged}").status_code == 404
    assert client.get("/unsubscribe/nonsense").status_code == 404
    assert session.scalar(sa.select(sa.func.count()).select_from(m.NotificationPreference)) == 0


# --- two runs at once -----------------------------------------------------------------------------


def test_two_runs_at_once_send_each_message_once(app, smtp, make, session, tmp_path):
    team = make.team(slug="ops")
    people = [make.user(team=team, email=f"p{i}@example.com") for i in range(12)]
    for p in people:
        make.task(team=team, assignee=p, title=f"Overdue for {p.name}", due_on=date.today() - timedelta(days=4))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env.update(
        OKR_DATABASE_URL=app.config["DATABASE_URL"],
        OKR_SECRET_KEY=app.config["SECRET_KEY"],
        OKR_SMTP_URL=f"smtp://127.0.0.1:{smtp.port}",
        OKR_MAIL_FROM="okr@example.org",
        OKR_INSTANCE_PATH=str(tmp_path / "cli-instance"),
        PYTHONPATH=os.getcwd(),
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "okr", "notify"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=120)[0].decode() for r in runs]
    assert all(r.returncode == 0 for r in runs), outputs
    assert sorted(msg["To"].split("<")[1].rstrip(">") for msg in smtp.messages) == sorted(p.email for p in people)
    assert len(_rows(session)) == 12 and {r.email_state for r in _rows(session)} == {"sent"}
