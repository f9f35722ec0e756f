"""The SMART coach: a verdict per letter (Specific, Measurable, Achievable, Relevant,
Time-bound) for a goal, objective or key result, with a message code that says how to fix it.

Pure rules on values: no Flask, no database. Text may be English, Chinese or both: Chinese is
measured in characters and English in words (okr.smart.lexicon), what a text holds is found
once (okr.smart.finders), and each letter is judged by a documented rule (okr.smart.letters).
Verdicts carry codes and parameters, not words: okr.smart.words says them in the reader's
language through the catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import localcontext

from okr.smart.finders import QUIET, field_number, read_text
from okr.smart.letters import (
    CODES,
    KINDS,
    TIPS,
    Letter,
    SmartItem,
    achievable,
    measurable,
    relevant,
    specific,
    time_bound,
)
from okr.smart.lexicon import detect_language, find_dates, find_measures, text_length, vague_words

__all__ = [
    "CODES",
    "KINDS",
    "LETTERS",
    "Letter",
    "SmartItem",
    "SmartResult",
    "TIPS",
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


def check(item: SmartItem, *, today: date | None = None) -> SmartResult:
    """The SMART verdict for a goal, objective or key result.

    Each letter is pass, warn or fail with a message code (okr.smart.letters.CODES); ``score``
    counts the passes (0-5). ``today`` enables the "already past" warnings on due dates and
    periods; without it nothing depends on the clock. The rules are on
    :func:`~okr.smart.letters.specific`, :func:`~okr.smart.letters.measurable`,
    :func:`~okr.smart.letters.achievable`, :func:`~okr.smart.letters.relevant` and
    :func:`~okr.smart.letters.time_bound`. Never raises for any text in the item.
    """
    if not isinstance(item, SmartItem):
        raise TypeError(f"check() takes a SmartItem, not {type(item).__name__}")
    if isinstance(today, datetime):
        today = today.date()
    if not isinstance(today, date):
        today = None
    title = read_text(item.title)
    desc = read_text(item.description)
    start, target = field_number(item.start), field_number(item.target)
    confidence = field_number(item.confidence)
    if confidence is not None:
        with localcontext(QUIET):
            if confidence > 1:
                confidence = confidence / 100 if confidence <= 100 else None
            if confidence is not None and confidence < 0:
                confidence = None
    has_fields = start is not None or target is not None
    letters = {
        "S": specific(item, title, desc, has_fields),
        "M": measurable(item, title, desc, start, target),
        "A": achievable(item, title, start, target, confidence),
        "R": relevant(item),
        "T": time_bound(item, title, desc, today),
    }
    score = sum(1 for letter in letters.values() if letter.verdict == "pass")
    return SmartResult(letters=letters, score=score)
