"""The token form: a name, a scope and how many days the token lasts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from okr.api import rules
from okr.core.web.forms import CleanStringField, Form, choices

SCOPE_LABELS = {
    "read": _l("Read: see what you may see"),
    "write": _l("Read and write: also change what you may change"),
}


class TokenForm(Form):
    name = CleanStringField(_l("Token name"), validators=[InputRequired(), Length(max=80)])
    scope = RadioField(
        _l("Access"),
        choices=choices((code, SCOPE_LABELS[code]) for code in rules.SCOPES),
        default="read",
        validators=[InputRequired()],
    )
    days = IntegerField(
        _l("Expires after (days)"),
        default=rules.DEFAULT_DAYS,
        validators=[Optional(), NumberRange(min=1, max=rules.MAX_DAYS)],
    )
