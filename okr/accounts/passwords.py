"""Password hashing: scrypt at a strong cost (N=2^15, r=8, p=1), through werkzeug.security.

Checking an unknown account still runs one scrypt, so timing does not tell which emails exist.
The test suite alone may choose a cheap scrypt (``PASSWORD_HASH = "fast"``, accepted only with
``TESTING``): a stored hash names its own parameters, so either kind checks the same way.
"""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

#: Production: 2^15 × 8 × 128 bytes = 32 MiB of memory and about 0.1 s of CPU per hash.
STRONG = "scrypt:32768:8:1"
#: Tests only: the same algorithm at 1/256 of the memory, so a test hashes in well under 1 ms.
FAST = "scrypt:1024:1:1"
METHODS = {"strong": STRONG, "fast": FAST}

_method = STRONG
_dummies: dict[str, str] = {}


def use(cost: str) -> None:
    """Hash new passwords at ``cost`` ("strong" or "fast"); the app factory calls this from the
    PASSWORD_HASH setting, which only accepts "fast" under TESTING."""
    global _method
    _method = METHODS[cost]


def method() -> str:
    """The werkzeug method new hashes are made with."""
    return _method


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method)


def _dummy() -> str:
    dummy = _dummies.get(_method)
    if dummy is None:
        dummy = _dummies[_method] = generate_password_hash("an unguessable placeholder", method=_method)
    return dummy


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_dummy(), password)
        return False
    try:
        return check_password_hash(password_hash, password)
    except (ValueError, TypeError):
        return False
