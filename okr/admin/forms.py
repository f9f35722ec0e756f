"""Forms of the admin pages: people, teams, roles, settings.

Each form is the validation boundary of one write view; choices that depend on the organisation
(teams, people) are filled by the view before validation.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, PasswordField, SelectField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from okr.accounts.forms import check_new_password
from okr.core.kinds import ROLES, TEAM_KINDS
from okr.core.web.forms import CleanStringField, ConfirmForm, Form, VersionForm, choices


def _role_choices():
    return choices(
        [("admin", _l("Team admin")), ("manager", _l("Manager")), ("member", _l("Member")), ("viewer", _l("Viewer"))]
    )


def _kind_choices():
    return choices([("company", _l("Company")), ("department", _l("Department")), ("team", _l("Team"))])


class PersonForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z", message=_l("Enter an email address.")),
        ],
    )
    name = CleanStringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("First password"), validators=[DataRequired(), Length(max=1024)])
    team_id = SelectField(_l("Team"), coerce=int, validators=[Optional()], validate_choice=True)
    role = SelectField(_l("Role"), choices=_role_choices, default="member")
    is_admin = BooleanField(_l("Organisation admin"))

    def validate_password(self, field):
        if field.data:
            check_new_password(field, (self.email.data, self.name.data))


class RoleForm(Form):
    team_id = SelectField(_l("Team"), coerce=int, validate_choice=True)
    role = SelectField(
        _l("Role"), choices=lambda: choices([("", _l("No role"))] + [(r, r) for r in ROLES]), validate_choice=True
    )


class TeamForm(Form):
    name = CleanStringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = CleanStringField(
        _l("Short name in addresses"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[a-z0-9][a-z0-9-]*\Z", message=_l("Use lower-case letters, digits and dashes.")),
        ],
    )
    kind = SelectField(_l("Kind"), choices=_kind_choices, default="team", validate_choice=True)
    parent_id = SelectField(_l("Parent team"), coerce=int, validators=[Optional()], validate_choice=True)


class TeamEditForm(Form):
    version = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}\Z")])
    name = CleanStringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    parent_id = SelectField(_l("Parent team"), coerce=int, validators=[Optional()], validate_choice=True)


class OrgSettingsForm(Form):
    smart_blocking = CleanStringField(
        _l("SMART letters that block a save"),
        validators=[
            Optional(),
            Length(max=5),
            Regexp(r"^[SMART]*\Z", message=_l("Use only the letters S, M, A, R and T.")),
        ],
    )
    raci_max_accountable = IntegerField(
        _l("Most items one person is Accountable for"), validators=[DataRequired(), NumberRange(min=1, max=1000)]
    )
    raci_max_responsible = IntegerField(
        _l("Most items one person is Responsible for"), validators=[DataRequired(), NumberRange(min=1, max=1000)]
    )


__all__ = [
    "choices",
    "ConfirmForm",
    "VersionForm",
    "PersonForm",
    "RoleForm",
    "TeamForm",
    "TeamEditForm",
    "OrgSettingsForm",
    "TEAM_KINDS",
]
