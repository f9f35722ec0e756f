"""Tables and properties for okr.raci.rules: one A and at least one R per item, load, gaps, messages.
Each case's id says the rule it checks; the properties cover the click cycle and apply()."""

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okr.raci import rules as raci
from okr.raci import words as raci_words
from okr.raci.rules import Counts, Problem

codes = lambda found: [p.code for p in found]  # noqa: E731


# --- problems -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assignments, members, expected",
    [
        pytest.param({"li": "A", "wang": "R"}, None, [], id="one A + one R: complete"),
        pytest.param(
            {"li": "A", "wang": "R", "zhao": "R", "chen": "C", "sun": "I"},
            None,
            [],
            id="one A + two R + C + I: complete",
        ),
        pytest.param({}, None, ["no_accountable", "no_responsible"], id="empty: no A, no R"),
        pytest.param({"li": "R"}, None, ["no_accountable"], id="R only: no A"),
        pytest.param({"li": "A"}, None, ["no_responsible"], id="A only: no R"),
        pytest.param({"li": "C", "wang": "I"}, None, ["no_accountable", "no_responsible"], id="C + I only: no A, no R"),
        pytest.param({"li": "A", "wang": "A", "zhao": "R"}, None, ["two_accountable"], id="two A: two_accountable"),
        pytest.param(
            {"li": "A", "wang": "A"}, None, ["two_accountable", "no_responsible"], id="two A, no R: both reported"
        ),
        pytest.param({"li": "A", "wang": "R", "x": "Q"}, None, ["bad_letter"], id="Q is not a letter: bad_letter"),
        pytest.param(
            {"li": "a", "wang": "R"},
            None,
            ["bad_letter", "no_accountable"],
            id="lower-case a is not A: bad_letter + no A",
        ),
        pytest.param({"li": "A", "wang": "R"}, {"li"}, ["not_member"], id="wang outside members: not_member"),
        pytest.param({"li": "A", "wang": "R"}, {"li", "wang"}, [], id="all inside members: complete"),
        pytest.param(
            {"li": "A", "wang": "R"}, set(), ["not_member", "not_member"], id="empty members: every person not_member"
        ),
    ],
)
def test_problems(assignments, members, expected):
    assert codes(raci.problems(assignments, members=members)) == expected


def test_problems_params_name_who_and_what():
    found = raci.problems({"li": "A", "wang": "A", "zhao": "X", "sun": "R"}, members={"li"})
    assert Problem("bad_letter", {"person": "zhao", "letter": "X"}) in found
    assert Problem("not_member", {"person": "wang"}) in found
    two = next(p for p in found if p.code == "two_accountable")
    assert two.params == {"count": 2, "people": ("li", "wang")}


# --- apply and next_letter ------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, person, letter, after",
    [
        pytest.param({}, "li", "A", {"li": "A"}, id="add A to an empty item"),
        pytest.param({"li": "R"}, "li", "A", {"li": "A"}, id="R → A replaces, never both"),
        pytest.param({"li": "R", "wang": "A"}, "li", None, {"wang": "A"}, id="None removes R"),
        pytest.param({"wang": "A"}, "li", None, {"wang": "A"}, id="None on no letter: unchanged"),
        pytest.param({"li": "C"}, "wang", "I", {"li": "C", "wang": "I"}, id="others kept"),
    ],
)
def test_apply(before, person, letter, after):
    snapshot = dict(before)
    assert raci.apply(before, person, letter) == after
    assert before == snapshot  # the input is not changed


def test_apply_refuses_a_bad_letter():
    with pytest.raises(ValueError):
        raci.apply({}, "li", "X")


@pytest.mark.parametrize(
    "current, expected",
    [
        pytest.param(None, "R", id="none → R"),
        pytest.param("R", "A", id="R → A"),
        pytest.param("A", "A/R", id="A → A/R"),
        pytest.param("A/R", "C", id="A/R → C"),
        pytest.param("C", "I", id="C → I"),
        pytest.param("I", None, id="I → none"),
    ],
)
def test_next_letter(current, expected):
    assert raci.next_letter(current) == expected


def test_next_letter_refuses_an_unknown_letter():
    with pytest.raises(ValueError):
        raci.next_letter("X")


# --- check_change ---------------------------------------------------------------------------

COMPLETE = {"li": "A", "wang": "R"}


