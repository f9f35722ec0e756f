"""Forms of the weekly board: quick add, move, finish / drop / carry over, delegate.

Every form that changes a task carries the task's ``version``; choices of projects, teams and
teammates are set by the view from what the person may see before it validates.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from okr.core.models import TITLE_MAX
from okr.core.web.forms import CleanStringField, Form, choices
from okr.week.rules import ORDER

QUADRANTS = [q.value for q in ORDER]


def _quadrant_choices():
    return choices((q, q) for q in QUADRANTS)


class SmallIntegerField(IntegerField):
    """A whole number that fits a database integer; anything longer is a message, not a crash
    (WTForms' NumberRange cannot compare an int too large for a float)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not -(2**31) < self.data < 2**31:
            self.data = None
            raise ValueError(_l("Enter a smaller whole number."))


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class VersionForm(Form):
    """Finish, drop or carry over one task: only the version the person saw."""

    version = SmallIntegerField(_l("Version"), validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])


class MoveForm(VersionForm):
    """Put a task into a quadrant at a place (0 = first); no place puts it last."""

    quadrant = SelectField(_l("Quadrant"), choices=_quadrant_choices(), validators=[InputRequired()])
    index = SmallIntegerField(_l("Place"), validators=[Optional(), NumberRange(min=0, max=100_000)])


class DelegateForm(VersionForm):
    assignee_id = SelectField(_l("Delegate to"), coerce=_optional_int, choices=[], validators=[InputRequired()])


class AddTaskForm(Form):
    """Quick add in a quadrant: a title, and optionally a project (which sets the key result)."""

    title = CleanStringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    quadrant = SelectField(_l("Quadrant"), choices=_quadrant_choices(), validators=[InputRequired()])
    project_id = SelectField(_l("Project"), coerce=_optional_int, choices=[], validators=[Optional()])
    team_id = SelectField(_l("Team"), coerce=_optional_int, choices=[], validators=[Optional()])
