"""Languages: English and Chinese (Simplified), wired through Flask-Babel.

Catalogues are kept as several `.po` files per language (one per page family, so features do
not edit one shared file); at start-up they are merged and compiled into the instance folder.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, request, session
from flask_babel import Babel

from okr.core.settings import LOCALES

SOURCE = Path(__file__).parents[2] / "translations"
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}


def compile_catalogues(target: Path) -> Path:
    """Merge each language's `.po` files into one `messages.mo` under ``target``; return it.

    The output folder is named by a hash of the sources, so a changed `.po` compiles anew and
    an unchanged one costs a directory lookup.
    """
    sources = sorted(SOURCE.glob("*/LC_MESSAGES/*.po"))
    digest = hashlib.sha256()
    for src in sources:
        digest.update(str(src.relative_to(SOURCE)).encode())
        digest.update(src.read_bytes())
    out = target / digest.hexdigest()[:16]
    if out.is_dir():
        return out
    langs: dict[str, object] = {}
    for src in sources:
        lang = src.parent.parent.name
        with src.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        if lang not in langs:
            langs[lang] = cat
        else:
            for msg in cat:
                if msg.id and msg.string:
                    langs[lang].add(msg.id, msg.string, flags=msg.flags)
    # A temporary folder of this process's own: two processes starting at once (workers, two
    # `okr notify` runs) each compile whole and the first rename wins.
    tmp = target / f"{out.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    for lang, cat in langs.items():
        dest = tmp / lang / "LC_MESSAGES"
        dest.mkdir(parents=True, exist_ok=True)
        buf = BytesIO()
        write_mo(buf, cat)
        (dest / "messages.mo").write_bytes(buf.getvalue())
    try:
        tmp.rename(out)
    except OSError:  # another process compiled the same catalogue first
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def select_locale() -> str:
    """The user's own setting, then the language switch, then Accept-Language, then the default."""
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans", "zh-TW"])
    if best:
        return "zh" if best.lower().startswith("zh") else "en"
    return current_app.config["DEFAULT_LOCALE"]


def _translations():
    """The request's catalogue, looked up once per request (Flask-Babel looks it up per call,
    which costs more than the rest of a row on a page with a thousand translated strings)."""
    found = g.get("_okr_translations")
    if found is None:
        from flask_babel import get_translations

        found = g._okr_translations = get_translations()
    return found


def _template_gettext(string):
    return _translations().ugettext(string)


def _template_ngettext(singular, plural, n):
    return _translations().ungettext(singular, plural, n)


def init_app(app) -> None:
    compiled = compile_catalogues(Path(app.instance_path) / "i18n")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    Babel(app, locale_selector=select_locale)
    # Templates use newstyle gettext: Jinja formats the variables and escapes them itself.
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)
