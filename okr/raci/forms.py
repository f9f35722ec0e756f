"""The RACI matrix's one form: a cell edit (one person's letter on one key result or project).

It checks the shape of what was sent; the RACI rules themselves (one A, at least one R) are
okr.raci.rules's, applied by the view to the row as it stands in the database.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from okr.core.web.forms import MAX_ID, Form
from okr.raci.queries import ITEM_TYPES


class IdField(IntegerField):
    """A row id: a whole number from 1 to MAX_ID (the database's INTEGER), anything else refused
    at parse time (WTForms' NumberRange turns a huge number into a float and overflows)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not 0 < self.data <= MAX_ID:
            self.data = None
            raise ValueError(_l("Not a valid id."))


def _choices(*values: str) -> list[SelectChoice]:
    return [SelectChoice(v, v or "—") for v in values]


class RaciCellForm(Form):
    """One cell: ``op=cycle`` moves the letter on (none → R → A → A/R → C → I), ``op=set`` gives
    ``letter`` (empty removes it). ``state`` is the row's letters as the page showed them."""

    item_type = SelectField(_l("Item"), choices=_choices(*ITEM_TYPES), validators=[DataRequired()])
    item_id = IdField(_l("Item"), validators=[InputRequired()])
    user_id = IdField(_l("Person"), validators=[InputRequired()])
    op = SelectField(_l("Change"), choices=_choices("cycle", "set"), default="cycle")
    letter = SelectField(
        _l("Letter"),
        choices=_choices("", "R", "A", "A/R", "C", "I"),
        validators=[Optional()],
        default="",
    )
    state = HiddenField(_l("Letters you saw"), validators=[Optional(), Length(max=4000)])
    period = HiddenField(_l("Period"), validators=[Optional(), Length(max=16)])
    draft = BooleanField(_l("Allow gaps while rearranging"), default=False)
