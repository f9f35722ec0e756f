"""Tables and properties for okr.week.rules: quadrants, card order, effort share, carry-over.
Each case's id says the rule it checks; the properties cover flags() and positions_after_move()."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.rollup import rules as rollup
from okr.week import rules as eh
from okr.week.rules import ORDER, Quadrant

# --- quadrant and flags ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "important, urgent, expected",
    [
        pytest.param(True, True, Quadrant.DO, id="important + urgent → do"),
        pytest.param(True, False, Quadrant.SCHEDULE, id="important, not urgent → schedule"),
        pytest.param(False, True, Quadrant.DELEGATE, id="urgent, not important → delegate"),
        pytest.param(False, False, Quadrant.ELIMINATE, id="neither → eliminate"),
        pytest.param(1, 0, Quadrant.SCHEDULE, id="1/0 from a database → schedule"),
    ],
)
def test_quadrant(important, urgent, expected):
    assert eh.quadrant(important, urgent) is expected


def test_quadrant_refuses_text():
    with pytest.raises(TypeError):
        eh.quadrant("false", True)


@pytest.mark.parametrize(
    "q, expected",
    [
        pytest.param(Quadrant.DO, (True, True), id="DO → (important, urgent)"),
        pytest.param("do", (True, True), id="'do' value → (True, True)"),
        pytest.param("schedule", (True, False), id="schedule → important only"),
        pytest.param("delegate", (False, True), id="delegate → urgent only"),
        pytest.param(Quadrant.ELIMINATE, (False, False), id="eliminate → neither"),
    ],
)
def test_flags(q, expected):
    assert eh.flags(q) == expected


def test_flags_refuses_an_unknown_value():
    with pytest.raises(ValueError):
        eh.flags("later")


def test_enum_values_and_order():
    assert [q.value for q in ORDER] == ["do", "schedule", "delegate", "eliminate"]
    assert set(ORDER) == set(Quadrant)
    assert Quadrant("delegate") is Quadrant.DELEGATE
    assert str(Quadrant.DO) == "do" and Quadrant.DO == "do"


@given(st.sampled_from(list(Quadrant)))
def test_flags_and_quadrant_are_inverse(q):
    assert eh.quadrant(*eh.flags(q)) is q
    assert eh.quadrant(*eh.flags(q.value)) is q


# --- labels, advice, messages: codes in the rules, words from the catalogs ----------------------

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_the_rules_speak_in_codes_not_phrases():
    """One translation mechanism: no phrase of either language in the pure rules."""
    source = Path(eh.__file__).read_text(encoding="utf-8")
    assert not CJK.search(source)
    for name in ("LABELS", "ADVICE", "MESSAGES", "label", "advice", "message"):
        assert not hasattr(eh, name), name
    assert set(eh.PARAMS) == {eh.MOVED, eh.CARRIED, eh.UNLINKED_SHARE}


def _in(app, lang, fn):
    with app.test_request_context(headers={"Accept-Language": lang}):
        return fn()


@pytest.mark.parametrize(
    "q, en, zh",
    [
        pytest.param(Quadrant.DO, "Do", "立即做", id="do: Do / 立即做"),
        pytest.param(Quadrant.SCHEDULE, "Schedule", "计划做", id="schedule: Schedule / 计划做"),
        pytest.param(Quadrant.DELEGATE, "Delegate", "委派", id="delegate: Delegate / 委派 (as on cards and rollups)"),
        pytest.param(Quadrant.ELIMINATE, "Eliminate", "舍弃", id="eliminate: Eliminate / 舍弃 (as on the rollups)"),
    ],
)
def test_label_through_the_catalogs(app, q, en, zh):
    from okr.week import words

    assert _in(app, "en", lambda: words.label(q)) == en
    assert _in(app, "zh-CN", lambda: words.label(q.value)) == zh


@pytest.mark.parametrize(
    "q, en_word, zh_word",
    [
        pytest.param(Quadrant.DO, "do it now", "立即", id="do: do it now / 立即"),
        pytest.param(Quadrant.SCHEDULE, "schedule", "计划做", id="schedule: 计划做"),
        pytest.param(Quadrant.DELEGATE, "delegate", "委派", id="delegate: 委派"),
        pytest.param(Quadrant.ELIMINATE, "drop it", "舍弃", id="eliminate: 舍弃"),
    ],
)
def test_advice_is_one_line_in_both_languages(app, q, en_word, zh_word):
    from okr.week import words

    en, zh = _in(app, "en", lambda: words.advice(q)), _in(app, "zh-CN", lambda: words.advice(q))
    assert en_word in en and "\n" not in en
    assert zh_word in zh and "\n" not in zh


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("code", sorted(eh.PARAMS))
def test_every_code_has_words_in_both_languages(app, code, lang):
    from okr.week import words

    sample = {"quadrant": Quadrant.DELEGATE, "count": 3, "percent": 40}
    text = _in(app, lang, lambda: words.message(code, **{k: sample[k] for k in eh.PARAMS[code]}))
    assert text and "%(" not in text and "{" not in text
    assert bool(CJK.search(text)) is (lang == "zh-CN")


@pytest.mark.parametrize(
    "lang, expected",
    [
        pytest.param("en", "Moved to Delegate.", id="en: quadrant shown by its English label"),
        pytest.param("zh-CN", "已移到“委派”。", id="zh: quadrant shown by its Chinese label"),
    ],
)
def test_message_localizes_a_quadrant_param(app, lang, expected):
    from okr.week import words

    assert _in(app, lang, lambda: words.message(eh.MOVED, quadrant=Quadrant.DELEGATE)) == expected


def test_unknown_code_is_an_error(app):
    from okr.week import words

    with pytest.raises(KeyError):
        _in(app, "en", lambda: words.message("nope"))


# --- positions_after_move -------------------------------------------------------------------


@pytest.mark.parametrize(
    "order, moved, index, expected",
    [
        pytest.param([1, 2, 3], 9, 0, [9, 1, 2, 3], id="from another quadrant to the top"),
        pytest.param([1, 2, 3], 9, 3, [1, 2, 3, 9], id="from another quadrant to the end"),
        pytest.param([1, 2, 3], 9, 1, [1, 9, 2, 3], id="from another quadrant to index 1"),
        pytest.param([], 9, 0, [9], id="into an empty quadrant"),
        pytest.param([1, 2, 3], 1, 2, [2, 3, 1], id="within: first → last (old place removed)"),
        pytest.param([1, 2, 3], 3, 0, [3, 1, 2], id="within: last → first"),
        pytest.param([1, 2, 3], 2, 1, [1, 2, 3], id="within: same place, unchanged"),
        pytest.param([1, 2, 3], 9, 99, [1, 2, 3, 9], id="index past the end → last"),
        pytest.param([1, 2, 3], 9, -4, [9, 1, 2, 3], id="negative index → first"),
    ],
)
def test_positions_after_move(order, moved, index, expected):
    snapshot = list(order)
    assert eh.positions_after_move(order, moved, index) == expected
    assert order == snapshot


@given(
    st.lists(st.integers(0, 30), unique=True, max_size=15),
    st.integers(0, 30),
    st.integers(-5, 20),
)
def test_positions_after_move_is_a_permutation_keeping_all_ids(order, moved, index):
    result = eh.positions_after_move(order, moved, index)
    assert sorted(result) == sorted(set(order) | {moved})
    assert len(result) == len(set(result))
    assert result.index(moved) == max(0, min(index, len(result) - 1))
    others = [i for i in order if i != moved]
    assert [i for i in result if i != moved] == others  # the other cards keep their order


# --- effort_share ---------------------------------------------------------------------------


def test_effort_share_counts_live_tasks_per_quadrant_and_link():
    tasks = [
        (True, True, True, "todo"),  # do, linked
        (True, True, False, "done"),  # do, unlinked; done still counts as effort
        (True, False, True, "doing"),  # schedule, linked
        (False, True, False, "todo"),  # delegate, unlinked
        (False, False, False, "dropped"),  # dropped: not counted
        (True, True, True, "dropped"),  # dropped: not counted
    ]
    share = rollup.effort_share(tasks)
    assert share.total == 4
    assert dict(share.counts) == {Quadrant.DO: 2, Quadrant.SCHEDULE: 1, Quadrant.DELEGATE: 1, Quadrant.ELIMINATE: 0}
    assert dict(share.linked_counts) == {
        Quadrant.DO: 1,
        Quadrant.SCHEDULE: 1,
        Quadrant.DELEGATE: 0,
        Quadrant.ELIMINATE: 0,
    }
    assert (share.linked, share.unlinked) == (2, 2)
    assert share.fractions[Quadrant.DO] == Decimal("0.5")  # 2 of 4
    assert share.fractions[Quadrant.SCHEDULE] == Decimal("0.25")  # 1 of 4
    assert share.fractions[Quadrant.ELIMINATE] == Decimal(0)  # 0 of 4
    assert share.linked_fraction == share.unlinked_fraction == Decimal("0.5")  # 2 of 4


@pytest.mark.parametrize(
    "tasks",
    [
        pytest.param([], id="no tasks: every fraction 0, no division by zero"),
        pytest.param([(True, True, True, "dropped")], id="only dropped tasks: fractions 0"),
    ],
)
def test_effort_share_of_nothing_is_zero(tasks):
    share = rollup.effort_share(tasks)
    assert share.total == 0
    assert all(f == 0 and isinstance(f, Decimal) for f in share.fractions.values())
    assert share.linked_fraction == share.unlinked_fraction == Decimal(0)


def test_effort_share_thirds_are_decimal():
    share = rollup.effort_share(
        [(True, True, True, "todo"), (True, True, False, "todo"), (False, False, False, "todo")]
    )
    assert share.linked_fraction == Decimal(1) / Decimal(3)  # 1 of 3
    assert isinstance(share.linked_fraction, Decimal)


tasks_st = st.lists(
    st.tuples(st.booleans(), st.booleans(), st.booleans(), st.sampled_from(["todo", "doing", "done", "dropped"])),
    max_size=30,
)


@given(tasks_st)
def test_effort_share_adds_up(tasks):
    share = rollup.effort_share(tasks)
    live = [t for t in tasks if t[3] != "dropped"]
    assert share.total == len(live) == sum(share.counts.values())
    assert share.linked + share.unlinked == share.total
    assert all(share.linked_counts[q] <= share.counts[q] for q in ORDER)
    if share.total:
        assert abs(sum(share.fractions.values()) - 1) < Decimal("1e-20")
        assert abs(share.linked_fraction + share.unlinked_fraction - 1) < Decimal("1e-20")


# --- carry-over -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "original, expected",
    [
        pytest.param(0, 1, id="first carry: 0 → 1"),
        pytest.param(1, 2, id="carried again: 1 → 2"),
        pytest.param(7, 8, id="long-lived chore: 7 → 8"),
    ],
)
def test_carry_count(original, expected):
    assert eh.carry_count(original) == expected


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(-1, id="negative"),
        pytest.param(1.5, id="float"),
        pytest.param(True, id="bool"),
        pytest.param("1", id="text"),
    ],
)
def test_carry_count_refuses_bad_counts(bad):
    with pytest.raises(ValueError):
        eh.carry_count(bad)


@pytest.mark.parametrize(
    "status, expected",
    [
        pytest.param("todo", True, id="todo carries"),
        pytest.param("doing", True, id="doing carries"),
        pytest.param("done", False, id="done stays"),
        pytest.param("dropped", False, id="dropped stays"),
    ],
)
def test_is_unfinished(status, expected):
    assert eh.is_unfinished(status) is expected


def test_carry_over_rule_is_documented():
    doc = eh.carry_count.__doc__
    for word in ("todo", "doing", "quadrant", "title", "project", "assignee", "by one"):
        assert word in doc
