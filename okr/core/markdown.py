"""Markdown exports' one escaping rule, shared by the weekly report and the quarter review.

Pure: text in, text out. Whatever a person typed (a title, a reflection) is shown as typed, never
read as Markdown or HTML by whoever opens the exported file.
"""

from __future__ import annotations

_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~&")


def md_escape(text: str) -> str:
    """Text safe to paste into Markdown: every character Markdown could read as markup (HTML's
    ``<``, ``>`` and ``&`` included) is escaped with a backslash, and line breaks become spaces
    (one item stays one line, one table cell stays one cell)."""
    flat = " ".join(str(text).split())
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in flat)


def md_escape_lines(text: str) -> str:
    """A paragraph of text safe to paste into Markdown: each line escaped by :func:`md_escape`,
    the line breaks kept (a blank line stays a paragraph break)."""
    return "\n".join(md_escape(line) for line in str(text).splitlines())
