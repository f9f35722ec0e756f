"""The SMART coach's five letters: what each judges in a goal, objective or key result
(SmartItem) and its verdict (Letter): pass, warn or fail, with a message code and its
parameters, never words; okr.smart.words says them through the catalogs (smart.po).

Pure: no Flask, no database. Each rule is documented on the function that applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, localcontext

from okr.core import periods
from okr.core.kinds import KR_KINDS
from okr.core.numbers import find_numbers
from okr.smart.finders import QUIET, Reading, fmt, found_all
from okr.smart.lexicon import COUNTED_EN, COUNTED_ZH, DIRECTION_EN, DIRECTION_ZH, clip, find_dates, quote

KINDS = ("goal", "objective", "key_result")

#: Every message code a letter can carry, with the names of its parameters. ``words`` is a
#: list of the words found (at most three, each once); the other parameters are text.
CODES: dict[str, tuple[str, ...]] = {
    # Specific
    "S.pass": (),
    "S.empty": (),
    "S.too_short": ("title",),
    "S.short": ("title",),
    "S.vague": ("words",),
    "S.vague_weak": ("words",),
    "S.vague_fields": ("words",),
    "S.direction": ("words",),
    "S.how_far": ("words",),
    "S.too_long": ("chars", "words"),
    # Measurable
    "M.fields": ("start", "target", "unit"),
    "M.number": ("number",),
    "M.deliverable": ("what",),
    "M.same": ("start",),
    "M.no_start": (),
    "M.no_target": (),
    "M.kr_none": (),
    "M.desc_only": (),
    "M.activity": ("word",),
    "M.how_many": ("what",),
    "M.milestone_none": (),
    "M.qualitative": (),
    "M.outcome": ("what",),
    "M.obj_vague": (),
    "M.obj_weak": (),
    "M.goal_none": (),
    # Achievable
    "A.pass": (),
    "A.ratio": ("ratio",),
    "A.percent": ("number",),
    "A.multiplier": ("number",),
    "A.cut": ("start", "target", "ratio"),
    "A.to_zero": ("start",),
    "A.confidence": ("confidence",),
    "A.very_low": ("confidence",),
    "A.absolute": ("words",),
    # Relevant
    "R.aligned": ("parent",),
    "R.top_goal": (),
    "R.key_result": (),
    "R.unaligned": (),
    "R.restates": ("parent",),
    # Time-bound
    "T.period": ("period",),
    "T.due": ("date",),
    "T.text": ("what",),
    "T.none": (),
    "T.vague": ("word",),
    "T.bad_period": ("period",),
    "T.past_due": ("date",),
    "T.past_period": ("period",),
}

#: Tip codes: an example of a better aim, shown under a letter that does not pass.
TIPS = ("S", "M.kr", "M.milestone", "M.objective", "M.goal", "A", "T")


# --- values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmartItem:
    """What the coach looks at: the item's text and its context.

    ``parent_title`` is the goal or objective it aligns to; ``kr_kind``, ``start``, ``target``
    and ``unit`` describe a key result's measure (a goal may carry one too); ``confidence``
    is 0..1 (a value above 1 is read as percent); ``committed`` is True for a committed OKR.
    """

    kind: str
    title: str = ""
    description: str = ""
    period: str | None = None
    parent_title: str | None = None
    kr_kind: str | None = None
    start: Decimal | None = None
    target: Decimal | None = None
    unit: str | None = None
    owner: str | None = None
    due_date: date | None = None
    confidence: Decimal | None = None
    committed: bool | None = None

    def __post_init__(self):
        kind = {"kr": "key_result", "key-result": "key_result"}.get(self.kind, self.kind)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        object.__setattr__(self, "kind", kind)
        kr_kind = self.kr_kind or None
        if kr_kind is not None and kr_kind not in KR_KINDS:
            raise ValueError(f"kr_kind must be one of {', '.join(KR_KINDS)} or None, not {self.kr_kind!r}")
        object.__setattr__(self, "kr_kind", kr_kind)


@dataclass(frozen=True)
class Letter:
    """One letter's verdict ("pass", "warn" or "fail"), what to say about it as a message code
    (one of CODES) with its parameters, and an optional tip code (one of TIPS)."""

    verdict: str
    code: str
    params: dict = field(default_factory=dict)
    tip: str | None = None

    def __post_init__(self):
        if self.code not in CODES or set(self.params) != set(CODES[self.code]):
            raise ValueError(f"message {self.code!r} takes {CODES.get(self.code)}, not {sorted(self.params)}")

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "code": self.code, "params": dict(self.params), "tip": self.tip}


def _few(words: list[str]) -> list[str]:
    """The words to quote in a message: each once, at most three."""
    return list(dict.fromkeys(words))[:3]


# --- the five letters ---------------------------------------------------------------------


def specific(item: SmartItem, title: Reading, desc: Reading, has_fields: bool) -> Letter:
    """S: the title says what will be different, for whom, and how far.

    * fail: no title; a title of one word or up to three CJK characters with nothing concrete; vague
      words (improve, better, 提升, 优化…) with nothing concrete beside them.
    * warn: a title that moves something in a direction (a vague word or a direction: improve,
      increase, reduce, faster, 提升, 降低, 做好…) but says neither how far (a number, a
      relative target such as double or 翻一番) nor what will be delivered: "Improve customer
      satisfaction", 提升用户满意度, 加强团队建设 (when start and target are filled in, naming the
      metric they measure is enough); vague words with numbers only in the description; a short
      title (two words, four CJK characters) without a number or deliverable; a title over ~30
      words (60 CJK characters).
    * pass otherwise: a number, a relative target or a deliverable stands with any direction,
      and a title without one says what it is (Make new creators post every week).

    A deadline does not make an aim specific: Time-bound judges it on its own.
    """
    if title.size == 0:
        return Letter("fail", "S.empty", tip="S")
    shown = quote(title.text)
    if title.core_size < 2 and not title.strong:
        return Letter("fail", "S.too_short", {"title": shown}, tip="S")
    how_far = bool(title.measured or title.deliverable)
    # a metric inside a vague phrase ("reach" in "reach their goals") names nothing measured
    metric = [m for m in title.metric if not any(m.casefold() in v.casefold() for v in title.vague)]
    measured_fields = has_fields and bool(metric)  # the title names what start and target measure
    if title.vague and not how_far and not measured_fields:
        words = _few(title.vague)
        if metric:
            return Letter("warn", "S.how_far", {"words": words}, tip="S")
        if title.weak:
            return Letter("warn", "S.vague_weak", {"words": words}, tip="S")
        if has_fields or desc.strong:
            return Letter("warn", "S.vague_fields", {"words": words}, tip="S")
        return Letter("fail", "S.vague", {"words": words}, tip="S")
    if title.core_size <= 2 and not (title.measured or title.named or (title.metric and title.audience)):
        # "Write documentation", "Hire engineers": a deliverable, but which one, for whom?
        return Letter("warn", "S.short", {"title": shown}, tip="S")
    direction = found_all(DIRECTION_EN, title.text) + found_all(DIRECTION_ZH, title.text)
    if direction and not how_far and not measured_fields:
        if metric or title.weak:
            return Letter("warn", "S.how_far", {"words": _few(direction)}, tip="S")
        return Letter("warn", "S.direction", {"words": _few(direction)}, tip="S")
    if title.size > 30:
        return Letter("warn", "S.too_long", {"chars": title.chars, "words": title.words})
    return Letter("pass", "S.pass")


def _counted(text: str) -> str | None:
    """The words of a countable deliverable written without its count (Hire engineers,
    签约渠道伙伴), or None."""
    match = COUNTED_EN.search(text) or COUNTED_ZH.search(text)
    return quote(match.group()) if match else None


def measurable(item: SmartItem, title: Reading, desc: Reading, start, target) -> Letter:
    """M: how anyone will know it was reached.

    * key result: pass with a start and a different target (metric/percent), a number in the
      title, or (milestone or unstated kind) a deliverable; fail when the target equals the
      start or nothing is measurable; warn when only one of start/target is given, when the
      numbers are only in the description, or for a milestone that names an activity
      (research, 调研) rather than a result.
    * objective (qualitative): pass with an observable outcome (a number, metric or
      deliverable) or simply without vague words; warn when vague words leave only an
      audience or a name; fail only when vague words stand with nothing observable at all
      ("Improve the website"), never merely for lacking a number.
    * goal: pass with a measure (numbers or a deliverable); warn without one.
    """
    unit = f" {quote(item.unit)}" if item.unit and item.unit.strip() else ""
    if item.kr_kind == "percent" and not unit:
        unit = "%"
    number = quote(title.measure_text)
    if item.kind == "key_result":
        if start is not None and target is not None:
            with localcontext(QUIET):
                same = start == target
            if same and item.kr_kind != "milestone":
                return Letter("fail", "M.same", {"start": fmt(start)}, tip="M.kr")
            if not same:
                return Letter("pass", "M.fields", {"start": fmt(start), "target": fmt(target), "unit": unit})
        if title.measured:
            return Letter("pass", "M.number", {"number": number})
        if item.kr_kind != "milestone" and (start is None) != (target is None):
            code = "M.no_start" if start is None else "M.no_target"
            return Letter("warn", code, tip="M.kr")
        if title.deliverable and item.kr_kind in (None, "milestone"):
            counted = _counted(title.text)
            if counted:
                return Letter("warn", "M.how_many", {"what": counted}, tip="M.kr")
            return Letter("pass", "M.deliverable", {"what": title.deliverable})
        if desc.measured:
            return Letter("warn", "M.desc_only", tip="M.kr")
        if item.kr_kind == "milestone":
            if title.activity and not title.vague:
                return Letter("warn", "M.activity", {"word": title.activity}, tip="M.milestone")
            return Letter("fail", "M.milestone_none", tip="M.milestone")
        return Letter("fail", "M.kr_none", tip="M.kr")

    if item.kind == "goal":
        if start is not None and target is not None and start != target:
            return Letter("pass", "M.fields", {"start": fmt(start), "target": fmt(target), "unit": unit})
        if title.measured:
            return Letter("pass", "M.number", {"number": number})
        if title.deliverable:
            counted = _counted(title.text)
            if counted:
                return Letter("warn", "M.how_many", {"what": counted}, tip="M.goal")
            return Letter("pass", "M.deliverable", {"what": title.deliverable})
        if desc.measured:
            return Letter("pass", "M.number", {"number": quote(desc.measure_text)})
        return Letter("warn", "M.goal_none", tip="M.goal")

    # objective: qualitative by design
    if title.measured:
        return Letter("pass", "M.number", {"number": number})
    if title.deliverable:
        return Letter("pass", "M.deliverable", {"what": title.deliverable})
    if title.metric:
        return Letter("pass", "M.outcome", {"what": quote(title.text)})
    if title.vague:
        if title.weak or desc.strong or (start is not None and target is not None):
            return Letter("warn", "M.obj_weak", tip="M.objective")
        return Letter("fail", "M.obj_vague", tip="M.objective")
    return Letter("pass", "M.qualitative")


_MULTIPLIER = re.compile(
    r"(?<![A-Za-z0-9.])(\d{1,12}(?:\.\d{1,6})?)\s*(?:x|×|倍|-?fold)(?![A-Za-z])"
    r"|翻\s*(\d+|[一二两三四五六七八九十])\s*番"
    r"|(?<![A-Za-z])([a-z]+)[-\s]?fold(?![A-Za-z])"
    r"|(?<![一二两三四五六七八九十百])([一二两三四五六七八九十百]{1,6})\s*倍",
    re.IGNORECASE,
)
_FROM = re.compile(r"(?:from|从|由)\s*$", re.IGNORECASE)
_TO = re.compile(
    r"\s*(?:(?:提升|增长|提高|增加|降低|减少|下降|上升|降|升|涨|增)?\s*(?:到|至)|to|→|->|=>|~|–|—)\s*",
    re.IGNORECASE,
)
_CN_SMALL_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _pairs(title: Reading) -> list[tuple[Decimal, Decimal]]:
    """Start → target pairs written in the text: from 1,000 to 1,300; from $100k to $5k; 从8%降到5%; 40 → 10."""
    pairs = []
    for first, second in zip(title.measures, title.measures[1:]):
        between = title.text[first.span[1] : second.span[0]].rstrip("$€£¥￥ ")
        before = title.text[max(0, first.span[0] - 7) : first.span[0]].rstrip("$€£¥￥ ")
        if _TO.fullmatch(between) and (_FROM.search(before) or not between.strip().isalpha()):
            pairs.append((first.value, second.value))
    return pairs


def achievable(item: SmartItem, title: Reading, start, target, confidence) -> Letter:
    """A: warn when the target looks out of reach; pass otherwise.

    * a target more than 10× its start (from fields or "from X to Y" in the title), an
      increase over 900%, or a multiplier over 10× (20x, 20倍, 翻四番);
    * a decrease to zero from a start of 5 or more (1 or more for a percent), or a cut to
      less than a tenth of the start (3% → 0.2%): as hard as a 10× increase;
    * a committed item with confidence below 0.5 (it is expected at 100%);
    * any item with confidence below 0.2;
    * absolute words in a committed item: 100%, all, every, never, zero, 零缺陷, 所有, 杜绝…,
      and a target of 0 (故障为0, from 3 to 0, or a target field of 0).
    """
    pairs = list(_pairs(title))
    if start is not None and target is not None:
        pairs.insert(0, (start, target))
    with localcontext(QUIET):
        for begin, end in pairs:
            if begin > 0 and end > begin and end / begin > 10:
                ratio = (end / begin).quantize(Decimal("0.1")).normalize()
                return Letter("warn", "A.ratio", {"ratio": fmt(ratio)}, tip="A")
            threshold = 1 if item.kr_kind == "percent" else 5
            if end == 0 and begin >= threshold:
                return Letter("warn", "A.to_zero", {"start": fmt(begin)}, tip="A")
            if end > 0 and begin > end and begin / end > 10:
                ratio = (begin / end).quantize(Decimal("0.1")).normalize()
                return Letter(
                    "warn",
                    "A.cut",
                    {"start": fmt(begin), "target": fmt(end), "ratio": fmt(ratio)},
                    tip="A",
                )
        for number in title.measures:
            if number.is_percent and number.value > 900:
                return Letter("warn", "A.percent", {"number": fmt(number.value)}, tip="A")
        for match in _MULTIPLIER.finditer(title.text):
            if match.group(1):
                factor = Decimal(match.group(1))
            elif match.group(2):
                doublings = match.group(2)
                count = int(doublings) if doublings.isdigit() else _CN_SMALL_DIGITS[doublings]
                factor = Decimal(2) ** min(count, 60)
            else:
                words = find_numbers(match.group(3) or match.group(4) + "倍")
                if not words:
                    continue
                factor = words[0].value
            if factor > 10:
                return Letter("warn", "A.multiplier", {"number": fmt(factor)}, tip="A")
        if confidence is not None:
            shown = fmt(confidence)
            if item.committed and confidence < Decimal("0.5"):
                return Letter("warn", "A.confidence", {"confidence": shown}, tip="A")
            if confidence < Decimal("0.2"):
                return Letter("warn", "A.very_low", {"confidence": shown}, tip="A")
        if item.committed:
            absolute = list(title.absolute)
            absolute += [title.text[n.span[0] : n.span[1]] for n in title.measures if n.is_percent and n.value == 100]
            if item.kr_kind == "percent" and target == 100 and not absolute:
                absolute.append("100%")
            # A target of 0 written in digits (P0故障为0, from 3 to 0) is "zero" too.
            last = title.measures[-1] if title.measures else None
            if not absolute and last is not None and last.value == 0 and len(title.measures) <= 2:
                absolute.append(title.text[last.span[0] : last.span[1]])
            if not absolute and target == 0 and start is not None and start > 0:
                absolute.append("0")
            if absolute:
                return Letter("warn", "A.absolute", {"words": _few(absolute)}, tip="A")
    return Letter("pass", "A.pass")


_PUNCT = re.compile(r"[\W_]+")


def relevant(item: SmartItem) -> Letter:
    """R: aligned to a parent.

    pass with a parent (warn if the title only restates it); a goal needs none (pass); an
    objective without a goal warns; a key result always serves its objective (pass).
    """
    parent = clip(item.parent_title).strip()
    if parent:
        if _PUNCT.sub("", parent).casefold() == _PUNCT.sub("", clip(item.title)).casefold():
            return Letter("warn", "R.restates", {"parent": quote(parent)})
        return Letter("pass", "R.aligned", {"parent": quote(parent)})
    if item.kind == "goal":
        return Letter("pass", "R.top_goal")
    if item.kind == "key_result":
        return Letter("pass", "R.key_result")
    return Letter("warn", "R.unaligned")


def _period_end(text: str) -> tuple[str, date | None] | None:
    """(canonical text, last possible day) of a period, or None when ``text`` is not one.

    The end is taken with a January fiscal start, the latest any fiscal start can give, so
    "already over" is never said of a period that might still run.
    """
    try:
        period = periods.parse(text)
    except ValueError:
        return None
    return str(period), period.end


def time_bound(item: SmartItem, title: Reading, desc: Reading, today: date | None) -> Letter:
    """T: pass with a valid period (2026, 2026-Q2, 2026-05, 2026-W21, or period words such
    as 本季度), a due date, or a date in the title or description (by June 30, end of Q2,
    6月底, 第二季度, this quarter…). Warn when ``today`` is given and the due date or the
    whole period is already past. Fail with none; ASAP and 尽快 are not deadlines."""
    period_text = clip(item.period).strip()
    due = item.due_date
    if isinstance(due, datetime):
        due = due.date()
    if not isinstance(due, date):
        due = None
    bad_period = None
    if period_text:
        parsed = _period_end(period_text)
        if parsed is not None:
            name, end = parsed
            if today is not None and end is not None and end < today and (due is None or due < today):
                return Letter("warn", "T.past_period", {"period": name})
            if due is None or today is None or due >= today:
                return Letter("pass", "T.period", {"period": name})
        elif find_dates(period_text):
            return Letter("pass", "T.period", {"period": quote(period_text)})
        else:
            bad_period = quote(period_text)
    if due is not None:
        if today is not None and due < today:
            return Letter("warn", "T.past_due", {"date": due.isoformat()})
        return Letter("pass", "T.due", {"date": due.isoformat()})
    for read in (title, desc):
        if read.dates:
            return Letter("pass", "T.text", {"what": quote(read.dates[0])})
    if bad_period:
        return Letter("fail", "T.bad_period", {"period": bad_period}, tip="T")
    vague = title.vague_time or desc.vague_time
    if vague:
        return Letter("fail", "T.vague", {"word": vague[0]}, tip="T")
    return Letter("fail", "T.none", tip="T")
