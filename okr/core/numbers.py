"""Numbers as people type them, in English and Chinese: one parser for form fields and one
finder for free text (the SMART coach). Pure and stdlib only: text in, Decimal out.

What is understood, in both functions:

* ASCII and full-width digits and signs (``30``, ``-2.5``, ``３０``, ``－５``, ``１，０００``);
* thousands separators: commas (``1,000``) or, in a form field, spaces (``1 000``);
* percentages: ``30%``, ``30％``, ``百分之三十``, ``三成`` (tenths: 30) and ``三成五`` (35);
* Chinese numerals and multipliers: ``三十``, ``一百二十``, ``两千``, ``一万零五``, ``两万五``
  (colloquial 25000), ``三点五``, ``1.5万`` (15000), ``2亿``, ``3千``, and financial forms
  (``壹佰``).

A percentage is returned as its number of percent (``30%`` → 30); the unit is the caller's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, DecimalException

__all__ = ["MAX_MAGNITUDE", "MAX_PLACES", "Found", "find_numbers", "halfwidth", "parse_quantity"]

#: Quantities must stay below this in absolute value (a trillion).
MAX_MAGNITUDE = Decimal(10) ** 12
#: At most this many digits after the decimal point.
MAX_PLACES = 6
# Longer input cannot be a quantity a person typed; refusing it early keeps parsing cheap.
_MAX_INPUT = 100
# In free text a run of more digits than this is an identifier (an order number), not a quantity.
_MAX_FREE_DIGITS = 24

# Exact arithmetic for everything we build: 40 digits holds any accepted value with room.
_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999, Emin=-999)

# One character to one character, so spans found in the translated text are spans of the
# original. Full-width forms, the ideographic space and the Unicode minus sign.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ！ to ～, ３０ and ％ included
_WIDTH.update({0x2212: "-", 0xFE63: "-", 0x3000: " "})  # minus signs, ideographic space


def halfwidth(text: str) -> str:
    """``text`` with full-width ASCII (``３０％``, ``Ｑ２``) and minus signs made plain, one
    character for one, so positions in the result are positions in ``text``."""
    return text.translate(_WIDTH)


_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)

_ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
_ARABIC_FIELD = re.compile(
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+|[0-9]+)"
    r"(?:\.[0-9]+)?|\.[0-9]+"
)
# One token of a Chinese numeral: Arabic digits, a digit, a small unit, a big unit, a point.
_CN_TOKEN = re.compile(
    rf"([0-9]+(?:\.[0-9]+)?)|([{''.join(_CN_DIGITS)}])|([{''.join(_CN_SMALL)}])"
    rf"|([{''.join(_CN_BIG)}])|(点|點)"
)
_NON_FINITE = re.compile(r"[-+]?\s*(?:s?nan|inf|infinity|∞)", re.IGNORECASE)
_CJK_SPACE = re.compile(r"\s+(?=[\u4e00-\u9fff%])|(?<=[\u4e00-\u9fff])\s+")


@dataclass(frozen=True, slots=True)
class Found:
    """A number found in free text: its value, whether it was a percentage, and where it was
    (``text[span[0]:span[1]]`` is what was read)."""

    value: Decimal
    is_percent: bool
    span: tuple[int, int]


# --- parse_quantity -----------------------------------------------------------------------


def _shown(text: str) -> str:
    """The input as it may appear in a message: short, printable, no lone surrogates."""
    short = text if len(text) <= 30 else text[:30] + "…"
    return repr(short)


def parse_quantity(text: str) -> Decimal:
    """Read one quantity typed into a form field and return it as a normalised Decimal.

    Accepted: ``30``, ``-2.5``, ``30%`` (→ 30), ``1,000``, ``1 000``, ``３０``, ``１，０００``,
    ``－５``, ``百分之三十`` (30), ``三成`` (30), ``1.5万`` (15000), ``2亿``, ``三十``,
    ``一百二十``, ``两千``. The result has no exponent and no trailing zeros (``30``, ``2.5``,
    ``15000``).

    Rejected with ``ValueError`` (and nothing else, for any ``str``): empty text, words, NaN and
    infinities, magnitudes of 1e12 or more, more than 6 decimal places, text over 100
    characters. Anything that is not a ``str`` raises ``TypeError``.
    """
    if not isinstance(text, str):
        raise TypeError(f"a quantity must be given as text, not {type(text).__name__}")
    if len(text) > 10 * _MAX_INPUT:
        raise ValueError(f"This is too long to be a number ({len(text)} characters).")
    stripped = halfwidth(text).strip()
    if not stripped:
        raise ValueError("Enter a number, such as 30, 1,000, 30% or 1.5万.")
    if len(stripped) > _MAX_INPUT:
        raise ValueError(f"This is too long to be a number ({len(stripped)} characters).")
    if _NON_FINITE.fullmatch(stripped):
        raise ValueError(f"{_shown(text)} is not a finite number: enter a number such as 30.")
    try:
        value = _parse_field(stripped)
    except (DecimalException, ArithmeticError, ValueError):
        value = None
    if value is None:
        raise ValueError(
            f"{_shown(text)} is not a number: use digits (30, 1,000, -2.5, 30%) "
            "or Chinese numerals (三十, 百分之三十, 1.5万)."
        )
    if abs(value) >= MAX_MAGNITUDE:
        raise ValueError(f"{_shown(text)} is too large: a quantity must be below 1,000,000,000,000.")
    normal = _normalise(value)
    if -normal.as_tuple().exponent > MAX_PLACES:
        raise ValueError(
            f"{_shown(text)} has more than {MAX_PLACES} decimal places: round it to {MAX_PLACES} or fewer."
        )
    return normal


def _normalise(value: Decimal) -> Decimal:
    """No exponent, no trailing zeros, no negative zero: 3E+1 → 30, 2.50 → 2.5, -0 → 0."""
    if value == 0:
        return Decimal(0)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=_CONTEXT)
    return value.normalize(_CONTEXT)


def _parse_field(text: str) -> Decimal | None:
    """The whole of ``text`` (trimmed, translated) as one quantity, or None."""
    negative = False
    if text[0] in "+-":
        negative = text[0] == "-"
        text = text[1:].lstrip()
    elif text[0] == "负" or text[0] == "負":
        negative = True
        text = text[1:].lstrip()
    if not text:
        return None
    value = _parse_unsigned(text)
    if value is None:
        return None
    return -value if negative else value


def _parse_unsigned(text: str) -> Decimal | None:
    if text.endswith("%"):
        return _parse_plain(text[:-1].rstrip())
    if text.startswith("百分之"):
        return _parse_plain(text[3:].lstrip())
    if text == "百分百":
        return Decimal(100)
    tenths = _parse_tenths(text)
    if tenths is not None:
        return tenths
    return _parse_plain(text)


def _parse_tenths(text: str) -> Decimal | None:
    """``三成`` → 30, ``三成五`` → 35, ``3成`` → 30 (percent); None when not this form."""
    head, sep, tail = text.partition("成")
    if not sep or not head:
        return None
    whole = _parse_plain(head)
    if whole is None or not 0 <= whole <= 10 or whole != whole.to_integral_value():
        return None
    extra = Decimal(0)
    if tail:
        if tail in _CN_DIGITS:
            extra = Decimal(_CN_DIGITS[tail])
        elif len(tail) == 1 and tail.isascii() and tail.isdigit():
            extra = Decimal(tail)
        elif tail == "半":
            extra = Decimal(5)
        else:
            return None
    return whole * 10 + extra


def _parse_plain(text: str) -> Decimal | None:
    """A number without sign or percent: Arabic with separators, or Chinese numerals."""
    if not text:
        return None
    if _ARABIC_FIELD.fullmatch(text):
        digits = re.sub(r"[, \u00a0\u202f\u2009]", "", text)
        return Decimal(digits)
    return _parse_chinese(_CJK_SPACE.sub("", text))


def _tokens(text: str) -> list[tuple[str, Decimal | str]] | None:
    """Split a Chinese (or mixed) numeral into typed tokens, or None if anything is left over."""
    tokens: list[tuple[str, Decimal | str]] = []
    pos = 0
    while pos < len(text):
        match = _CN_TOKEN.match(text, pos)
        if match is None:
            return None
        arabic, digit, small, big, point = match.groups()
        if arabic is not None:
            tokens.append(("arabic", Decimal(arabic)))
        elif digit is not None:
            tokens.append(("digit", Decimal(_CN_DIGITS[digit])))
        elif small is not None:
            tokens.append(("small", Decimal(_CN_SMALL[small])))
        elif big is not None:
            tokens.append(("big", Decimal(_CN_BIG[big])))
        else:
            tokens.append(("point", point))
        pos = match.end()
    return tokens


def _parse_chinese(text: str) -> Decimal | None:
    """Chinese numerals, possibly with Arabic digits before a multiplier (``1.5万``)."""
    if not text or len(text) > 40:
        return None
    tokens = _tokens(text)
    if not tokens:
        return None
    kinds = [kind for kind, _ in tokens]
    if kinds.count("point") > 1:
        return None
    if "point" in kinds:
        at = kinds.index("point")
        left, right = tokens[:at], tokens[at + 1 :]
        # Fraction digits, then at most a multiplier that applies to the whole (三点五万).
        digits = []
        while right and right[0][0] == "digit":
            digits.append(right.pop(0)[1])
        if not digits or not left:
            return None
        fraction = Decimal("0." + "".join(str(d) for d in digits))
        multiplier = Decimal(1)
        if right:
            if any(kind != "big" for kind, _ in right):
                return None
            for _, unit in right:
                multiplier *= unit
            if any(kind == "big" for kind, _ in left) or multiplier not in (10**4, 10**8, 10**12):
                return None
        whole = _integer(left)
        if whole is None or whole != whole.to_integral_value():
            return None
        return _CONTEXT.multiply(whole + fraction, multiplier)
    return _integer(tokens)


def _integer(tokens: list[tuple[str, Decimal | str]]) -> Decimal | None:
    """Evaluate digits and units: 一百二十 → 120, 两万五 → 25000, 1.5万 → 15000, 二〇二六 → 2026."""
    if all(kind == "digit" for kind, _ in tokens):
        if len(tokens) == 1:
            return tokens[0][1]
        # Digit by digit, as years are written (二〇二六).
        return Decimal("".join(str(value) for _, value in tokens))
    if len(tokens) == 1 and tokens[0][0] == "arabic":
        return tokens[0][1]

    total = Decimal(0)  # whole 亿 groups
    wan = Decimal(0)  # the 万 group
    section = Decimal(0)  # below 万
    pending: Decimal | None = None  # a digit waiting for its unit
    pending_single = False  # that digit was one character (for 两万五)
    prev: str | None = None  # kind of the previous token
    prev_unit = Decimal(0)  # the unit just before the pending digit
    last_small: Decimal | None = None  # the last small unit in this section (order check)
    wan_used = False
    zero_gap = False

    for kind, value in tokens:
        if kind in ("digit", "arabic"):
            if prev in ("digit", "arabic"):
                return None
            if kind == "digit" and value == 0:
                if prev is None or prev == "zero":
                    return None
                zero_gap = True
                prev = "zero"
                continue
            pending = value
            pending_single = kind == "digit" or (value < 10 and value == value.to_integral_value())
            prev_unit = prev_unit if prev in ("small", "big") else Decimal(0)
            prev = kind
        elif kind == "small":
            if prev == "zero":
                return None
            if pending is None:
                if prev is None and value == 10:
                    pending = Decimal(1)  # 十二 is 12
                else:
                    return None
            if last_small is not None and value >= last_small:
                return None
            section += pending * value
            pending = None
            last_small = value
            prev_unit = value
            zero_gap = False
            prev = "small"
        elif kind == "big":
            if prev == "zero":
                return None
            if pending is not None:
                section += pending
                pending = None
            if value == 10**4:
                if wan_used or section == 0:
                    return None
                wan = section * value
                wan_used = True
            else:
                if total != 0:
                    return None
                if section == 0 and wan == 0:
                    return None
                total = (wan + section) * value
                wan = Decimal(0)
                wan_used = False
            section = Decimal(0)
            last_small = None
            prev_unit = value
            zero_gap = False
            prev = "big"
        else:
            return None

    if pending is not None:
        if prev_unit and not zero_gap and pending_single and pending < 10:
            # Colloquial: 一百二 is 120, 两万五 is 25000, 三千五 is 3500 (not 十五, which is 15).
            if prev_unit >= 100:
                pending *= prev_unit / 10
        elif (
            prev_unit >= 10**4
            and not zero_gap
            and pending >= prev_unit
            or last_small is not None
            and not zero_gap
            and pending >= last_small
        ):
            return None
        section += pending
    if prev == "zero":
        return None
    return total + wan + section


# --- find_numbers -------------------------------------------------------------------------

_MEASURE_WORDS = (
    "个 名 位 次 篇 家 款 项 条 件 场 台 套 本 部 门 所 座 支 只 天 日 周 月 年 倍 人 元 块 "
    "小时 分钟 秒 公里 米 遍 轮 期 批 笔 单 份 张 页 章 节 课 级 星 种 类 季 号 层 届 辆 架 "
    "颗 箱 瓶 杯 封 首 集 岁 趟 番 成 万 亿 千 百 十 点"
).split()
# Idioms that only look like numbers: 十分 (very), 一成不变 (unchanging), 万一 (in case)...
_NOT_NUMBERS = re.compile(r"十分(?!钟)|一成不变|一次性|万一|千万(?=[不别要记])|一一|三三两两")
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_SCALE = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9}

# \b would see no edge between 10k and 用户 (CJK letters are word characters): test ASCII only.
_END = r"(?![A-Za-z0-9])"
_PERCENT_AFTER = rf"(?P<pct>\s?(?:%|per\s?cent{_END}|pct{_END}|percentage\s+points?{_END}|pp{_END}|个百分点|百分点))"
_SCALE_AFTER = (
    rf"(?P<scale>\s?(?:万亿|千万|百万|万|亿|千(?!米|克|瓦)|百(?!分)|[kK]{_END}|M{_END}|mn{_END}|bn{_END}"
    rf"|\s(?:thousand|million|billion){_END}))"
)
_ARABIC_FREE = re.compile(
    rf"(?P<sign>(?<![\w.,%])[-+])?(?<![A-Za-z0-9_.])(?P<num>{_ARABIC}){_SCALE_AFTER}?"
    rf"(?:(?P<tenths>成(?!员|本|果|功|立|就|长|熟|为|交|型|绩|品|份|都|效|分|年|人))|{_PERCENT_AFTER})?"
)
_CN_FREE = re.compile(
    rf"(?P<full>百分百)|(?P<pre>百分之|第)?(?P<num>[{_CN_CHARS}]+(?:[点點][{''.join(_CN_DIGITS)}]+[万亿]*)?)"
    rf"(?P<tenths>成[{''.join(_CN_DIGITS)}半]?)?"
)
_EN_WORD = "|".join(list(_EN_UNITS) + list(_EN_TENS))
_EN_DIGIT = "|".join(list(_EN_UNITS)[1:10])
_EN_SMALL = rf"(?:(?:{'|'.join(_EN_TENS)})(?:[- ](?:{_EN_DIGIT}))?|{'|'.join(_EN_UNITS)})"  # forty-two, seven
_EN_SCALES = r"(?:hundred|thousand|million|billion)"
_EN_FREE = re.compile(
    rf"(?<![A-Za-z0-9])(?P<num>(?:a(?=\s+{_EN_SCALES}{_END})|{_EN_SMALL})"
    rf"(?:\s+{_EN_SCALES}(?:\s+(?:and\s+)?{_EN_SMALL})?)*){_END}"
    rf"{_PERCENT_AFTER}?",
    re.IGNORECASE,
)
# "one" as a pronoun: no one, the one, one of them, one another, one by one, one day.
_EN_ONE_NOT_NUMBER = re.compile(r"\b(?:no|any|every|some|each|the)\s+$", re.IGNORECASE)
_EN_ONE_PRONOUN = re.compile(r"\s+(?:of|another|by\s+one|day)\b", re.IGNORECASE)


def find_numbers(text: str) -> list[Found]:
    """Every quantity in free text, English or Chinese, in order of position.

    Finds Arabic numbers (``1,000``, ``-5``, ``2.5``, ``３０``) with a percent sign or word
    (``30%``, ``30 percent``, ``5个百分点``) or a multiplier (``1.5万``, ``10k``, ``2M``,
    ``3 million``); ``百分之三十`` and ``三成`` (percent); Chinese numerals (``三十``, ``两千``,
    ``一个``, ``第二``); English number words (``thirty``, ``two hundred``). Dates are numbers
    too: callers that want measures drop the spans of dates.

    Not numbers: digits glued to letters (``B2B``, ``v2``, ``Q2``), lone numeral characters in
    words (``一些``, ``统一``, ``进一步``, ``十分``), English ``one`` in ``no one``/``one of``.
    Never raises for a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    plain = halfwidth(text)
    found: list[Found] = []
    for match in _ARABIC_FREE.finditer(plain):
        item = _arabic_found(match)
        if item is not None:
            found.append(item)
    for match in _CN_FREE.finditer(plain):
        item = _chinese_found(plain, match)
        if item is not None:
            found.append(item)
    for match in _EN_FREE.finditer(plain):
        item = _english_found(plain, match)
        if item is not None:
            found.append(item)
    # Keep the earliest, then the longest, of overlapping readings.
    found.sort(key=lambda f: (f.span[0], -f.span[1]))
    kept: list[Found] = []
    for item in found:
        if kept and item.span[0] < kept[-1].span[1]:
            continue
        kept.append(item)
    return kept


