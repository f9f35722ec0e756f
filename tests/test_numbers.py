"""Tables and properties for okr.core.numbers: quantities typed into forms (parse_quantity) and
numbers found in free text (find_numbers), in English and Chinese."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okr.core.numbers import Found, find_numbers, halfwidth, parse_quantity

# --- parse_quantity: accepted ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("30", "30", id="plain integer"),
        pytest.param("-2.5", "-2.5", id="negative decimal"),
        pytest.param("+7", "7", id="explicit plus"),
        pytest.param("  42  ", "42", id="surrounding spaces"),
        pytest.param("0", "0", id="zero"),
        pytest.param("-0", "0", id="negative zero is zero"),
        pytest.param("2.50", "2.5", id="trailing zero dropped"),
        pytest.param(".5", "0.5", id="leading point"),
        pytest.param("30%", "30", id="percent: the number of percent"),
        pytest.param("30 %", "30", id="space before percent"),
        pytest.param("-12.5%", "-12.5", id="negative percent"),
        pytest.param("1,000", "1000", id="comma thousands"),
        pytest.param("1,234,567.89", "1234567.89", id="comma thousands with decimals"),
        pytest.param("1 000", "1000", id="space thousands"),
        pytest.param("1\u00a0000\u00a0000", "1000000", id="no-break space thousands"),
        pytest.param("３０", "30", id="full-width digits"),
        pytest.param("１，０００", "1000", id="full-width comma thousands"),
        pytest.param("－５", "-5", id="full-width minus"),
        pytest.param("\u22125", "-5", id="Unicode minus sign"),
        pytest.param("３０％", "30", id="full-width percent"),
        pytest.param("１２．５", "12.5", id="full-width point"),
        pytest.param("百分之三十", "30", id="百分之三十 = 30 (percent)"),
        pytest.param("百分之1.5", "1.5", id="百分之 with Arabic digits"),
        pytest.param("百分之零点五", "0.5", id="百分之零点五 = 0.5"),
        pytest.param("百分百", "100", id="百分百 = 100"),
        pytest.param("三成", "30", id="三成 = 30 (percent, tenths)"),
        pytest.param("三成五", "35", id="三成五 = 35"),
        pytest.param("3成", "30", id="3成 = 30"),
        pytest.param("1.5万", "15000", id="1.5万 = 1.5 × 10^4"),
        pytest.param("1.5 万", "15000", id="space before 万"),
        pytest.param("2亿", "200000000", id="2亿 = 2 × 10^8"),
        pytest.param("3千", "3000", id="3千"),
        pytest.param("1万2500", "12500", id="1万2500 = 10000 + 2500"),
        pytest.param("三十", "30", id="三十 = 3 × 10"),
        pytest.param("十二", "12", id="十二 = 10 + 2"),
        pytest.param("十", "10", id="十 alone"),
        pytest.param("一百二十", "120", id="一百二十 = 100 + 2 × 10"),
        pytest.param("一百二", "120", id="colloquial 一百二 = 120"),
        pytest.param("一百零五", "105", id="一百零五 = 100 + 5"),
        pytest.param("一千零五十", "1050", id="一千零五十 = 1000 + 50"),
        pytest.param("两千", "2000", id="两千 = 2 × 1000"),
        pytest.param("两万五", "25000", id="colloquial 两万五 = 25000"),
        pytest.param("三点五万", "35000", id="三点五万 = 3.5 × 10^4"),
        pytest.param("三十点五", "30.5", id="三十点五 = 30.5"),
        pytest.param("一百二十五万", "1250000", id="一百二十五万 = 125 × 10^4"),
        pytest.param("三亿五千万", "350000000", id="三亿五千万 = 3 × 10^8 + 5000 × 10^4"),
        pytest.param("二〇二六", "2026", id="digit by digit"),
        pytest.param("壹佰", "100", id="financial numerals"),
        pytest.param("负五", "-5", id="负 = minus"),
        pytest.param("999999999999.999999", "999999999999.999999", id="largest magnitude, six places"),
        pytest.param("0.000001", "0.000001", id="six decimal places"),
        pytest.param("1.0000000", "1", id="zeros beyond six places are not places"),
    ],
)
def test_parse_quantity_accepts(text, expected):
    value = parse_quantity(text)
    assert isinstance(value, Decimal)
    assert str(value) == expected  # normalised: no exponent, no trailing zeros


# --- parse_quantity: rejected ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("", "Enter a number", id="empty"),
        pytest.param("   ", "Enter a number", id="blank"),
        pytest.param("\u3000", "Enter a number", id="ideographic space only"),
        pytest.param("NaN", "not a finite number", id="NaN"),
        pytest.param("nan", "not a finite number", id="nan"),
        pytest.param("sNaN", "not a finite number", id="signalling NaN"),
        pytest.param("Infinity", "not a finite number", id="Infinity"),
        pytest.param("-inf", "not a finite number", id="-inf"),
        pytest.param("∞", "not a finite number", id="infinity sign"),
        pytest.param("abc", "is not a number", id="words"),
        pytest.param("thirty", "is not a number", id="English number word"),
        pytest.param("30 users", "is not a number", id="number with text"),
        pytest.param("1e5", "is not a number", id="exponent notation"),
        pytest.param("1_000", "is not a number", id="underscore separator"),
        pytest.param("1,00", "is not a number", id="bad thousands group"),
        pytest.param("1,000 000", "is not a number", id="mixed separators"),
        pytest.param("3 0", "is not a number", id="space inside digits"),
        pytest.param("--5", "is not a number", id="double sign"),
        pytest.param("5-", "is not a number", id="trailing sign"),
        pytest.param("30%%", "is not a number", id="double percent"),
        pytest.param("١٢", "is not a number", id="Arabic-Indic digits"),
        pytest.param("²", "is not a number", id="superscript two"),
        pytest.param("万", "is not a number", id="万 alone"),
        pytest.param("十百", "is not a number", id="units out of order"),
        pytest.param("三万万", "is not a number", id="万 twice"),
        pytest.param("点五", "is not a number", id="point without whole part"),
        pytest.param("完成", "is not a number", id="成 in a word"),
        pytest.param("30\x00", "is not a number", id="NUL"),
        pytest.param("\ud800", "is not a number", id="lone surrogate"),
        pytest.param("1000000000000", "too large", id="1e12"),
        pytest.param("-1,000,000,000,000", "too large", id="-1e12"),
        pytest.param("1万亿", "too large", id="1万亿 = 1e12"),
        pytest.param("0.0000001", "more than 6 decimal places", id="seven places"),
        pytest.param("1.2345678", "more than 6 decimal places", id="seven places after a whole"),
        pytest.param("1" * 101, "too long", id="over 100 characters"),
        pytest.param("1" * 1_000_000, "too long", id="1 MB"),
    ],
)
def test_parse_quantity_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_quantity(text)


def test_parse_quantity_needs_text():
    with pytest.raises(TypeError):
        parse_quantity(30)


def test_error_message_escapes_what_cannot_be_printed():
    with pytest.raises(ValueError) as caught:
        parse_quantity("\ud800abc")
    message = str(caught.value)
    message.encode("utf-8")  # the lone surrogate is escaped, not copied
    assert "\\ud800abc" in message


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters() | st.characters(categories=["Cs"]), max_size=40))
def test_parse_quantity_raises_only_value_error(text):
    try:
        value = parse_quantity(text)
    except ValueError:
        return
    assert value.is_finite() and abs(value) < Decimal(10) ** 12
    assert -value.as_tuple().exponent <= 6


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789０１２３,，.．-－+%％ 万亿千百十一二两三四五六七八九零点成之分负", max_size=14))
def test_parse_quantity_on_number_like_text_raises_only_value_error(text):
    try:
        parse_quantity(text)
    except ValueError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=Decimal("-999999999999"), max_value=Decimal("999999999999"), places=6))
def test_parse_quantity_round_trips_decimals(value):
    assert parse_quantity(str(value)) == value
    assert parse_quantity(f"{value:,}") == value


# --- find_numbers ---------------------------------------------------------------------------


def _found(text):
    return [(str(f.value), f.is_percent, text[f.span[0] : f.span[1]]) for f in find_numbers(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("日均发布内容量提升30%", [("30", True, "30%")], id="percent in Chinese text"),
        pytest.param("提升百分之三十", [("30", True, "百分之三十")], id="百分之三十"),
        pytest.param("三成用户", [("30", True, "三成")], id="三成"),
        pytest.param("用户数达到1.5万", [("15000", False, "1.5万")], id="1.5万"),
        pytest.param("客服响应从４小时缩短到１小时", [("4", False, "４"), ("1", False, "１")], id="full-width"),
        pytest.param("招聘两名工程师", [("2", False, "两")], id="两名"),
        pytest.param("新增付费用户三千人", [("3000", False, "三千")], id="三千"),
        pytest.param("降低5个百分点", [("5", True, "5个百分点")], id="个百分点"),
        pytest.param("百分百覆盖", [("100", True, "百分百")], id="百分百"),
        pytest.param("千万用户", [("10000000", False, "千万")], id="千万 as a magnitude"),
        pytest.param("二〇二六年", [("2026", False, "二〇二六")], id="year digit by digit"),
        pytest.param("Increase signups by thirty percent", [("30", True, "thirty percent")], id="English words"),
        pytest.param("reach a million users", [("1000000", False, "a million")], id="a million"),
        pytest.param("twenty-five people", [("25", False, "twenty-five")], id="twenty-five"),
        pytest.param("10k users, $2M ARR", [("10000", False, "10k"), ("2000000", False, "2M")], id="k and M"),
        pytest.param("from 1,000 to 1,300", [("1000", False, "1,000"), ("1300", False, "1,300")], id="thousands"),
        pytest.param("NPS 30 → 45", [("30", False, "30"), ("45", False, "45")], id="arrow"),
        pytest.param("x -5 y", [("-5", False, "-5")], id="negative"),
        pytest.param("3-5 days", [("3", False, "3"), ("5", False, "5")], id="range is not negative"),
        pytest.param("DAU提升到10k用户", [("10000", False, "10k")], id="k next to CJK"),
        pytest.param("一些用户", [], id="一些 is 'some'"),
        pytest.param("进一步优化", [], id="进一步 is 'further'"),
        pytest.param("统一 唯一 一流", [], id="一 inside words"),
        pytest.param("十分重要", [], id="十分 is 'very'"),
        pytest.param("一成不变", [], id="idiom"),
        pytest.param("千万不要", [], id="千万 is 'must'"),
        pytest.param("B2B v2 H5 MP3", [], id="digits glued to letters"),
        pytest.param("no one left, one of us", [], id="one as a pronoun"),
        pytest.param("two-factor login", [], id="two-factor"),
        pytest.param("", [], id="empty"),
    ],
)
def test_find_numbers(text, expected):
    assert _found(text) == expected


def test_find_numbers_reads_dates_as_numbers_too():
    assert [f.value for f in find_numbers("2026-06-30")] == [2026, 6, 30]


def test_halfwidth_keeps_positions():
    text = "提升３０％，Ｑ２"
    assert halfwidth(text) == "提升30%,Q2"
    assert len(halfwidth(text)) == len(text)


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.characters() | st.characters(categories=["Cs"]) | st.sampled_from("一二三十百千万亿成%１0,."),
        max_size=80,
    )
)
def test_find_numbers_never_raises_and_spans_are_in_the_text(text):
    found = find_numbers(text)
    assert all(isinstance(f, Found) and f.value.is_finite() for f in found)
    ends = [0]
    for f in found:
        start, end = f.span
        assert 0 <= start < end <= len(text)
        assert start >= ends[-1]  # in order, not overlapping
        ends.append(end)


def test_find_numbers_on_a_megabyte():
    assert find_numbers("x" * 1_000_000) == []
    assert len(find_numbers("1 " * 500_000)) == 500_000
