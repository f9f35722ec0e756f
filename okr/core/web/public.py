"""The endpoints anyone may reach without signing in: the one list, each with its reason.

Every other endpoint requires a signed-in person (okr/core/web/security.py enforces it before any
view runs), so a page added later is private unless someone adds it here on purpose.
"""

from __future__ import annotations

PUBLIC: dict[str, str] = {
    "auth.login": "the sign-in page",
    "auth.login_post": "signing in",
    "auth.logout_confirm": "a bookmarked /logout asks before signing out (or sends anonymous people to sign in)",
    "auth.csrf_token": "a fresh CSRF token for a page whose token went stale, signed in or not",
    "auth.set_language": "the language switch, shown on the sign-in page too",
    "home.healthz": "health checks from load balancers and monitors (no data, only status)",
    "notify.unsubscribe": "the unsubscribe link of a notification mail (a signed, expiring token)",
    "notify.unsubscribe_post": "unsubscribing by that link, or one click in the mail program (RFC 8058)",
    "static": "stylesheets, scripts and vendored files",
}


def is_public(endpoint: str | None) -> bool:
    return endpoint in PUBLIC
