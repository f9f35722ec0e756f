"""Forms of the KPI pages: the quick value form, a paste of many rows, an alert's note, and the
recovery objective started from an alert. Every message is translated and lands by its field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from okr.core.models import TITLE_MAX
from okr.core.web.forms import CleanStringField, Form, QuantityField
from okr.kpi import ops, rows

NOTE_MAX = 2000
PASTE_MAX = 2_000_000


def _check_number(field) -> None:
    if field.data is None:
        raise ValidationError(_l("Enter a number, such as 30, 1,000 or 30%."))
    try:
        ops.check_value(field.data)
    except ops.KpiError as e:
        from okr.kpi.words import problem

        raise ValidationError(problem(e.code)) from None


class ValueForm(Form):
    """One value of one KPI: which KPI (its key), the value, the date (today when left empty,
    the page fills it in) and a note."""

    kpi = SelectField(_l("KPI"), choices=[], validate_choice=False, validators=[DataRequired(), Length(max=64)])
    value = QuantityField(_l("Value"))
    on = CleanStringField(_l("Date"), validators=[Length(max=30)])
    note = CleanStringField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._keys = set(keys)
        self.on.render_kw = {"type": "date"}
        self.parsed_on = None

    def validate_kpi(self, field):
        if field.data not in self._keys:
            raise ValidationError(_l("Choose one of this board's KPIs you may enter values for."))

    def validate_value(self, field):
        _check_number(field)

    def validate_on(self, field):
        from datetime import date

        from okr.kpi.words import problem

        if not field.data:
            self.parsed_on = date.today()
            return
        found = rows.parse_date(field.data)
        if isinstance(found, str):
            raise ValidationError(problem(found))
        self.parsed_on = found


class PasteForm(Form):
    """Many values at once, pasted from a spreadsheet: ``key, date, value, note`` per line."""

    rows = TextAreaField(
        _l("Rows"),
        validators=[DataRequired(message=_l("Paste at least one row.")), Length(max=PASTE_MAX)],
    )


class AlertForm(Form):
    """Acknowledge or resolve an alert: a note (cause and action) and the version the page saw."""

    note = CleanStringField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])
    version = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}\Z")])


class RecoverForm(Form):
    """A recovery objective started from an alert, prefilled by the page."""

    title = CleanStringField(_l("Objective"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    quarter = SelectField(_l("Quarter"), choices=[], validators=[DataRequired()])
    kr_title = CleanStringField(_l("Key result"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    start = QuantityField(_l("Start"))
    target = QuantityField(_l("Target"))

    def validate_start(self, field):
        _check_number(field)

    def validate_target(self, field):
        _check_number(field)
        if self.start.data is not None and field.data == self.start.data:
            raise ValidationError(_l("The target must differ from the start."))


class KpiForm(Form):
    """A new KPI of the board's team: the tree, the direction, the ranges and this period's target."""

    key = CleanStringField(_l("Key"), validators=[DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9_.:-]+\Z",
                           message=_l("Use letters, digits and _ . : - only."))])  # fmt: skip
    name = CleanStringField(_l("KPI name"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    unit = CleanStringField(_l("Unit"), validators=[Optional(), Length(max=32)])
    level = SelectField(_l("Level"), choices=[])
    parent = SelectField(_l("Parent KPI"), choices=[], validate_choice=True)
    direction = SelectField(_l("Direction"), choices=[])
    frequency = SelectField(_l("Frequency"), choices=[])
    normal_min = QuantityField(_l("Normal min"))
    normal_max = QuantityField(_l("Normal max"))
    critical_min = QuantityField(_l("Critical min"))
    critical_max = QuantityField(_l("Critical max"))
    target = QuantityField(_l("Target for this period"))

    def _bound(self, field):
        if field.data is not None:
            _check_number(field)

    validate_normal_min = validate_normal_max = validate_critical_min = validate_critical_max = _bound
    validate_target = _bound
