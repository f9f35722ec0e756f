"""The forms of notifications: one choice of channel per event, and marking read."""

from __future__ import annotations

from wtforms import HiddenField, SelectField
from wtforms.validators import Optional, Regexp

from okr.core.kinds import NOTIFY_CHANNELS, NOTIFY_EVENTS
from okr.core.web.forms import Form, choices
from okr.notify.words import CHANNEL_NAMES, EVENT_NAMES


class PreferencesForm(Form):
    """A select per event (field named as the event); an event left out keeps its channel."""


for _event in NOTIFY_EVENTS:
    setattr(
        PreferencesForm,
        _event,
        SelectField(
            EVENT_NAMES[_event],
            choices=choices((c, CHANNEL_NAMES[c]) for c in NOTIFY_CHANNELS),
            validators=[Optional()],
            validate_choice=True,
        ),
    )


class MarkReadForm(Form):
    """Which notification to mark read: one id, or none for all."""

    id = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,9}\Z")])
