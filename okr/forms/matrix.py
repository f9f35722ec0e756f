"""The RACI matrix's one form: a cell edit (one person's letter on one key result or project).

It checks the shape of what was sent; the RACI rules themselves (one A, at least one R) are
okr.raci's, applied by the view to the row as it stands in the database.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from okr.raci_queries import ITEM_TYPES

MAX_ID = 2**63 - 1


def _choices(*values: str) -> list[SelectChoice]:
    return [SelectChoice(v, v or "—") for v in values]


class RaciCellForm(FlaskForm):
    """One cell: ``op=cycle`` moves the letter on (none → R → A → C → I), ``op=set`` gives
    ``letter`` (empty removes it). ``state`` is the row's letters as the page showed them."""

    item_type = SelectField(_l("Item"), choices=_choices(*ITEM_TYPES), validators=[DataRequired()])
    item_id = IntegerField(_l("Item"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    user_id = IntegerField(_l("Person"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    op = SelectField(_l("Change"), choices=_choices("cycle", "set"), default="cycle")
    letter = SelectField(
        _l("Letter"),
        choices=_choices("", "R", "A", "C", "I"),
        validators=[Optional()],
        default="",
    )
    state = HiddenField(_l("Letters you saw"), validators=[Optional(), Length(max=4000)])
    period = HiddenField(_l("Period"), validators=[Optional(), Length(max=16)])
    draft = BooleanField(_l("Allow gaps while rearranging"), default=False)
