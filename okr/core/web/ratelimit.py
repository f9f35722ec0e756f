"""Sign-in throttling per account-and-address and per address, shared by every worker; a general
API limit.

Sign-in counters are rows of ``rate_limit_counter`` in the database, or Redis keys when
OKR_REDIS_URL is set, so a limit holds across gunicorn workers; past it the login page answers
429 (see login_allowed for the rule). Flask-Limiter
caps /api/ requests per person (per token for token requests): in Redis when configured, else in the database (one counter row
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

from okr.core import models as m

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 10
PER_ADDRESS = 30
API_LIMIT = "600 per minute"
#: Each lock-out of the same key within a day lasts twice as long as the one before, up to a day.
STRIKES_WINDOW = timedelta(days=1)
MAX_LOCK = timedelta(days=1)


def _address() -> str:
    return request.remote_addr or "-"


def _pair_prefix(email: str) -> str:
    # One account's keys start alike, so an admin can clear them from every address at once.
    return f"login:pair:{hashlib.sha256(email.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}|"


def _keys(email: str) -> list[tuple[str, int]]:
    """The counters one sign-in attempt takes a slot of: its address's (every account) first,
    then its account's from that address."""
    cfg = current_app.config
    return [
        (f"login:addr:{_address()[:100]}", cfg.get("LOGIN_LIMIT_PER_ADDRESS", PER_ADDRESS)),
        (_pair_prefix(email) + _address()[:100], cfg.get("LOGIN_LIMIT_PER_ACCOUNT", PER_ACCOUNT)),
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


class _DatabaseCounters:
    """Counters in ``rate_limit_counter`` (key, count, expires_at), each change one statement
    committed at once on a connection of its own: every worker sees it before its next check."""

    def __init__(self, engine):
        self.engine = engine
        self.table = m.RateLimitCounter.__table__

    def hit(self, key: str, window: float) -> int:
        t, now = self.table, time.time()
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        expired = t.c.expires_at <= now
        stmt = (
            insert(t)
            .values(key=key, count=1, expires_at=now + window)
            .on_conflict_do_update(
                index_elements=[t.c.key],
                set_={
                    "count": sa.case((expired, 1), else_=t.c.count + 1),
                    "expires_at": sa.case((expired, now + window), else_=t.c.expires_at),
                },
            )
            .returning(t.c.count)
        )
        with self.engine.begin() as conn:
            return int(conn.execute(stmt).scalar_one())

    def give_back(self, key: str) -> None:
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(sa.update(t).where(t.c.key == key, t.c.count > 0).values(count=t.c.count - 1))
            conn.execute(sa.delete(t).where(t.c.key == key, t.c.count <= 0))  # nothing left to count

    def lock_for(self, key: str, seconds: float) -> None:
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(sa.update(t).where(t.c.key == key).values(expires_at=time.time() + seconds))

    def clear(self, key: str) -> None:
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(sa.delete(t).where(t.c.key == key))

    def clear_prefix(self, prefix: str) -> int:
        t = self.table
        with self.engine.begin() as conn:
            return conn.execute(sa.delete(t).where(sa.func.substr(t.c.key, 1, len(prefix)) == prefix)).rowcount


class _RedisCounters:
    """The same counters in Redis (INCR is atomic; a key's expiry is its window)."""

    def __init__(self, r):
        self.r = r

    def hit(self, key: str, window: float) -> int:
        pipe = self.r.pipeline()
        pipe.incr(f"okr:{key}")
        pipe.expire(f"okr:{key}", int(window), nx=True)
        return int(pipe.execute()[0])

    def give_back(self, key: str) -> None:
        if self.r.decr(f"okr:{key}") < 0:
            self.r.delete(f"okr:{key}")

    def lock_for(self, key: str, seconds: float) -> None:
        self.r.expire(f"okr:{key}", int(seconds))

    def clear(self, key: str) -> None:
        self.r.delete(f"okr:{key}")

    def clear_prefix(self, prefix: str) -> int:
        pattern = "".join("\\" + c if c in "*?[]\\" else c for c in f"okr:{prefix}") + "*"
        keys = list(self.r.scan_iter(match=pattern, count=500))
        return self.r.delete(*keys) if keys else 0


def _counters():
    r = _redis()
    if r is not None:
        return _RedisCounters(r)
    from okr.core.web.database import app_engine

    return _DatabaseCounters(app_engine())


def login_allowed(email: str) -> bool:
    """Take this attempt's slot in its address's and its account-from-this-address's counters;
    False (answer 429, check no password) when either is past its limit.

    The slot is taken before the password is checked, by one atomic increment per counter, so
    however many attempts arrive at once exactly the limit of them are checked. The account's
    counter is per address: guesses from elsewhere never lock the owner out where they are.
    Passing a limit locks that counter for its window, and each further lock-out of the same
    counter within a day lasts twice as long (15 min, 30 min, 1 h, … at most a day).
    """
    if not current_app.config.get("LOGIN_RATE_LIMIT", True):
        return True
    counters = _counters()
    window = WINDOW.total_seconds()
    taken = []
    for key, limit in _keys(email):
        count = counters.hit(key, window)
        if count > limit:
            if count == limit + 1:  # the first refusal: lock for longer each time
                strikes = counters.hit(key.replace("login:", "login:strikes:", 1), STRIKES_WINDOW.total_seconds())
                counters.lock_for(key, min(window * 2 ** (strikes - 1), MAX_LOCK.total_seconds()))
            for earlier in taken:  # a refused attempt holds no slot of the counters it passed
                counters.give_back(earlier)
            return False
        taken.append(key)
    return True


def login_succeeded(email: str) -> None:
    """A right password: the account's counter from this address starts again, and the address
    gets its slot back (many people signing in behind one office address use none up)."""
    if not current_app.config.get("LOGIN_RATE_LIMIT", True):
        return
    counters = _counters()
    (addr_key, _), (pair_key, _) = _keys(email)
    counters.give_back(addr_key)
    counters.clear(pair_key)
    counters.clear(pair_key.replace("login:", "login:strikes:", 1))


def unlock_account(email: str) -> int:
    """An admin lets the account be tried again from every address at once (its per-address
    counters and their lock-outs go); the per-address ceilings stay. Returns the counters cleared."""
    counters = _counters()
    prefix = _pair_prefix(email.strip().lower())
    return counters.clear_prefix(prefix) + counters.clear_prefix(prefix.replace("login:", "login:strikes:", 1))


def _api_key() -> str:
    from flask_login import current_user

    # A request with a personal access token counts against that token (okr.api.views sets it),
    # so one runaway script does not use up its person's other tokens or their browser.
    token_id = g.get("api_token_id")
    if token_id is not None:
        return f"token:{token_id}"
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
