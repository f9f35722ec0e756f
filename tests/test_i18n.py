"""Every marked string has a Chinese translation, and both languages render."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _marked() -> dict[str, str]:
    found = {}
    for folder, method in (("okr", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, f"{folder}/{filename}:{lineno}")
    return found


def _translated(lang: str) -> set[str]:
    ids = set()
    for po in (ROOT / "okr" / "translations" / lang / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            for msg in read_po(fh):
                if msg.id and msg.string:
                    ids.add(msg.id if isinstance(msg.id, str) else msg.id[0])
    return ids


def test_every_marked_string_has_a_chinese_translation():
    marked = _marked()
    zh = _translated("zh")
    missing = {m: where for m, where in marked.items() if m not in zh}
    assert len(marked) > 30
    assert not missing, "untranslated (add them to a .po under okr/translations/zh):\n" + "\n".join(
        f"  {where}: {m!r}" for m, where in sorted(missing.items(), key=lambda kv: kv[1])
    )
