"""The foundation seen through HTTP: settings, health, sign-in, CSRF, languages, layout."""

from __future__ import annotations

import pytest

from okr.core.settings import SettingsError


@pytest.mark.parametrize(
    "key, value, named",
    [
        ("FISCAL_YEAR_START", 13, "OKR_FISCAL_YEAR_START"),
        ("FISCAL_YEAR_START", "July", "OKR_FISCAL_YEAR_START"),
        ("DEFAULT_LOCALE", "fr", "OKR_DEFAULT_LOCALE"),
        ("DATABASE_URL", "mysql://x", "OKR_DATABASE_URL"),
        ("SECRET_KEY", "short", "OKR_SECRET_KEY"),
        ("REDIS_URL", "http://x", "OKR_REDIS_URL"),
    ],
)
def test_bad_setting_stops_start_up_naming_it(app_config, tmp_path, monkeypatch, key, value, named):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    with pytest.raises(SettingsError) as err:
        create_app({**app_config, key: value})
    assert named in str(err.value)
    assert "\n" not in str(err.value)


def test_env_settings_are_read_with_prefix(app_config, tmp_path, monkeypatch):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("OKR_FISCAL_YEAR_START", "7")
    monkeypatch.setenv("OKR_DEFAULT_LOCALE", "zh")
    cfg = {k: v for k, v in app_config.items() if k not in ("FISCAL_YEAR_START", "DEFAULT_LOCALE")}
    app = create_app(cfg)
    assert app.config["FISCAL_YEAR_START"] == 7
    assert app.config["DEFAULT_LOCALE"] == "zh"


def test_secret_key_generated_once_into_instance_folder(app_config, tmp_path, monkeypatch):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    cfg = {k: v for k, v in app_config.items() if k != "SECRET_KEY"}
    first = create_app(cfg).config["SECRET_KEY"]
    second = create_app(cfg).config["SECRET_KEY"]
    key_file = tmp_path / "inst" / "secret_key"
    assert first == second and len(first) >= 32
    assert key_file.read_text().strip() == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_default_database_is_sqlite_in_instance_folder(app_config, tmp_path, monkeypatch):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    cfg = {k: v for k, v in app_config.items() if k != "DATABASE_URL"}
    app = create_app(cfg)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'okr.sqlite'}"


def test_healthz_reports_database_and_schema(client):
    from okr.core.migrate import head_revision

    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json["status"] == "ok"
    assert resp.json["database"] == "ok"
    assert resp.json["schema"] == head_revision()


