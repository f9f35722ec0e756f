"""Forms of the budget pages: the validation boundary. Money has at most two decimal places and
is neither negative nor absurd; a margin lies in 0–1; users, impressions, CPM and LTV are not
negative; dates lie in the period. Every message lands by its field, in the person's language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from okr.budget import rules
from okr.core import kinds
from okr.core.web.forms import CleanStringField, Form, choices, clean_text, row_id

CATEGORY_MAX = 64
NOTE_MAX = 2000

MONEY_MESSAGES = {
    "not_a_number": _l("Enter an amount, such as 1200, 1,200.50 or 1.5万."),
    "too_many_places": _l("Money has at most two decimal places (cents)."),
    "negative": _l("An amount cannot be negative."),
    "zero": _l("Enter an amount other than 0."),
    "too_large": _l("This amount is too large: enter at most 1,000,000,000,000."),
    "margin_range": _l("A margin lies between 0 and 1 (such as 0.2 or 20%)."),
    "whole_number": _l("Enter a whole number."),
}


def _number(raw: str) -> Decimal:
    from okr.core.numbers import parse_quantity

    try:
        return parse_quantity(raw)
    except (ValueError, TypeError):
        raise rules.MoneyError("not_a_number") from None


class MoneyField(StringField):
    """An amount of money as people type it (``1,200.50``, ``１２００``, ``1.5万``), checked by
    :func:`okr.budget.rules.check_money`. Empty is None (the form says whether that is allowed)."""

    def __init__(self, *args, allow_negative=False, allow_zero=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_negative, self.allow_zero = allow_negative, allow_zero

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw or not self.raw.strip():
            return
        try:
            if "%" in self.raw or "％" in self.raw:
                raise rules.MoneyError("not_a_number")
            self.data = rules.check_money(
                _number(self.raw), allow_negative=self.allow_negative, allow_zero=self.allow_zero
            )
        except rules.MoneyError as e:
            self.data = None
            raise ValueError(MONEY_MESSAGES[e.code]) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data, "f")


class MarginField(MoneyField):
    """A margin: 0.2 or 20%."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw or not self.raw.strip():
            return
        try:
            value = _number(self.raw)
            if self.raw.strip().endswith(("%", "％")):
                value = value / 100
            self.data = rules.check_margin(value)
        except rules.MoneyError as e:
            raise ValueError(MONEY_MESSAGES[e.code]) from None


