"""RACI rules for projects and key results: who is Responsible, Accountable, Consulted, Informed.
Pure values in, values out (no Flask, no database); the matrix page and the importer ask here.
"""

# An item's assignments are a mapping {person_id: letter}: one person holds at most one letter per
# item, and "A/R" is one letter: the Accountable who also does the work (common RACI practice).
# Problems are a stable code plus params; message() words them in English or Chinese.

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from okr.core.kinds import RACI_ACCOUNTABLE
from okr.core.kinds import RACI_LETTERS as LETTERS

AR = "A/R"  # Accountable and Responsible: the owner who does the work
ACCOUNTABLE = frozenset(RACI_ACCOUNTABLE)  # the letters that hold the A
RESPONSIBLE = frozenset({"R", AR})  # the letters that hold an R

# Codes: one item's problems, then one person's overload.
NO_ACCOUNTABLE = "no_accountable"
TWO_ACCOUNTABLE = "two_accountable"
NO_RESPONSIBLE = "no_responsible"
NOT_MEMBER = "not_member"
BAD_LETTER = "bad_letter"
TOO_MANY_ACCOUNTABLE = "too_many_accountable"
TOO_MANY_RESPONSIBLE = "too_many_responsible"
ARCHIVED_HOLDER = "archived_holder"

Person = Hashable
ItemId = Hashable


class Problem(NamedTuple):
    """One thing wrong with an item's RACI: a stable code and the values its message shows."""

    code: str
    params: Mapping[str, Any] = MappingProxyType({})


class Counts(NamedTuple):
    """How many items one person holds each letter on (an A/R counts as an A and an R)."""

    A: int = 0
    R: int = 0
    C: int = 0
    I: int = 0  # noqa: E741 - the RACI letter itself


# --- one item -------------------------------------------------------------------------------


def live(assignments: Mapping[Person, str], archived=()) -> dict:
    """The letters that count: ``assignments`` without those of people in ``archived``.

    Rule: an archived person (someone who left) holds no letter for the rules, the load or the
    gaps; their letter stays on record until someone edits the row (see :func:`problems`).
    """
    if not archived:
        return dict(assignments)
    return {person: letter for person, letter in assignments.items() if person not in archived}


def problems(assignments: Mapping[Person, str], *, members=None, archived=()) -> list[Problem]:
    """Everything wrong with one item's RACI; an empty list means the item is complete.

    Rule: a complete item has exactly one A and at least one R; C and I are optional; an A/R
    holds both, so an item whose only letter is one A/R is complete. Letters
    held by people in ``archived`` (a set, or a mapping person → name) count as absent.
    Reported, in this order:

    - ``bad_letter`` (person, letter) for each letter not in R, A, C, I;
    - ``not_member`` (person) for each person not in ``members`` (skipped when members is None);
    - ``two_accountable`` (count, people) when more than one person holds A;
    - ``no_accountable`` when nobody holds A;
    - ``no_responsible`` when nobody holds R;
    - ``archived_holder`` (person, name, letter) for each archived person still holding a
      letter, so the page can say whose letter to give to someone else.

    Bad letters count as no letter for the A and R checks.
    """
    counted = live(assignments, archived)
    found: list[Problem] = []
    for person, letter in counted.items():
        if letter not in LETTERS:
            found.append(Problem(BAD_LETTER, {"person": person, "letter": letter}))
    if members is not None:
        for person in counted:
            if person not in members:
                found.append(Problem(NOT_MEMBER, {"person": person}))
    accountable = [p for p, letter in counted.items() if letter in ACCOUNTABLE]
    if len(accountable) > 1:
        found.append(Problem(TWO_ACCOUNTABLE, {"count": len(accountable), "people": tuple(accountable)}))
    elif not accountable:
        found.append(Problem(NO_ACCOUNTABLE, {}))
    if not any(letter in RESPONSIBLE for letter in counted.values()):
        found.append(Problem(NO_RESPONSIBLE, {}))
    for person, letter in assignments.items():
        if person in counted or letter not in LETTERS:
            continue
        name = archived.get(person, person) if isinstance(archived, Mapping) else person
        found.append(Problem(ARCHIVED_HOLDER, {"person": person, "name": name, "letter": letter}))
    return found


def is_complete(assignments: Mapping[Person, str], archived=()) -> bool:
    """True when the item has exactly one A and at least one R (an A/R holds both; bad letters
    aside), counting no letter of a person in ``archived``."""
    letters = list(live(assignments, archived).values())
    return sum(letter in ACCOUNTABLE for letter in letters) == 1 and any(letter in RESPONSIBLE for letter in letters)


