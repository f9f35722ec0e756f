"""Fixtures: a real database (SQLite always; PostgreSQL when OKR_TEST_DATABASE_URL is set), the
app and a client on it, factories that build their parents, and a signed-in client per role.

Each test starts from an empty, migrated database: SQLite copies a migrated template file;
PostgreSQL gets a fresh database per run and worker (so runs never collide) and is emptied per
test. A test asking for the demo starts from a copy of it seeded once (docs/testing.md).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import hypothesis
import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

PG_URL = os.environ.get("OKR_TEST_DATABASE_URL")

# How long Hypothesis takes to draw an example depends on what else runs on the machine (other
# pytest workers included), not on the code under test: never fail a property for that.
hypothesis.settings.register_profile("okr", suppress_health_check=[hypothesis.HealthCheck.too_slow])
hypothesis.settings.load_profile("okr")
BACKEND = "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config):
    return f"database: {BACKEND}" + (f" ({PG_URL})" if PG_URL else "")


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database to start each test from: a file (SQLite) or a URL (PostgreSQL)."""
    from okr.core import migrate
    from okr.core.db import make_engine

    if not PG_URL:
        path = tmp_path_factory.mktemp("template") / "okr.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        engine.dispose()
        yield {"kind": "sqlite", "path": path}
        return
    base = sa.engine.make_url(PG_URL)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = f"okr_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield {"kind": "postgresql", "url": url}
    from okr.core.db import dispose_engine

    dispose_engine(url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


#: The fiscal year start of the test app (app_config) and so of the demo template.
FISCAL_YEAR_START = 1


def _sqlite_demo_template(empty: Path, folder: Path, today: date, fiscal_start: int):
    """A copy of the empty template with the demo seeded into it, and the seed's result."""
    from okr.core.db import make_engine
    from okr.seed.demo import seed_demo

    path = folder / f"demo-{today.isoformat()}-{fiscal_start}.sqlite"
    shutil.copy(empty, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        result = seed_demo(session=s, today=today, fiscal_start=fiscal_start)
        s.commit()
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return {"path": path, "result": result}


def _pg_tables() -> list[str]:
    import okr.core.models  # noqa: F401  (every table on the metadata)

    return [t.name for t in SQLModel.metadata.sorted_tables]


_PG_EMPTY: list[str] = []


def _pg_empty(conn) -> None:
    """Delete every row and restart every id sequence, in one statement. DELETE, not TRUNCATE:
    a TRUNCATE of every table takes about a second here, as it swaps each table's files."""
    if not _PG_EMPTY:
        parts = [f'DELETE FROM "{t}";' for t in reversed(_pg_tables())]
        for table in _pg_tables():
            if "id" in SQLModel.metadata.tables[table].c:
                seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
                if seq:
                    parts.append(f"PERFORM setval('{seq}', 1, false);")
        _PG_EMPTY.append("DO $$ BEGIN " + " ".join(parts) + " END $$")
    conn.execute(sa.text(_PG_EMPTY[0]))


def _pg_demo_template(url: str, today: date, fiscal_start: int):
    """The demo seeded once, then kept as a copy of every table in a schema of its own, from which
    a test's tables are refilled (and their id sequences moved past the copied rows)."""
    from okr.core.db import get_engine
    from okr.seed.demo import seed_demo

    engine = get_engine(url)
    schema = f"demo_{today.strftime('%Y%m%d')}_{fiscal_start}"
    with engine.begin() as conn:
        _pg_empty(conn)
    with Session(engine) as s:
        result = seed_demo(session=s, today=today, fiscal_start=fiscal_start)
        s.commit()
    refill = []
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        for table in _pg_tables():
            conn.execute(sa.text(f'CREATE TABLE "{schema}"."{table}" AS TABLE public."{table}"'))
            refill.append(f'INSERT INTO public."{table}" SELECT * FROM "{schema}"."{table}";')
            if "id" not in SQLModel.metadata.tables[table].c:
                continue
            seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'public."{table}"'}).scalar()
            if seq:
                refill.append(
                    f"PERFORM setval('{seq}', COALESCE((SELECT max(id) FROM public.\"{table}\"), 0) + 1, false);"
                )
        _pg_empty(conn)
    return {"sql": "DO $$ BEGIN " + " ".join(refill) + " END $$", "result": result}