@pytest.mark.parametrize(
    "before, person, letter, draft, expected",
    [
        pytest.param(COMPLETE, "zhao", "R", False, [], id="complete + second R: allowed"),
        pytest.param(COMPLETE, "zhao", "C", False, [], id="complete + C: allowed"),
        pytest.param(COMPLETE, "zhao", "A", False, ["two_accountable"], id="complete + second A: refused"),
        pytest.param(COMPLETE, "zhao", "A", True, ["two_accountable"], id="draft + second A: still refused"),
        pytest.param({"li": "A"}, "zhao", "A", False, ["two_accountable"], id="incomplete + second A: refused"),
        pytest.param(COMPLETE, "li", None, False, ["no_accountable"], id="complete, remove only A: refused"),
        pytest.param(COMPLETE, "li", "R", False, ["no_accountable"], id="complete, only A → R: refused (no A left)"),
        pytest.param(COMPLETE, "wang", None, False, ["no_responsible"], id="complete, remove only R: refused"),
        pytest.param(
            COMPLETE,
            "wang",
            "A",
            False,
            ["two_accountable", "no_responsible"],
            id="complete, only R → A: second A and no R",
        ),
        pytest.param(
            {"li": "A", "wang": "R", "zhao": "R"}, "wang", None, False, [], id="complete, remove one of two R: allowed"
        ),
        pytest.param(COMPLETE, "li", None, True, [], id="draft, remove only A: allowed (shows its gap)"),
        pytest.param({}, "li", "C", False, [], id="new item, first letter C: allowed"),
        pytest.param({"li": "A"}, "li", None, False, [], id="incomplete (no R), remove A: allowed"),
        pytest.param({"li": "R"}, "wang", "A", False, [], id="incomplete + first A: allowed"),
        pytest.param(
            {"li": "A", "wang": "A", "zhao": "R"},
            "wang",
            "C",
            False,
            [],
            id="two A, demote one to C: allowed (fixes it)",
        ),
        pytest.param(
            {"li": "A", "wang": "A", "zhao": "R"},
            "sun",
            "I",
            False,
            [],
            id="two A already, unrelated I: allowed (no new A)",
        ),
        pytest.param({"li": "A", "wang": "R"}, "li", "A", False, [], id="A → A again: no change, allowed"),
        pytest.param(COMPLETE, "zhao", "X", False, ["bad_letter"], id="X: bad_letter"),
    ],
)
def test_check_change(before, person, letter, draft, expected):
    assert codes(raci.check_change(before, person, letter, draft=draft)) == expected


@pytest.mark.parametrize(
    "letter, expected",
    [
        pytest.param("R", ["not_member"], id="outsider given R: not_member"),
        pytest.param(None, [], id="outsider's letter removed: allowed"),
    ],
)
def test_check_change_members(letter, expected):
    before = {"li": "A", "wang": "R", "ghost": "R"}
    found = raci.check_change(before, "ghost", letter, members={"li", "wang"})
    assert codes(found) == expected


@pytest.mark.parametrize(
    "before, person, draft, expected, refused",
    [
        pytest.param({}, "li", False, "R", [], id="empty cell: none → R"),
        pytest.param({"li": "R"}, "li", False, "A", [], id="R → A when nobody holds A"),
        pytest.param(COMPLETE, "zhao", False, "R", [], id="complete row, new person: none → R"),
        pytest.param(
            {"li": "A", "wang": "R", "zhao": "R"}, "zhao", False, "C", [], id="R → A skipped (li holds A) → C"
        ),
        pytest.param(COMPLETE, "li", False, "A/R", [], id="the A of a complete row: A → A/R (still one A)"),
        pytest.param(
            {"li": "A/R"}, "li", False, "C", ["no_accountable", "no_responsible"], id="a lone A/R: every move refused"
        ),
        pytest.param(
            COMPLETE,
            "wang",
            False,
            "A",
            ["two_accountable", "no_responsible"],
            id="only R of a complete row: refused with the next letter's reasons",
        ),
        pytest.param(COMPLETE, "wang", True, "C", [], id="draft: only R → C (A skipped)"),
        pytest.param({"li": "I"}, "li", False, None, [], id="I → none"),
    ],
)
def test_next_allowed(before, person, draft, expected, refused):
    letter, found = raci.next_allowed(before, person, draft=draft)
    if refused:
        assert codes(found) == refused
    else:
        assert (letter, found) == (expected, [])


def test_next_allowed_outsider_may_not_get_a_letter():
    letter, found = raci.next_allowed({"li": "A"}, "ghost", members={"li"})
    assert codes(found) == ["not_member"]