def apply(assignments: Mapping[Person, str], person: Person, letter: str | None) -> dict:
    """The item's new mapping after giving ``person`` the ``letter`` (None removes theirs).

    Rule: one person holds one letter per item, so a new letter replaces the old one. The input
    is not changed. A letter outside R, A, C, I raises ValueError.
    """
    if letter is not None and letter not in LETTERS:
        raise ValueError(f"not a RACI letter: {letter!r}")
    new = dict(assignments)
    if letter is None:
        new.pop(person, None)
    else:
        new[person] = letter
    return new


_CYCLE = (None, "R", "A", AR, "C", "I")


def next_letter(current: str | None) -> str | None:
    """The letter a click on a matrix cell moves to: none → R → A → A/R → C → I → none.

    R comes first because it is the letter most often given; six clicks bring a cell back to
    where it started. An unknown letter raises ValueError.
    """
    try:
        index = _CYCLE.index(current)
    except ValueError:
        raise ValueError(f"not a RACI letter: {current!r}") from None
    return _CYCLE[(index + 1) % len(_CYCLE)]


def check_change(
    assignments: Mapping[Person, str],
    person: Person,
    letter: str | None,
    *,
    draft: bool = False,
    members=None,
) -> list[Problem]:
    """What saving ``person → letter`` on this item would break; an empty list allows the save.

    Rule:

    - a letter outside R, A, C, I is refused (``bad_letter``);
    - a person outside ``members`` (when given) may not receive a letter (``not_member``);
    - a change that gives the item a second A is always refused, drafts included
      (``two_accountable``): move the A by first giving it up, or by giving the current A
      holder another letter;
    - an item that was complete (one A, at least one R) must stay complete: removing or
      changing its only A or its only R is refused (``no_accountable`` / ``no_responsible``);
    - an incomplete item (a new one, or any item when ``draft`` is true) may be saved while
      it still shows its gaps; :func:`problems` lists them for display.
    """
    if letter is not None and letter not in LETTERS:
        return [Problem(BAD_LETTER, {"person": person, "letter": letter})]
    refused: list[Problem] = []
    if letter is not None and members is not None and person not in members:
        refused.append(Problem(NOT_MEMBER, {"person": person}))
    new = apply(assignments, person, letter)
    old_a = sum(1 for v in assignments.values() if v in ACCOUNTABLE)
    new_a = sum(1 for v in new.values() if v in ACCOUNTABLE)
    if new_a > 1 and new_a > old_a:
        holders = tuple(p for p, v in new.items() if v in ACCOUNTABLE)
        refused.append(Problem(TWO_ACCOUNTABLE, {"count": new_a, "people": holders}))
    if not draft and is_complete(assignments):
        if new_a == 0:
            refused.append(Problem(NO_ACCOUNTABLE, {}))
        if not any(v in RESPONSIBLE for v in new.values()):
            refused.append(Problem(NO_RESPONSIBLE, {}))
    return refused


def next_allowed(
    assignments: Mapping[Person, str],
    person: Person,
    *,
    draft: bool = False,
    members=None,
) -> tuple[str | None, list[Problem]]:
    """Where a click on ``person``'s cell goes: the first letter after theirs in the click cycle
    (none → R → A → C → I → none) that :func:`check_change` allows, and no problems.

    Rule: a letter the rules refuse is skipped (so a click never offers a second A); when every
    other state is refused, the letter stays and the problems are those of the very next one.
    """
    current = assignments.get(person)
    first = next_letter(current)
    candidate = first
    while candidate != current:
        if not check_change(assignments, person, candidate, draft=draft, members=members):
            return candidate, []
        candidate = next_letter(candidate)
    return first, check_change(assignments, person, first, draft=draft, members=members)


# --- the owner ------------------------------------------------------------------------------


def with_accountable(assignments: Mapping[Person, str], owner: Person | None) -> dict:
    """The item's letters once ``owner`` becomes its owner: A implies the owner.

    Rule: the owner holds the item's A (an owner who held an R or an A/R holds A/R, any other
    letter of theirs becomes A), and whoever held the A before loses it (an A/R keeps the R);
    with no owner (None) nobody holds A. Other letters stay. The input is not changed.
    """
    new = {}
    for person, letter in assignments.items():
        if letter == AR:
            new[person] = "R"
        elif letter != "A":
            new[person] = letter
    if owner is not None:
        new[owner] = AR if assignments.get(owner) in RESPONSIBLE else "A"
    return new


