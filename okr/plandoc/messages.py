"""The plan document's words: every problem code of the checker and importer, and every term a
message names, as English text marked for the catalogs (plans.po). The one place they live.

Pure: the checker returns codes and parameters (:class:`okr.plandoc.schema.Issue`); a page says
them in the reader's language by passing the catalogs' ``gettext`` to :func:`say`, the command
line in English by passing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _(text: str) -> str:
    """Mark ``text`` for the catalogs (Babel extracts ``_("…")``); translated by :func:`say`."""
    return text


class Term(str):
    """A parameter that is itself a word to translate: its value is a key of :data:`TERMS`."""


TERMS = {
    # what a value should have been
    "document": _("the plan document"),
    "team": _("a team"),
    "person": _("a person"),
    "membership": _("a membership"),
    "goal": _("a goal"),
    "measure": _("a measure"),
    "objective": _("an objective"),
    "key_result": _("a key result"),
    "check_in": _("a check-in"),
    "project": _("a project"),
    "task": _("a task"),
    "this_person": _("this person"),
    # periods: an example of each kind, and each kind's name
    "year_example": _("a year such as 2026"),
    "quarter_example": _("a quarter such as 2026-Q2"),
    "month_example": _("a month such as 2026-04"),
    "week_example": _("an ISO week such as 2026-W16"),
    "year": _("a year"),
    "quarter": _("a quarter"),
    "month": _("a month"),
    "week": _("an ISO week"),
}

MESSAGES = {
    # shapes
    "not_object": _("%(what)s must be an object, not %(type)s"),
    "unknown_key_hint": _("unknown key %(key)s: did you mean %(hint)s? expected one of %(keys)s"),
    "unknown_key": _("unknown key %(key)s: expected one of %(keys)s"),
    "starts_on_outside": _("%(day)s lies outside %(period)s: an item's pace counts from a day of its own period"),
    "not_list": _("must be a list, not %(type)s"),
    # scalars
    "required": _("is required"),
    "not_string": _("must be a string, not %(type)s"),
    "empty": _("must not be empty"),
    "too_many_chars": _("is %(n)s characters long: at most %(max)s"),
    "too_many_bytes": _("is longer than %(kb)s KB"),
    "not_number": _("must be a number, not %(value)s"),
    "not_finite": _("must be a finite number, not %(value)s"),
    "not_numeric_text": _("%(value)s is not a number"),
    "too_large": _("%(value)s is too large: numbers must lie below 1e12 in size"),
    "too_many_places": _("%(value)s has more than %(places)s decimal places"),
    "below_minimum": _("must be at least %(minimum)s, not %(value)s"),
    "above_maximum": _("must be at most %(maximum)s, not %(value)s"),
    "not_boolean": _("must be true or false, not %(value)s"),
    "not_a_choice": _("%(value)s is not one of %(choices)s"),
    "not_date": _("%(value)s is not a date: write it as YYYY-MM-DD"),
    "not_calendar_date": _("%(value)s is not a date on the calendar"),
    "not_period": _("must be %(what)s, not %(value)s"),
    "unreadable_period": _("cannot be read as %(what)s: %(error)s"),
    "wrong_period_kind": _("%(value)s is %(found)s: this must be %(what)s"),
    # references
    "not_team_slug": _("must be a team slug, not %(type)s"),
    "unknown_team": _("unknown team %(value)s: list it in teams"),
    "not_email": _("must be an email, not %(type)s"),
    "unknown_person": _("unknown person %(value)s: list them in people"),
    # the document
    "format_required": _("is required: %(format)s"),
    "unknown_format": _("%(value)s is not a format this version reads: use %(format)s"),
    # teams and people
    "bad_slug": _("%(value)s is not a slug: use a-z, 0-9, - and _"),
    "duplicate_slug": _("duplicate team slug %(value)s"),
    "own_parent": _("a team cannot be its own parent"),
    "team_cycle": _("team %(slug)s would be below itself: parents form a cycle"),
    "bad_email": _("%(value)s is not an email address"),
    "duplicate_email": _("duplicate email %(email)s (also %(path)s)"),
    # Names no account and no organisation (docs/security.md, "Accounts across organisations").
    "email_unavailable": _("%(email)s cannot be used for a new account: ask the person for another address"),
    "role_without_team": _("a role needs a team: add team"),
    "already_member": _("%(who)s is already in team %(team)s"),
    # the uploader's scope
    "team_out_of_scope": _(
        "team %(team)s is not this page's team or a team under it: only an organisation admin may import plans "
        "of other teams"
    ),
    "creates_team": _("creates team %(team)s: only an organisation admin may add teams"),
    "creates_person": _("creates person %(email)s: only an organisation admin may add people"),
    "makes_admin": _("would make %(email)s an organisation admin: only an organisation admin may do that"),
    "adds_member": _(
        "adds %(email)s to team %(team)s as %(role)s: only an organisation admin may change who belongs to a team"
    ),
    # goals
    "duplicate_ref": _("duplicate goal ref %(ref)s (also %(path)s)"),
    "not_ref": _("must be the ref of another goal, not %(type)s"),
    "unknown_ref": _("no goal has ref %(value)s"),
    "supports_itself": _("a goal cannot support itself"),
    "goal_cycle": _("goal %(ref)s would support itself: supports form a cycle"),
    "measure_flat": _("must differ from start (%(start)s)"),
    # objectives and key results
    "quarter_outside_year": _("%(quarter)s is not in the goal's year %(year)s"),
    "milestone_range": _('a milestone has no start or target: use "done": true or false'),
    "target_is_start": _("must differ from start (%(start)s): nothing to reach"),
    "done_not_milestone": _('only a milestone takes "done"; a %(kind)s key result moves by check-ins'),
    # RACI
    "raci_not_object": _("must be an object with the letters A, R, C and I, not %(type)s"),
    "raci_bad_letter": _("%(value)s is not a RACI letter: use R, A, C or I"),
    "raci_not_emails": _("must be an email or a list of emails, not %(type)s"),
    "raci_two_accountable": _("%(n)s people are Accountable: exactly one person holds A"),
    "raci_two_letters": _("%(email)s already holds %(letter)s on this item: one letter per person"),
    "raci_no_accountable": _("nobody is Accountable: exactly one person holds A"),
    # projects and tasks
    "month_outside_quarter": _("%(month)s is not in the objective's quarter %(quarter)s"),
    "due_before_start": _("%(due)s is before starts_on %(start)s"),
    "week_outside_month": _(
        "%(week)s is not in the project's month %(month)s (a week belongs to the month of its Thursday)"
    ),
    "task_without_team": _('a task linked to no project needs "team", or an assignee who belongs to a team'),
}


def _same(text: str) -> str:
    return text


def say(code: str, params: tuple | dict = (), gettext: Callable[[str], str] | None = None) -> str:
    """The message for ``code`` with its ``params`` (pairs or a mapping), through ``gettext``
    (the catalogs' lookup, from English text to the reader's; English when None). A
    :class:`Term` parameter is translated too. An unknown code raises KeyError."""
    lookup = gettext or _same
    values: dict[str, Any] = {}
    for name, value in dict(params).items():
        values[name] = lookup(TERMS[value]) if isinstance(value, Term) else value
    return lookup(MESSAGES[code]) % values
