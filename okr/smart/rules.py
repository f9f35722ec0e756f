"""The SMART coach: a verdict per letter (Specific, Measurable, Achievable, Relevant,
Time-bound) for a goal, objective or key result, with a message that says how to fix it.

Pure rules on values: no Flask, no database. Text may be English, Chinese or both: Chinese is
measured in characters and English in words, and each rule knows the words of both languages.
The rules are generic (word lists and patterns), not tuned to examples; each is documented on
the function that applies it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal, localcontext

from okr.core import periods
from okr.core.kinds import KR_KINDS
from okr.core.numbers import Found, find_numbers, halfwidth, parse_quantity

__all__ = [
    "KINDS",
    "LETTERS",
    "Letter",
    "SmartItem",
    "SmartResult",
    "VERDICTS",
    "check",
    "detect_language",
    "find_dates",
    "find_measures",
    "text_length",
    "vague_words",
]

LETTERS = ("S", "M", "A", "R", "T")
VERDICTS = ("pass", "warn", "fail")
KINDS = ("goal", "objective", "key_result")

# Text beyond this is not read: a description may be kilobytes long, and the first 20,000
# characters say all the coach needs. Keeps a live check fast whatever is pasted.
_MAX_TEXT = 20_000


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
    """One letter's verdict ("pass", "warn" or "fail"), what to do, and an optional example."""

    verdict: str
    message: str
    suggestion: str | None = None

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "message": self.message, "suggestion": self.suggestion}


@dataclass(frozen=True)
class SmartResult:
    """The five letters in S, M, A, R, T order and the score: how many of them pass."""

    letters: dict[str, Letter]
    score: int

    def __getitem__(self, letter: str) -> Letter:
        return self.letters[letter]

    def verdicts(self) -> dict[str, str]:
        return {key: value.verdict for key, value in self.letters.items()}

    def as_dict(self) -> dict:
        return {"letters": {key: value.as_dict() for key, value in self.letters.items()}, "score": self.score}


# --- messages -----------------------------------------------------------------------------

# Every message says what to do about the finding. {placeholders} are filled by _say.
_MESSAGES: dict[str, dict[str, str]] = {
    # Specific
    "S.pass": {
        "en": "Specific: it says what will change and for whom.",
        "zh": "具体：说清了要改变什么、对谁。",
    },
    "S.empty": {
        "en": "Add a title that says what will change and for whom.",
        "zh": "请填写标题，说明要改变什么、对谁。",
    },
    "S.too_short": {
        "en": "“{title}” is too short to be specific: name what will change, for whom, and how.",
        "zh": "“{title}”太短，不够具体：写出要改变的对象、受益人和结果。",
    },
    "S.short": {
        "en": "“{title}” is short: add what exactly changes and for whom.",
        "zh": "“{title}”偏短：补充具体改变什么、对谁。",
    },
    "S.vague": {
        "en": "“{words}” is vague and nothing concrete stands with it: say exactly what changes, for whom, and by how much.",
        "zh": "“{words}”含糊，且没有具体内容支撑：写明具体改变什么、对谁、改变多少。",
    },
    "S.vague_weak": {
        "en": "“{words}” is vague: name the metric or the deliverable, and who benefits.",
        "zh": "“{words}”含糊：写明衡量指标或交付物，以及受益人。",
    },
    "S.vague_fields": {
        "en": "The title is vague (“{words}”): say in the title what the numbers measure and for whom.",
        "zh": "标题含糊（“{words}”）：在标题里写明数字衡量的是什么、对谁。",
    },
    "S.direction": {
        "en": "“{words}” says which way, not what: name the metric or the deliverable, and who benefits.",
        "zh": "“{words}”只说了方向，没说对象：写明衡量指标或交付物，以及受益人。",
    },
    "S.too_long": {
        "en": "The title is long ({size}): keep the outcome in the title and move the detail to the description.",
        "zh": "标题过长（{size}）：标题只写结果，细节放到描述里。",
    },
    # Measurable
    "M.fields": {
        "en": "Measurable: from {start} to {target}{unit}.",
        "zh": "可衡量：从 {start} 到 {target}{unit}。",
    },
    "M.number": {
        "en": "Measurable: the title carries a number ({number}).",
        "zh": "可衡量：标题中有数字（{number}）。",
    },
    "M.deliverable": {
        "en": "Measurable: done when “{what}” is delivered.",
        "zh": "可衡量：以“{what}”交付为完成标准。",
    },
    "M.same": {
        "en": "The target equals the start ({start}): set a target that differs from the start.",
        "zh": "目标值等于起始值（{start}）：请设置与起始值不同的目标值。",
    },
    "M.half": {
        "en": "Add the {missing} so progress can be measured from start to target.",
        "zh": "请补充{missing}，才能衡量从起点到目标的进展。",
    },
    "M.kr_none": {
        "en": "A key result must be measurable: give it a start and a target, put a number in the title, or make it a milestone with a clear deliverable.",
        "zh": "关键结果必须可衡量：填写起始值和目标值，或在标题中写明数字，或改为有明确交付物的里程碑。",
    },
    "M.desc_only": {
        "en": "The numbers are only in the description: put the measure in the title or in start and target.",
        "zh": "数字只出现在描述里：请把衡量标准写进标题，或填写起始值和目标值。",
    },
    "M.activity": {
        "en": "“{word}” is an activity, not a result: say what will exist when it is done.",
        "zh": "“{word}”是过程，不是结果：写明完成时会交付什么。",
    },
    "M.how_many": {
        "en": "“{what}” does not say how many: put the number in the title (Hire 3 engineers) or set a start and a target.",
        "zh": "“{what}”没有写数量：请在标题中写明数量（如“招聘3名工程师”），或填写起始值和目标值。",
    },
    "M.milestone_none": {
        "en": "A milestone needs a clear done condition: a verb and a deliverable that anyone can check.",
        "zh": "里程碑需要明确的完成标准：一个动词加一个人人可核验的交付物。",
    },
    "M.qualitative": {
        "en": "Qualitative objective with an outcome you can observe; its key results carry the numbers.",
        "zh": "定性目标，结果可观察；具体数字由关键结果承载。",
    },
    "M.outcome": {
        "en": "Qualitative objective naming an outcome you can observe (“{what}”); its key results carry the numbers.",
        "zh": "定性目标，点明了可观察的结果（“{what}”）；具体数字由关键结果承载。",
    },
    "M.obj_vague": {
        "en": "Nothing here can be observed or measured: name the outcome that will be different (which behaviour or metric, for whom).",
        "zh": "没有可观察或可衡量的内容：写明会有什么不同（哪种行为或指标、对谁）。",
    },
    "M.obj_weak": {
        "en": "Name an outcome you can observe (a behaviour, a metric or a deliverable) so key results can measure it.",
        "zh": "请写明可观察的结果（行为、指标或交付物），便于关键结果衡量。",
    },
    "M.goal_none": {
        "en": "Add a measure for the goal: a number to reach (a start and a target) or a deliverable.",
        "zh": "请为目标补充衡量标准：要达到的数字（起始值和目标值）或交付物。",
    },
    # Achievable
    "A.pass": {
        "en": "Achievable: nothing suggests the target is out of reach.",
        "zh": "可实现：没有迹象表明目标遥不可及。",
    },
    "A.ratio": {
        "en": "The target is {ratio}× the start: more than 10× in one period is rarely achievable. Check the baseline or split it into steps.",
        "zh": "目标是起始值的{ratio}倍：一个周期内超过10倍很难实现。请核对基线，或拆成几步。",
    },
    "A.percent": {
        "en": "An increase of {number}% is more than 10×: check the number, or make it aspirational.",
        "zh": "增长{number}%超过了10倍：请核对数字，或设为挑战型目标。",
    },
    "A.multiplier": {
        "en": "{number}× in one period is more than 10×: check the number, or make it aspirational.",
        "zh": "一个周期内{number}倍超过了10倍：请核对数字，或设为挑战型目标。",
    },
    "A.cut": {
        "en": "Going from {start} to {target} cuts it to 1/{ratio} of the start: more than 10× in one period is rarely achievable. Check the baseline or split it into steps.",
        "zh": "从{start}降到{target}，只剩起始值的1/{ratio}：一个周期内降幅超过10倍很难实现。请核对基线，或拆成几步。",
    },
    "A.to_zero": {
        "en": "Going from {start} to zero is rarely achievable: set a reduction you can reach, such as halving it.",
        "zh": "从{start}降到零很难实现：请设定能达到的降幅，例如减半。",
    },
    "A.confidence": {
        "en": "It is committed (expected at 100%) but confidence is {confidence}: lower the target, add resources, or make it aspirational.",
        "zh": "这是承诺型（要求100%达成），但信心只有{confidence}：请降低目标、增加资源，或改为挑战型。",
    },
    "A.very_low": {
        "en": "Confidence is only {confidence}: say what would make it reachable, or lower the target.",
        "zh": "信心只有{confidence}：请说明怎样才能达成，或降低目标。",
    },
    "A.absolute": {
        "en": "“{words}” in a committed item leaves no margin: commit to what you can reach (say 99.9% rather than 100%), or make it aspirational.",
        "zh": "承诺型目标中的“{words}”没有余地：请承诺能达到的水平（如99.9%而不是100%），或改为挑战型。",
    },
    # Relevant
    "R.aligned": {
        "en": "Relevant: aligned to “{parent}”.",
        "zh": "相关：对齐到“{parent}”。",
    },
    "R.top_goal": {
        "en": "A top-level goal: aligning it to a company goal is optional.",
        "zh": "顶层年度目标：可选择对齐到公司目标。",
    },
    "R.key_result": {
        "en": "Relevant: a key result serves its objective.",
        "zh": "相关：关键结果服务于所属目标。",
    },
    "R.unaligned": {
        "en": "Align this objective to an annual goal so it is clear why it matters.",
        "zh": "请把这个目标对齐到某个年度目标，说明它为什么重要。",
    },
    "R.restates": {
        "en": "It restates its parent “{parent}”: say what this piece contributes to it.",
        "zh": "与上级“{parent}”重复：请写明这一项对上级的具体贡献。",
    },
    # Time-bound
    "T.period": {
        "en": "Time-bound: {period}.",
        "zh": "有时限：{period}。",
    },
    "T.due": {
        "en": "Time-bound: due {date}.",
        "zh": "有时限：截止于 {date}。",
    },
    "T.text": {
        "en": "Time-bound: the text names a deadline (“{what}”).",
        "zh": "有时限：文字中写明了期限（“{what}”）。",
    },
    "T.none": {
        "en": "Set a period (such as 2026-Q2) or a due date, so everyone knows when it will be judged.",
        "zh": "请设置周期（如 2026-Q2）或截止日期，让大家知道何时评估。",
    },
    "T.vague": {
        "en": "“{word}” is not a deadline: set a period (such as 2026-Q2) or a due date.",
        "zh": "“{word}”不是期限：请设置周期（如 2026-Q2）或截止日期。",
    },
    "T.bad_period": {
        "en": "“{period}” is not a period: use 2026, 2026-Q2, 2026-05 or 2026-W21, or set a due date.",
        "zh": "“{period}”不是有效周期：请使用 2026、2026-Q2、2026-05 或 2026-W21，或设置截止日期。",
    },
    "T.past_due": {
        "en": "The due date {date} has passed: move it, or close the item.",
        "zh": "截止日期 {date} 已过：请调整日期，或关闭此项。",
    },
    "T.past_period": {
        "en": "{period} is already over: plan it in a current or future period.",
        "zh": "{period} 已经结束：请放到当前或未来的周期。",
    },
}

