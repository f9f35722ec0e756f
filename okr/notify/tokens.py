"""The unsubscribe link's token: the person and the event, signed with the app's secret key and
dated, so a link works without signing in, cannot be made up, and expires (rules.UNSUBSCRIBE_MAX_AGE).
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from okr.core import kinds
from okr.notify.rules import UNSUBSCRIBE_MAX_AGE

SALT = "okr-unsubscribe"


def make(secret: str, user_id: int, event: str) -> str:
    return URLSafeTimedSerializer(secret, salt=SALT).dumps({"u": user_id, "e": event})


class TokenError(ValueError):
    def __init__(self, expired: bool):
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


def read(secret: str, token: str) -> tuple[int, str]:
    """(person id, event) of a valid token; TokenError when expired or not ours."""
    try:
        data = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=int(UNSUBSCRIBE_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise TokenError(True) from None
    except BadSignature:
        raise TokenError(False) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("e") not in kinds.NOTIFY_EVENTS:
        raise TokenError(False)
    return data["u"], data["e"]