# --- load, overloaded, gaps, losses ---------------------------------------------------------

ITEMS = [
    ("kr1", {"li": "A", "wang": "R"}),
    ("kr2", {"li": "A", "wang": "R", "zhao": "R"}),
    ("p1", {"zhao": "A", "li": "C", "wang": "I"}),
    ("p2", {"wang": "R"}),
    ("p3", {"li": "A", "chen": "Q"}),
]


def test_load_counts_each_letter_per_person():
    assert raci.load(ITEMS) == {
        "li": Counts(A=3, R=0, C=1, I=0),
        "wang": Counts(A=0, R=3, C=0, I=1),
        "zhao": Counts(A=1, R=1, C=0, I=0),
    }  # chen holds only a bad letter and carries no load


@pytest.mark.parametrize(
    "counts, expected",
    [
        pytest.param(Counts(A=5, R=8), [], id="A 5 of 5, R 8 of 8: at the limits, fine"),
        pytest.param(Counts(A=6), ["too_many_accountable"], id="A 6 > 5: overloaded"),
        pytest.param(Counts(R=9), ["too_many_responsible"], id="R 9 > 8: overloaded"),
        pytest.param(Counts(A=6, R=9), ["too_many_accountable", "too_many_responsible"], id="A 6 and R 9: both"),
        pytest.param(Counts(C=40, I=40), [], id="C and I never overload"),
    ],
)
def test_overloaded_default_limits(counts, expected):
    result = raci.overloaded({"li": counts})
    assert result.get("li", []) == expected


def test_overloaded_custom_limits():
    load = raci.load(ITEMS)
    assert raci.overloaded(load, max_a=2, max_r=2) == {
        "li": ["too_many_accountable"],
        "wang": ["too_many_responsible"],
    }


def test_gaps_lists_items_without_a_or_r_in_order():
    items = ITEMS + [("p4", {}), ("p5", {"li": "A", "wang": "A", "zhao": "R"})]
    assert raci.gaps(items) == [
        ("p1", ["no_responsible"]),
        ("p2", ["no_accountable"]),
        ("p3", ["no_responsible"]),
        ("p4", ["no_accountable", "no_responsible"]),
    ]  # p5 has two A, which is not a gap


@pytest.mark.parametrize(
    "person, expected",
    [
        pytest.param(
            "li",
            [("kr1", "no_accountable"), ("kr2", "no_accountable"), ("p3", "no_accountable")],
            id="li: A of kr1, kr2, p3",
        ),
        pytest.param(
            "wang",
            [("kr1", "no_responsible"), ("p2", "no_responsible")],
            id="wang: only R of kr1 and p2; kr2 keeps zhao's R",
        ),
        pytest.param("zhao", [("p1", "no_accountable")], id="zhao: A of p1; kr2 keeps wang's R"),
        pytest.param("chen", [], id="chen: a bad letter loses nothing"),
        pytest.param("nobody", [], id="a person on no item loses nothing"),
    ],
)
def test_losses_if_archived(person, expected):
    assert raci.losses_if_archived(person, ITEMS) == expected


def test_losses_if_archived_one_of_two_a_loses_nothing():
    assert raci.losses_if_archived("li", [("x", {"li": "A", "wang": "A", "zhao": "R"})]) == []


# --- archived people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assignments, archived, expected",
    [
        pytest.param(
            {"li": "A", "wang": "R"},
            {"li": "Li Na"},
            [("no_accountable", {}), ("archived_holder", {"person": "li", "name": "Li Na", "letter": "A"})],
            id="li (archived) held the A: no A, and li named",
        ),
        pytest.param(
            {"li": "A", "wang": "R"},
            {"wang": "Wang"},
            [("no_responsible", {}), ("archived_holder", {"person": "wang", "name": "Wang", "letter": "R"})],
            id="wang (archived) was the only R: no R, and wang named",
        ),
        pytest.param(
            {"li": "A", "wang": "R", "zhao": "R"},
            {"wang"},
            [("archived_holder", {"person": "wang", "name": "wang", "letter": "R"})],
            id="zhao keeps an R: complete but for the name (a set names by id)",
        ),
        pytest.param(
            {"li": "A", "wang": "R"}, {"chen": "Chen"}, [], id="an archived person with no letter here changes nothing"
        ),
    ],
)
def test_an_archived_persons_letter_counts_as_absent(assignments, archived, expected):
    found = raci.problems(assignments, archived=archived)
    assert [(p.code, dict(p.params)) for p in found] == expected
    gap = {p.code for p in found} & {"no_accountable", "no_responsible"}
    assert raci.is_complete(assignments, archived) is not gap