_SUGGESTIONS: dict[str, dict[str, str]] = {
    "S": {
        "en": "For example, “Cut checkout load time from 4 s to 2 s for mobile shoppers” rather than “Improve the website”.",
        "zh": "例如，把“优化网站”改为“移动端用户结算页加载时间从4秒降到2秒”。",
    },
    "M.kr": {
        "en": "For example, “Daily posts from 1,000 to 1,300” (start 1000, target 1300) or “Launch the billing page”.",
        "zh": "例如，“日均发布内容量从1000篇提升到1300篇”（起始值1000，目标值1300），或“上线计费页面”。",
    },
    "M.milestone": {
        "en": "For example, “Launch the billing page” or “Publish the pricing study”.",
        "zh": "例如，“上线计费页面”或“发布定价调研报告”。",
    },
    "M.objective": {
        "en": "For example, “Make new creators post every week” names a behaviour you can observe.",
        "zh": "例如，“让新创作者每周都发布内容”就是可观察的行为。",
    },
    "M.goal": {
        "en": "For example, “Grow ARR from 2M to 3M” or “Open the Shanghai office”.",
        "zh": "例如，“年收入从2000万增长到3000万”或“开设上海办公室”。",
    },
    "A": {
        "en": "Split an ambitious target into steps across periods, or mark it aspirational (0.7 is a good score).",
        "zh": "可把大目标拆到多个周期，或标为挑战型（0.7 即为好成绩）。",
    },
    "T": {
        "en": "For example, period 2026-Q2, or “by June 30”.",
        "zh": "例如，周期 2026-Q2，或“6月30日前”。",
    },
}


def _size_text(lang: str, words: int, chars: int) -> str:
    """How long a title is, in the reader's units: 62 characters, 35 words, or both."""
    if lang == "zh":
        parts = [f"{chars}个字"] * bool(chars) + [f"{words}个词"] * bool(words)
        return "、".join(parts)
    parts = [f"{chars} characters"] * bool(chars) + [f"{words} words"] * bool(words)
    return ", ".join(parts)


def _locale(locale: object) -> str:
    text = str(locale or "en").strip().lower().replace("_", "-")
    return "zh" if text.startswith("zh") else "en"


