"""Forms of signing in and changing one's password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from okr.core.web.forms import Form

MIN_PASSWORD = 10


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=1024, message=_l("Use at least 10 characters."))],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )

    def validate_new(self, field):
        if field.data and ("\x00" in field.data or any(0xD800 <= ord(c) <= 0xDFFF for c in field.data)):
            raise ValidationError(_l("This contains characters that cannot be stored."))