def owner_after(before: Mapping[Person, str], after: Mapping[Person, str], owner: Person | None) -> Person | None:
    """The item's owner once its letters went from ``before`` to ``after``.

    Rule: the Accountable is the owner. With exactly one A after the change, that person owns
    the item; when the A was taken away from the owner (no A is left), nobody does; otherwise
    (no A before or after, or two A from old data) the owner stays as it was.
    """
    accountable = [person for person, letter in after.items() if letter in ACCOUNTABLE]
    if len(accountable) == 1:
        return accountable[0]
    if not accountable and owner is not None and before.get(owner) in ACCOUNTABLE:
        return None
    return owner


# --- many items -----------------------------------------------------------------------------


def load(items: Iterable[tuple[ItemId, Mapping[Person, str]]], *, archived=()) -> dict[Person, Counts]:
    """Per person, on how many of the given items they hold A, R, C and I.

    Pass live items only (archived and dropped items carry no load). Letters outside R, A, C, I
    and letters of people in ``archived`` are not counted.
    """
    tally: dict[Person, dict[str, int]] = {}
    for _item, assignments in items:
        for person, letter in live(assignments, archived).items():
            if letter in LETTERS:
                per = tally.setdefault(person, dict.fromkeys(Counts._fields, 0))
                for counted in counts_as(letter):
                    per[counted] += 1
    return {person: Counts(**per) for person, per in tally.items()}


def counts_as(letter: str) -> tuple[str, ...]:
    """The letters one letter counts as in a person's load: an A/R as an A and an R."""
    return ("A", "R") if letter == AR else (letter,)


def overloaded(load: Mapping[Person, Counts], *, max_a: int = 5, max_r: int = 8) -> dict[Person, list[str]]:
    """People who carry too much, with why: ``too_many_accountable``, ``too_many_responsible``.

    Rule: Accountable on more than ``max_a`` live items, or Responsible on more than ``max_r``
    (the limits themselves are fine). People within both limits are left out.
    """
    result: dict[Person, list[str]] = {}
    for person, counts in load.items():
        codes = []
        if counts.A > max_a:
            codes.append(TOO_MANY_ACCOUNTABLE)
        if counts.R > max_r:
            codes.append(TOO_MANY_RESPONSIBLE)
        if codes:
            result[person] = codes
    return result


def gaps(items: Iterable[tuple[ItemId, Mapping[Person, str]]], *, archived=()) -> list[tuple[ItemId, list[str]]]:
    """Items with no A or no R, in the order given, each with ``no_accountable`` and/or
    ``no_responsible``. Complete items (and items whose only fault is a second A) are left out.
    A letter held by a person in ``archived`` counts as absent.
    """
    result = []
    for item, assignments in items:
        letters = set(live(assignments, archived).values())
        codes = []
        if not letters & ACCOUNTABLE:
            codes.append(NO_ACCOUNTABLE)
        if not letters & RESPONSIBLE:
            codes.append(NO_RESPONSIBLE)
        if codes:
            result.append((item, codes))
    return result


def losses_if_archived(
    person: Person, items: Iterable[tuple[ItemId, Mapping[Person, str]]], *, archived=()
) -> list[tuple[ItemId, str]]:
    """Items that would lose their A (``no_accountable``) or their only R (``no_responsible``)
    if ``person`` were archived, in the order given (an A/R holder's item may be listed twice).

    Rule: an item is listed when this person holds its A (or an R) and nobody else would hold
    it; people in ``archived`` (already archived) hold nothing, so an R shared only with them
    is this person's only R, as the matrix will show once they are archived.
    """
    result = []
    for item, assignments in items:
        letter = assignments.get(person)
        others = {v for p, v in live(assignments, archived).items() if p != person}
        if letter in ACCOUNTABLE and not others & ACCOUNTABLE:
            result.append((item, NO_ACCOUNTABLE))
        if letter in RESPONSIBLE and not others & RESPONSIBLE:
            result.append((item, NO_RESPONSIBLE))
    return result


# --- export ---------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A CSV cell that a spreadsheet will show as text, never run as a formula.

    Rule: a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe (OWASP's advice on CSV injection); anything else is returned unchanged.
    Pass text only: a number written as text with a minus sign is escaped too.
    """
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


# --- message codes --------------------------------------------------------------------------

# The params each message shows; a caller must pass at least these.
PARAMS = {
    NO_ACCOUNTABLE: (),
    TWO_ACCOUNTABLE: ("count",),
    NO_RESPONSIBLE: (),
    NOT_MEMBER: (),
    BAD_LETTER: ("letter",),
    TOO_MANY_ACCOUNTABLE: ("count", "limit"),
    TOO_MANY_RESPONSIBLE: ("count", "limit"),
    ARCHIVED_HOLDER: ("name", "letter"),
}