def _quote(text: str, limit: int = 40) -> str:
    """User text as shown inside a message: one line, short, no lone surrogates."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "replace").decode("utf-8")


def _say(key: str, lang: str, **values) -> str:
    return _MESSAGES[key][lang].format(**values)


def _suggest(key: str, lang: str) -> str:
    return _SUGGESTIONS[key][lang]


def _join(words: list[str], lang: str) -> str:
    unique = list(dict.fromkeys(words))[:3]
    return ("、" if lang == "zh" else ", ").join(unique)


def _fmt(value: Decimal) -> str:
    """A number as a person writes it: 1000, 0.3, 12.5 (no exponent, no trailing zeros)."""
    return format(value.normalize(_QUIET), "f")


# --- text: language, length, words -------------------------------------------------------

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
_CJK = re.compile(f"[{_CJK_RANGES}]")
# A word: letters and digits that are not CJK (CJK letters count one by one).
_WORD = re.compile(rf"[^\W_{_CJK_RANGES}]+(?:['’.\-][^\W_{_CJK_RANGES}]+)*")
_HAS_LETTER = re.compile(rf"[^\W\d_{_CJK_RANGES}]")


def _clip(text: object) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    return halfwidth(text[:_MAX_TEXT])


def _counts(text: str) -> tuple[int, int]:
    """(CJK characters, words in other scripts, numbers included)."""
    return len(_CJK.findall(text)), len(_WORD.findall(text))


def text_length(text: str) -> int:
    """Length as a reader feels it: CJK characters one by one, other text in words.

    ``text_length("提升用户创作活跃度") == 9``; ``text_length("Improve the website") == 3``;
    mixed text adds both: ``text_length("提升 DAU 到 30%") == 5``.
    """
    chars, words = _counts(_clip(text))
    return chars + words


def _size(text: str) -> float:
    """Length in English-word equivalents: a word is a word, two CJK characters make one."""
    chars, words = _counts(text)
    return words + chars / 2


def detect_language(text: str) -> str | None:
    """``"zh"``, ``"en"``, ``"mixed"``, or None when the text has no letters.

    Chinese with a few Latin acronyms or names (``把 NPS 提升到 40``) is still ``"zh"``;
    ``"mixed"`` is for text that really uses both (``提升 user engagement``).
    """
    text = _clip(text)
    chars = len(_CJK.findall(text))
    words = [w for w in _WORD.findall(text) if _HAS_LETTER.search(w)]
    if not chars and not words:
        return None
    if not words:
        return "zh"
    if not chars:
        return "en"
    acronyms = [w for w in words if (w.isupper() or any(ch.isdigit() for ch in w)) and len(w) <= 8]
    names = [w for w in words if w[:1].isupper()]
    if chars >= 2 and len(acronyms) == len(words):
        return "zh"
    if chars >= 2 and len(names) == len(words) and len(words) <= 2:
        return "zh"  # 迁移到 PostgreSQL: a name inside Chinese text
    if chars == 1 and len(words) >= 2:
        return "en"
    return "mixed"


def _en(words: list[str] | tuple[str, ...]) -> re.Pattern:
    """English words or phrases (regex fragments), matched case-insensitively between
    non-letters: ``\\b`` would not see an edge between 提升 and DAU."""
    alternation = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternation})(?![A-Za-z0-9])", re.IGNORECASE)


def _zh(words: list[str] | tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


# Vague words: direction without substance. They fail or warn only when nothing measurable
# or concrete stands with them.
_VAGUE_EN = _en(
    r"""improv\w* enhanc\w* optimi[sz]\w* strengthen\w* boost\w* streamlin\w* leverag\w*
    facilitat\w* empower\w* foster\w* maximi[sz]\w* minimi[sz]\w* better best more less
    some several various many numerous much lots a\s+lot asap as\s+soon\s+as\s+possible
    as\s+much\s+as\s+possible significant(?:ly)? substantial(?:ly)? great(?:er|ly)? good nice
    effective(?:ly)? efficient(?:ly)? robust seamless(?:ly)? world[-\s]class best[-\s]in[-\s]class
    top[-\s]notch cutting[-\s]edge next[-\s]level state[-\s]of[-\s]the[-\s]art high[-\s]quality
    synerg\w* holistic(?:ally)? continuous(?:ly)? appropriate(?:ly)? adequate(?:ly)?
    sufficient(?:ly)? further etc stuff things try\s+to strive\w*
    endeavou?r\w* aim\s+to seek\s+to hopefully somewhat a\s+bit drive excellent
    amazing awesome outstanding happ(?:y|ier|iness) lead(?:s|ing)?\s+(?:the\s+)?(?:market|industry|field|space)
    (?:hit|hitting|meet|meeting|achiev\w*|reach\w*|exceed\w*)\s+(?:all\s+)?(?:(?:our|the|its|their|my|your)\s+)?(?:[a-z0-9]+\s+){0,2}?(?:targets|goals|kpis|numbers|plans?)
    (?:market|industry)[-\s]lead(?:er|ing) leader""".split()
)
_VAGUE_ZH = _zh(
    """提升 加强 优化 尽快 一些 大力 进一步 更好 努力 适当 提高 改善 改进 完善 增强 强化 推进
    推动 促进 加快 做好 抓好 赋能 打造 深化 夯实 巩固 更多 较多 较大 较好 显著 大幅 明显
    有效(?![用期]) 持续(?!时间) 不断 全面 深入 积极 稳步 逐步 切实 尽量 尽可能 争取 力争 若干
    各种 各类 多方面 高质量 高效 一流 领先 世界级 极致 充分 尽早 早日 等等 有所 一定程度
    更加 良好 做大 做强 做优 做精 高绩效 高水平 高标准 健全 精细化 系统化 体系化 相关 大幅度
    增效 提质 提效 (?:实现|完成|达成|达到|冲刺)[\u4e00-\u9fff]{0,6}?(?:目标|指标|KPI)""".split()
)
# Words that sound like a time but bind nothing.
_VAGUE_TIME_EN = _en(
    r"asap as\s+soon\s+as\s+possible soon someday eventually later over\s+time in\s+the\s+future "
    r"in\s+due\s+course when\s+possible ongoing".split()
)
_VAGUE_TIME_ZH = _zh("尽快 尽早 早日 近期 将来 未来 后续 适时 择机 长期 以后 日后".split())

# What is measured: metric nouns, and Chinese words ending in 率/量/数/度... (转化率, 发布量).
_METRIC_EN = _en(
    r"""revenue\w* sales bookings income profit\w* margins? costs? spend\w* budget\w* churn\w*
    retention retained conversions? conversion\s+rate nps csat ces satisfaction dau mau wau arr
    mrr gmv aov ltv cac roi nrr grr latency uptime availability load\s+time response\s+time
    downtime incidents? outages? bugs? defects? errors? error\s+rate crash(?:es)? crash\s+rate
    tickets? backlog sign[-\s]?ups? registrations? subscribers? subscriptions? installs?
    downloads? active\s+users orders? leads? pipeline deals? traffic visits? sessions?
    page\s?views? clicks? ctr engagement activation adoption usage throughput cycle\s+time
    lead\s+time coverage headcount attrition turnover hires score\w* rates? ratios? share
    market\s+share time[-\s]to[-\s]\w+ mttr mttd sla slo p9[059] yield inventory on[-\s]time
    accuracy win\s+rate renewals? participation attendance completion\s+rate open\s+rate
    reply\s+rate response\s+rate resolution\s+time wait\s+time views? impressions reach
    followers mentions reviews ratings? stars emissions savings velocity lead[-\s]time
    frequency cadence speed duration morale well[-\s]?being enps burnout
    utili[sz]ation occupancy basket\s+size repeat\s+purchases? cost\s+per\s+\w+ per\s+day
    per\s+week per\s+month per\s+user daily weekly\s+active monthly\s+active""".split()
)
_METRIC_ZH = _zh(
    """收入 营收 销售额 销量 利润 毛利 净利 成本 费用 预算 流失 留存 转化 复购 日活 月活 周活
    满意度 好评 差评 投诉 故障 事故 缺陷 延迟 时延 耗时 响应时间 加载时间 可用性 覆盖率 渗透率
    客单价 订单 下载 注册 粉丝 播放 阅读 点击 曝光 线索 人效 库存 准时 良品 份额 排名 评分
    得分 时长 工单 净推荐值 活跃 获客 拉新 召回 产能 产量 交付周期 营业额 现金流 回款 坏账
    出错 宕机 停机 日均 月均 周均 人均 GMV 发布量 用户数 次数 人数 规模 速度 续约 续费 续订
    意愿 口碑""".split()
)
_METRIC_ZH_SUFFIX = re.compile(r"[\u4e00-\u9fff](?:率|量(?!化)|数(?![据字码学])|度|额|值|占比|比例)")
_NOT_METRIC_ZH = ("效率", "质量", "力量", "尽量", "大量", "少量", "考量", "能量", "制度", "态度",
                  "力度", "角度", "年度", "季度", "月度", "程度", "高度", "深度", "广度", "无数",
                  "多数", "少数", "价值", "一度", "再度", "适度", "过度", "极度", "进一步")  # fmt: skip

# For whom: the people an outcome is for.
_AUDIENCE_EN = _en(
    r"""users? customers? clients? creators? merchants? sellers? buyers? shoppers? developers?
    devs partners? employees? staff members? subscribers? students? learners? patients?
    visitors? readers? viewers? advertisers? hosts? guests? drivers? riders? authors? donors?
    volunteers? vendors? suppliers? agents? admins? administrators? engineers? designers?
    marketers? teachers? parents? players? gamers? tenants? citizens? residents? enterprises?
    smbs? smes? accounts? new\s+hires newcomers? beginners? prospects? audiences? owners?
    families? members? sales\s+reps? operators? contributors? maintainers? analysts? managers?
    for\s+(?:the\s+|our\s+|all\s+|every\s+)?[a-z]{3,}""".split()
)
_AUDIENCE_ZH = _zh(
    """用户 客户 创作者 作者 商家 商户 卖家 买家 开发者 合作伙伴 伙伴 员工 同事 会员 学员 学生
    患者 访客 读者 观众 粉丝 主播 骑手 司机 乘客 门店 经销商 代理商 供应商 新人 新员工 老师
    家长 玩家 租户 居民 企业 中小企业 消费者 顾客 采购方 运营人员 销售人员 工程师 设计师""".split()
)

# Deliverables: a verb that ends in something you can point at. Strong verbs need only an
# object; weak ones need a thing (an artifact noun, a number or a name) to be concrete.
_STRONG_EN = _en(
    r"""launch(?:es|ed|ing)? ship(?:s|ped|ping)? releas(?:e|es|ed|ing) publish(?:es|ed|ing)?
    hire[sd]? hiring recruit(?:s|ed|ing)? sign(?:s|ed|ing)? migrat(?:e|es|ed|ing)
    deploy(?:s|ed|ing)? roll(?:s|ed|ing)?\s+out go(?:es)?\s+live went\s+live open(?:s|ed)?
    onboard(?:s|ed)? certif(?:y|ies|ied) get\s+certified decommission(?:s|ed|ing)?
    retire[sd]? sunset(?:s|ting)? shut(?:s|ting)?\s+down file[sd]? submit(?:s|ted|ting)?
    pass(?:es|ed)? sell(?:s|ing)? sold close[sd]? win(?:s|ning)? won acquir(?:e|es|ed|ing)
    fix(?:es|ed|ing)? resolv(?:e|es|ed|ing) automat(?:e|es|ed|ing)""".split()
)
_WEAK_EN = _en(
    r"""deliver(?:s|ed|ing)? build(?:s|ing)? built creat(?:e|es|ed|ing) establish(?:es|ed|ing)?
    complet(?:e|es|ed|ing) finish(?:es|ed|ing)? implement(?:s|ed|ing)? develop(?:s|ed|ing)?
    writ(?:e|es|ing) wrote set(?:s|ting)?\s+up design(?:s|ed|ing)? defin(?:e|es|ed|ing)
    document(?:s|ed|ing)? integrat(?:e|es|ed|ing) upgrad(?:e|es|ed|ing)
    introduc(?:e|es|ed|ing) run(?:s|ning)? ran hold(?:s|ing)? held host(?:s|ed|ing)?
    train(?:s|ed)? conduct(?:s|ed|ing)? produc(?:e|es|ed|ing) draft(?:s|ed|ing)?
    prepar(?:e|es|ed|ing) finali[sz](?:e|es|ed|ing) obtain(?:s|ed|ing)? achiev(?:e|es|ed|ing)
    secur(?:e|es|ed|ing) start(?:s|ed|ing)? add(?:s|ed|ing)? adopt(?:s|ed|ing)?
    select(?:s|ed|ing)? choos(?:e|es|ing) chose negotiat(?:e|es|ed|ing) renew(?:s|ed|ing)?
    replac(?:e|es|ed|ing) remov(?:e|es|ed|ing) rewrit(?:e|es|ing) refactor(?:s|ed|ing)?
    redesign(?:s|ed|ing)? consolidat(?:e|es|ed|ing) standardi[sz](?:e|es|ed|ing)
    organi[sz](?:e|es|ed|ing) enabl(?:e|es|ed|ing) provid(?:e|es|ed|ing) convert(?:s|ed|ing)?
    translat(?:e|es|ed|ing) install(?:s|ed|ing)? set\s+up""".split()
)
# Verbs that make what follows them the thing measured, not a deliverable: "Improve release
# quality", "Increase release frequency", "提升发布效率", "缩短上线周期".
_DIRECTION_EN = _en(
    r"""improv\w* enhanc\w* optimi[sz]\w* strengthen\w* boost\w* streamlin\w* increas\w*
    reduc\w* decreas\w* grow\w* rais\w* lower\w* cut(?:s|ting)? doubl\w* tripl\w* halv\w*
    shorten\w* speed\s+up accelerat\w* maximi[sz]\w* minimi[sz]\w* maintain\w* keep
    measur\w* track\w*""".split()
)
_DIRECTION_ZH = _zh(
    """提升 加强 优化 提高 改善 改进 完善 增强 强化 推进 推动 促进 加快 做好 抓好 赋能 打造 深化
    夯实 巩固 增加 减少 降低 缩短 增长 扩大 压缩 控制 保持 维持 衡量 跟踪""".split()
)
_ARTIFACT_EN = _en(
    r"""pages? features? apps? applications? versions? v\d+ reports? dashboards? polic(?:y|ies)
    playbooks? handbooks? guides? manuals? system systems tools? apis? sdks? integrations?
    courses? trainings? workshops? webinars? plans? roadmaps? documents? docs? specs?
    specifications? designs? prototypes? mvps? pilots? pocs? campaigns? stores? offices?
    contracts? agreements? partnerships? certifications? audits? pipelines? services? modules?
    databases? clusters? librar(?:y|ies) plugins? templates? workflows? surveys? newsletters?
    events? conferences? meetups? programs? programmes? curricul(?:um|a) checklists? runbooks?
    rfcs? proposals? website? sites? portals? checkout flows? wizards? endpoints? channels?
    studies study research\s+report white\s?papers? documentation videos? podcasts? posts? articles?
    tutorials? releases? builds? branch(?:es)? region data\s?centers? warehouses? stores?
    budget hiring\s+plan job\s+descriptions? roles? positions? engineers? designers? managers?
    reconciliations? stock[-\s]?takes? appraisals? performance\s+reviews? handovers?
    people staff sso 2fa mfa soc\s?2 iso\s?\d+ gdpr hipaa""".split()
)
_STRONG_ZH = _zh(
    """上线 发布 推出 招聘 招募 签约 签署 迁移 部署 开通 落地 下线 投产 开业 开设 开出 入驻
    交付 上架 开源 开播 举办 召开 出台 颁布 提交 中标 发表 取得认证 通过认证 通过审计 修复""".split()
)
_WEAK_ZH = _zh(
    """完成 搭建 建立 建成 开发 编写 撰写 制定 实现 建设 引入 组织 培训 设计 输出 产出 验收
    替换 关闭 改造 重构 升级 集成 对接 接入 形成 出具 编制 整理 通过 获得 取得 启动 试点
    新增 增设 开展 落实 写""".split()
)
_ARTIFACT_ZH = _zh(
    """页面 功能 版本 报告 看板 仪表盘 制度 流程 系统 平台 工具 接口 课程 培训 手册 指南 方案
    文档 规范 原型 试点 活动 门店 合同 协议 认证 审计 服务 模块 数据库 集群 模板 问卷 直播
    发布会 小程序 官网 网站 频道 专栏 计划 机制 中台 应用 客户端 后台 路线图 预算 岗位 讲座
    大会 会议 白皮书 标准 预案 数据集 模型 账号 社群 店铺 网点 仓库 产线 生产线 设备 项目
    工程师 分公司 办公室 版 博客 文章 视频 案例 教程 专利 论文 SOP API App APP SDK
    对账 盘点 结算 决算 备案 交接 年检 年审 选型 面谈 述职 分享 沙龙""".split()
)
# Done states: "Billing page live", "计费页面上线".
_DONE_EN = _en(
    r"""live launched shipped released published signed approved completed done in\s+production
    generally\s+available ga certified go[-\s]live delivered migrated deployed in\s+place
    up\s+and\s+running operational rolled\s+out""".split()
)
# Deliverables that come in numbers: hiring, signing, onboarding people or partners. Without
# a count ("Hire engineers", "签约渠道伙伴") nobody can tell when it is done.
_COUNTED_EN = re.compile(
    r"(?<![A-Za-z0-9])(?:hire|recruit|sign(?:\s+up)?|onboard|close|win|acquire|fix|resolve)\s+"
    r"(?!(?:a|an|the|one|our|my|its|their|first|each|every|all|this|that)(?![A-Za-z]))"
    r"(?:[a-z][a-z-]*\s+){0,2}[a-z]*[^\Ws]s(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_COUNTED_ZH = re.compile(
    r"(?:招聘|招募|签约|签下|拓展|发展|引入|新增)(?!\d|[一二两三四五六七八九十百千万几]|首)[\u4e00-\u9fff]{0,6}?"
    r"(?:伙伴|客户|商家|工程师|人才|员工|会员|用户|渠道|代理商|经销商|供应商|门店|合作方|创作者|主播)"
    # 招聘销售: salespeople, how many? (招聘销售总监 is one role, and fine)
    r"|(?:招聘|招募)(?!\d|[一二两三四五六七八九十百千万几]|首)[\u4e00-\u9fff]{0,4}?"
    r"(?:销售|人员|程序员|研发|客服|实习生|设计师|顾问|讲师|骑手|司机|店员|运营)"
    r"(?![\u4e00-\u9fffA-Za-z])"
)
# Activities: work that may never end in a result.
_ACTIVITY_EN = _en(
    r"""research\w* explor\w* investigat\w* stud(?:y|ies|ying) look\s+into evaluat\w*
    analy[sz]\w* discuss\w* review\w* consider\w* work\s+on focus\s+on help\w* assist\w*
    participat\w* attend\w* learn\w* understand\w* monitor\w* track\w* follow\s+up
    coordinat\w* communicat\w* try trying support(?:s|ing)? plan(?:s|ning)?
    (?:make|making|made)\s+progress progress\s+on""".split()
)
_ACTIVITY_ZH = _zh(
    """研究 探索 调研 分析 讨论 评估 考虑 了解 学习 关注 跟进 参与 协助 支持 配合 跟踪 梳理
    沟通 协调 尝试 探讨 研讨 摸索 推进""".split()
)
# Absolutes: no margin left in a committed item.
_ABSOLUTE_EN = _en(
    r"all(?![-\s]hands) every everyone everything always never zero none no\s+bugs flawless(?:ly)? perfect(?:ly)? entire(?:ly)? 100\s?%".split()
)
_ABSOLUTE_ZH = re.compile(
    r"零(?:缺陷|故障|事故|投诉|差错|失误|错误|延迟|宕机|停机|漏洞|bug|BUG|伤亡|丢失|流失|遗漏|逾期|容忍|风险)"
    r"|所有|全部|一切|从不|绝不|永不|总是|始终|百分百|全覆盖|全员|杜绝|彻底|无任何|100\s?%"
)
# Relative targets and yes/no outcomes are measurable too: double revenue, 翻一番, break even.
_RELATIVE_EN = _en(
    r"doubl(?:e|es|ed|ing) tripl(?:e|es|ed|ing) quadrupl(?:e|es|ed|ing) halv(?:e|es|ed|ing) twice "
    r"[a-z]+[-\s]?fold \d+(?:\.\d+)?\s?[x×] break[-\s]?even profitab(?:le|ility) cash[-\s]flow[-\s]positive "
    r"(?:by|in)\s+half carbon[-\s]neutral net[-\s]zero "
    r"by\s+(?:a|one|two|three)\s+(?:thirds?|quarters?|fifths?|tenths?)".split()
)
_RELATIVE_ZH = re.compile(
    r"翻(?:一|两|二|三|四|五|\d{1,3})?[番倍]|减半"
    r"|(?<![\d.一二两三四五六七八九十])(?:\d{1,9}(?:\.\d{1,6})?|[一二两三四五六七八九十]{1,4})\s*倍"
    r"|一半|盈亏平衡|扭亏|实现盈利|收支平衡|碳中和|碳达峰"
)
_STOP_EN = frozenset(
    "a an the our my your their its of to for in on with and or by at from this that these those "
    "we us it be is are as into onto per than then so all any each more".split()
)  # fmt: skip
_NAME_EXCLUDE = frozenset(
    "ASAP ETC OK TBD OKR OKRS KR KRS KPI KPIS FY EOY EOQ EOM EOW YTD AND THE FOR TO OF A I".split()
)


def vague_words(text: str) -> list[str]:
    """The vague words in ``text``, in order, as written: English (improve, better, some,
    more, ASAP, various…) and Chinese (提升, 加强, 优化, 尽快, 一些, 大力, 进一步, 更好, 努力,
    适当…). Finding one does not make an item vague: see :func:`check`."""
    text = _clip(text)
    found = [(m.start(), m.group()) for m in _VAGUE_EN.finditer(text)]
    found += [(m.start(), m.group()) for m in _VAGUE_ZH.finditer(text)]
    return [word for _, word in sorted(found)]


def _vague_what(text: str) -> list[str]:
    """The vague words that blur what is promised: those of :func:`vague_words` except the
    ones that only blur when (ASAP, 尽快, 尽早), which Time-bound judges on its own. "Fix
    the login bug ASAP" is specific and has no deadline; it is not vague about what."""
    return [w for w in vague_words(text) if not (_VAGUE_TIME_EN.fullmatch(w) or _VAGUE_TIME_ZH.fullmatch(w))]