@pytest.fixture(scope="session")
def demo_template(database_template, tmp_path_factory):
    """demo_template(today, fiscal_start) → the demo seeded once per day and fiscal start in this
    process, for every test that asks for ``demo`` to start from (seeding takes seconds)."""
    made = {}

    def get(today: date, fiscal_start: int):
        key = (today, fiscal_start)
        if key not in made:
            if database_template["kind"] == "sqlite":
                folder = tmp_path_factory.mktemp("demo")
                made[key] = _sqlite_demo_template(database_template["path"], folder, today, fiscal_start)
            else:
                made[key] = _pg_demo_template(database_template["url"], today, fiscal_start)
        return made[key]

    return get


@pytest.fixture
def database_url(request, database_template, tmp_path):
    """A migrated database for this test: empty, or holding the demo when the test asks for
    ``demo`` (copied from demo_template, not seeded again)."""
    seeded = None
    if "demo" in request.fixturenames:
        today = date.today()
        seeded = request.getfixturevalue("demo_template")(today, FISCAL_YEAR_START)
        request.node.stash[DEMO_SEEDED] = (today, FISCAL_YEAR_START, seeded["result"])
    if database_template["kind"] == "sqlite":
        path = tmp_path / "okr.sqlite"
        shutil.copy(seeded["path"] if seeded else database_template["path"], path)
        url = f"sqlite:///{path}"
        yield url
        from okr.core.db import dispose_engine

        dispose_engine(url)
        return
    url = database_template["url"]
    from okr.core.db import get_engine

    with get_engine(url).begin() as conn:
        _pg_empty(conn)
        if seeded:
            conn.execute(sa.text(seeded["sql"]))
    yield url


DEMO_SEEDED = pytest.StashKey[tuple]()


@pytest.fixture
def app_config(database_url):
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "FISCAL_YEAR_START": FISCAL_YEAR_START,
        "DEFAULT_LOCALE": "en",
        # A cheap scrypt: the strong one costs ~0.1 s a hash (tests/test_passwords.py proves the default).
        "PASSWORD_HASH": "fast",
        # Every kept fragment is rendered afresh as well and must equal what was kept for its
        # key (okr.core.web.fragments): any test that changes something and looks again checks that
        # no fragment shows a value missing from its key.
        "KEEP_FRAGMENTS": "verify",
    }


@pytest.fixture(scope="session")
def compiled_catalogues(tmp_path_factory):
    """Where the catalogues are compiled, once per worker: each test's instance folder links its
    i18n folder here (compiling them costs ~40 ms, as much as the rest of create_app)."""
    return tmp_path_factory.mktemp("i18n")


@pytest.fixture
def app(app_config, tmp_path, monkeypatch, compiled_catalogues):
    from okr.app import create_app

    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    if not (instance / "i18n").exists():
        (instance / "i18n").symlink_to(compiled_catalogues, target_is_directory=True)
    monkeypatch.setenv("OKR_INSTANCE_PATH", str(instance))
    for key in list(os.environ):
        if key.startswith("OKR_") and key not in ("OKR_INSTANCE_PATH", "OKR_TEST_DATABASE_URL"):
            monkeypatch.delenv(key)
    return create_app(app_config)


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Hashes made outside an app (seeds, operations, the importer) are cheap too; an app made in
    a test sets the cost from its own PASSWORD_HASH."""
    from okr.accounts import passwords

    passwords.use("fast")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A session on the test's database for arranging rows and re-reading them after a request."""
    from okr.core.db import get_engine

    with Session(get_engine(app.config["DATABASE_URL"]), expire_on_commit=False) as s:
        yield s


# --- factories ----------------------------------------------------------------------------------


