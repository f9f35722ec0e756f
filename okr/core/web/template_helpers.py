"""What every template may call: navigation links, the current periods, language names."""

from __future__ import annotations

from datetime import date

from flask import current_app, request, url_for
from flask_babel import get_locale
from werkzeug.routing import BuildError

from okr.core.web.i18n import LANGUAGE_NAMES


def nav_url(endpoint: str, **values) -> str | None:
    """A link to ``endpoint``, or None when that page family is not part of this build."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def init_app(app) -> None:
    @app.context_processor
    def _globals():
        from okr.core import periods

        today = date.today()
        fys = app.config["FISCAL_YEAR_START"]
        return {
            "nav_url": nav_url,
            "today": today,
            "this_week": str(periods.week_of(today)),
            "this_quarter": str(periods.quarter_of(today, fys)),
            "this_year": str(periods.year_of(today, fys)),
            "languages": LANGUAGE_NAMES,
            "locale": str(get_locale() or "en"),
            "endpoint": request.endpoint,
        }