class CountField(MoneyField):
    """A whole count: users, impressions (3000万 is 30,000,000)."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw or not self.raw.strip():
            return
        try:
            self.data = rules.check_count(_number(self.raw))
        except rules.MoneyError as e:
            raise ValueError(MONEY_MESSAGES[e.code]) from None


def _category_field():
    return CleanStringField(
        _l("Category"),
        validators=[
            DataRequired(message=_l("Name the category, such as people or campaigns.")),
            Length(max=CATEGORY_MAX, message=_l("A category has at most 64 characters.")),
        ],
    )


def _note_field(label=None):
    return TextAreaField(
        label or _l("Note"), validators=[Optional(), Length(max=NOTE_MAX, message=_l("The note is too long."))]
    )


class VersionMixin:
    @property
    def version_number(self) -> int | None:
        try:
            n = int(self.version.data)
        except (TypeError, ValueError):
            return None
        return n if 0 < n < 2**31 else None


class LineForm(VersionMixin, Form):
    """One budget line: category, kind, the planned amount of each month of the fiscal year
    (fields ``m1`` … ``m12`` in the year's order)."""

    line_id = HiddenField()
    category = _category_field()
    kind = SelectField(_l("Kind"), choices=choices([("fixed", _l("fixed")), ("variable", _l("variable"))]))
    version = HiddenField()
    m1 = MoneyField()
    m2 = MoneyField()
    m3 = MoneyField()
    m4 = MoneyField()
    m5 = MoneyField()
    m6 = MoneyField()
    m7 = MoneyField()
    m8 = MoneyField()
    m9 = MoneyField()
    m10 = MoneyField()
    m11 = MoneyField()
    m12 = MoneyField()

    def validate_line_id(self, field):
        if field.data not in (None, "") and row_id(field.data) is None:
            raise ValidationError(_l("This budget line does not exist."))

    def validate_kind(self, field):
        if field.data not in kinds.BUDGET_KINDS:
            raise ValidationError(_l("Choose fixed or variable."))

    def month_fields(self):
        return [getattr(self, f"m{i}") for i in range(1, 13)]

    def months(self, month_names: list[str]) -> dict[str, Decimal]:
        return {name: (f.data or rules.ZERO) for name, f in zip(month_names, self.month_fields())}


class CostForm(Form):
    category = _category_field()
    amount = MoneyField(_l("Amount"), allow_zero=False)
    note = _note_field()

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter the planned amount."))

    def validate_note(self, field):
        field.data = clean_text(field.data)


class SpendForm(Form):
    """Money spent on a day inside ``start``–``end`` (the period the spend belongs to)."""

    spent_on = DateField(_l("Date"))
    amount = MoneyField(_l("Amount"), allow_zero=False)
    category = _category_field()
    note = _note_field()

    def __init__(self, *args, start: date | None = None, end: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._start, self._end = start, end
        self.spent_on.render_kw = {"type": "date"}
        if start and end:
            self.spent_on.render_kw.update(min=start.isoformat(), max=end.isoformat())

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter the amount spent."))

    def validate_spent_on(self, field):
        if field.data is None:
            # Empty or unreadable: one message of ours instead of WTForms' own.
            field.errors[:] = []
            raise ValidationError(_l("Enter the date the money was spent, such as 2026-04-10."))
        if self._start and self._end and not self._start <= field.data <= self._end:
            raise ValidationError(
                _l("Enter a date from %(start)s to %(end)s.", start=self._start.isoformat(), end=self._end.isoformat())
            )
        if field.data > date.today():
            raise ValidationError(_l("Spend cannot be dated in the future."))

    def validate_note(self, field):
        field.data = clean_text(field.data)


class ReturnForm(Form):
    """A return: its kind and either its inputs or a plain amount."""

    kind = SelectField(
        _l("Kind"),
        choices=choices(
            [
                ("direct", _l("direct: GMV × margin")),
                ("indirect", _l("indirect: new users × LTV")),
                ("brand", _l("brand: impressions ÷ 1000 × CPM")),
                ("other", _l("other")),
            ]
        ),
    )
    gmv = MoneyField(_l("GMV"))
    margin = MarginField(_l("Margin"))
    users = CountField(_l("New users"))
    ltv = MoneyField(_l("LTV"))
    impressions = CountField(_l("Impressions"))
    cpm = MoneyField(_l("CPM"))
    amount = MoneyField(_l("Amount"))
    note = _note_field()

    NEEDS = {"direct": ("gmv", "margin"), "indirect": ("users", "ltv"), "brand": ("impressions", "cpm"), "other": ()}

    def validate_kind(self, field):
        if field.data not in kinds.RETURN_KINDS:
            raise ValidationError(_l("Choose direct, indirect, brand or other."))

    def validate_note(self, field):
        field.data = clean_text(field.data)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not ok or self.amount.data is not None:
            return ok
        needed = self.NEEDS.get(self.kind.data, ())
        if not needed:
            self.amount.errors = [*self.amount.errors, _l("Enter the amount this return is worth.")]
            return False
        for name in needed:
            f = getattr(self, name)
            if f.data is None:
                f.errors = [*f.errors, _l("Enter this, or a plain amount instead.")]
                ok = False
        return ok

    def inputs(self) -> dict:
        if self.amount.data is not None:
            return {"amount": self.amount.data}
        return {name: getattr(self, name).data for name in self.NEEDS[self.kind.data]}


class ArchiveRowForm(VersionMixin, Form):
    """Archive one row of a budget: ``what`` (line, cost, spend, return) and its id."""

    what = SelectField(choices=choices([("line", "line"), ("cost", "cost"), ("spend", "spend"), ("return", "return")]))
    row_id = HiddenField(validators=[DataRequired()])
    version = HiddenField()

    def validate_row_id(self, field):
        if row_id(field.data) is None:
            raise ValidationError(_l("This row does not exist."))


class AdjustmentForm(Form):
    category = _category_field()
    month = SelectField(_l("Month"))
    amount = MoneyField(_l("Change"), allow_negative=True, allow_zero=False)
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Say why the budget should change.")),
            Length(max=NOTE_MAX, message=_l("The reason is too long.")),
        ],
    )

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.month.choices = choices([(mo, mo) for mo in months])

    def validate_month(self, field):
        if field.data not in [c.value if hasattr(c, "value") else c[0] for c in self.month.choices]:
            raise ValidationError(_l("Choose a month of the year."))

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter the change: more (1000) or less (-1000)."))

    def validate_reason(self, field):
        field.data = clean_text(field.data)
        if not field.data:
            raise ValidationError(_l("Say why the budget should change."))


class DecisionForm(VersionMixin, Form):
    adjustment_id = HiddenField(validators=[DataRequired()])
    decision = SelectField(choices=choices([("approve", _l("Approve")), ("decline", _l("Decline"))]))
    note = _note_field(_l("Note"))
    version = HiddenField()

    def validate_adjustment_id(self, field):
        if row_id(field.data) is None:
            raise ValidationError(_l("This request does not exist."))

    def validate_note(self, field):
        field.data = clean_text(field.data)


class CurrencyForm(Form):
    currency = SelectField(_l("Currency"), choices=choices([(c, c) for c in kinds.CURRENCIES]))

    def validate_currency(self, field):
        if field.data not in kinds.CURRENCIES:
            raise ValidationError(_l("Choose a currency from the list."))