# --- dates --------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_B = r"(?<![A-Za-z0-9])"  # an ASCII word edge, also next to CJK text
_E = r"(?![A-Za-z0-9])"
_DAY_YEAR = rf"(?:\.?\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?{_E})?(?:,?\s+(?:19|20)\d\d{_E})?"
_EN_COUNT = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|sixty|ninety)"
)
# Bounded, and never started inside a longer run of digits: a pasted run of 一一一… must not
# make the search quadratic.
_CN_COUNT = r"(?<![\d一二两三四五六七八九十百])(?:\d{1,6}|[一二两三四五六七八九十百]{1,6}|半)"
_CN_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_CN_DAY = r"(?:3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_DATE_PATTERNS = [
    # ISO dates and periods: 2026-06-30, 2026/6/30, 2026-Q2, 2026 Q2, 2026-W21, 2026-05, FY2026
    rf"{_B}(?:19|20)\d\d[-/.](?:1[0-2]|0?[1-9])[-/.](?:3[01]|[12]\d|0?[1-9]){_E}",
    rf"{_B}(?:19|20)\d\d\s?-?\s?[QqHh][1-4]{_E}",
    rf"{_B}(?:19|20)\d\d-[Ww](?:5[0-3]|[0-4]\d){_E}",
    rf"{_B}(?:19|20)\d\d-(?:1[0-2]|0[1-9]){_E}(?![-/.]\d)",
    rf"{_B}FY\s?'?(?:\d\d){{1,2}}{_E}",
    rf"{_B}[Qq][1-4]{_E}(?:\s*(?:FY)?\s*'?(?:19|20)?\d\d{_E})?",
    rf"{_B}[Hh][12]{_E}",
    # numeric dates: 6/30/2026, 30.06.2026; a bare 6/30 only after by/before/until/on/due
    rf"{_B}(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])/(?:\d\d){{1,2}}{_E}",
    rf"{_B}(?:3[01]|[12]\d|0?[1-9])\.(?:1[0-2]|0?[1-9])\.(?:19|20)\d\d{_E}",
    rf"{_B}(?:by|before|until|till|on|due)\s+(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9]){_E}",
    # month names: June 30, 30 June, June 2026, by June, end of June (May only capitalised)
    rf"(?i:{_B}(?!may){_MONTH}\.?\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?{_E})",
    rf"{_B}May\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?{_E}",
    rf"(?i:{_B}(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?(?!may){_MONTH}{_E})",
    rf"{_B}(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?May{_E}",
    rf"(?i:{_B}(?!may){_MONTH}\.?,?\s+(?:19|20)\d\d{_E})",
    rf"{_B}May,?\s+(?:19|20)\d\d{_E}",
    rf"(?i:{_B}(?:by|in|before|until|till|through|thru|during|from|end\s+of|start\s+of|beginning\s+of"
    rf"|middle\s+of|mid|early|late)[\s-]+(?:the\s+)?(?:end\s+of\s+)?(?!may){_MONTH}{_E}{_DAY_YEAR})",
    rf"(?i:{_B}(?:by|in|before|until|till|through|during|end\s+of|mid)[\s-]+)May{_E}{_DAY_YEAR}",
    # relative: this quarter, next month, end of Q2, year-end, EOY, within 6 weeks, by Friday
    rf"(?i:{_B}(?:this|next|coming|current|following)\s+(?:week|month|quarter|year|half|sprint"
    rf"|fiscal\s+year|financial\s+year|fy|release|season){_E})",
    rf"(?i:{_B}(?:end|close|start|beginning|middle|mid)(?:\s+of)?[\s-]+(?:the\s+)?(?:this\s+|next\s+)?"
    rf"(?:week|month|quarter|year|half|sprint|fy|fiscal\s+year|q[1-4]|h[12]){_E})",
    rf"(?i:{_B}(?:year|quarter|month|week|sprint)[-\s]end{_E})",
    rf"(?i:{_B}(?:eoy|eoq|eom|eow|ytd|qtd|mtd){_E})",
    rf"(?i:{_B}(?:within|in|over|for|after)\s+(?:the\s+)?(?:next\s+|coming\s+|first\s+)?{_EN_COUNT}\s+"
    rf"(?:business\s+|working\s+)?(?:days?|weeks?|months?|quarters?|years?|sprints?){_E})",
    rf"(?i:{_B}(?:by|before|until|till|on|due|next)\s+(?:next\s+)?(?:monday|tuesday|wednesday|thursday"
    rf"|friday|saturday|sunday|tomorrow|tonight|today|the\s+end){_E})",
    rf"(?i:{_B}(?:by|before|until|till|in|during|through|for|end\s+of|due)\s+(?:19|20)\d\d{_E}(?!\s?[%％]))",
    rf"(?i:{_B}by\s+the\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th){_E})",
    # holidays: before Christmas, by Black Friday, ahead of Lunar New Year
    rf"(?i:{_B}(?:by|before|until|till|ahead\s+of|in\s+time\s+for|for)\s+(?:the\s+)?(?:christmas|xmas|thanksgiving"
    rf"|black\s+friday|cyber\s+monday|easter|(?:lunar\s+|chinese\s+)?new\s+year(?:'s)?|diwali|labou?r\s+day"
    rf"|memorial\s+day|independence\s+day|(?:the\s+)?holidays|holiday\s+season|summer\s+break){_E})",
    rf"(?i:{_B}(?:today|tomorrow|tonight){_E})",
    # Chinese: 2026年6月30日, 6月底, 6月30日前, 六月底, 第二季度, 二季度, 本月, 本季度, 年底,
    # 上半年, 三个月内, 春节前, 下周五
    rf"(?:(?:19|20)\d\d|[〇零一二三四五六七八九]{{4}})\s*年(?:\s*{_CN_MONTH}\s*月(?:\s*{_CN_DAY}\s*[日号])?)?",
    rf"(?<![\d个一二三四五六七八九十])(?:{_CN_MONTH})\s*月份?(?!活跃|活用户|活数|均|薪|费|度|报|刊|票)"
    rf"(?:\s*{_CN_DAY}\s*[日号])?(?:底|末|初|中旬|上旬|下旬|中|前|之前|以前)?",
    r"(?<![\d月])(?:3[01]|[12]\d|0?[1-9])\s*[日号]\s*(?:前|之前|以前|截止)",
    r"第?[一二三四1-4]\s*季度|第?[一二三四]季",
    r"[上下]半年|[上下]半财年",
    r"(?:本|这|下|上)周[一二三四五六日天]",
    r"(?:本|这个|这|下个?|下一个?|当|今|明|次)(?:月|季度|季|周|星期|年度|年|财年|半年)",
    r"年底|年末|年中|年初|年内|年前|年终|月底|月末|月中|月初|月内|季度末|季末|季度内|季度底|季度初|周末|周内|当周|当月|当季|年度内",
    # (not after 到/至/为/于/控制在: 缩短到2小时以内 is a target duration, not a deadline)
    rf"(?<![到至为于])(?<!控制在){_CN_COUNT}\s*个?\s*(?:天|日|周|星期|月|季度|年|工作日)\s*(?:内|以内|之内)",
    r"(?:春节|国庆|元旦|中秋|五一|端午|双十一|双11|双12|618|清明)(?:节)?\s*(?:前|之前|以前|期间|档期)",
    r"(?:截止|截至|截止到|截止于|deadline)\s*[:：]?(?=\s*\d)",
]
_DATE = re.compile("|".join(f"(?:{p})" for p in _DATE_PATTERNS))