def test_healthz_is_503_when_database_is_unreachable(app_config, tmp_path, monkeypatch):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app({**app_config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"})
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.json["database"] == "error"
    assert "Traceback" not in resp.get_data(as_text=True)


def test_pages_redirect_anonymous_to_login(client):
    resp = client.get("/teams")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login")


def test_login_with_right_password_then_logout(make, browser):
    team = make.team()
    user = make.user(team=team, role="member")
    browser.login(user.email)
    page = browser.get("/teams")
    assert page.status_code == 200
    assert team.name in page.get_data(as_text=True)
    out = browser.post("/logout")
    assert out.status_code == 302 and out.headers["Location"].startswith("/login")
    assert browser.get("/teams").status_code == 302


def test_wrong_password_gets_generic_message(make, browser):
    user = make.user(team=make.team())
    browser.refresh_token()
    wrong = browser.post("/login", data={"email": user.email, "password": "nope", "csrf_token": browser.token})
    unknown = browser.post(
        "/login", data={"email": "nobody@example.com", "password": "nope", "csrf_token": browser.token}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "Email or password is not right." in wrong.get_data(as_text=True)
    assert "Email or password is not right." in unknown.get_data(as_text=True)


def test_archived_user_cannot_sign_in(make, browser, session):
    user = make.user(team=make.team())
    user.is_archived = True
    session.add(user)
    session.commit()
    browser.refresh_token()
    resp = browser.post(
        "/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": browser.token}
    )
    assert resp.status_code == 401


def test_form_without_csrf_token_is_refused_and_changes_nothing(make, client, session):
    from okr.core import models as m

    user = make.user(team=make.team())
    resp = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert resp.status_code == 400
    assert "security token" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(m.User, user.id).last_login_at is None


def test_htmx_post_without_token_is_400_with_header_passes(make, as_user):
    user = make.user(team=make.team())
    b = as_user(user)
    no_token = b.client.post("/language", data={"lang": "zh"}, headers={"HX-Request": "true"})
    assert no_token.status_code == 400
    with_token = b.post("/language", data={"lang": "zh"}, htmx=True)
    assert with_token.status_code == 302


def test_open_redirect_after_login_is_refused(make, browser):
    user = make.user(team=make.team())
    browser.refresh_token()
    resp = browser.post(
        "/login",
        data={
            "email": user.email,
            "password": "correct horse battery",
            "next": "//evil.example/x",
            "csrf_token": browser.token,
        },
    )
    assert resp.status_code == 302
    assert "evil" not in resp.headers["Location"]


def test_language_from_accept_language_and_switch(make, client, as_user):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录" in page.get_data(as_text=True)
    user = make.user(team=make.team())
    b = as_user(user)
    assert "Sign in" not in b.get("/teams").get_data(as_text=True)
    b.post("/language", data={"lang": "zh"})
    text = b.get("/teams").get_data(as_text=True)
    assert "团队" in text and 'lang="zh-Hans"' in text


def test_layout_has_navigation_csrf_meta_and_vendored_htmx(make, as_user):
    b = as_user(make.user(team=make.team()))
    html = b.get("/teams").get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "Plans" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    js = b.get("/static/vendor/htmx/htmx.min.js")
    assert js.status_code == 200 and b"htmx" in js.data
    js.close()


def test_unknown_page_is_404_in_layout(make, as_user):
    b = as_user(make.user(team=make.team()))
    resp = b.get("/no/such/page")
    assert resp.status_code == 404
    assert "There is nothing here." in resp.get_data(as_text=True)


def test_security_headers(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"] == "no-store"
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- settings read as people write them ------------------------------------------------------


@pytest.mark.parametrize("value", ["12345678901234567890", "null", "true", '"quoted-secret-of-20"'])
def test_secret_key_from_the_environment_is_taken_as_text(app_config, tmp_path, monkeypatch, value):
    """from_prefixed_env parses OKR_* values as JSON: an all-digit key must not become a number,
    nor "null" an unset key silently replaced by a generated one."""
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("OKR_SECRET_KEY", value)
    cfg = {k: v for k, v in app_config.items() if k != "SECRET_KEY"}
    if len(value) < 16:
        with pytest.raises(SettingsError, match="OKR_SECRET_KEY"):
            create_app(cfg)
        return
    assert create_app(cfg).config["SECRET_KEY"] == value


def test_other_text_settings_from_the_environment_stay_text(app_config, tmp_path, monkeypatch):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("OKR_SESSION_COOKIE_NAME", "2026")
    monkeypatch.setenv("OKR_API_RATE_LIMIT", "100 per minute")
    app = create_app(app_config)
    assert app.config["SESSION_COOKIE_NAME"] == "2026"
    assert app.config["API_RATE_LIMIT"] == "100 per minute"


@pytest.mark.parametrize("value", ["-1", "11", "two", "true"])
def test_trusted_proxies_must_be_a_small_count(app_config, tmp_path, monkeypatch, value):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("OKR_TRUSTED_PROXIES", value)
    with pytest.raises(SettingsError, match="OKR_TRUSTED_PROXIES") as err:
        create_app(app_config)
    assert "\n" not in str(err.value)


# --- the CLI's first connection --------------------------------------------------------------


def _okr(tmp_path, *args, env=None, prelude=""):
    """Run the `okr` command in a fresh interpreter with only the given OKR_* settings."""
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    clean.update({"OKR_INSTANCE_PATH": str(tmp_path / "inst"), "OKR_SECRET_KEY": "x" * 32, **(env or {})})
    code = f"{prelude}\nfrom okr.__main__ import main\nmain()"
    return subprocess.run([sys.executable, "-c", code, *args], env=clean, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "command", [["init"], ["run"], ["demo"], ["backup", "out.backup"], ["export", "--team", "x", "--year", "2026"]]
)
def test_an_unreachable_database_is_one_line_naming_the_setting(tmp_path, command):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"
    if command[0] == "backup":
        command = ["backup", str(tmp_path / command[1])]
    result = _okr(tmp_path, *command, env={"OKR_DATABASE_URL": url})
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "OKR_DATABASE_URL" in lines[0] and "127.0.0.1:1/nowhere" in lines[0]
    assert "start the PostgreSQL server" in lines[0]
    assert "Traceback" not in result.stderr and not (tmp_path / "out.backup").exists()


def test_a_database_that_does_not_exist_is_one_line(tmp_path):
    from conftest import PG_URL

    # SQLite: a folder that is not there; PostgreSQL (when tests run on it): a missing database.
    result = _okr(tmp_path, "init", env={"OKR_DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/okr.sqlite"})
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "OKR_DATABASE_URL" in result.stderr and "folder exists" in result.stderr
    if PG_URL:
        import sqlalchemy as sa

        missing = sa.engine.make_url(PG_URL).set(database="okr_no_such_database").render_as_string(hide_password=False)
        result = _okr(tmp_path, "init", env={"OKR_DATABASE_URL": missing})
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert 'database "okr_no_such_database" does not exist' in result.stderr


def test_postgresql_without_its_driver_says_which_extra_to_install(tmp_path):
    # sys.modules[name] = None makes `import psycopg` fail as if it were not installed.
    result = _okr(
        tmp_path,
        "init",
        env={"OKR_DATABASE_URL": "postgresql://okr@127.0.0.1/okr"},
        prelude="import sys; sys.modules['psycopg'] = None",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "okr: OKR_DATABASE_URL names PostgreSQL, but its driver psycopg is not installed: "
        "pip install 'okr-planner[postgres]' (and use postgresql+psycopg://)"
    ]


# --- the import smoke ------------------------------------------------------------------------


def test_the_app_imports_and_starts_from_a_fresh_interpreter(tmp_path):
    """The smoke every commit should pass: `from okr import create_app; create_app()` with no
    settings at all (every blueprint and CLI module imported), and importing okr alone pulls in
    no Flask."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env["OKR_INSTANCE_PATH"] = str(tmp_path / "inst")
    code = (
        "import sys, okr; assert 'flask' not in sys.modules, 'importing okr imported Flask'\n"
        "from okr import create_app\n"
        "app = create_app()\n"
        "assert 'auth.login' in app.view_functions and 'init' in app.cli.commands\n"
        "print('ok', len(app.url_map._rules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")