class Factory:
    """Builds rows with their parents, committing each so requests see them.

    Plan rows are written as the product writes them, audited (okr.core.writes, okr.plans.ops
    for check-ins), so the kept rollups and the audit guard see every one; a key result's
    ``current`` is a check-in (dated ``last_check_in_on``, else its quarter's first day)."""

    def __init__(self, session: Session):
        self.s = session
        self.n = 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    def _save(self, row):
        self.s.add(row)
        self.s.commit()
        self.s.refresh(row)
        return row

    def _org_of_team(self, team_id) -> int:
        from okr.core import models as m

        return self.s.get(m.Team, team_id).org_id

    def _create(self, model, org_id, is_archived=False, **fields):
        from okr.core import writes

        item = writes.create(session=self.s, actor_id=None, org_id=org_id, model=model, **fields)
        if is_archived:
            writes.archive(session=self.s, actor_id=None, org_id=org_id, item=item)
        self.s.commit()
        self.s.refresh(item)
        return item

    def org(self, slug=None, name="Acme"):
        from okr.core import models as m

        return self._save(m.Organisation(slug=slug or f"org{self._next()}", name=name))

    def team(self, org=None, parent=None, slug=None, name=None, kind="team"):
        from okr.core import models as m

        org_id = org.id if org is not None else parent.org_id if parent is not None else self.org().id
        n = self._next()
        return self._create(
            m.Team,
            org_id,
            parent_id=parent.id if parent else None,
            slug=slug or f"team{n}",
            name=name or f"Team {n}",
            kind=kind,
        )

    def user(
        self,
        team=None,
        role="member",
        org=None,
        email=None,
        name=None,
        password="correct horse battery",
        is_admin=False,
    ):
        from okr.accounts.passwords import hash_password
        from okr.core import models as m

        org_id = team.org_id if team is not None else (org or self.org()).id
        n = self._next()
        user = self._save(
            m.User(
                org_id=org_id,
                email=email or f"user{n}@example.com",
                name=name or f"User {n}",
                password_hash=hash_password(password),
                is_admin=is_admin,
            )
        )
        if team is not None and role:
            self._save(m.Membership(user_id=user.id, team_id=team.id, role=role))
        return user

    def goal(self, team=None, year=2026, title="Grow the creator community", weight=1, **kw):
        from okr.core import models as m

        team = team or self.team()
        return self._create(
            m.AnnualGoal, team.org_id, team_id=team.id, year=year, title=title, weight=Decimal(str(weight)), **kw
        )

    def objective(
        self,
        team=None,
        goal=None,
        quarter="2026-Q2",
        title="Make creators more active",
        kind="aspirational",
        weight=1,
        **kw,
    ):
        from okr.core import models as m

        if team is None:
            team = self.s.get(m.Team, goal.team_id) if goal is not None else self.team()
        return self._create(
            m.Objective,
            team.org_id,
            team_id=team.id,
            goal_id=goal.id if goal else None,
            quarter=quarter,
            title=title,
            kind=kind,
            weight=Decimal(str(weight)),
            **kw,
        )

    def kr(
        self,
        objective=None,
        title="Daily posts from 1000 to 1300",
        kind="metric",
        start=1000,
        target=1300,
        current=None,
        weight=1,
        unit="",
        confidence=None,
        last_check_in_on=None,
        **kw,
    ):
        from okr.core import models as m
        from okr.core import periods
        from okr.plans import ops

        objective = objective or self.objective()
        org_id = self._org_of_team(objective.team_id)
        start_d, target_d = Decimal(str(start)), Decimal(str(target))
        archived = kw.pop("is_archived", False)
        kr = self._create(
            m.KeyResult,
            org_id,
            objective_id=objective.id,
            title=title,
            kind=kind,
            start=start_d,
            target=target_d,
            weight=Decimal(str(weight)),
            unit=unit,
            **kw,
        )
        if current is not None or last_check_in_on is not None:
            day = last_check_in_on or periods.parse(objective.quarter).start
            value = Decimal(str(current)) if current is not None else start_d
            confidence = Decimal(str(confidence)) if confidence is not None else None
            ops.check_in(
                session=self.s, actor_id=None, org_id=org_id, kr=kr, value=value, confidence=confidence, checked_on=day
            )
        if archived:
            ops.archive(session=self.s, actor_id=None, org_id=org_id, item=kr)
        self.s.commit()
        self.s.refresh(kr)
        return kr

    def project(self, team=None, kr=None, month="2026-04", title="Creator incentive programme", **kw):
        from okr.core import models as m

        if team is None:
            if kr is not None:
                obj = self.s.get(m.Objective, kr.objective_id)
                team = self.s.get(m.Team, obj.team_id)
            else:
                team = self.team()
        return self._create(
            m.Project, team.org_id, team_id=team.id, key_result_id=kr.id if kr else None, month=month, title=title, **kw
        )

    def task(
        self,
        team=None,
        assignee=None,
        project=None,
        week="2026-W16",
        title="Write the brief",
        important=True,
        urgent=False,
        status="todo",
        **kw,
    ):
        from okr.core import models as m

        if team is None:
            team = self.s.get(m.Team, project.team_id) if project is not None else self.team()
        if "estimate" in kw and kw["estimate"] is not None:
            kw["estimate"] = Decimal(str(kw["estimate"]))
        return self._create(
            m.Task,
            team.org_id,
            team_id=team.id,
            week=week,
            project_id=project.id if project else None,
            title=title,
            assignee_id=assignee.id if assignee else None,
            important=important,
            urgent=urgent,
            status=status,
            **kw,
        )

    def raci(self, user, letter, kr=None, project=None):
        """Give ``user`` one letter on the item, audited as okr.raci.ops.set_raci audits letters
        (the item's other letters and its owner stay as they are)."""
        from sqlmodel import select

        from okr.core import models as m
        from okr.core import writes

        item = kr if kr is not None else project
        key = "key_result_id" if kr is not None else "project_id"
        column = getattr(m.RaciAssignment, key)
        before = {r.user_id: r.letter for r in self.s.exec(select(m.RaciAssignment).where(column == item.id))}
        row = m.RaciAssignment(user_id=user.id, letter=letter, **{key: item.id})
        self.s.add(row)
        self.s.flush()
        after = {**before, user.id: letter}
        writes.record(
            self.s,
            org_id=user.org_id,
            actor_id=None,
            item_type="raci",
            item_id=item.id,
            action="update",
            before={key: item.id, "letters": dict(sorted(before.items()))},
            after={key: item.id, "letters": dict(sorted(after.items()))},
        )
        self.s.commit()
        self.s.refresh(row)
        return row