def find_dates(text: str) -> list[tuple[int, int]]:
    """Spans of dates and deadlines in ``text``, English or Chinese.

    English: ``by June 30``, ``30 June``, ``end of Q2``, ``Q2``, ``H1``, ``2026-06-30``,
    ``6/30/2026``, ``FY2026``, ``this quarter``, ``next month``, ``year-end``, ``within 6
    weeks``, ``by Friday``, ``by 2027``. Chinese: ``6月底``, ``6月30日前``, ``六月底``,
    ``2026年6月``, ``第二季度``, ``二季度``, ``本月``, ``本季度``, ``下周五``, ``年底``,
    ``上半年``, ``三个月内``, ``春节前``. Not dates: ``3个月`` (a count), ``月活`` (MAU), ``ASAP``.
    """
    text = _clip(text)
    return [match.span() for match in _DATE.finditer(text) if match.end() > match.start()]


# 一次, 一遍, 一轮: how many times (每月组织一次分享), unless it means "first time" (一次解决率).
_ONCE = re.compile(r"[次遍轮趟回](?!解决|通过|成功|合格|到位|性|交付|修复|命中)")
# Shopping festivals are named by numbers: 618大促, 双11, 双十二.
_FESTIVAL = re.compile(
    r"双\s*(?:11|12|十一|十二)(?![\d%])"
    r"|(?<![\d.])(?:618|520|818)(?=\s*(?:大促|活动|购物节|期间|档期|节|前|当天|狂欢|促销|年中|备战|保障))"
)


