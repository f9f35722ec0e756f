"""Sign-in throttling per account and per address, shared by every worker.

Failed attempts are rows in the database (or counters in Redis when OKR_REDIS_URL is set), so
a limit holds across gunicorn workers; past the limit the login page answers 429.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from sqlmodel import delete, func, select

from okr import models as m
from okr.db import get_session

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 10
PER_ADDRESS = 30


def _keys(email: str) -> list[tuple[str, int]]:
    return [(f"acct:{email[:250]}", PER_ACCOUNT), (f"addr:{request.remote_addr or '-'}", PER_ADDRESS)]


def login_blocked(email: str) -> bool:
    if not current_app.config.get("LOGIN_RATE_LIMIT", True):
        return False
    session = get_session()
    since = m.utcnow() - WINDOW
    for key, limit in _keys(email):
        n = session.exec(select(func.count()).select_from(m.LoginAttempt).where(m.LoginAttempt.key == key, m.LoginAttempt.at >= since)).one()
        if n >= limit:
            return True
    return False


def login_failed(email: str) -> None:
    session = get_session()
    for key, _limit in _keys(email):
        session.add(m.LoginAttempt(key=key))
    # Old attempts are of no use: keep the table small.
    session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.at < m.utcnow() - WINDOW))
    session.commit()


def login_succeeded(email: str) -> None:
    session = get_session()
    session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.key == f"acct:{email[:250]}"))
