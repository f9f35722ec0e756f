"""Password hashing: scrypt at a strong cost (N=2^15, r=8, p=1), through werkzeug.security.

Checking an unknown account still runs one scrypt, so timing does not tell which emails exist.
"""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

METHOD = "scrypt:32768:8:1"
_DUMMY = generate_password_hash("an unguessable placeholder", method=METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=METHOD)


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_DUMMY, password)
        return False
    try:
        return check_password_hash(password_hash, password)
    except (ValueError, TypeError):
        return False