def find_measures(text: str) -> list[Found]:
    """The numbers in ``text`` that are not part of a date (``30%`` but not the 30 of
    ``June 30``) nor the Chinese article 一 (一支团队); see :func:`okr.core.numbers.find_numbers`
    for what is read as a number."""
    text = _clip(text)
    dates = find_dates(text)  # sorted and disjoint, as finditer gives them
    festivals = [m.span() for m in _FESTIVAL.finditer(text)]
    starts = [start for start, _ in dates]
    measures = []
    for number in find_numbers(text):
        begin, end = number.span
        index = bisect_left(starts, end) - 1  # the last date starting before the number ends
        if index >= 0 and dates[index][1] > begin:
            continue
        if text[begin:end] == "一" and not _ONCE.match(text, end):
            continue  # 一支团队, 一套制度: the Chinese "a", not a count
        if any(a < end and begin < b for a, b in festivals):
            continue  # 618大促, 双11: the name of a sale, not a quantity
        measures.append(number)
    return measures


# --- reading an item ----------------------------------------------------------------------


@dataclass
class _Read:
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


def _all(pattern: re.Pattern, text: str) -> list[str]:
    return [m.group() for m in pattern.finditer(text)]


def _metrics(text: str) -> list[str]:
    found = _all(_METRIC_EN, text) + _all(_METRIC_ZH, text)
    for match in _METRIC_ZH_SUFFIX.finditer(text):
        word = match.group()
        if not any(word in bad or bad in text[match.start() : match.end() + 2] for bad in _NOT_METRIC_ZH):
            found.append(word)
    return found


def _names(text: str, chars: int) -> list[str]:
    """Names and acronyms (PostgreSQL, iOS, SSO, Shanghai) and named events (618大促, 双11):
    concrete things."""
    festivals = _all(_FESTIVAL, text)
    return festivals + _word_names(text, chars)


def _word_names(text: str, chars: int) -> list[str]:
    words = [w for w in _WORD.findall(text) if _HAS_LETTER.search(w)]
    if not words:
        return []
    names = []
    if chars >= 2:
        # In Chinese text any Latin word is a name or a term: 迁移到 PostgreSQL, 上线 iOS 版.
        return [w for w in words if w.upper() not in _NAME_EXCLUDE and len(w) >= 2]
    dated = {text[a:b] for a, b in find_dates(text)}
    words = [w for w in words if not any(w in d for d in dated)]
    if not words:
        return []
    capitalised = [w for w in words[1:] if w[:1].isupper() and w.lower() not in _STOP_EN]
    title_case = len(capitalised) >= max(1, (len(words) - 1) // 2)
    for index, word in enumerate(words):
        if word.upper() in _NAME_EXCLUDE or len(word) < 2:
            continue
        if word.isupper() or re.search(r"[a-z][A-Z]|\d", word):
            names.append(word)  # SSO, iOS, GitHub, S3
        elif index > 0 and not title_case and word[:1].isupper() and word.lower() not in _STOP_EN:
            names.append(word)  # Shanghai, Kubernetes
    return names


def _content_words(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text) if _HAS_LETTER.search(w)]
    return [w for w in words if w not in _STOP_EN]


_CLAUSE_WORDS = frozenset(
    "and then to or also successfully fully publicly officially first finally formally will must we "
    "i team can should".split()
)  # fmt: skip


