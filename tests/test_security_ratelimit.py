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


# --- sign-in limits: per account and address, a per-address ceiling, no lock-out of the owner -----

OWNER_AT = {"REMOTE_ADDR": "198.51.100.20"}
GUESSER_AT = {"REMOTE_ADDR": "203.0.113.66"}


def _sign_in(app, email, password, where):
    client = app.test_client()
    return client.post("/login", data={"email": email, "password": password}, environ_base=where).status_code


@pytest.fixture
def login_app(app):
    app.config["WTF_CSRF_ENABLED"] = False  # the limits are the subject here, not the token
    return app


def test_guesses_from_one_address_do_not_lock_the_owner_out_elsewhere(login_app, make):
    owner = make.user(team=make.team())
    got = [_sign_in(login_app, owner.email, f"guess {n}", GUESSER_AT) for n in range(11)]
    assert got == [401] * 10 + [429]
    # The right password from the guesser's address is refused too: it is locked there...
    assert _sign_in(login_app, owner.email, "correct horse battery", GUESSER_AT) == 429
    # ...but not where the owner is.
    assert _sign_in(login_app, owner.email, "correct horse battery", OWNER_AT) == 302


def test_an_address_trying_many_accounts_meets_its_ceiling(login_app, make):
    login_app.config["LOGIN_LIMIT_PER_ADDRESS"] = 30
    team = make.team()
    people = [make.user(team=team) for _ in range(4)]
    got = [_sign_in(login_app, people[n % 4].email, "wrong guess", GUESSER_AT) for n in range(30)]
    assert got == [401] * 30
    # The 31st attempt from that address is refused for every account, a right password too.
    assert _sign_in(login_app, people[0].email, "correct horse battery", GUESSER_AT) == 429
    assert _sign_in(login_app, "someone.else@example.com", "whatever", GUESSER_AT) == 429
    assert _sign_in(login_app, people[0].email, "correct horse battery", OWNER_AT) == 302


def test_right_passwords_behind_one_office_address_use_up_nothing(login_app, make):
    login_app.config["LOGIN_LIMIT_PER_ADDRESS"] = 3
    team = make.team()
    for person in [make.user(team=team) for _ in range(6)]:
        assert _sign_in(login_app, person.email, "correct horse battery", OWNER_AT) == 302


def _expiry(app, key_part):
    from okr.core.db import get_engine

    with get_engine(app.config["DATABASE_URL"]).connect() as conn:
        rows = conn.execute(sa.text("SELECT key, expires_at FROM rate_limit_counter")).all()
    return [e for k, e in rows if k.startswith("login:pair:") and k.endswith(key_part)][0]


def test_each_lock_out_of_the_same_account_and_address_lasts_twice_as_long(login_app, make):
    from okr.core.db import get_engine

    login_app.config["LOGIN_LIMIT_PER_ACCOUNT"] = 3
    owner = make.user(team=make.team())
    assert [_sign_in(login_app, owner.email, "wrong", GUESSER_AT) for _ in range(4)] == [401, 401, 401, 429]
    first = _expiry(login_app, GUESSER_AT["REMOTE_ADDR"]) - time.time()
    assert 14 * 60 < first <= 15 * 60
    with get_engine(login_app.config["DATABASE_URL"]).begin() as conn:  # as if the lock had passed
        conn.execute(
            sa.text("UPDATE rate_limit_counter SET expires_at = :t WHERE key LIKE 'login:pair:%'"), {"t": time.time()}
        )
    assert [_sign_in(login_app, owner.email, "wrong", GUESSER_AT) for _ in range(4)] == [401, 401, 401, 429]
    second = _expiry(login_app, GUESSER_AT["REMOTE_ADDR"]) - time.time()
    assert 29 * 60 < second <= 30 * 60


def test_an_admin_lets_a_locked_out_person_try_again(login_app, make, as_user):
    team = make.team()
    admin = make.user(team=team, role="admin", is_admin=True)
    owner = make.user(team=team)
    for _ in range(11):
        _sign_in(login_app, owner.email, "wrong", OWNER_AT)
    assert _sign_in(login_app, owner.email, "correct horse battery", OWNER_AT) == 429
    page = as_user(admin).get(f"/admin/people/{owner.id}").get_data(as_text=True)
    assert f"/admin/people/{owner.id}/unlock" in page
    resp = as_user(admin).post(f"/admin/people/{owner.id}/unlock")
    assert resp.status_code == 302
    assert _sign_in(login_app, owner.email, "correct horse battery", OWNER_AT) == 302
    # Only admins may.
    assert as_user(make.user(team=team, role="manager")).post(f"/admin/people/{owner.id}/unlock").status_code == 403


def _concurrent_wrong_attempts(app, email, n=20):
    import threading

    from okr.accounts import views

    checked = []
    real = views.check_password

    def counting(password_hash, password):
        checked.append(1)
        return real(password_hash, password)

    views.check_password = counting
    barrier = threading.Barrier(n)
    statuses = []

    def attempt(i):
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post("/login", data={"email": email, "password": f"wrong {i}"}, environ_base=GUESSER_AT).status_code
        )

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        views.check_password = real
    return sorted(statuses), len(checked)


def test_twenty_attempts_at_once_check_exactly_the_limit(login_app, make):
    owner = make.user(team=make.team())
    statuses, checked = _concurrent_wrong_attempts(login_app, owner.email)
    assert checked == 10
    assert statuses == [401] * 10 + [429] * 10


@pytest.fixture
def redis_url(tmp_path):
    import shutil
    import socket
    import subprocess

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def test_redis_counters_hold_the_same_limits(login_app, make, redis_url, as_user):
    login_app.config["REDIS_URL"] = redis_url
    team = make.team()
    admin = make.user(team=team, role="admin", is_admin=True)
    owner = make.user(team=team)
    statuses, checked = _concurrent_wrong_attempts(login_app, owner.email)
    assert checked == 10 and statuses == [401] * 10 + [429] * 10
    assert _sign_in(login_app, owner.email, "correct horse battery", OWNER_AT) == 302
    assert _sign_in(login_app, owner.email, "correct horse battery", GUESSER_AT) == 429
    import redis

    ttl = redis.Redis.from_url(redis_url).ttl(
        next(k for k in redis.Redis.from_url(redis_url).keys("okr:login:pair:*") if k.endswith(b"203.0.113.66"))
    )
    assert 14 * 60 < ttl <= 15 * 60
    assert as_user(admin).post(f"/admin/people/{owner.id}/unlock").status_code == 302
    assert _sign_in(login_app, owner.email, "correct horse battery", GUESSER_AT) == 302
