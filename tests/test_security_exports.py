"""Markdown exports show what people typed as typed: titles and reflections are escaped (Markdown
and HTML alike) in the quarter review as in the weekly report, by one shared function."""

from __future__ import annotations

import re

import pytest

Q = "2026-Q2"
HOSTILE = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example) | cell # & `code`"


@pytest.fixture
def hostile_review(make):
    org = make.org(slug="rev")
    team = make.team(org=org, slug="content", name="Content <b>team</b>")
    member = make.user(team=team, role="member")
    obj = make.objective(team=team, quarter=Q, title=HOSTILE, reflection="line one <script>x</script>\n\n# heading")
    make.kr(objective=obj, start=0, target=10, current=6, title=HOSTILE, reflection="*why* | <i>it</i>")
    return member


def test_quarter_review_markdown_escapes_titles_and_reflections(hostile_review, as_user):
    md = as_user(hostile_review).get(f"/teams/content/review/{Q}?format=md").get_data(as_text=True)
    for raw in ("<img", "<script>", "<b>", "<i>", "**bold**", "[link](", "*why*"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw  # each only with its backslash
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in md
    assert "\\#\\# heading" not in md and "\\# heading" in md  # a typed heading stays text, on its own line
    # The key result's row keeps its five cells: a typed "|" does not open a sixth.
    row = next(line for line in md.splitlines() if line.startswith("| \\<img"))
    assert row.replace("\\|", "").count("|") == 6


def test_one_escaping_function_for_every_export():
    from okr.core.markdown import md_escape
    from okr.week import report

    assert report.md_escape is md_escape
    assert md_escape("a & <b>") == "a \\& \\<b\\>"
