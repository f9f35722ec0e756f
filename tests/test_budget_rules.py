"""The budget's pure rules, by tables with the arithmetic written in each case, and properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.budget import rules
from okr.budget.chart import burn_chart
from okr.budget.rules import MoneyError, ReturnIn

SUPER_BRAND_DAY_COSTS = [D(600000), D(200000), D(150000), D(50000)]
SUPER_BRAND_DAY_RETURNS = [
    ReturnIn("direct", gmv=D(5000000), margin=D("0.2")),  # 5,000,000 × 20% = 1,000,000
    ReturnIn("indirect", users=D(5000), ltv=D(200)),  # 5,000 × 200 = 1,000,000
    ReturnIn("brand", impressions=D(30000000), cpm=D(30)),  # 30,000,000 ÷ 1000 × 30 = 900,000
]


def test_super_brand_day_comes_out_to_the_cent():
    planned = sum(SUPER_BRAND_DAY_COSTS)
    cost = rules.cost(planned, D(0), has_spend=False)
    returns = rules.total_returns(SUPER_BRAND_DAY_RETURNS)
    assert cost == D("1000000.00")
    assert returns == D("2900000.00")
    assert rules.roi(returns, cost) == D("1.9")
    assert rules.percent(rules.roi(returns, cost)) == "190%"


@pytest.mark.parametrize(
    "ret, expected",
    [
        (ReturnIn("direct", gmv=D(5000000), margin=D("0.2")), D("1000000.00")),  # 5e6 × 0.2
        (ReturnIn("direct", gmv=D("1234.56"), margin=D("0.333")), D("411.11")),  # 411.10848 → 411.11
        (ReturnIn("indirect", users=D(5000), ltv=D(200)), D("1000000.00")),  # 5000 × 200
        (ReturnIn("indirect", users=D(3), ltv=D("33.335")), D("100.01")),  # 100.005 rounds half up
        (ReturnIn("brand", impressions=D(30000000), cpm=D(30)), D("900000.00")),  # 30e6 / 1000 × 30
        (ReturnIn("brand", impressions=D(1500), cpm=D("12.5")), D("18.75")),  # 1.5 × 12.5
        (ReturnIn("other", amount=D("4200.5")), D("4200.50")),  # a plain amount
        (ReturnIn("direct", gmv=D(100), margin=D("0.5"), amount=D(7)), D("7.00")),  # the amount wins
        (ReturnIn("other"), D("0.00")),  # nothing entered
        (ReturnIn("brand", impressions=D(1000)), D("0.00")),  # CPM missing
    ],
)
def test_return_amount(ret, expected):
    assert rules.return_amount(ret) == expected


@pytest.mark.parametrize(
    "planned, actual, has_spend, returns, cost, roi",
    [
        (D(1000000), D(0), False, D(2900000), D(1000000), D("1.9")),  # planned cost when nothing spent
        (D(1000000), D(1250000), True, D(2900000), D(1250000), D("1.32")),  # (2.9e6 − 1.25e6) / 1.25e6
        (D(100), D(0), True, D(50), D(0), None),  # spend recorded as 0: cost 0, no ROI
        (D(0), D(0), False, D(10), D(0), None),  # nothing planned, nothing spent
        (D(300), D(300), True, D(100), D(300), D("-0.6667")),  # (100 − 300) / 300 = −0.66666…
    ],
)
def test_cost_and_roi(planned, actual, has_spend, returns, cost, roi):
    c = rules.cost(planned, actual, has_spend)
    assert c == cost
    assert rules.roi(returns, c) == roi


@pytest.mark.parametrize(
    "planned, actual, amount, fraction, over",
    [
        (D(100000), D(112500), D("12500.00"), D("0.125"), True),  # 12,500 over, 12.5%
        (D(100000), D(80000), D("-20000.00"), D("-0.2"), False),  # 20,000 under
        (D(0), D(500), D("500.00"), None, True),  # nothing planned: no %
        (D(3), D(1), D("-2.00"), D("-0.6667"), False),  # −2/3
    ],
)
def test_variance(planned, actual, amount, fraction, over):
    v = rules.variance(planned, actual)
    assert (v.amount, v.fraction, v.over) == (amount, fraction, over)


@pytest.mark.parametrize(
    "actual, elapsed, expected",
    [
        (D(30000), D("0.3"), D("100000.00")),  # 30,000 ÷ 0.3
        (D(45000), D(45) / D(91), D("91000.00")),  # 45 of 91 days: 45,000 × 91 / 45
        (D(1000), D(1), D("1000.00")),  # the period has ended
        (D(1000), D(0), None),  # not started: no forecast
    ],
)
def test_straight_line_forecast(actual, elapsed, expected):
    assert rules.forecast(actual, elapsed) == expected


@pytest.mark.parametrize(
    "value, kwargs, code",
    [
        ("-1", {}, "negative"),
        ("1.234", {}, "too_many_places"),
        ("1e13", {}, "too_large"),
        ("NaN", {}, "not_a_number"),
        ("Infinity", {}, "not_a_number"),
        ("abc", {}, "not_a_number"),
        ("0", {"allow_zero": False}, "zero"),
    ],
)
def test_bad_money(value, kwargs, code):
    with pytest.raises(MoneyError) as e:
        rules.check_money(value, **kwargs)
    assert e.value.code == code


def test_good_money_and_inputs():
    assert rules.check_money("1000000") == D("1000000.00")
    assert rules.check_money("-500.5", allow_negative=True) == D("-500.50")
    assert rules.check_margin("0.2") == D("0.2")
    for bad in ("1.01", "-0.1"):
        with pytest.raises(MoneyError, match="margin_range"):
            rules.check_margin(bad)
    assert rules.check_count("5000") == D(5000)
    with pytest.raises(MoneyError, match="whole_number"):
        rules.check_count("2.5")


def test_rank_by_roi_puts_no_roi_last():
    items = [("a", None), ("b", D("0.5")), ("c", D("1.9")), ("d", D("-0.2"))]
    assert [x[0] for x in rules.rank_by_roi(items, key=lambda x: x[1])] == ["c", "b", "d", "a"]


def test_cumulative_and_months_total():
    assert rules.cumulative([D(10), D(20), D(5)]) == [D(10), D(30), D(35)]
    months = {"2026-04": D(100), "2026-05": D(50), "2026-06": D(25)}
    assert rules.months_total(months, ["2026-04", "2026-06", "2026-07"]) == D(125)


def test_burn_chart_flags_a_forecast_past_plan():
    chart = burn_chart(["04", "05", "06"], [D(100), D(200), D(300)], [D(150)], D(450))
    assert chart.over
    assert chart.forecast  # a dashed line from the last actual to the end
    assert chart.plan.startswith("70,190")
    quiet = burn_chart(["04", "05", "06"], [D(100), D(200), D(300)], [D(50), D(100), D(150)], D(150))
    assert not quiet.over and not quiet.forecast


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(amounts, amounts)
def test_roi_reproduces_returns(returns, cost):
    """returns = cost × (1 + ROI), within rounding of the four places the ROI keeps."""
    r = rules.roi(returns, cost)
    if cost == 0:
        assert r is None
    else:
        assert abs(cost * (1 + r) - returns) <= cost * D("0.00005") + D("0.005")


@given(amounts, amounts)
def test_variance_is_actual_minus_planned(planned, actual):
    v = rules.variance(planned, actual)
    assert planned + v.amount == actual
    assert v.over == (actual > planned)


@given(st.lists(amounts, max_size=20))
def test_cumulative_ends_at_the_sum(values):
    totals = rules.cumulative(values)
    assert (totals[-1] if totals else D(0)) == sum(values, D(0))
    assert all(a <= b for a, b in zip(totals, totals[1:]))


@given(amounts, st.integers(min_value=1, max_value=365), st.integers(min_value=1, max_value=365))
def test_forecast_never_below_what_was_spent(actual, passed, days):
    passed = min(passed, days)
    f = rules.forecast(actual, D(passed) / D(days))
    assert f >= rules.money(actual) - D("0.01")


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_check_money_accepts_only_money(value):
    try:
        m = rules.check_money(value)
    except MoneyError:
        return
    assert m == value and 0 <= m <= rules.MAX_AMOUNT and m.as_tuple().exponent == -2
