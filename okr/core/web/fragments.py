"""Kept fragments: a piece of a page rendered once per distinct input and language.

A plan page, the RACI matrix and the week board are dozens of near-identical pieces (a key
result, a task card, a matrix row). Between two views of a page almost all of them are
unchanged, so each is rendered once and kept, keyed by everything it shows::

    {% call keep('kr', item, letters, pick(plan.names, ids), can_edit) %} ...markup... {% endcall %}

The key is the fragment's name, the reader's language and the given parts, *frozen*: plan
items by every column (their version included), lists and dicts by their contents. The body
is rendered only when that key has not been seen, so a fragment can never show stale data as
long as every value its markup reads is among the parts; tests/test_fragments.py renders every
kept page with and without the store after each kind of change and requires the same HTML.

The CSRF token differs per session: a kept body holds a placeholder in its place and the
reader's own token is put back on the way out, so a fragment rendered for one person never
carries their token to another.

The store is per process, bounded (``MAX_CHARS`` of markup; the oldest half is dropped when it
is full) and needs no invalidation: a changed item has a new key and the old entry ages out.
"""

from __future__ import annotations

import enum
import operator
import secrets
import threading
from collections import OrderedDict
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, g
from flask_babel import LazyString, get_locale
from markupsafe import Markup
from sqlalchemy.engine import Row

#: Stands for the reader's CSRF token inside a kept body (random per process, so no typed text
#: can stand for it).
_PLACEHOLDER = f"csrf-{secrets.token_hex(12)}"

MAX_CHARS = 24_000_000  # about 48 MB of str at most per worker; a scale-1 company uses a few MB

_store: OrderedDict = OrderedDict()
_size = [0]
_lock = threading.Lock()
_HANDLERS: dict[type, object] = {}
_ATOMS = (str, int, float, bool, Decimal, date, datetime, enum.Enum, type(None))
_ATOM_TYPES = frozenset({str, int, float, bool, Decimal, date, datetime, type(None), Markup})


class Frozen(tuple):
    """A value already frozen (``frozen(x)`` in a template): used as it is in later keys."""


def freeze(value):
    """A hashable value equal for equal contents: plan items by their columns, containers by
    their items. Anything else is refused, so a key can never depend on an object's identity."""
    cls = type(value)
    if cls in _ATOM_TYPES:
        return value
    handler = _HANDLERS.get(cls)
    if handler is None:
        handler = _HANDLERS[cls] = _handler_for(cls, value)
    return handler(value)


def _sequence(value) -> tuple:
    return tuple([v if type(v) in _ATOM_TYPES else freeze(v) for v in value])


def _mapping(value) -> tuple:
    return tuple(sorted(((freeze(k), freeze(v)) for k, v in value.items()), key=repr))


def _set(value) -> tuple:
    return tuple(sorted((freeze(v) for v in value), key=repr))


def _handler_for(cls, value):
    """How to freeze values of ``cls``, decided once per class."""
    if cls is Frozen or issubclass(cls, _ATOMS):
        return lambda v: v
    if issubclass(cls, LazyString):  # a translated message: the language is in the key
        return str
    if issubclass(cls, (tuple, list, Row)):  # named tuples and the like
        return _sequence
    if issubclass(cls, dict):
        return _mapping
    if issubclass(cls, (set, frozenset)):
        return _set
    table = getattr(cls, "__table__", None)
    if table is not None:
        cols = [c.key for c in table.columns]
    elif is_dataclass(value):
        cols = [f.name for f in fields(value)]
    else:
        raise TypeError(f"a kept fragment cannot be keyed by a {cls.__name__}")
    get = operator.attrgetter(*cols) if len(cols) > 1 else (lambda o, c=cols[0]: (getattr(o, c),))
    name = cls.__name__

    def row(v):
        return (name,) + tuple([x if type(x) in _ATOM_TYPES else freeze(x) for x in get(v)])

    return row


def frozen(value) -> Frozen:
    return Frozen(freeze(value) if not isinstance(value, Frozen) else value)


def pick(mapping, keys) -> Frozen:
    """``(key, mapping[key])`` for each of ``keys``: the few names a fragment shows, not all."""
    return Frozen((k, freeze(mapping.get(k))) for k in keys if k is not None)


def _token() -> str:
    if "_kept_token" not in g:
        from flask_wtf.csrf import generate_csrf

        g._kept_token = generate_csrf()
    return g._kept_token


class StaleFragment(AssertionError):
    """A kept fragment differs from a fresh render: it shows a value its key does not hold."""


def keep(name: str, *parts, caller):
    """The markup of ``caller`` for these parts, rendered at most once per process and language.

    With ``KEEP_FRAGMENTS = "verify"`` (the test suite) the body is rendered every time as well
    and must equal the kept one, so every test that changes data and looks again checks keys."""
    mode = current_app.config.get("KEEP_FRAGMENTS", True)
    if not mode:
        return caller()
    key = (name, str(get_locale() or "en"), freeze(parts))
    with _lock:
        body = _store.get(key)
        if body is not None:
            _store.move_to_end(key)
    if body is None:
        body = str(caller()).replace(_token(), _PLACEHOLDER)
        _put(key, body)
    elif mode == "verify":
        fresh = str(caller()).replace(_token(), _PLACEHOLDER)
        if fresh != body:
            raise StaleFragment(
                f"kept fragment {name!r} differs from a fresh render: a value it shows is not in its key\n"
                f"kept:  {body[:2000]}\nfresh: {fresh[:2000]}"
            )
    if _PLACEHOLDER in body:
        body = body.replace(_PLACEHOLDER, _token())
    return Markup(body)


def _put(key, body: str) -> None:
    with _lock:
        if key in _store:
            return
        _store[key] = body
        _size[0] += len(body)
        if _size[0] > MAX_CHARS:
            for _ in range(len(_store) // 2):
                _k, old = _store.popitem(last=False)
                _size[0] -= len(old)


def clear() -> None:
    with _lock:
        _store.clear()
        _size[0] = 0


def init_app(app) -> None:
    app.jinja_env.globals.update(keep=keep, pick=pick, frozen=frozen)
