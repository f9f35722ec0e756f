"""The SMART coach's finders: what one text holds (numbers, metrics, audiences, names, a
deliverable, an activity, dates, vague and absolute words), read once into a Reading that the
letters (okr.smart.letters) judge, and a field's value read as a number.

Pure: no Flask, no database. The words come from okr.smart.lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal

from okr.core.numbers import Found, parse_quantity
from okr.smart.lexicon import (
    ABSOLUTE_EN,
    ABSOLUTE_ZH,
    ACTIVITY_EN,
    ACTIVITY_ZH,
    ARTIFACT_EN,
    ARTIFACT_ZH,
    AUDIENCE_EN,
    AUDIENCE_ZH,
    CJK,
    DATE,
    DIRECTION_EN,
    DIRECTION_ZH,
    DONE_EN,
    FESTIVAL,
    HAS_LETTER,
    METRIC_EN,
    METRIC_ZH,
    METRIC_ZH_SUFFIX,
    NAME_EXCLUDE,
    NOT_METRIC_ZH,
    RELATIVE_EN,
    RELATIVE_ZH,
    STOP_EN,
    STRONG_EN,
    STRONG_ZH,
    VAGUE_EN,
    VAGUE_TIME_EN,
    VAGUE_TIME_ZH,
    VAGUE_ZH,
    WEAK_EN,
    WEAK_ZH,
    WORD,
    clip,
    counts,
    find_dates,
    find_measures,
    quote,
    text_size,
    vague_what,
)

# Arithmetic on field values that cannot trap, whatever the caller's decimal context.
QUIET = Context(prec=28, traps=[])


def fmt(value: Decimal) -> str:
    """A number as a person writes it: 1000, 0.3, 12.5 (no exponent, no trailing zeros)."""
    return format(value.normalize(QUIET), "f")


@dataclass
class Reading:
    """What the rules need to know about one text."""

    text: str
    chars: int
    words: int
    size: float
    core_size: float  # the size without its dates and deadline words (by June 30, ASAP)
    measures: list[Found]
    relative: list[str]
    vague: list[str]
    metric: list[str]
    audience: list[str]
    named: list[str]
    deliverable: str | None
    activity: str | None
    dates: list[str]
    vague_time: list[str]
    absolute: list[str]

    @property
    def strong(self) -> bool:
        """Concrete on its own: a number, a deliverable, or a metric for named people."""
        return bool(self.measured or self.deliverable or (self.metric and self.audience))

    @property
    def measured(self) -> bool:
        """A number or a relative target (double, 翻一番) or a yes/no outcome (break even)."""
        return bool(self.measures or self.relative)

    @property
    def measure_text(self) -> str:
        if self.measures:
            return self.text[self.measures[0].span[0] : self.measures[0].span[1]]
        return self.relative[0] if self.relative else ""

    @property
    def weak(self) -> bool:
        """Something concrete, not enough on its own: a metric, an audience, a name."""
        return bool(self.metric or self.audience or self.named)


def found_all(pattern: re.Pattern, text: str) -> list[str]:
    return [m.group() for m in pattern.finditer(text)]


def _metrics(text: str) -> list[str]:
    found = found_all(METRIC_EN, text) + found_all(METRIC_ZH, text)
    for match in METRIC_ZH_SUFFIX.finditer(text):
        word = match.group()
        if not any(word in bad or bad in text[match.start() : match.end() + 2] for bad in NOT_METRIC_ZH):
            found.append(word)
    return found


def _names(text: str, chars: int) -> list[str]:
    """Names and acronyms (PostgreSQL, iOS, SSO, Shanghai) and named events (618大促, 双11):
    concrete things."""
    festivals = found_all(FESTIVAL, text)
    return festivals + _word_names(text, chars)


def _word_names(text: str, chars: int) -> list[str]:
    words = [w for w in WORD.findall(text) if HAS_LETTER.search(w)]
    if not words:
        return []
    names = []
    if chars >= 2:
        # In Chinese text any Latin word is a name or a term: 迁移到 PostgreSQL, 上线 iOS 版.
        return [w for w in words if w.upper() not in NAME_EXCLUDE and len(w) >= 2]
    dated = {text[a:b] for a, b in find_dates(text)}
    words = [w for w in words if not any(w in d for d in dated)]
    if not words:
        return []
    capitalised = [w for w in words[1:] if w[:1].isupper() and w.lower() not in STOP_EN]
    title_case = len(capitalised) >= max(1, (len(words) - 1) // 2)
    for index, word in enumerate(words):
        if word.upper() in NAME_EXCLUDE or len(word) < 2:
            continue
        if word.isupper() or re.search(r"[a-z][A-Z]|\d", word):
            names.append(word)  # SSO, iOS, GitHub, S3
        elif index > 0 and not title_case and word[:1].isupper() and word.lower() not in STOP_EN:
            names.append(word)  # Shanghai, Kubernetes
    return names


def _content_words(text: str) -> list[str]:
    words = [w.lower() for w in WORD.findall(text) if HAS_LETTER.search(w)]
    return [w for w in words if w not in STOP_EN]


_CLAUSE_WORDS = frozenset(
    "and then to or also successfully fully publicly officially first finally formally will must we "
    "i team can should".split()
)  # fmt: skip


def _starts_clause(text: str, start: int) -> bool:
    """Whether an English verb at ``start`` begins a clause (Launch the page; Q3: ship X; and
    release Y), so that "a release date" or "the launch plan" are not read as deliverables."""
    prefix = text[:start].rstrip()
    if not prefix or prefix[-1] in ",;:(-–—/|&，；：、（" or CJK.match(prefix[-1]):
        return True
    last = re.search(r"[A-Za-z]+$", prefix)
    if last and last.group().lower() in _CLAUSE_WORDS:
        return True
    return len(prefix) < 60 and bool(DATE.fullmatch(prefix.strip()))


_DELIVERABLE_SPAN = 300


def _deliverable(text: str, measures: list[Found], names: list[str]) -> str | None:
    """The deliverable when ``text`` names one, else None.

    A strong verb with an object (Launch the billing page, 上线计费页面), a weak verb with an
    artifact, a number or a name (Build the pricing dashboard, 搭建数据看板), or a thing in a
    done state at the end (Billing page live). A verb after improve/increase/提升/降低 is part
    of what is measured, not a deliverable (Improve release quality, 缩短上线周期).
    """
    # A deliverable is named up front; reading further only costs time on long descriptions.
    text = text[:_DELIVERABLE_SPAN]
    chars = len(CJK.findall(text))
    vague_found = {w.lower() for w in found_all(VAGUE_EN, text) if not VAGUE_TIME_EN.fullmatch(w)}

    def blocked(start: int) -> bool:
        return bool(DIRECTION_EN.search(text, 0, start) or DIRECTION_ZH.search(text, 0, start))

    for pattern, needs_thing in ((STRONG_EN, False), (WEAK_EN, True)):
        for match in pattern.finditer(text):
            if needs_thing and vague_found:
                continue  # Build a world-class team: the vague word is the whole promise
            if blocked(match.start()) or not _starts_clause(text, match.start()):
                continue
            rest = _content_words(text[: match.start()] + " " + text[match.end() :])
            rest = [
                w for w in rest if w not in vague_found and not VAGUE_EN.fullmatch(w) and not VAGUE_TIME_EN.fullmatch(w)
            ]
            if not rest and chars < 2:
                continue
            if needs_thing and not (ARTIFACT_EN.search(text) or ARTIFACT_ZH.search(text) or measures or names):
                continue
            return quote(text, 60)
    for match in DONE_EN.finditer(text):
        before = _content_words(text[: match.start()])
        after = DATE.sub("", text[match.end() :])
        ends = not _content_words(after) or re.match(r"\W*(?:by|before|in|on|within|at)\b", after, re.I)
        if before and ends and not blocked(match.start()):
            return quote(text, 60)
    vague_zh = any(not VAGUE_TIME_ZH.fullmatch(w) for w in found_all(VAGUE_ZH, text))
    for pattern, needs_thing in ((STRONG_ZH, False), (WEAK_ZH, True)):
        for match in pattern.finditer(text):
            if needs_thing and (vague_zh or vague_found):
                continue  # 建立完善的体系: the vague word is the whole promise
            if blocked(match.start()):
                continue
            if METRIC_ZH_SUFFIX.match(text, match.end() - 1) or text.startswith(
                ("率", "量", "效率", "周期", "时间", "频率", "速度"), match.end()
            ):
                continue  # 发布量, 上线周期: a measure of the verb, not a deliverable
            other = chars - len(CJK.findall(match.group()))
            if other < 2 and not names:
                continue
            if needs_thing and not (ARTIFACT_ZH.search(text) or ARTIFACT_EN.search(text) or measures or names):
                continue
            return quote(text, 60)
    return None


# A rank says how much only when it says in what: 应用商店排名第一 is measured, 成为行业第一
# (first by what?) is not.
_RANKED = re.compile(r"(?:排名|排行|位列|名列|榜|rank\w*)\s*(?:进入|升至|达到|保持|到|至|为)?\s*$", re.IGNORECASE)


_RANK_MARK = re.compile(r"(?:#|(?<![A-Za-z])(?:no\.?|nr\.?|number)\s*)$", re.IGNORECASE)


def _ordinal(text: str, number: Found) -> bool:
    """Whether ``number`` is a rank (第一, #1, No. 1, number one) with no ranking word
    before it: first by what?"""
    begin = number.span[0]
    before = text[max(0, begin - 20) : begin]
    if text.startswith("第", begin):
        return not _RANKED.search(before[-8:])
    match = _RANK_MARK.search(before)
    return bool(match) and not _RANKED.search(before[: match.start()].rstrip()[-12:] + " ")


def read_text(text: object) -> Reading:
    text = clip(text)
    chars, words = counts(text)
    numbers = find_measures(text)
    measures = [number for number in numbers if not _ordinal(text, number)]
    names = _names(text, chars)
    activity = found_all(ACTIVITY_EN, text) + found_all(ACTIVITY_ZH, text)
    return Reading(
        text=text,
        chars=chars,
        words=words,
        size=text_size(text),
        core_size=text_size(VAGUE_TIME_ZH.sub(" ", VAGUE_TIME_EN.sub(" ", DATE.sub(" ", text)))),
        measures=measures,
        relative=found_all(RELATIVE_EN, text) + found_all(RELATIVE_ZH, text),
        vague=vague_what(text),
        metric=_metrics(text),
        audience=found_all(AUDIENCE_EN, text) + found_all(AUDIENCE_ZH, text),
        named=names,
        deliverable=_deliverable(text, numbers, names),
        activity=activity[0] if activity else None,
        dates=[text[a:b] for a, b in find_dates(text)],
        vague_time=found_all(VAGUE_TIME_EN, text) + found_all(VAGUE_TIME_ZH, text),
        absolute=found_all(ABSOLUTE_EN, text) + found_all(ABSOLUTE_ZH, text),
    )


def field_number(value: object) -> Decimal | None:
    """A finite Decimal from a field (Decimal, int, float or text), or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, str):
            number = parse_quantity(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:
            number = Decimal(value)
    except (ValueError, TypeError, ArithmeticError):
        return None
    if not number.is_finite():
        return None
    return number
