"""The RACI words: each letter's name and each problem code of okr.raci.rules as the catalogs say
it (raci.po), in the reader's language. The one place the RACI codes become text.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from okr.raci import rules as raci

LETTER_NAMES = {
    "R": _l("Responsible"),
    "A": _l("Accountable"),
    raci.AR: _l("Accountable and Responsible"),
    "C": _l("Consulted"),
    "I": _l("Informed"),
}

MESSAGES = {
    raci.NO_ACCOUNTABLE: _l("No one is Accountable: give exactly one person the A."),
    raci.TWO_ACCOUNTABLE: _l("%(count)s people are Accountable: keep exactly one A."),
    raci.NO_RESPONSIBLE: _l("No one is Responsible: give at least one person an R."),
    raci.NOT_MEMBER: _l("This person is not a member of the team."),
    raci.BAD_LETTER: _l("“%(letter)s” is not a RACI letter: use R, A, A/R, C or I."),
    raci.TOO_MANY_ACCOUNTABLE: _l("Accountable for %(count)s live items (more than %(limit)s)."),
    raci.TOO_MANY_RESPONSIBLE: _l("Responsible for %(count)s live items (more than %(limit)s)."),
    raci.ARCHIVED_HOLDER: _l("%(name)s is archived: their %(letter)s no longer counts; give it to someone else."),
}
assert set(MESSAGES) == set(raci.PARAMS), "every problem code of okr.raci.rules has its words"


def letter_names() -> dict[str, str]:
    """{letter: its name}: R → Responsible (执行负责), A → Accountable (最终负责)…"""
    return {letter: str(name) for letter, name in LETTER_NAMES.items()}


def letter_name(letter: str) -> str:
    """The word for a RACI letter in the reader's language."""
    return str(LETTER_NAMES[letter])


def message(code: str, **params: Any) -> str:
    """The text for a problem code in the reader's language; extra params are ignored, an
    unknown code raises KeyError."""
    return str(MESSAGES[code]) % params
