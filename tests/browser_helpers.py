"""Shared steps of the browser journeys (Playwright on Debian's Chromium)."""

from __future__ import annotations

PASSWORD = "correct horse battery"  # the factories' default password


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form as a person would, starting from no cookies."""
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
