"""Passwords: the production hash is scrypt at N=2^15, r=8, p=1 and really costs that much; the
suite's cheap scrypt is refused outside testing, and a hash of either cost still signs in."""

from __future__ import annotations

import hashlib
import time

import pytest

from okr.accounts import passwords
from okr.core.settings import SettingsError

PASSWORD = "correct horse battery"


@pytest.fixture
def production_app(app_config, tmp_path, monkeypatch):
    """An app with no PASSWORD_HASH of its own: the default every installation gets."""
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.delenv("OKR_PASSWORD_HASH", raising=False)
    return create_app({k: v for k, v in app_config.items() if k != "PASSWORD_HASH"})


def test_the_default_hash_is_the_strong_scrypt_and_costs_32_mib_each(production_app):
    assert production_app.config["PASSWORD_HASH"] == "strong"
    assert passwords.method() == passwords.STRONG == "scrypt:32768:8:1"

    started = time.perf_counter()
    hashed = passwords.hash_password(PASSWORD)
    took = time.perf_counter() - started
    method, salt, digest = hashed.split("$")
    assert method == "scrypt:32768:8:1"
    # The digest is scrypt's at exactly those parameters, not merely labelled with them ...
    n, r, p = 32768, 8, 1
    again = hashlib.scrypt(PASSWORD.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p)
    assert again.hex() == digest
    # ... which need 128 × N × r bytes = 32 MiB: with half of that, scrypt refuses to run.
    with pytest.raises(ValueError):
        hashlib.scrypt(PASSWORD.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=16 * 1024 * 1024)
    # And it takes time: tens of milliseconds on the fastest machine (about 0.1 s here).
    assert took > 0.02, took
    assert passwords.check_password(hashed, PASSWORD)
    assert not passwords.check_password(hashed, "wrong horse battery")


def test_the_suite_hashes_cheaply_with_the_same_scrypt(app):
    assert app.config["PASSWORD_HASH"] == "fast"
    hashed = passwords.hash_password(PASSWORD)
    assert hashed.startswith("scrypt:1024:1:1$")
    assert passwords.check_password(hashed, PASSWORD)


@pytest.mark.parametrize("testing", [False, None])
def test_the_cheap_hash_is_refused_outside_testing(app_config, tmp_path, monkeypatch, testing):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "inst"))
    cfg = {**app_config, "TESTING": testing}
    with pytest.raises(SettingsError, match="OKR_PASSWORD_HASH"):
        create_app(cfg)
    monkeypatch.setenv("OKR_PASSWORD_HASH", "weak")
    with pytest.raises(SettingsError, match="OKR_PASSWORD_HASH"):
        create_app({k: v for k, v in app_config.items() if k != "PASSWORD_HASH"})


def test_a_strong_hash_signs_in_while_new_hashes_are_cheap(make, session, browser):
    """A hash names its own cost: accounts hashed in production sign in under either setting."""
    user = make.user(email="strong@example.com")
    user.password_hash = (
        f"scrypt:32768:8:1${'s' * 16}$"
        + hashlib.scrypt(PASSWORD.encode(), salt=b"s" * 16, n=32768, r=8, p=1, maxmem=132 * 32768 * 8).hex()
    )
    session.add(user)
    session.commit()
    assert browser.login("strong@example.com", PASSWORD).status_code == 302
    assert browser.get("/teams").status_code == 200
    assert passwords.method() == passwords.FAST