def _starts_clause(text: str, start: int) -> bool:
    """Whether an English verb at ``start`` begins a clause (Launch the page; Q3: ship X; and
    release Y), so that "a release date" or "the launch plan" are not read as deliverables."""
    prefix = text[:start].rstrip()
    if not prefix or prefix[-1] in ",;:(-–—/|&，；：、（" or _CJK.match(prefix[-1]):
        return True
    last = re.search(r"[A-Za-z]+$", prefix)
    if last and last.group().lower() in _CLAUSE_WORDS:
        return True
    return len(prefix) < 60 and bool(_DATE.fullmatch(prefix.strip()))


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
    chars = len(_CJK.findall(text))
    vague_found = {w.lower() for w in _all(_VAGUE_EN, text) if not _VAGUE_TIME_EN.fullmatch(w)}

    def blocked(start: int) -> bool:
        return bool(_DIRECTION_EN.search(text, 0, start) or _DIRECTION_ZH.search(text, 0, start))

    for pattern, needs_thing in ((_STRONG_EN, False), (_WEAK_EN, True)):
        for match in pattern.finditer(text):
            if needs_thing and vague_found:
                continue  # Build a world-class team: the vague word is the whole promise
            if blocked(match.start()) or not _starts_clause(text, match.start()):
                continue
            rest = _content_words(text[: match.start()] + " " + text[match.end() :])
            rest = [
                w
                for w in rest
                if w not in vague_found and not _VAGUE_EN.fullmatch(w) and not _VAGUE_TIME_EN.fullmatch(w)
            ]
            if not rest and chars < 2:
                continue
            if needs_thing and not (_ARTIFACT_EN.search(text) or _ARTIFACT_ZH.search(text) or measures or names):
                continue
            return _quote(text, 60)
    for match in _DONE_EN.finditer(text):
        before = _content_words(text[: match.start()])
        after = _DATE.sub("", text[match.end() :])
        ends = not _content_words(after) or re.match(r"\W*(?:by|before|in|on|within|at)\b", after, re.I)
        if before and ends and not blocked(match.start()):
            return _quote(text, 60)
    vague_zh = any(not _VAGUE_TIME_ZH.fullmatch(w) for w in _all(_VAGUE_ZH, text))
    for pattern, needs_thing in ((_STRONG_ZH, False), (_WEAK_ZH, True)):
        for match in pattern.finditer(text):
            if needs_thing and (vague_zh or vague_found):
                continue  # 建立完善的体系: the vague word is the whole promise
            if blocked(match.start()):
                continue
            if _METRIC_ZH_SUFFIX.match(text, match.end() - 1) or text.startswith(
                ("率", "量", "效率", "周期", "时间", "频率", "速度"), match.end()
            ):
                continue  # 发布量, 上线周期: a measure of the verb, not a deliverable
            other = chars - len(_CJK.findall(match.group()))
            if other < 2 and not names:
                continue
            if needs_thing and not (_ARTIFACT_ZH.search(text) or _ARTIFACT_EN.search(text) or measures or names):
                continue
            return _quote(text, 60)
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


def _read(text: object) -> _Read:
    text = _clip(text)
    chars, words = _counts(text)
    numbers = find_measures(text)
    measures = [number for number in numbers if not _ordinal(text, number)]
    names = _names(text, chars)
    activity = _all(_ACTIVITY_EN, text) + _all(_ACTIVITY_ZH, text)
    return _Read(
        text=text,
        chars=chars,
        words=words,
        size=_size(text),
        core_size=_size(_VAGUE_TIME_ZH.sub(" ", _VAGUE_TIME_EN.sub(" ", _DATE.sub(" ", text)))),
        measures=measures,
        relative=_all(_RELATIVE_EN, text) + _all(_RELATIVE_ZH, text),
        vague=_vague_what(text),
        metric=_metrics(text),
        audience=_all(_AUDIENCE_EN, text) + _all(_AUDIENCE_ZH, text),
        named=names,
        deliverable=_deliverable(text, numbers, names),
        activity=activity[0] if activity else None,
        dates=[text[a:b] for a, b in find_dates(text)],
        vague_time=_all(_VAGUE_TIME_EN, text) + _all(_VAGUE_TIME_ZH, text),
        absolute=_all(_ABSOLUTE_EN, text) + _all(_ABSOLUTE_ZH, text),
    )


def _number(value: object) -> Decimal | None:
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


# Arithmetic on field values that cannot trap, whatever the caller's decimal context.
_QUIET = Context(prec=28, traps=[])


# --- the five letters ---------------------------------------------------------------------


def _specific(item: SmartItem, title: _Read, desc: _Read, has_fields: bool, lang: str) -> Letter:
    """S: the title says what and for whom.

    * fail: no title; a title of one word or up to three CJK characters with nothing concrete; vague
      words (improve, better, 提升, 优化…) with nothing concrete beside them.
    * warn: vague words with only part of the picture (a metric or an audience or a name,
      or numbers only in the start/target fields or the description); a short title (two
      words, four CJK characters) without a number or deliverable; a direction (increase,
      降低) with nothing named to move (Increase brand awareness); a title over ~30 words
      (60 CJK characters).
    * pass otherwise. Concrete means a number, a deliverable, or a metric for named people.
    """
    if title.size == 0:
        return Letter("fail", _say("S.empty", lang), _suggest("S", lang))
    shown = _quote(title.text)
    if title.core_size < 2 and not title.strong:
        return Letter("fail", _say("S.too_short", lang, title=shown), _suggest("S", lang))
    if title.vague and not title.strong:
        words = _join(title.vague, lang)
        if title.weak:
            return Letter("warn", _say("S.vague_weak", lang, words=words), _suggest("S", lang))
        if has_fields or desc.strong:
            return Letter("warn", _say("S.vague_fields", lang, words=words), _suggest("S", lang))
        return Letter("fail", _say("S.vague", lang, words=words), _suggest("S", lang))
    if title.core_size <= 2 and not (title.measured or title.named or (title.metric and title.audience)):
        # "Write documentation", "Hire engineers": a deliverable, but which one, for whom?
        return Letter("warn", _say("S.short", lang, title=shown), _suggest("S", lang))
    direction = _all(_DIRECTION_EN, title.text) + _all(_DIRECTION_ZH, title.text)
    if direction and not title.strong and not title.weak:
        return Letter("warn", _say("S.direction", lang, words=_join(direction, lang)), _suggest("S", lang))
    if title.size > 30:
        size = _size_text(lang, title.words, title.chars)
        return Letter("warn", _say("S.too_long", lang, size=size), None)
    return Letter("pass", _say("S.pass", lang))


def _counted(text: str) -> str | None:
    """The words of a countable deliverable written without its count (Hire engineers,
    签约渠道伙伴), or None."""
    match = _COUNTED_EN.search(text) or _COUNTED_ZH.search(text)
    return _quote(match.group()) if match else None


