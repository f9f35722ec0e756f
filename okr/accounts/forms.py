"""Forms of signing in and changing one's password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from okr.accounts import rules
from okr.core.web.forms import Form

PASSWORD_MESSAGES = {
    rules.UNSTORABLE: _l("This contains characters that cannot be stored."),
    rules.SHORT: _l("Use at least %(count)s characters.", count=rules.MIN_PASSWORD),
    rules.GUESSABLE: _l(
        "This password is too easy to guess: avoid common passwords, names, dates and simple patterns "
        "(a few unrelated words make a good one)."
    ),
}


def check_new_password(field, own_words=()) -> None:
    """The password rule (okr.accounts.rules) as a field's message."""
    problem = rules.password_problem(field.data or "", own_words)
    if problem is not None:
        raise ValidationError(PASSWORD_MESSAGES[problem])


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )
    #: The person's email and name, filled by the view: a password made of them is easy to guess.
    own_words: tuple[str, ...] = ()

    def validate_new(self, field):
        if field.data:
            check_new_password(field, self.own_words)
