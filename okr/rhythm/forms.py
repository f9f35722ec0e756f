"""Forms of the quarter review: a key result's score override with its reflection, and an
objective's reflection with whether it carries into next quarter."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from okr.core.web.forms import Form, QuantityField, clean_text

REFLECTION_MAX = 20_000


class _CleanTextArea(TextAreaField):
    def post_validate(self, form, validation_stopped):
        if not validation_stopped:
            try:
                self.data = clean_text(self.data)
            except ValidationError as e:
                self.errors.append(str(e.args[0]))


class KRScoreForm(Form):
    """Override a key result's quarter score (empty: the score is its progress)."""

    score_override = QuantityField(_l("Score (0 to 1, empty = progress)"), validators=[Optional()])
    reflection = _CleanTextArea(_l("Reflection"), validators=[Optional(), Length(max=REFLECTION_MAX)])
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])

    def validate_score_override(self, field):
        if field.data is None:
            return
        value = Decimal(field.data)
        if value > 1 and value <= 100 and getattr(field, "raw", "").strip().endswith("%"):
            value = value / 100
        if not Decimal(0) <= value <= Decimal(1):
            raise ValidationError(_l("A score lies between 0 and 1, such as 0.7."))
        field.data = value


class ObjectiveReviewForm(Form):
    """What went well, what did not, what we learned; and whether it carries over."""

    reflection = _CleanTextArea(_l("Reflection"), validators=[Optional(), Length(max=REFLECTION_MAX)])
    carry_over = BooleanField(_l("Carry into next quarter"))
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
