"""The person's own settings: where they land on signing in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from okr.core.kinds import LANDING_PAGES
from okr.core.web.forms import Form, choices

LANDING_LABELS = {
    "week": _l("My week"),
    "rollup": _l("The company rollup"),
    "team": _l("My team's plan"),
}


class LandingForm(Form):
    landing_page = RadioField(
        _l("After signing in, open"),
        choices=choices((code, LANDING_LABELS[code]) for code in LANDING_PAGES),
        validators=[InputRequired()],
    )
