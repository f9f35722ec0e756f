"""Sign-in throttling per account and per address, shared by every worker; a general API limit.

Failed attempts are rows in the database, or counters in Redis when OKR_REDIS_URL is set, so a
limit holds across gunicorn workers; past the limit the login page answers 429. Flask-Limiter
caps /api/ requests per person: in Redis when configured, else in the database (one counter row
per person and endpoint, shared by the workers), in memory only under TESTING.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, has_app_context, request
from limits.storage import Storage
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import delete, func, select

from okr.core import models as m
from okr.core.web.database import get_session

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 10
PER_ADDRESS = 30
API_LIMIT = "600 per minute"


def _keys(email: str) -> list[tuple[str, int]]:
    return [
        (f"acct:{email[:250]}", current_app.config.get("LOGIN_LIMIT_PER_ACCOUNT", PER_ACCOUNT)),
        (f"addr:{request.remote_addr or '-'}", current_app.config.get("LOGIN_LIMIT_PER_ADDRESS", PER_ADDRESS)),
    ]


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    ext = current_app.extensions.setdefault("okr_redis", {})
    if url not in ext:
        import redis

        ext[url] = redis.Redis.from_url(url, socket_timeout=2)
    return ext[url]


def login_blocked(email: str) -> bool:
    if not current_app.config.get("LOGIN_RATE_LIMIT", True):
        return False
    r = _redis()
    if r is not None:
        counts = r.mget([f"okr:login:{k}" for k, _ in _keys(email)])
        return any(int(c or 0) >= limit for c, (_, limit) in zip(counts, _keys(email)))
    session = get_session()
    since = m.utcnow() - WINDOW
    for key, limit in _keys(email):
        n = session.exec(
            select(func.count())
            .select_from(m.LoginAttempt)
            .where(m.LoginAttempt.key == key, m.LoginAttempt.at >= since)
        ).one()
        if n >= limit:
            return True
    return False


def login_failed(email: str) -> None:
    r = _redis()
    if r is not None:
        pipe = r.pipeline()
        for key, _limit in _keys(email):
            pipe.incr(f"okr:login:{key}")
            pipe.expire(f"okr:login:{key}", int(WINDOW.total_seconds()))
        pipe.execute()
        return
    session = get_session()
    for key, _limit in _keys(email):
        session.add(m.LoginAttempt(key=key))
    # Old attempts are of no use: keep the table small.
    session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.at < m.utcnow() - WINDOW))
    session.commit()


def login_succeeded(email: str) -> None:
    key = f"acct:{email[:250]}"
    r = _redis()
    if r is not None:
        r.delete(f"okr:login:{key}")
        return
    get_session().execute(delete(m.LoginAttempt).where(m.LoginAttempt.key == key))


def _api_key() -> str:
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"addr:{request.remote_addr or '-'}"


class DatabaseStorage(Storage):
    """A `limits` storage kept in the app's database (table ``rate_limit_counter``), for the
    fixed-window strategy Flask-Limiter uses by default.

    A hit is one upsert of the key's row that returns the new count and window end (counting up,
    or starting again at ``amount`` once the window has passed): one small write on the primary
    key per request. The count and expiry Flask-Limiter then reads for its headers come from that
    same statement, remembered for the request. Rows whose window ended are deleted at most once
    per PRUNE_EVERY seconds per worker, in the same transaction as a hit.
    """

    STORAGE_SCHEME = ["okr-db"]
    PRUNE_EVERY = 300.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, database_url: str = "", **_options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        if not database_url:
            raise ValueError("okr-db:// needs the database_url storage option")
        self.database_url = database_url
        self._next_prune = 0.0

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    def _engine(self):
        # Looked up on every call: okr.core.db.dispose_all() drops engines when a worker forks.
        from okr.core.db import get_engine

        return get_engine(self.database_url)

    @staticmethod
    def _key(key: str) -> str:
        if len(key) <= 300:
            return key
        return key[:230] + "#" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    @staticmethod
    def _seen() -> dict:
        # The count and window end of this request's hits, for the headers Flask-Limiter adds.
        return g.setdefault("okr_rate_counts", {}) if has_app_context() else {}

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        key = self._key(key)
        now = time.time()
        table = m.RateLimitCounter.__table__
        engine = self._engine()
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(table).values(key=key, count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": sa.case((expired, amount), else_=table.c.count + amount),
                "expires_at": sa.case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count, table.c.expires_at)
        with engine.begin() as conn:
            count, expires_at = conn.execute(stmt).one()
            if now >= self._next_prune:
                self._next_prune = now + self.PRUNE_EVERY
                conn.execute(sa.delete(table).where(table.c.expires_at < now))
        self._seen()[key] = (int(count), float(expires_at))
        return int(count)

    def _row(self, key: str) -> tuple[int, float] | None:
        key = self._key(key)
        seen = self._seen().get(key)
        if seen is not None:
            return seen
        table = m.RateLimitCounter.__table__
        with self._engine().connect() as conn:
            row = conn.execute(sa.select(table.c.count, table.c.expires_at).where(table.c.key == key)).first()
        return None if row is None else (int(row[0]), float(row[1]))

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row is not None and row[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row is not None and row[1] > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self._engine().begin() as conn:
            return conn.execute(sa.delete(m.RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        key = self._key(key)
        self._seen().pop(key, None)
        table = m.RateLimitCounter.__table__
        with self._engine().begin() as conn:
            conn.execute(sa.delete(table).where(table.c.key == key))


def storage_for(config) -> tuple[str, dict]:
    """Where the /api/ limit keeps its counts: an explicit RATELIMIT_STORAGE_URI, else Redis
    (OKR_REDIS_URL), else memory under TESTING, else the app's database, so that every gunicorn
    worker counts the same requests."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return config["RATELIMIT_STORAGE_URI"], dict(config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    if config.get("REDIS_URL"):
        return config["REDIS_URL"], {}
    if config.get("TESTING"):
        return "memory://", {}
    return "okr-db://", {"database_url": config["DATABASE_URL"]}


def init_app(app) -> None:
    """A Flask-Limiter per app: /api/ requests are limited per person (or address)."""
    from flask_limiter import Limiter

    uri, options = storage_for(app.config)
    app.config["RATELIMIT_STORAGE_URI"] = uri
    app.config["RATELIMIT_STORAGE_OPTIONS"] = options
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(
        _api_key,
        default_limits=[app.config.get("API_RATE_LIMIT") or API_LIMIT],
        default_limits_exempt_when=lambda: not request.path.startswith("/api/"),
        key_prefix="okr",
    )
    limiter.init_app(app)
    app.extensions["okr_limiter"] = limiter
