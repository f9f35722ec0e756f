"""okr.kpi.rules: severity, status, stale, target_met and the tree checks, by tables and by
hypothesis. Each boundary case says its arithmetic."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okr.kpi import rules as r

N = r.Range(D(90), D(110))
C = r.Range(D(50), D(150))
FLAT8 = [D(100)] * 8
WIGGLE8 = [D(99), D(101)] * 4  # mean 100, population σ = 1


@pytest.mark.parametrize(
    "value, previous, expected",
    [
        (D(150), [], r.Verdict("warning", "normal_range")),  # = critical max: inside critical, outside 90…110
        (D("150.000001"), [], r.Verdict("critical", "critical_range")),  # strictly above 150
        (D(50), [], r.Verdict("warning", "normal_range")),  # = critical min: inside
        (D("49.99"), [], r.Verdict("critical", "critical_range")),
        (D(110), [], r.Verdict("normal", None)),  # = normal max is inside
        (D(90), [], r.Verdict("normal", None)),  # = normal min is inside
        (D("110.01"), [], r.Verdict("warning", "normal_range")),
        (D("89.99"), [], r.Verdict("warning", "normal_range")),
        # sudden change: mean 100, σ 1, 3σ = 3 → 103 is exactly 3σ away (not more): normal
        (D(103), WIGGLE8, r.Verdict("normal", None)),
        (D("103.01"), WIGGLE8, r.Verdict("warning", "sudden_change")),
        (D("96.99"), WIGGLE8, r.Verdict("warning", "sudden_change")),
        (D(97), WIGGLE8, r.Verdict("normal", None)),
        # fewer than 8 earlier values: no sudden-change test
        (D(108), WIGGLE8[:7], r.Verdict("normal", None)),
        # σ = 0 (eight equal values): never sudden, whatever the jump inside the normal range
        (D(109), FLAT8, r.Verdict("normal", None)),
        # only the last 8 count: a huge old value before them does not widen σ
        (D(104), [D(10000)] + WIGGLE8, r.Verdict("warning", "sudden_change")),
        # the range rules win over sudden change
        (D(200), WIGGLE8, r.Verdict("critical", "critical_range")),
        (D(111), WIGGLE8, r.Verdict("warning", "normal_range")),
    ],
)
def test_severity_table(value, previous, expected):
    assert r.severity(value, normal=N, critical=C, previous=previous) == expected


@pytest.mark.parametrize(
    "normal, critical, value, expected",
    [
        (r.Range(None, D(10)), r.Range(None, None), D(-(10**9)), "normal"),  # open below
        (r.Range(D(0), None), r.Range(D(-5), None), D(10**9), "normal"),  # open above
        (r.Range(), r.Range(), D(0), "normal"),  # no ranges at all
        (r.Range(D(0), D(10)), r.Range(), D(11), "warning"),
        (r.Range(D(0), D(10)), r.Range(D(0), D(10)), D(11), "critical"),  # critical equal to normal
    ],
)
def test_open_and_missing_bounds(normal, critical, value, expected):
    assert r.severity(value, normal=normal, critical=critical).severity == expected


def test_severities_walk_the_series_in_order():
    series = WIGGLE8 + [D(104), D(100)]
    verdicts = r.severities(series, normal=N, critical=C)
    assert [v.severity for v in verdicts] == ["normal"] * 8 + ["warning", "normal"]
    # the 10th value's window is 101, 99, 101, 99, 101, 99, 101 and 104: mean 100.625
    assert verdicts[8].rule == "sudden_change"


TODAY = date(2026, 5, 20)
Q2_END = date(2026, 6, 30)


@pytest.mark.parametrize(
    "latest, frequency, today, period_end, expected",
    [
        (None, "daily", TODAY, Q2_END, "no_data"),
        ((TODAY, "critical"), "daily", TODAY, Q2_END, "critical"),
        ((TODAY - timedelta(days=30), "warning"), "daily", TODAY, Q2_END, "warning"),  # old warnings stay warnings
        ((TODAY - timedelta(days=2), "normal"), "daily", TODAY, Q2_END, "normal"),  # 2 days old: not older than 2
        ((TODAY - timedelta(days=3), "normal"), "daily", TODAY, Q2_END, "stale"),
        ((TODAY - timedelta(days=14), "normal"), "weekly", TODAY, Q2_END, "normal"),
        ((TODAY - timedelta(days=15), "normal"), "weekly", TODAY, Q2_END, "stale"),
        ((TODAY - timedelta(days=62), "normal"), "monthly", TODAY, Q2_END, "normal"),
        ((TODAY - timedelta(days=63), "normal"), "monthly", TODAY, Q2_END, "stale"),
        # a past period is judged at its end: March's value of 03-29 is 2 days old on 03-31
        ((date(2026, 3, 29), "normal"), "daily", TODAY, date(2026, 3, 31), "normal"),
        ((date(2026, 3, 28), "normal"), "daily", TODAY, date(2026, 3, 31), "stale"),
    ],
)
def test_status_table(latest, frequency, today, period_end, expected):
    assert r.status(latest, frequency=frequency, today=today, period_end=period_end) == expected


@pytest.mark.parametrize(
    "direction, latest, target, expected",
    [
        ("higher", D(1300), D(1300), True),  # equal meets
        ("higher", D(1299), D(1300), False),
        ("lower", D(5), D(5), True),
        ("lower", D("5.1"), D(5), False),
        ("higher", D(1), None, None),  # no target for the period
        ("lower", D(1), None, None),
        ("higher", None, D(1), None),  # no value
        ("band", D(110), None, True),  # = normal max: inside, no target needed
        ("band", D("110.5"), D(1), False),
        ("band", D(90), None, True),
        ("band", None, None, None),
    ],
)
def test_target_met_table(direction, latest, target, expected):
    assert r.target_met(direction, latest, target, N) == expected


@pytest.mark.parametrize(
    "level, parent_level, parent_of, node, new_parent, expected",
    [
        ("tactical", "strategic", {}, None, 1, None),
        ("tactical", "tactical", {}, None, 1, None),  # equal levels are fine
        ("strategic", "tactical", {}, None, 1, "level_above_parent"),
        ("tactical", "execution", {}, None, 1, "level_above_parent"),
        ("execution", "strategic", {2: 1, 3: 2}, 1, 3, "parent_cycle"),  # 3 is below 1
        ("execution", "strategic", {}, 1, 1, "parent_cycle"),  # its own parent
        ("strategic", None, {}, 1, None, None),
    ],
)
def test_check_parent_table(level, parent_level, parent_of, node, new_parent, expected):
    assert r.check_parent(parent_of, node, new_parent, level=level, parent_level=parent_level) == expected


@pytest.mark.parametrize(
    "normal, critical, expected",
    [
        (r.Range(D(1), D(2)), r.Range(D(0), D(3)), []),
        (r.Range(D(1), D(2)), r.Range(D(1), D(2)), []),  # as wide is fine
        (r.Range(D(3), D(2)), r.Range(), [("normal", "min_above_max")]),
        (r.Range(D(1), D(2)), r.Range(D("1.5"), None), [("critical", "critical_inside_normal")]),
        (r.Range(None, D(2)), r.Range(D(0), None), [("critical", "critical_inside_normal")]),
        (r.Range(D(1), D(5)), r.Range(None, D(4)), [("critical", "critical_inside_normal")]),
    ],
)
def test_check_ranges_table(normal, critical, expected):
    assert r.check_ranges(normal, critical) == expected


def test_tree_order_puts_parents_first_and_survives_a_cycle():
    assert r.tree_order([(3, 2), (1, None), (2, 1), (4, 99)]) == [(1, 0), (2, 1), (3, 2), (4, 0)]
    assert sorted(i for i, _d in r.tree_order([(1, 2), (2, 1)])) == [1, 2]


def test_trend():
    assert r.trend([D(1), D(2)]) == "up" and r.trend([D(2), D(1)]) == "down"
    assert r.trend([D(1)]) == "flat" and r.trend([D(1), D(1)]) == "flat"
    assert r.trend_is_good("lower", "down") is True and r.trend_is_good("higher", "down") is False
    assert r.trend_is_good("band", "up") is None


# --- properties ------------------------------------------------------------------------------------

numbers = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(value=numbers, previous=st.lists(numbers, min_size=8, max_size=12))
def test_sudden_change_agrees_with_statistics(value, previous):
    window = [float(x) for x in previous[-8:]]
    mean = statistics.fmean(window)
    sigma = statistics.pstdev(window)
    found = r.sudden_change(value, previous)
    margin = abs(abs(float(value) - mean) - 3 * sigma)
    if margin > 1e-6 * max(1.0, abs(mean), sigma):  # far from the boundary, floats agree
        assert found == (sigma > 0 and abs(float(value) - mean) > 3 * sigma)


def _reference(value, previous):
    """The rule as DESIGN.md words it, in Fractions: mean and population σ of the last 8."""
    from fractions import Fraction

    window = [Fraction(x) for x in previous[-8:]]
    mean = sum(window) / 8
    variance = sum((x - mean) ** 2 for x in window) / 8
    return variance > 0 and (Fraction(value) - mean) ** 2 > 9 * variance


fine = st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False)
finer = st.decimals(min_value=-10, max_value=10, places=9, allow_nan=False, allow_infinity=False)


@settings(max_examples=400, deadline=None)
@given(series=st.one_of(st.lists(fine, min_size=9, max_size=14), st.lists(finer, min_size=9, max_size=12)))
def test_sudden_change_is_exactly_the_written_rule(series):
    value, previous = series[-1], series[:-1]
    assert r.sudden_change(value, previous) == _reference(value, previous)
    verdicts = r.severities(series, normal=r.Range(), critical=r.Range())
    assert [v.rule == "sudden_change" for v in verdicts] == [
        i >= 8 and _reference(series[i], series[:i]) for i in range(len(series))
    ]


@settings(max_examples=300, deadline=None)
@given(a=numbers, b=numbers, value=numbers, prev=st.lists(numbers, max_size=10))
def test_a_value_inside_the_normal_range_is_never_a_range_alert(a, b, value, prev):
    low, high = min(a, b), max(a, b)
    normal = r.Range(low, high)
    verdict = r.severity(value, normal=normal, critical=r.Range(low - 1, high + 1), previous=prev)
    if low <= value <= high:
        assert verdict.rule in (None, "sudden_change")
    else:
        assert verdict.severity in ("warning", "critical") and verdict.rule != "sudden_change"
    assert (verdict.severity == "normal") == (verdict.rule is None)


@settings(max_examples=200, deadline=None)
@given(offset=st.integers(min_value=-5, max_value=200), freq=st.sampled_from(r.FREQUENCIES))
def test_stale_exactly_past_two_intervals(offset, freq):
    on = TODAY - timedelta(days=offset)
    got = r.status((on, "normal"), frequency=freq, today=TODAY, period_end=Q2_END)
    assert got == ("stale" if offset > r.STALE_AFTER_DAYS[freq] else "normal")


@settings(max_examples=200, deadline=None)
@given(latest=numbers, target=numbers)
def test_higher_and_lower_are_mirror_images(latest, target):
    assert r.target_met("higher", latest, target, r.Range()) == (latest >= target)
    assert r.target_met("lower", -latest, -target, r.Range()) == (latest >= target)
