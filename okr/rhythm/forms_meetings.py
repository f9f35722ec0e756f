"""Forms of the rhythm's meetings: a stand-up note, a task flagged blocked with its reason, the
four review questions, a 1:1 agenda item and a 1:1 meeting's notes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from okr.core.web.forms import CleanStringField, Form, VersionForm

ANSWER_MAX = 20_000
_ID = [Optional(), Regexp(r"^[0-9]{1,9}\Z")]


class StandupNoteForm(Form):
    note = CleanStringField(_l("Note"), validators=[Optional(), Length(max=300)])
    version = HiddenField(validators=_ID)


class BlockForm(VersionForm):
    reason = CleanStringField(_l("Why is it blocked?"), validators=[DataRequired(), Length(max=300)])


class ReviewAnswerForm(Form):
    went_well = TextAreaField(_l("What went well"), validators=[Optional(), Length(max=ANSWER_MAX)])
    went_badly = TextAreaField(_l("What did not"), validators=[Optional(), Length(max=ANSWER_MAX)])
    learned = TextAreaField(_l("What we learned"), validators=[Optional(), Length(max=ANSWER_MAX)])
    decide_next = TextAreaField(_l("What we decide next"), validators=[Optional(), Length(max=ANSWER_MAX)])
    version = HiddenField(validators=_ID)


class AgendaItemForm(Form):
    text = CleanStringField(_l("Point to talk about"), validators=[DataRequired(), Length(max=500)])
    key_result_id = HiddenField(validators=_ID)
    task_id = HiddenField(validators=_ID)


class MeetingNotesForm(Form):
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=ANSWER_MAX)])


def optional_id(value) -> int | None:
    """A hidden id or version field's number, or None when it was left empty (or blank)."""
    text = (value or "").strip() if isinstance(value, str) else value
    return int(text) if text else None
