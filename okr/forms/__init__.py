"""WTForms classes: the validation boundary. Bad input stops here with a message by its field.

Shared field types live here; each page family keeps its forms in a module of its own
(`okr/forms/plans.py`, …). Validators call the pure rules, so live checks and saves agree.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError


def clean_text(value: str | None) -> str:
    """Strip surrounding space and refuse characters no person types: NUL and lone surrogates."""
    if value is None:
        return ""
    if "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValidationError(_l("This contains characters that cannot be stored."))
    return value.strip()


class CleanStringField(StringField):
    """A StringField whose value is stripped and free of NUL and lone surrogates."""

    def post_validate(self, form, validation_stopped):
        if not validation_stopped:
            try:
                self.data = clean_text(self.data)
            except ValidationError as e:
                self.errors.append(str(e.args[0]))


class QuantityField(StringField):
    """A number as people type it: `30`, `30%`, `1,000`, full-width `３０`, `1.5万`."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw or not self.raw.strip():
            return
        from okr.numbers import parse_quantity

        try:
            self.data = parse_quantity(self.raw)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a number, such as 30, 1,000 or 30%."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(Decimal(self.data).normalize(), "f")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
