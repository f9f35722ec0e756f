"""The password rule, the same on the web and in `okr create-user`: long enough and hard to guess.

Pure: a password (and the person's own words) in, a problem code out; the web layer and the CLI
say the code in their own words.
"""

from __future__ import annotations

from collections.abc import Iterable

#: A password has at least this many characters.
MIN_PASSWORD = 12
#: and zxcvbn rates it at least this (0–4; 3 means about 10^8 guesses or more).
MIN_SCORE = 3
#: zxcvbn looks at this many characters at most (its cost grows with the length; what follows
#: can only add strength).
_CHECKED = 100

SHORT = "short"
GUESSABLE = "guessable"
UNSTORABLE = "unstorable"


def password_problem(password: str, own_words: Iterable[str] = ()) -> str | None:
    """None when ``password`` may be used, else why not:

    * ``unstorable`` — it holds NUL or a lone surrogate, which no database stores;
    * ``short`` — fewer than :data:`MIN_PASSWORD` characters;
    * ``guessable`` — zxcvbn's score is below :data:`MIN_SCORE`: a common password (its bundled
      lists of the most used passwords, words and names), a keyboard row, a repeat, a date, or
      one of these with small changes; ``own_words`` (the person's email and name, the product's
      name) count as common too, and a password made half or more of them is refused.
    """
    if "\x00" in password or any(0xD800 <= ord(c) <= 0xDFFF for c in password):
        return UNSTORABLE
    if len(password) < MIN_PASSWORD:
        return SHORT
    from zxcvbn import zxcvbn

    words = ["okr", "planner"]
    for word in own_words:
        word = str(word or "").strip().lower()
        if word:
            words.append(word[:100])
            words.extend(w for w in word.replace("@", " ").replace(".", " ").split() if len(w) > 2)
    checked = password[:_CHECKED]
    result = zxcvbn(checked, user_inputs=words)
    if result["score"] < MIN_SCORE:
        return GUESSABLE
    # zxcvbn counts a separator between two of the person's own words as a guess of its own:
    # a password made half or more of their name or email is refused whatever its score.
    own = sum(len(m["token"]) for m in result["sequence"] if m.get("dictionary_name") == "user_inputs")
    if own * 2 >= len(checked):
        return GUESSABLE
    return None


SESSION_LIVE = "live"
SESSION_TOUCH = "touch"
SESSION_ENDED = "ended"


def session_state(created_at, last_seen_at, now, *, idle, max_age, touch_every) -> str:
    """Where a signed-in session stands at ``now``:

    * ``ended`` — ``now - last_seen_at > idle`` (left alone too long) or
      ``now - created_at > max_age`` (signed in too long ago, however busy);
    * ``touch`` — live, and ``last_seen_at`` is older than ``touch_every``: record this request;
    * ``live`` — live, recorded recently enough.

    Naive datetimes are read as UTC (SQLite hands them back without a zone).
    """
    created_at, last_seen_at, now = (_aware(d) for d in (created_at, last_seen_at, now))
    if now - last_seen_at > idle or now - created_at > max_age:
        return SESSION_ENDED
    if now - last_seen_at >= touch_every:
        return SESSION_TOUCH
    return SESSION_LIVE


def _aware(d):
    from datetime import UTC

    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)
