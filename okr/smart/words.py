"""The SMART coach's words: each message and tip code of okr.smart.letters as the catalogs say
it (smart.po), in the reader's language. The one place the coach's codes become text.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.smart.letters import CODES, TIPS, Letter
from okr.smart.rules import SmartResult

MESSAGES = {
    "S.pass": _l("Specific: it says what will change and for whom."),
    "S.empty": _l("Add a title that says what will change and for whom."),
    "S.too_short": _l("“%(title)s” is too short to be specific: name what will change, for whom, and how."),
    "S.short": _l("“%(title)s” is short: add what exactly changes and for whom."),
    "S.vague": _l(
        "“%(words)s” is vague and nothing concrete stands with it: say exactly what changes, for whom, and by how much."
    ),
    "S.vague_weak": _l("“%(words)s” is vague: name the metric or the deliverable, and who benefits."),
    "S.vague_fields": _l("The title is vague (“%(words)s”): say in the title what the numbers measure and for whom."),
    "S.direction": _l("“%(words)s” says which way, not what: name the metric or the deliverable, and who benefits."),
    "S.how_far": _l(
        "“%(words)s” says which way, not how far: write the number to reach (from 3.8 to 4.5, 20%% more) "
        "or what will be delivered, and for whom."
    ),
    "S.too_long": _l(
        "The title is long (%(size)s): keep the outcome in the title and move the detail to the description."
    ),
    "M.fields": _l("Measurable: from %(start)s to %(target)s%(unit)s."),
    "M.number": _l("Measurable: the title carries a number (%(number)s)."),
    "M.deliverable": _l("Measurable: done when “%(what)s” is delivered."),
    "M.same": _l("The target equals the start (%(start)s): set a target that differs from the start."),
    "M.no_start": _l("Add the start so progress can be measured from start to target."),
    "M.no_target": _l("Add the target so progress can be measured from start to target."),
    "M.kr_none": _l(
        "A key result must be measurable: give it a start and a target, put a number in the title, or make it a milestone with a clear deliverable."
    ),
    "M.desc_only": _l("The numbers are only in the description: put the measure in the title or in start and target."),
    "M.activity": _l("“%(word)s” is an activity, not a result: say what will exist when it is done."),
    "M.how_many": _l(
        "“%(what)s” does not say how many: put the number in the title (Hire 3 engineers) or set a start and a target."
    ),
    "M.milestone_none": _l("A milestone needs a clear done condition: a verb and a deliverable that anyone can check."),
    "M.qualitative": _l("Qualitative objective with an outcome you can observe; its key results carry the numbers."),
    "M.outcome": _l(
        "Qualitative objective naming an outcome you can observe (“%(what)s”); its key results carry the numbers."
    ),
    "M.obj_vague": _l(
        "Nothing here can be observed or measured: name the outcome that will be different (which behaviour or metric, for whom)."
    ),
    "M.obj_weak": _l(
        "Name an outcome you can observe (a behaviour, a metric or a deliverable) so key results can measure it."
    ),
    "M.goal_none": _l("Say in the title how the goal will be measured: a number to reach or a deliverable."),
    "A.pass": _l("Achievable: nothing suggests the target is out of reach."),
    "A.ratio": _l(
        "The target is %(ratio)s× the start: more than 10× in one period is rarely achievable. Check the baseline or split it into steps."
    ),
    "A.percent": _l("An increase of %(number)s%% is more than 10×: check the number, or make it aspirational."),
    "A.multiplier": _l("%(number)s× in one period is more than 10×: check the number, or make it aspirational."),
    "A.cut": _l(
        "Going from %(start)s to %(target)s cuts it to 1/%(ratio)s of the start: more than 10× in one period is rarely achievable. Check the baseline or split it into steps."
    ),
    "A.to_zero": _l(
        "Going from %(start)s to zero is rarely achievable: set a reduction you can reach, such as halving it."
    ),
    "A.confidence": _l(
        "It is committed (expected at 100%%) but confidence is %(confidence)s: lower the target, add resources, or make it aspirational."
    ),
    "A.very_low": _l("Confidence is only %(confidence)s: say what would make it reachable, or lower the target."),
    "A.absolute": _l(
        "“%(words)s” in a committed item leaves no margin: commit to what you can reach (say 99.9%% rather than 100%%), or make it aspirational."
    ),
    "R.aligned": _l("Relevant: aligned to “%(parent)s”."),
    "R.top_goal": _l("A top-level goal: aligning it to a company goal is optional."),
    "R.key_result": _l("Relevant: a key result serves its objective."),
    "R.unaligned": _l("Align this objective to an annual goal so it is clear why it matters."),
    "R.restates": _l("It restates its parent “%(parent)s”: say what this piece contributes to it."),
    "T.period": _l("Time-bound: %(period)s."),
    "T.due": _l("Time-bound: due %(date)s."),
    "T.text": _l("Time-bound: the text names a deadline (“%(what)s”)."),
    "T.none": _l("Set a period (such as 2026-Q2) or a due date, so everyone knows when it will be judged."),
    "T.vague": _l("“%(word)s” is not a deadline: set a period (such as 2026-Q2) or a due date."),
    "T.bad_period": _l("“%(period)s” is not a period: use 2026, 2026-Q2, 2026-05 or 2026-W21, or set a due date."),
    "T.past_due": _l("The due date %(date)s has passed: move it, or close the item."),
    "T.past_period": _l("%(period)s is already over: plan it in a current or future period."),
}
assert set(MESSAGES) == set(CODES), "every message code of okr.smart.letters has its words"

EXAMPLES = {
    "S": _l(
        "For example, “Cut checkout load time from 4 s to 2 s for mobile shoppers” rather than “Improve the website”."
    ),
    "M.kr": _l(
        "For example, “Daily posts from 1,000 to 1,300” (start 1000, target 1300) or “Launch the billing page”."
    ),
    "M.milestone": _l("For example, “Launch the billing page” or “Publish the pricing study”."),
    "M.objective": _l("For example, “Make new creators post every week” names a behaviour you can observe."),
    "M.goal": _l("For example, “Grow ARR from 2M to 3M” or “Open the Shanghai office”."),
    "A": _l("Split an ambitious target into steps across periods, or mark it aspirational (0.7 is a good score)."),
    "T": _l("For example, period 2026-Q2, or “by June 30”."),
}
assert set(EXAMPLES) == set(TIPS), "every tip code of okr.smart.letters has its words"


def _listing(words: list[str]) -> str:
    """Words found in the text, as a list in the reader's language (a, b / a、b)."""
    return _(", ").join(words)


def _size(chars: int, words: int) -> str:
    """How long a title is, in the reader's units: 62 characters, 35 words, or both."""
    parts = [_("%(count)s characters", count=chars)] * bool(chars) + [_("%(count)s words", count=words)] * bool(words)
    return _listing(parts)


def message(letter: Letter) -> str:
    """What the letter's verdict says, in the reader's language."""
    params = dict(letter.params)
    if letter.code == "S.too_long":
        params = {"size": _size(params["chars"], params["words"])}
    elif "words" in params:
        params["words"] = _listing(params["words"])
    return str(MESSAGES[letter.code]) % params


def tip(letter: Letter) -> str | None:
    """The letter's example of a better aim, or None."""
    return str(EXAMPLES[letter.tip]) if letter.tip else None


def said(result: SmartResult) -> dict:
    """A verdict as the API gives it: each letter's verdict, message and suggestion in the
    reader's language, in S, M, A, R, T order, and the score."""
    return {
        "letters": {
            key: {"verdict": letter.verdict, "message": message(letter), "suggestion": tip(letter)}
            for key, letter in result.letters.items()
        },
        "score": result.score,
    }
