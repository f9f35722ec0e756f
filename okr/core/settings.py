"""Settings: defaults, then the instance file `okr.cfg`, then `OKR_*` variables, then test config.

Every setting is checked once at start-up; a bad one stops the app with a one-line message
naming it (SettingsError), so a typo never surfaces later as a 500.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

LOCALES = ("en", "zh")
#: The slug of the demo organisation `okr demo` seeds (its changes are shown as the seed's).
DEMO_ORG_SLUG = "demo"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and says what is expected."""


DEFAULTS = {
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "SECRET_KEY": None,  # default: generated once into the instance folder
    "FISCAL_YEAR_START": 1,
    "DEFAULT_LOCALE": "en",
    "REDIS_URL": None,
    "LOGIN_LIMIT": "10 per 15 minutes",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "okr_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,
    "JSON_SORT_KEYS": False,
    "TRUSTED_PROXIES": 0,  # reverse proxies in front of the app that set X-Forwarded-For/-Proto
    "PASSWORD_HASH": "strong",  # "fast" (a cheap scrypt) is for the test suite only, under TESTING
    # Seconds a worker may keep a rollup before building it again from the tables (docs/rollup.md).
    "ROLLUP_MAX_AGE": 300,
    # Fail a commit that changed a plan row without its audit event (okr.core.audit_guard);
    # None: on under testing and debug, off otherwise.
    "AUDIT_GUARD": None,
    "SESSION_IDLE_MINUTES": 120,  # a session unused this long ends (docs/security.md)
    "SESSION_MAX_HOURS": 12,  # a session ends this long after signing in, however busy
    "SMTP_URL": None,  # smtp://user:pass@host:587 (STARTTLS) or smtps://host:465; unset: no mail
    "MAIL_FROM": None,  # the From address of notification mail
    "BASE_URL": "http://localhost:5000",  # the app's public address, for links in mail
    # A plan document uploaded on a page: at most this many bytes and items (objects); a larger
    # one is refused before it is read into memory. `okr import` has no limit (docs/planning.md).
    "PLAN_UPLOAD_MAX_BYTES": 4 * 1024 * 1024,
    "PLAN_UPLOAD_MAX_ITEMS": 10_000,
}

# Settings that are text whatever they look like. from_prefixed_env parses every OKR_* value as
# JSON, which would turn an all-digit secret key into a number and "null" into None (an unset
# key, silently replaced by a generated one): these are read back as the text that was set.
TEXT_SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "DEFAULT_LOCALE",
    "API_RATE_LIMIT",
    "LOGIN_LIMIT",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_DOMAIN",
    "SMTP_URL",
    "MAIL_FROM",
    "BASE_URL",
)
MAX_PROXIES = 10
MAX_ROLLUP_AGE = 86400  # a day: a kept rollup is also dropped when the day changes