def test_archived_letters_carry_no_load_and_show_as_gaps():
    items = [("kr1", {"li": "A", "wang": "R"}), ("kr2", {"zhao": "A", "li": "R"})]
    assert raci.load(items, archived={"li"}) == {"wang": Counts(R=1), "zhao": Counts(A=1)}
    assert raci.gaps(items, archived={"li"}) == [("kr1", ["no_accountable"]), ("kr2", ["no_responsible"])]
    assert raci.live({"li": "A", "wang": "R"}, {"li"}) == {"wang": "R"}


def test_losses_if_archived_treat_already_archived_people_as_absent():
    # wang's R is shared with zhao, who left already: archiving wang leaves kr1 with no R.
    items = [("kr1", {"li": "A", "wang": "R", "zhao": "R"})]
    assert raci.losses_if_archived("wang", items) == []
    assert raci.losses_if_archived("wang", items, archived={"zhao"}) == [("kr1", "no_responsible")]


# --- the owner is the Accountable -------------------------------------------------------------


@pytest.mark.parametrize(
    "letters, owner, expected",
    [
        pytest.param(
            {"li": "A", "wang": "R"}, "zhao", {"zhao": "A", "wang": "R"}, id="new owner zhao: zhao A, li loses the A"
        ),
        pytest.param(
            {"li": "A", "wang": "R", "zhao": "C"},
            "zhao",
            {"zhao": "A", "wang": "R"},
            id="zhao held C: the C becomes the A",
        ),
        pytest.param(
            {"li": "A", "wang": "R"},
            "wang",
            {"wang": "A/R"},
            id="the only R becomes the owner: A/R, the owner who does the work",
        ),
        pytest.param({"li": "A", "wang": "R"}, "li", {"li": "A", "wang": "R"}, id="same owner: nothing changes"),
        pytest.param({"wang": "R"}, "li", {"li": "A", "wang": "R"}, id="no A yet: the owner gets it"),
        pytest.param(
            {"li": "A", "zhao": "A", "wang": "R"},
            "li",
            {"li": "A", "wang": "R"},
            id="two A from old data: only the owner keeps one",
        ),
        pytest.param({"li": "A", "wang": "R"}, None, {"wang": "R"}, id="no owner: no A"),
    ],
)
def test_with_accountable(letters, owner, expected):
    before = dict(letters)
    assert raci.with_accountable(letters, owner) == expected
    assert letters == before  # the input is not changed


@pytest.mark.parametrize(
    "before, after, owner, expected",
    [
        pytest.param({"li": "A"}, {"zhao": "A"}, "li", "zhao", id="A moved to zhao: zhao owns it"),
        pytest.param({}, {"li": "A"}, None, "li", id="first A: the owner"),
        pytest.param({"li": "A"}, {"li": "R"}, "li", None, id="the owner gave up the A: no owner"),
        pytest.param({"li": "A", "wang": "R"}, {"li": "A", "wang": "C"}, "li", "li", id="other letters: owner stays"),
        pytest.param({"wang": "R"}, {"wang": "C"}, "li", "li", id="no A before or after: owner stays"),
        pytest.param(
            {"li": "A", "zhao": "A"}, {"li": "A", "zhao": "A", "w": "R"}, "li", "li", id="two A (old data): owner stays"
        ),
    ],
)
def test_owner_after(before, after, owner, expected):
    assert raci.owner_after(before, after, owner) == expected


# --- csv_safe -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("=SUM(A1:A9)", "'=SUM(A1:A9)", id="= formula: escaped"),
        pytest.param("+1+1", "'+1+1", id="+ start: escaped"),
        pytest.param("-2+3", "'-2+3", id="- start: escaped"),
        pytest.param("@cmd", "'@cmd", id="@ start: escaped"),
        pytest.param("\t=1", "'\t=1", id="tab start: escaped"),
        pytest.param("\r=1", "'\r=1", id="carriage return start: escaped"),
        pytest.param("李娜", "李娜", id="Chinese name: unchanged"),
        pytest.param("a=b", "a=b", id="= inside: unchanged"),
        pytest.param("", "", id="empty: unchanged"),
        pytest.param(" =1", " =1", id="space first: unchanged"),
    ],
)
def test_csv_safe(value, expected):
    assert raci.csv_safe(value) == expected


# --- messages -------------------------------------------------------------------------------