@pytest.fixture
def make(session):
    return Factory(session)


# --- signing in ---------------------------------------------------------------------------------

META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_from(html: str) -> str:
    found = META_CSRF.search(html)
    assert found, "page has no csrf-token meta tag"
    return found.group(1)


class Browser:
    """A test client that signs in like a person and sends the CSRF token like htmx does."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def refresh_token(self, path="/login"):
        self.token = csrf_from(self.client.get(path).get_data(as_text=True))
        return self.token

    def login(self, email, password="correct horse battery"):
        self.refresh_token("/login")
        resp = self.client.post("/login", data={"email": email, "password": password, "csrf_token": self.token})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        self.refresh_token("/teams")
        return resp

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, htmx=False, json=None, headers=None, **kw):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("X-CSRFToken", self.token)
        if htmx:
            headers["HX-Request"] = "true"
        if json is not None:
            return self.client.post(path, json=json, headers=headers, **kw)
        return self.client.post(path, data=data or {}, headers=headers, **kw)

    def request(self, method, path, **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if self.token:
            headers.setdefault("X-CSRFToken", self.token)
        return self.client.open(path, method=method, headers=headers, **kw)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def as_user(app):
    """as_user(user) → a Browser signed in as that user (a fresh client each time)."""

    def sign_in(user, password="correct horse battery"):
        b = Browser(app.test_client())
        b.login(user.email, password)
        return b

    return sign_in


@pytest.fixture
def demo(request, app):
    """The demo organisation, as `okr demo` seeds it today: the test's database starts as a copy
    of one seeded once (see database_url)."""
    _today, fiscal_start, result = request.node.stash[DEMO_SEEDED]
    assert app.config["FISCAL_YEAR_START"] == fiscal_start, "the demo template is seeded with the default fiscal year"
    return result


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium, or a skip (locally) / a failure (under CI=true, where a skipped
    journey proves nothing)."""
    path = os.environ.get("OKR_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is not installed at {path}: browser journeys cannot be skipped in CI")
        pytest.skip(f"Chromium not found at {path} (apt-get install -y chromium); browser tests skipped")
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is not installed: install the test extras")
        pytest.skip("playwright is not installed; browser tests skipped")
    return path


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a loopback port, in a thread, for the browser."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