def _arabic_found(match: re.Match) -> Found | None:
    digits = match["num"].replace(",", "")
    if len(digits) > _MAX_FREE_DIGITS:
        return None
    try:
        value = Decimal(digits)
        scale = (match["scale"] or "").strip().lower()
        value *= {
            "": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12, "千": 10**3, "百": 100,
            "千万": 10**7, "百万": 10**6,
            "k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9,
            "thousand": 10**3, "million": 10**6, "billion": 10**9,
        }[scale]  # fmt: skip
        if match["sign"] == "-":
            value = -value
        is_percent = bool(match["pct"])
        if match["tenths"]:
            if not (0 < value <= 10 and value == value.to_integral_value()):
                # "100成" is not a share; read just the number.
                return Found(_normalise(value), False, (match.start(), match.end("num")))
            value *= 10
            is_percent = True
        return Found(_normalise(value), is_percent, match.span())
    except (DecimalException, ArithmeticError, KeyError, ValueError):
        return None


def _chinese_found(plain: str, match: re.Match) -> Found | None:
    if match["full"]:
        return Found(Decimal(100), True, match.span())
    start, end = match.span()
    numeral = match["num"]
    pre = match["pre"] or ""
    if not pre and _NOT_NUMBERS.match(plain, match.start("num")):
        return None
    if pre == "百分之" and numeral == "百":
        return Found(Decimal(100), True, match.span())
    try:
        value = _parse_chinese(numeral)
    except (DecimalException, ArithmeticError, ValueError):
        value = None
    if value is None:
        # 千万用户, 百万级: a bare magnitude.
        if numeral in ("十万", "百万", "千万", "百亿", "千亿"):
            value = Decimal(_CN_SMALL[numeral[0]] * _CN_BIG[numeral[1]])
        else:
            return None
    if value.copy_abs() >= Decimal(10) ** 16:
        return None
    if match["tenths"]:
        if pre or not (0 < value <= 10 and value == value.to_integral_value()):
            return None
        tail = match["tenths"][1:]
        extra = 5 if tail == "半" else (_CN_DIGITS[tail] if tail else 0)
        return Found(_normalise(value * 10 + extra), True, match.span())
    if not pre:
        after = plain[end : end + 2]
        if len(numeral) > 1 and all(ch in _CN_DIGITS for ch in numeral):
            # 二〇二六年: a year written digit by digit; otherwise 三三两两 and the like.
            if not (len(numeral) == 4 and after.startswith("年")):
                return None
        elif len(numeral) == 1:
            # A lone 一 or 十 is a number only before a measure word: 一个, 两周, 十天; not 一些.
            if after.startswith("点") or not after.startswith(tuple(_MEASURE_WORDS)):
                return None
    return Found(_normalise(value), pre == "百分之", match.span())


def _english_found(plain: str, match: re.Match) -> Found | None:
    words = re.findall(r"[a-z]+", match["num"].lower())
    if words == ["one"]:
        before = plain[max(0, match.start() - 12) : match.start()]
        if _EN_ONE_NOT_NUMBER.search(before) or _EN_ONE_PRONOUN.match(plain, match.end("num")):
            return None
    if plain[match.end("num") : match.end("num") + 1] == "-":
        return None  # one-click, two-factor
    total = 0
    current = 0
    for word in words:
        if word == "and":
            continue
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
        elif word in _EN_TENS:
            current += _EN_TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _EN_SCALE:
            total += (current or 1) * _EN_SCALE[word]
            current = 0
    value = Decimal(total + current)
    return Found(value, bool(match["pct"]), match.span())