ALL_CODES = [
    "no_accountable",
    "two_accountable",
    "no_responsible",
    "not_member",
    "bad_letter",
    "too_many_accountable",
    "too_many_responsible",
    "archived_holder",
]
SAMPLE = {"count": 2, "limit": 5, "letter": "X", "person": "li", "people": ("li", "wang"), "name": "李娜"}


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_has_a_message_in_both_locales(app, code, locale):
    needed = {k: SAMPLE[k] for k in raci.PARAMS[code]}
    with app.test_request_context(headers={"Accept-Language": locale}):
        text = raci_words.message(code, **needed)
    assert text and "%(" not in text
    said = text.replace(str(needed.get("name", "")), "") if needed.get("name") else text
    assert bool(re.search(r"[\u4e00-\u9fff]", said)) == (locale == "zh")
    for value in needed.values():
        assert str(value) in text


def test_the_rules_hold_codes_and_the_words_cover_them():
    assert set(raci_words.MESSAGES) == set(raci.PARAMS) == set(ALL_CODES)
    assert not hasattr(raci, "MESSAGES") and not hasattr(raci, "LETTER_NAMES")


@pytest.mark.parametrize(
    "accept, expected",
    [
        pytest.param("en", "Responsible", id="en"),
        pytest.param("zh", "执行负责", id="zh"),
        pytest.param("zh-CN", "执行负责", id="zh-CN → zh"),
        pytest.param("en-GB", "Responsible", id="en-GB → en"),
    ],
)
def test_locales(app, accept, expected):
    with app.test_request_context(headers={"Accept-Language": accept}):
        assert raci_words.letter_name("R") == expected
        assert raci_words.letter_names()["R"] == expected


def test_message_is_chinese_in_zh(app):
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert "最终负责人" in raci_words.message("no_accountable")


def test_unknown_code_is_an_error():
    with pytest.raises(KeyError):
        raci_words.message("no_such_code")


# --- properties -----------------------------------------------------------------------------

people = st.sampled_from(["li", "wang", "zhao", "chen", "sun"])
letters = st.sampled_from(raci.LETTERS)
maybe_letters = st.one_of(st.none(), letters)
assignment_maps = st.dictionaries(people, letters, max_size=5)


@settings(deadline=None)
@given(assignment_maps, st.lists(st.tuples(people, maybe_letters), max_size=20))
def test_apply_keeps_one_letter_per_person(start, changes):
    current = start
    for person, letter in changes:
        current = raci.apply(current, person, letter)
        assert current.get(person) == letter
        assert all(v in raci.LETTERS for v in current.values())
    # a mapping cannot hold two letters for one person, and problems never claims it does
    found = raci.problems(current)
    assert all(p.code != "bad_letter" for p in found)
    assert sum(p.code == "two_accountable" for p in found) <= 1
    two = [p for p in found if p.code == "two_accountable"]
    if two:
        assert len(set(two[0].params["people"])) == len(two[0].params["people"])


@given(maybe_letters)
def test_next_letter_cycles_back_after_six_steps(letter):
    seen = [letter]
    for _ in range(6):
        seen.append(raci.next_letter(seen[-1]))
    assert seen[-1] == letter
    assert len(set(seen[:6])) == 6  # every state visited once on the way


@settings(deadline=None)
@given(assignment_maps, people, maybe_letters, st.booleans())
def test_allowed_change_never_breaks_a_complete_item_or_adds_an_a(before, person, letter, draft):
    refused = raci.check_change(before, person, letter, draft=draft)
    after = raci.apply(before, person, letter)
    old_a = sum(v in raci.ACCOUNTABLE for v in before.values())
    new_a = sum(v in raci.ACCOUNTABLE for v in after.values())
    if not refused:
        assert new_a <= max(old_a, 1)
        if raci.is_complete(before) and not draft:
            assert raci.is_complete(after)


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), assignment_maps), max_size=12))
def test_gaps_are_exactly_the_items_with_no_a_or_no_r(items):
    found = raci.gaps(items)
    expected = [i for i, a in items if not set(a.values()) & {"A", "A/R"} or not set(a.values()) & {"R", "A/R"}]
    assert [item for item, _codes in found] == expected
    assert all(codes_ for _item, codes_ in found)


@given(st.text(alphabet=string.printable + "李娜＝", max_size=20))
def test_csv_safe_output_never_starts_a_formula(value):
    out = raci.csv_safe(value)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out in (value, "'" + value)