def _measurable(item: SmartItem, title: _Read, desc: _Read, start, target, lang: str) -> Letter:
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
    unit = f" {_quote(item.unit)}" if item.unit and item.unit.strip() else ""
    if item.kr_kind == "percent" and not unit:
        unit = "%"
    number = _quote(title.measure_text)
    if item.kind == "key_result":
        if start is not None and target is not None:
            with localcontext(_QUIET):
                same = start == target
            if same and item.kr_kind != "milestone":
                return Letter("fail", _say("M.same", lang, start=_fmt(start)), _suggest("M.kr", lang))
            if not same:
                return Letter("pass", _say("M.fields", lang, start=_fmt(start), target=_fmt(target), unit=unit))
        if title.measured:
            return Letter("pass", _say("M.number", lang, number=number))
        if item.kr_kind != "milestone" and (start is None) != (target is None):
            missing = {"en": "start" if start is None else "target", "zh": "起始值" if start is None else "目标值"}[
                lang
            ]
            return Letter("warn", _say("M.half", lang, missing=missing), _suggest("M.kr", lang))
        if title.deliverable and item.kr_kind in (None, "milestone"):
            counted = _counted(title.text)
            if counted:
                return Letter("warn", _say("M.how_many", lang, what=counted), _suggest("M.kr", lang))
            return Letter("pass", _say("M.deliverable", lang, what=title.deliverable))
        if desc.measured:
            return Letter("warn", _say("M.desc_only", lang), _suggest("M.kr", lang))
        if item.kr_kind == "milestone":
            if title.activity and not title.vague:
                return Letter("warn", _say("M.activity", lang, word=title.activity), _suggest("M.milestone", lang))
            return Letter("fail", _say("M.milestone_none", lang), _suggest("M.milestone", lang))
        return Letter("fail", _say("M.kr_none", lang), _suggest("M.kr", lang))

    if item.kind == "goal":
        if start is not None and target is not None and start != target:
            return Letter("pass", _say("M.fields", lang, start=_fmt(start), target=_fmt(target), unit=unit))
        if title.measured:
            return Letter("pass", _say("M.number", lang, number=number))
        if title.deliverable:
            counted = _counted(title.text)
            if counted:
                return Letter("warn", _say("M.how_many", lang, what=counted), _suggest("M.goal", lang))
            return Letter("pass", _say("M.deliverable", lang, what=title.deliverable))
        if desc.measured:
            return Letter("pass", _say("M.number", lang, number=_quote(desc.measure_text)))
        return Letter("warn", _say("M.goal_none", lang), _suggest("M.goal", lang))

    # objective: qualitative by design
    if title.measured:
        return Letter("pass", _say("M.number", lang, number=number))
    if title.deliverable:
        return Letter("pass", _say("M.deliverable", lang, what=title.deliverable))
    if title.metric:
        return Letter("pass", _say("M.outcome", lang, what=_quote(title.text)))
    if title.vague:
        if title.weak or desc.strong or (start is not None and target is not None):
            return Letter("warn", _say("M.obj_weak", lang), _suggest("M.objective", lang))
        return Letter("fail", _say("M.obj_vague", lang), _suggest("M.objective", lang))
    return Letter("pass", _say("M.qualitative", lang))


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


def _pairs(title: _Read) -> list[tuple[Decimal, Decimal]]:
    """Start → target pairs written in the text: from 1,000 to 1,300; from $100k to $5k; 从8%降到5%; 40 → 10."""
    pairs = []
    for first, second in zip(title.measures, title.measures[1:]):
        between = title.text[first.span[1] : second.span[0]].rstrip("$€£¥￥ ")
        before = title.text[max(0, first.span[0] - 7) : first.span[0]].rstrip("$€£¥￥ ")
        if _TO.fullmatch(between) and (_FROM.search(before) or not between.strip().isalpha()):
            pairs.append((first.value, second.value))
    return pairs


def _achievable(item: SmartItem, title: _Read, start, target, confidence, lang: str) -> Letter:
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
    with localcontext(_QUIET):
        for begin, end in pairs:
            if begin > 0 and end > begin and end / begin > 10:
                ratio = (end / begin).quantize(Decimal("0.1")).normalize()
                return Letter("warn", _say("A.ratio", lang, ratio=_fmt(ratio)), _suggest("A", lang))
            threshold = 1 if item.kr_kind == "percent" else 5
            if end == 0 and begin >= threshold:
                return Letter("warn", _say("A.to_zero", lang, start=_fmt(begin)), _suggest("A", lang))
            if end > 0 and begin > end and begin / end > 10:
                ratio = (begin / end).quantize(Decimal("0.1")).normalize()
                return Letter(
                    "warn",
                    _say("A.cut", lang, start=_fmt(begin), target=_fmt(end), ratio=_fmt(ratio)),
                    _suggest("A", lang),
                )
        for number in title.measures:
            if number.is_percent and number.value > 900:
                return Letter("warn", _say("A.percent", lang, number=_fmt(number.value)), _suggest("A", lang))
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
                return Letter("warn", _say("A.multiplier", lang, number=_fmt(factor)), _suggest("A", lang))
        if confidence is not None:
            shown = _fmt(confidence)
            if item.committed and confidence < Decimal("0.5"):
                return Letter("warn", _say("A.confidence", lang, confidence=shown), _suggest("A", lang))
            if confidence < Decimal("0.2"):
                return Letter("warn", _say("A.very_low", lang, confidence=shown), _suggest("A", lang))
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
                return Letter("warn", _say("A.absolute", lang, words=_join(absolute, lang)), _suggest("A", lang))
    return Letter("pass", _say("A.pass", lang))


_PUNCT = re.compile(r"[\W_]+")


def _relevant(item: SmartItem, lang: str) -> Letter:
    """R: aligned to a parent.

    pass with a parent (warn if the title only restates it); a goal needs none (pass); an
    objective without a goal warns; a key result always serves its objective (pass).
    """
    parent = _clip(item.parent_title).strip()
    if parent:
        if _PUNCT.sub("", parent).casefold() == _PUNCT.sub("", _clip(item.title)).casefold():
            return Letter("warn", _say("R.restates", lang, parent=_quote(parent)), None)
        return Letter("pass", _say("R.aligned", lang, parent=_quote(parent)))
    if item.kind == "goal":
        return Letter("pass", _say("R.top_goal", lang))
    if item.kind == "key_result":
        return Letter("pass", _say("R.key_result", lang))
    return Letter("warn", _say("R.unaligned", lang), None)


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


def _time_bound(item: SmartItem, title: _Read, desc: _Read, today: date | None, lang: str) -> Letter:
    """T: pass with a valid period (2026, 2026-Q2, 2026-05, 2026-W21, or period words such
    as 本季度), a due date, or a date in the title or description (by June 30, end of Q2,
    6月底, 第二季度, this quarter…). Warn when ``today`` is given and the due date or the
    whole period is already past. Fail with none; ASAP and 尽快 are not deadlines."""
    period_text = _clip(item.period).strip()
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
                return Letter("warn", _say("T.past_period", lang, period=name), None)
            if due is None or today is None or due >= today:
                return Letter("pass", _say("T.period", lang, period=name))
        elif find_dates(period_text):
            return Letter("pass", _say("T.period", lang, period=_quote(period_text)))
        else:
            bad_period = _quote(period_text)
    if due is not None:
        if today is not None and due < today:
            return Letter("warn", _say("T.past_due", lang, date=due.isoformat()), None)
        return Letter("pass", _say("T.due", lang, date=due.isoformat()))
    for read in (title, desc):
        if read.dates:
            return Letter("pass", _say("T.text", lang, what=_quote(read.dates[0])))
    if bad_period:
        return Letter("fail", _say("T.bad_period", lang, period=bad_period), _suggest("T", lang))
    vague = title.vague_time or desc.vague_time
    if vague:
        return Letter("fail", _say("T.vague", lang, word=vague[0]), _suggest("T", lang))
    return Letter("fail", _say("T.none", lang), _suggest("T", lang))


def check(item: SmartItem, locale: str = "en", today: date | None = None) -> SmartResult:
    """The SMART verdict for a goal, objective or key result, with messages in ``locale``
    (``en`` or ``zh``; ``zh_CN``, ``zh-Hant``… read as ``zh``, anything else as ``en``).

    Each letter is pass, warn or fail; ``score`` counts the passes (0-5). ``today`` enables
    the "already past" warnings on due dates and periods; without it nothing depends on the
    clock. The rules are on :func:`_specific`, :func:`_measurable`, :func:`_achievable`,
    :func:`_relevant` and :func:`_time_bound`. Never raises for any text in the item.
    """
    if not isinstance(item, SmartItem):
        raise TypeError(f"check() takes a SmartItem, not {type(item).__name__}")
    lang = _locale(locale)
    if isinstance(today, datetime):
        today = today.date()
    if not isinstance(today, date):
        today = None
    title = _read(item.title)
    desc = _read(item.description)
    start, target = _number(item.start), _number(item.target)
    confidence = _number(item.confidence)
    if confidence is not None:
        with localcontext(_QUIET):
            if confidence > 1:
                confidence = confidence / 100 if confidence <= 100 else None
            if confidence is not None and confidence < 0:
                confidence = None
    has_fields = start is not None or target is not None
    letters = {
        "S": _specific(item, title, desc, has_fields, lang),
        "M": _measurable(item, title, desc, start, target, lang),
        "A": _achievable(item, title, start, target, confidence, lang),
        "R": _relevant(item, lang),
        "T": _time_bound(item, title, desc, today, lang),
    }
    score = sum(1 for letter in letters.values() if letter.verdict == "pass")
    return SmartResult(letters=letters, score=score)
