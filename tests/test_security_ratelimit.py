"""The /api/ rate limit: counts shared by every worker through the database when there is no
Redis (memory only under TESTING), one small write per request, old counters pruned."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from conftest import Browser

from okr.core.web import ratelimit


@pytest.mark.parametrize(
    "config, scheme",
    [
        ({"TESTING": True, "DATABASE_URL": "sqlite:///x"}, "memory://"),
        ({"TESTING": False, "DATABASE_URL": "sqlite:///x"}, "okr-db://"),
        (
            {"TESTING": False, "DATABASE_URL": "sqlite:///x", "REDIS_URL": "redis://127.0.0.1:6379/0"},
            "redis://127.0.0.1:6379/0",
        ),
        (
            {"TESTING": True, "DATABASE_URL": "sqlite:///x", "REDIS_URL": "redis://127.0.0.1:6379/0"},
            "redis://127.0.0.1:6379/0",
        ),
    ],
)
def test_where_the_api_limit_keeps_its_counts(config, scheme):
    uri, options = ratelimit.storage_for(config)
    assert uri == scheme
    if scheme == "okr-db://":
        assert options == {"database_url": "sqlite:///x"}


def _worker(app_config, tmp_path, monkeypatch, name):
    """An app as one gunicorn worker builds it: not TESTING, no Redis, on the test's database."""
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / name))
    return create_app({**app_config, "TESTING": False, "PASSWORD_HASH": "strong", "API_RATE_LIMIT": "3 per minute"})


def test_two_workers_share_one_api_count_through_the_database(app_config, tmp_path, monkeypatch, make):
    team = make.team(slug="content")
    user = make.user(team=team)
    first, second = (Browser(_worker(app_config, tmp_path, monkeypatch, n).test_client()) for n in ("w1", "w2"))
    first.login(user.email)
    second.login(user.email)
    url = "/api/v1/rollup/content/2026-Q2"
    got = [first.get(url).status_code, first.get(url).status_code, second.get(url).status_code]
    assert got == [200, 200, 200]
    over = second.get(url)
    assert over.status_code == 429 and over.is_json
    # Pages are not limited, whichever worker serves them.
    assert first.get("/teams").status_code == 200


def test_an_api_request_costs_one_small_write(app_config, tmp_path, monkeypatch, make):
    from okr.core.db import get_engine

    make.team(slug="content")
    user = make.user(team=make.team())
    worker = Browser(_worker(app_config, tmp_path, monkeypatch, "w").test_client())
    worker.login(user.email)
    statements = []

    def seen(_conn, _cursor, statement, *_rest):
        if "rate_limit_counter" in statement:
            statements.append(statement.split()[0].upper())

    engine = get_engine(app_config["DATABASE_URL"])
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        resp = worker.get("/api/v1/rollup/content/2026-Q2")
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert resp.headers["X-RateLimit-Remaining"].isdigit()
    # One upsert; the headers read what it returned. (A prune may ride along now and then.)
    assert statements in (["INSERT"], ["INSERT", "DELETE"])
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT count FROM rate_limit_counter")).all()
    assert [r[0] for r in rows] == [1]


def _storage(app):
    from limits.storage import storage_from_string

    return storage_from_string("okr-db://", database_url=app.config["DATABASE_URL"])


def test_a_window_that_has_passed_starts_again_and_old_counters_are_pruned(app):
    from okr.core.db import get_engine

    storage = _storage(app)
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") > time.time()
    engine = get_engine(app.config["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE rate_limit_counter SET expires_at = :t"), {"t": time.time() - 1})
    assert storage.get("k") == 0
    storage.incr("stale", 60)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE rate_limit_counter SET expires_at = :t WHERE key = 'stale'"), {"t": time.time() - 1}
        )
    storage._next_prune = 0  # as if the last prune were long ago
    assert storage.incr("k", 60) == 1
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(sa.text("SELECT key FROM rate_limit_counter"))] == ["k"]
    storage.clear("k")
    assert storage.get("k") == 0 and storage.check()


def test_a_very_long_key_still_fits(app):
    storage = _storage(app)
    key = "LIMITER/okr/addr:" + "f" * 1000
    assert storage.incr(key, 60) == 1 and storage.incr(key, 60) == 2
    assert storage.get(key) == 2