def load(app, test_config: dict | None = None) -> None:
    """Fill ``app.config`` in the documented order and check every value."""
    app.config.from_mapping(DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("okr.cfg", silent=True)
    app.config.from_prefixed_env("OKR")
    for key in TEXT_SETTINGS:
        raw = os.environ.get(f"OKR_{key}")
        if raw is not None:
            app.config[key] = raw
    if test_config:
        app.config.from_mapping(test_config)
    check(app)


def check(app) -> None:
    cfg = app.config
    instance = Path(app.instance_path)

    url = cfg.get("DATABASE_URL")
    if not url:
        cfg["DATABASE_URL"] = f"sqlite:///{instance / 'okr.sqlite'}"
    elif not isinstance(url, str) or not url.startswith(("sqlite", "postgresql")):
        raise SettingsError(
            f"OKR_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, got {str(url)[:60]!r}"
        )
    elif url.startswith("postgresql://"):
        cfg["DATABASE_URL"] = "postgresql+psycopg://" + url[len("postgresql://") :]
    _check_driver(cfg["DATABASE_URL"])

    fys = cfg.get("FISCAL_YEAR_START")
    if isinstance(fys, str) and fys.strip().isdigit():
        fys = int(fys)
    if isinstance(fys, bool) or not isinstance(fys, int) or not 1 <= fys <= 12:
        raise SettingsError(f"OKR_FISCAL_YEAR_START must be a month number from 1 to 12, got {fys!r}")
    cfg["FISCAL_YEAR_START"] = fys

    loc = str(cfg.get("DEFAULT_LOCALE") or "").strip().lower().replace("_", "-")
    if loc in ("zh-hans", "zh-cn"):
        loc = "zh"
    if loc not in LOCALES:
        raise SettingsError(f"OKR_DEFAULT_LOCALE must be 'en' or 'zh', got {cfg.get('DEFAULT_LOCALE')!r}")
    cfg["DEFAULT_LOCALE"] = loc

    redis_url = cfg.get("REDIS_URL")
    if redis_url and not str(redis_url).startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"OKR_REDIS_URL must be a redis:// URL, got {str(redis_url)[:60]!r}")

    proxies = cfg.get("TRUSTED_PROXIES")
    if isinstance(proxies, str) and proxies.strip().isdigit():
        proxies = int(proxies)
    if proxies in (None, ""):
        proxies = 0
    if isinstance(proxies, bool) or not isinstance(proxies, int) or not 0 <= proxies <= MAX_PROXIES:
        raise SettingsError(
            f"OKR_TRUSTED_PROXIES must be the number of reverse proxies in front of the app "
            f"(0 for none, at most {MAX_PROXIES}), got {proxies!r}"
        )
    cfg["TRUSTED_PROXIES"] = proxies

    cost = cfg.get("PASSWORD_HASH")
    if cost not in ("strong", "fast") or (cost == "fast" and not cfg.get("TESTING")):
        raise SettingsError(
            f"OKR_PASSWORD_HASH must be 'strong' ('fast' is for the test suite, with TESTING), got {cost!r}"
        )

    age = cfg.get("ROLLUP_MAX_AGE")
    if isinstance(age, str):
        try:
            age = float(age.strip())
        except ValueError:
            pass
    if isinstance(age, bool) or not isinstance(age, int | float) or not 0 <= age <= MAX_ROLLUP_AGE:
        raise SettingsError(
            f"OKR_ROLLUP_MAX_AGE must be a number of seconds from 0 to {MAX_ROLLUP_AGE}, got {cfg.get('ROLLUP_MAX_AGE')!r}"
        )
    cfg["ROLLUP_MAX_AGE"] = age

    guard = cfg.get("AUDIT_GUARD")
    if guard is None:
        guard = bool(cfg.get("TESTING") or cfg.get("DEBUG"))
    if not isinstance(guard, bool):
        raise SettingsError(f"OKR_AUDIT_GUARD must be true or false, got {guard!r}")
    cfg["AUDIT_GUARD"] = guard

    for name, low, high, unit in (
        ("SESSION_IDLE_MINUTES", 1, 7 * 24 * 60, "minutes"),
        ("SESSION_MAX_HOURS", 1, 24 * 90, "hours"),
    ):
        cfg[name] = _whole_number(cfg.get(name), name, low, high, unit)

    smtp = cfg.get("SMTP_URL")
    if smtp:
        if not str(smtp).startswith(("smtp://", "smtps://")):
            raise SettingsError("OKR_SMTP_URL must be an smtp:// (STARTTLS) or smtps:// URL")
        if not cfg.get("MAIL_FROM") or "@" not in str(cfg.get("MAIL_FROM")):
            raise SettingsError("OKR_MAIL_FROM must be set to the address notification mail comes from")
    cfg["BASE_URL"] = str(cfg.get("BASE_URL") or DEFAULTS["BASE_URL"]).rstrip("/")

    for name in ("PLAN_UPLOAD_MAX_BYTES", "PLAN_UPLOAD_MAX_ITEMS"):
        value = cfg.get(name)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SettingsError(f"OKR_{name} must be a whole number above 0, got {value!r}")
        cfg[name] = value

    key = cfg.get("SECRET_KEY")
    if not key:
        cfg["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    elif not isinstance(key, str) or len(key) < 16:
        raise SettingsError("OKR_SECRET_KEY must be a string of at least 16 characters")


def _whole_number(value, name: str, low: int, high: int, unit: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(f"OKR_{name} must be a whole number of {unit} from {low} to {high}, got {value!r}")
    return value


def _check_driver(url: str) -> None:
    """The URL parses and its driver is installed (psycopg comes with the [postgres] extra), so
    a missing driver is one line at start-up, not a ModuleNotFoundError at the first query."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
        dialect = parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise SettingsError(
            f"OKR_DATABASE_URL is not a database URL this app knows, got {url.split(':', 1)[0][:30]!r}:...; "
            "use sqlite:///path or postgresql+psycopg://user@host/db"
        ) from None
    try:
        dialect.import_dbapi()
    except ImportError:
        driver = parsed.get_driver_name()
        raise SettingsError(
            f"OKR_DATABASE_URL names PostgreSQL, but its driver {driver} is not installed: "
            "pip install 'okr-planner[postgres]' (and use postgresql+psycopg://)"
        ) from None


def _instance_secret(path: Path) -> str:
    """The instance's secret key, generated on first start and kept private (mode 0600)."""
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 16:
            return key
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key
