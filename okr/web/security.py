"""Security headers, request ids and the CSRF refusal, applied to every response.

Content-Security-Policy allows no inline script: htmx is configured through a meta tag and the
app's own script file, so an injected <script> never runs.
"""

from __future__ import annotations

import secrets

from flask import g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def init_app(app) -> None:
    @app.before_request
    def _request_id():
        g.request_id = request.headers.get("X-Request-Id", "")[:64].strip() or secrets.token_hex(8)
        if not all(c.isalnum() or c in "-_" for c in g.request_id):
            g.request_id = secrets.token_hex(8)

    @app.after_request
    def _headers(resp):
        h = resp.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith("/static/"):
            # Private pages must not come back from a cache or the back button after sign-out.
            h["Cache-Control"] = "no-store"
        h["X-Request-Id"] = g.get("request_id", "")
        return resp
