"""Forms of the plan pages: annual goals, objectives, key results, projects, check-ins, copy
forward and plan documents. Every message is translated and lands next to its field.

The view passes what a form checks against (the team's members, the goals an objective may
align to, the key results a project may move); the form refuses anything else, so a hand-made
post cannot align across years or pick an owner from another team.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice as C
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from okr.core.models import TITLE_MAX
from okr.core.web.forms import CleanStringField, Form, QuantityField, clean_text
from okr.smart.forms import blocking_for_form

DESCRIPTION_MAX = 20_000
UNIT_MAX = 32

# Words people use for confidence, in both languages, and the number each stands for.
CONFIDENCE_WORDS = {
    "low": Decimal("0.3"),
    "medium": Decimal("0.6"),
    "high": Decimal("0.9"),
    "低": Decimal("0.3"),
    "中": Decimal("0.6"),
    "高": Decimal("0.9"),
}


def parse_confidence(text: str | None) -> Decimal | None:
    """Confidence as typed: a number 0…1 (``0.7``), a percentage (``70%`` → 0.7) or a word
    (low 0.3, medium 0.6, high 0.9; 低/中/高). Empty → None. Anything else is a ValueError."""
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip()
    word = CONFIDENCE_WORDS.get(raw.lower())
    if word is not None:
        return word
    from okr.core.numbers import parse_quantity

    value = parse_quantity(raw)
    if raw.rstrip().endswith(("%", "％")):
        value = value / 100
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError("out of range")
    return value.normalize() if value else Decimal(0)


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def _title():
    return CleanStringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title.")),
            Length(max=TITLE_MAX, message=_l("Keep the title to %(max)d characters or fewer.", max=TITLE_MAX)),
        ],
    )


def _none_as_empty(value):
    return "" if value is None else value


def _description():
    # A client that leaves the field out saves it empty (the column holds text, never NULL).
    return TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=_l("The description is too long."))],
        filters=[_none_as_empty],
    )


def _weight():
    return QuantityField(_l("Weight"), default=Decimal(1))


class PlanItemForm(Form):
    """Shared by every plan item: title, description, owner, the row's version."""

    title = _title()
    description = _description()
    owner_id = SelectField(_l("Owner"), coerce=_optional_int, validate_choice=False)
    version = HiddenField()
    # Which SMART item this form saves (goal, objective, kr): the organisation's blocking letters
    # (and M for a key result) are checked on save by okr.smart.blocking, with the live panel's
    # messages, shown by the title. None for items the SMART coach does not judge.
    smart_kind: str | None = None

    def __init__(self, *args, members=(), stored_weight=None, stored_owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._member_ids = {p.id for p in members}
        self._stored_weight = stored_weight
        self.owner_id.choices = [C("", _l("— nobody yet —"))] + [C(str(p.id), p.name) for p in members]
        # The stored owner may come from another team (the Accountable is the owner, and a RACI
        # letter may go to anyone in the organisation): an edit may keep them, not pick them anew.
        if stored_owner is not None and stored_owner[0] not in self._member_ids:
            self._member_ids.add(stored_owner[0])
            self.owner_id.choices.append(C(str(stored_owner[0]), stored_owner[1]))
        weight = self._fields.get("weight")
        if weight is not None:
            weight.description = (
                _l(
                    "The weight is 0, so this item is left out of every rollup. Keep 0, or give it a weight "
                    "above 0 to count it."
                )
                if stored_weight is not None and stored_weight == 0
                else _l("How much it counts in the weighted mean above it: greater than 0.")
            )

    def validate(self, extra_validators=None):
        success = super().validate(extra_validators)
        if self.smart_kind and not self.title.errors:
            problems = blocking_for_form(self, self.smart_kind)
            if problems:
                self.title.errors = [*self.title.errors, *problems.values()]
                self._errors = None
                success = False
        return success

    def validate_description(self, field):
        field.data = clean_text(field.data)

    def validate_owner_id(self, field):
        if field.data is not None and field.data not in self._member_ids:
            raise ValidationError(_l("The owner must be a member of the team."))

    def validate_weight(self, field):
        """Weights are greater than 0. A stored weight of 0 (a plan document may give one, to
        leave an item out of the rollups) may be kept as it is by an edit, not set anew."""
        if field.data is None:
            if field.raw:
                return
            field.data = Decimal(1)
        if field.data == 0 and self._stored_weight is not None and self._stored_weight == 0:
            return
        if field.data <= 0:
            raise ValidationError(_l("The weight must be greater than 0."))

    @property
    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def _counts_from():
    return DateField(_l("Counts from"), validators=[Optional()])


class PacedForm(PlanItemForm):
    """A goal, objective or key result: its pace counts from ``starts_on`` (a day in its
    period, ``span``), empty for the period's first day (okr.rollup.formulas.pace)."""

    def __init__(self, *args, span=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._span = span
        field = self._fields.get("starts_on")
        if field is not None:
            field.render_kw = {"type": "date"}
            if span is not None:
                field.description = _l(
                    "Its pace counts from this day; leave it empty to count from the start of %(period)s.",
                    period=str(span),
                )

    def validate_starts_on(self, field):
        if field.data and self._span is not None and not self._span.contains(field.data):
            raise ValidationError(_l("Pick a day in %(period)s.", period=str(self._span)))


class GoalForm(PacedForm):
    smart_kind = "goal"
    weight = _weight()
    parent_goal_id = SelectField(_l("Supports"), coerce=_optional_int, validate_choice=False)

    def __init__(self, *args, parent_goals=(), year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._parents = {g.id: g for g in parent_goals}
        self._year = year
        self.parent_goal_id.choices = [C("", _l("— no goal above —"))] + [C(str(g.id), g.title) for g in parent_goals]

    starts_on = _counts_from()

    def validate_parent_goal_id(self, field):
        if field.data is None:
            return
        goal = self._parents.get(field.data)
        if goal is None:
            raise ValidationError(_l("Choose one of the listed goals of the team above."))
        if self._year is not None and goal.year != self._year:
            raise ValidationError(_l("A goal of %(year)s can only support a goal of the same year.", year=self._year))


class ObjectiveForm(PacedForm):
    smart_kind = "objective"
    kind = SelectField(
        _l("Kind"),
        choices=[C("committed", _l("committed")), C("aspirational", _l("aspirational"))],
        default="committed",
        validate_choice=False,
    )
    goal_id = SelectField(_l("Aligned goal"), coerce=_optional_int, validate_choice=False)
    weight = _weight()
    starts_on = _counts_from()

    def __init__(self, *args, goals=(), quarter=None, lookup_goal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._goals = {g.id: g for g in goals}
        self._quarter = quarter
        self._lookup = lookup_goal
        self.goal_id.choices = [C("", _l("— not aligned —"))] + [C(str(g.id), f"{g.year} · {g.title}") for g in goals]

    def validate_kind(self, field):
        if field.data not in ("committed", "aspirational"):
            raise ValidationError(_l("Choose committed or aspirational."))

    def validate_goal_id(self, field):
        if field.data is None:
            return
        goal = self._goals.get(field.data) or (self._lookup(field.data) if self._lookup else None)
        if goal is None:
            raise ValidationError(_l("Choose one of the listed goals."))
        if self._quarter is not None and goal.year != self._quarter.fiscal_year().year:
            raise ValidationError(
                _l(
                    "A %(quarter)s objective can only align to a goal of %(year)s.",
                    quarter=str(self._quarter),
                    year=self._quarter.fiscal_year().year,
                )
            )
        if goal.id not in self._goals:
            raise ValidationError(_l("Choose a goal of this team or a team above it."))


class KeyResultForm(PacedForm):
    smart_kind = "kr"
    kind = SelectField(
        _l("Kind"),
        choices=[C("metric", _l("metric")), C("percent", _l("percent")), C("milestone", _l("milestone"))],
        default="metric",
        validate_choice=False,
    )
    start = QuantityField(_l("Start"))
    target = QuantityField(_l("Target"))
    unit = CleanStringField(
        _l("Unit"),
        validators=[Length(max=UNIT_MAX, message=_l("Keep the unit to %(max)d characters or fewer.", max=UNIT_MAX))],
    )
    weight = _weight()
    progress_from = SelectField(
        _l("Progress from"),
        choices=[C("checkins", _l("check-ins")), C("projects", _l("projects"))],
        default="checkins",
        validate_choice=False,
    )
    starts_on = _counts_from()

    def validate_kind(self, field):
        if field.data not in ("metric", "percent", "milestone"):
            raise ValidationError(_l("Choose metric, percent or milestone."))

    def validate_progress_from(self, field):
        if field.data not in ("checkins", "projects"):
            raise ValidationError(_l("Choose check-ins or projects."))

    def validate_start(self, field):
        if self.kind.data == "milestone":
            field.data = field.data if field.data is not None else Decimal(0)
            return
        if field.data is None and not field.errors and not field.raw:
            raise ValidationError(_l("Enter the value you start from."))

    def validate_target(self, field):
        if self.kind.data == "milestone":
            field.data = field.data if field.data is not None else Decimal(1)
            return
        if field.data is None:
            if not field.raw:
                raise ValidationError(_l("Enter the target value."))
            return
        if self.start.data is not None and field.data == self.start.data:
            raise ValidationError(_l("The target must differ from the start."))


class ProjectForm(PlanItemForm):
    month = SelectField(_l("Month"), validate_choice=False)
    key_result_id = SelectField(_l("Key result it moves"), coerce=_optional_int, validate_choice=False)
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    due_on = DateField(_l("Due"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[
            C("planned", _l("planned")),
            C("active", _l("active")),
            C("done", _l("done")),
            C("dropped", _l("dropped")),
        ],
        default="active",
        validate_choice=False,
    )

    def __init__(self, *args, krs=(), months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._krs = {k.id for k in krs}
        self._months = {str(x): x for x in months}
        self.month.choices = [C(t) for t in self._months]
        if not self.month.data and self._months:
            self.month.data = next(iter(self._months))
        self.key_result_id.choices = [C("", _l("— no key result —"))] + [C(str(k.id), k.title) for k in krs]
        for f in (self.starts_on, self.due_on):
            f.render_kw = {"type": "date"}

    @property
    def _month(self):
        return self._months.get(self.month.data)

    def validate_month(self, field):
        if field.data not in self._months:
            raise ValidationError(
                _l("Choose a month of the key result's quarter: %(months)s.", months=", ".join(self._months))
            )

    def validate_key_result_id(self, field):
        if field.data is not None and field.data not in self._krs:
            raise ValidationError(_l("Choose a key result of this team's quarter."))

    def validate_status(self, field):
        if field.data not in ("planned", "active", "done", "dropped"):
            raise ValidationError(_l("Choose a status from the list."))

    def validate_starts_on(self, field):
        if field.data and self._month is not None and not self._month.contains(field.data):
            raise ValidationError(_l("Pick a day in %(month)s.", month=str(self._month)))

    def validate_due_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The due date cannot be before the start."))


class CheckInForm(Form):
    value = QuantityField(_l("Value"))
    done = BooleanField(_l("Done"))
    confidence = CleanStringField(_l("Confidence"))
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=DESCRIPTION_MAX, message=_l("The note is too long."))]
    )
    checked_on = DateField(_l("Date"), validators=[Optional()])
    version = HiddenField()

    def __init__(self, *args, kind="metric", **kwargs):
        super().__init__(*args, **kwargs)
        self._kind = kind
        self.checked_on.render_kw = {"type": "date"}
        self.confidence_value: Decimal | None = None

    def validate_value(self, field):
        if self._kind == "milestone":
            field.data = Decimal(1) if self.done.data else Decimal(0)
            return
        # Blank (spaces, a full-width space) is no value; an unreadable one has its own message.
        if field.data is None and not field.process_errors:
            raise ValidationError(_l("Enter the value you measured."))

    def validate_confidence(self, field):
        try:
            self.confidence_value = parse_confidence(field.data)
        except ValueError:
            raise ValidationError(
                _l("Enter a confidence from 0 to 1 (such as 0.7 or 70%), or low, medium or high.")
            ) from None

    def validate_note(self, field):
        field.data = clean_text(field.data)

    def validate_checked_on(self, field):
        if field.data is None:
            field.data = date.today()
        elif field.data > date.today():
            raise ValidationError(_l("A check-in cannot be dated in the future."))

    @property
    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class MoveForm(Form):
    direction = SelectField(choices=[C("up"), C("down")], validate_choice=False)
    version = HiddenField()

    def validate_direction(self, field):
        if field.data not in ("up", "down"):
            raise ValidationError(_l("Choose up or down."))


class ArchiveForm(Form):
    version = HiddenField()


class CopyForwardForm(Form):
    ids = SelectMultipleField(_l("Items to copy"), coerce=int, validate_choice=False)

    def __init__(self, *args, allowed=(), already=None, target="", **kwargs):
        super().__init__(*args, **kwargs)
        self._allowed = set(allowed)
        self._already = dict(already or {})  # id -> title of items with a copy in the target already
        self._target = target
        self.ids.choices = [C(str(i)) for i in allowed]

    def validate_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one item to copy."))
        twice = [self._already[i] for i in field.data if i in self._already]
        if twice:
            raise ValidationError(
                _l(
                    "Already copied to %(period)s: %(titles)s.",
                    period=self._target,
                    titles=", ".join(f"“{t}”" for t in twice),
                )
            )
        if any(i not in self._allowed for i in field.data):
            raise ValidationError(_l("Choose among the listed items."))
