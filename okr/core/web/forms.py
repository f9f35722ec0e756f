"""WTForms classes: the validation boundary. Bad input stops here with a message by its field.

Shared field types live here; each page family keeps its forms in a module of its own
(`okr/plans/forms.py`, …). Validators call the pure rules, so live checks and saves agree.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

# Row ids are INTEGER columns: PostgreSQL's four-byte integer refuses anything larger (a 500
# rather than a 404 if it reached a query), so every id read from a request is checked first.
MAX_ID = 2**31 - 1

UNREADABLE = _l("This value cannot be read.")
UNSTORABLE = _l("This contains characters that cannot be stored.")


def _bad_text(value: str) -> bool:
    return "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _unstorable(data) -> bool:
    if isinstance(data, str):
        return _bad_text(data)
    if isinstance(data, (list, tuple)):
        return any(isinstance(v, str) and _bad_text(v) for v in data)
    return False


class Form(FlaskForm):
    """The base of every form in the product.

    A value no validator was written for — a number too large for a float, a list or an object
    where text belongs (a JSON body), an integer past the database's range — becomes a message
    on its field instead of an exception, so bad input is never a 500.
    """

    def validate(self, extra_validators=None):
        extra = {name: list(v) for name, v in (extra_validators or {}).items()}
        for name in self._fields:
            inline = getattr(self.__class__, f"validate_{name}", None)
            if inline is not None:
                extra.setdefault(name, []).append(inline)
        self._errors = None
        success = True
        for name, field in self._fields.items():
            try:
                if not field.validate(self, extra.get(name, ())):
                    success = False
            except (ArithmeticError, AttributeError, TypeError, ValueError):
                field.errors = [*field.errors, UNREADABLE]
                success = False
                continue
            # No database stores NUL in text (PostgreSQL refuses it outright) and no person
            # types a lone surrogate: whatever the field's kind, such text is a message here.
            if not field.errors and _unstorable(field.data):
                field.errors = [*field.errors, UNSTORABLE]
                success = False
        return success

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        # JSON bodies arrive as numbers, booleans, lists and objects; fields read text.
        if formdata is not None and hasattr(formdata, "getlist"):
            formdata = _as_text(formdata)
        super().process(formdata, obj, data, extra_filters, **kwargs)


def _as_text(formdata):
    from werkzeug.datastructures import MultiDict

    if all(isinstance(v, str) or hasattr(v, "stream") for _k, v in formdata.items(multi=True)):
        return formdata
    out = MultiDict()
    for key, value in formdata.items(multi=True):
        if isinstance(value, str) or hasattr(value, "stream"):
            out.add(key, value)
        elif isinstance(value, bool):
            out.add(key, "y" if value else "")
        elif isinstance(value, (int, float)):
            out.add(key, repr(value))
        else:  # a list or an object where one value belongs: keep it unreadable, not a crash
            out.add(key, "\x00")
    return out


def row_id(value) -> int | None:
    """A row id read from a request, or None when it is not one the database can hold."""
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if 0 < n <= MAX_ID else None


def clean_text(value: str | None) -> str:
    """Strip surrounding space and refuse characters no person types: NUL and lone surrogates."""
    if value is None:
        return ""
    if _bad_text(value):
        raise ValidationError(UNSTORABLE)
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
        from okr.core.numbers import parse_quantity

        try:
            self.data = parse_quantity(self.raw)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a number, such as 30, 1,000 or 30%.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(Decimal(self.data).normalize(), "f")


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class VersionForm(Form):
    """A change that carries only the row's version (archive, restore)."""

    version = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}\Z")])


class ConfirmForm(Form):
    """A change with nothing to type (sign out everywhere, archive a person)."""


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects rather than (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_data():
    """The posted fields as a form reads them: a form post as sent, or a JSON object read as one.

    The one adapter from JSON to forms, so JSON and forms pass the same validators: a string is
    itself, true is "y" and false or null "" (a checkbox), a number is its text, a list gives the
    field one value per item; an object where a value belongs becomes a value no field accepts,
    so the form names it by its field. A body that is not an object posts nothing; one that is
    not JSON at all is a 400.
    """
    from flask import request
    from werkzeug.datastructures import MultiDict

    if not request.is_json:
        return request.form
    data = MultiDict()
    if not request.get_data(cache=True):
        return data
    # A body that is not JSON (or holds what no form could: see security.StrictJSONProvider) is
    # a 400 here, as Flask answers it, before any field is read.
    body = request.get_json()
    if isinstance(body, dict):
        for key, value in body.items():
            for item in value if isinstance(value, list) else [value]:
                data.add(key, _form_text(item))
    return data


def _form_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "y" if value else ""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return "\x00"  # an object or a nested list: unreadable, named by the form
