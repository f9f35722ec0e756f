"""Which failing SMART letters block a save: the organisation's setting, M always for a key
result, warnings never."""

import pytest

from okr.smart.blocking import blocking_letters, blocking_problems, check_many, make_item
from okr.smart.rules import SmartItem, check


@pytest.mark.parametrize(
    "kind, setting, letters",
    [
        ("objective", "", ""),
        ("goal", "", ""),
        ("key_result", "", "M"),  # a key result must always be measurable
        ("kr", "", "M"),
        ("objective", "TMS", "SMT"),  # in S, M, A, R, T order
        ("key_result", "t", "MT"),
        ("objective", "XYZ5", ""),  # anything else in the setting is ignored
        ("objective", None, ""),
    ],
)
def test_blocking_letters(kind, setting, letters):
    assert blocking_letters(kind, setting) == letters


def test_only_failing_blocking_letters_block():
    vague = check(SmartItem(kind="objective", title="Improve the website"))  # S, M, T fail; R warns
    assert set(blocking_problems(vague, "objective", "")) == set()
    assert set(blocking_problems(vague, "objective", "SMART")) == {"S", "M", "T"}
    assert blocking_problems(vague, "objective", "R") == {}  # a warning never blocks
    assert blocking_problems(vague, "objective", "S")["S"] is vague["S"]


def test_a_key_result_without_a_measure_is_blocked_by_default():
    kr = check(make_item("kr", title="Work on stuff", kr_kind="milestone", period="2026-Q2"))
    assert list(blocking_problems(kr, "kr", "")) == ["M"]
    fine = check(make_item("kr", title="Daily posts from 1000 to 1300", kr_kind="metric", period="2026-Q2"))
    assert blocking_problems(fine, "kr", "SMART") == {}


def test_a_milestones_zero_to_one_is_not_its_measure():
    item = make_item("kr", title="Work on stuff", kr_kind="milestone", start=0, target=1)
    assert item.start is None and item.target is None


def test_check_many_keys_results():
    results = check_many(
        [
            (("kr", 1), make_item("kr", title="Hire 3 engineers")),
            (("objective", 2), make_item("objective", title="做大做强")),
        ],
    )
    assert results[("kr", 1)]["M"].verdict == "pass"
    assert results[("objective", 2)]["S"].verdict == "fail"
