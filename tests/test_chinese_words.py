"""Chinese as a reader sees it: one term per concept in every catalog and page (the Eisenhower
quadrants are 立即做, 计划做, 委派 and 舍弃 wherever they appear, as on the week board), and
full-width punctuation (，。：；！？（）) in Chinese text, in the catalogs and the demo's plan."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted((ROOT / "okr" / "translations" / "zh" / "LC_MESSAGES").glob("*.po"))
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff“”‘’]"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdfr]|%[sd%]|\{[a-z_]*\}")
# A half-width , : ; ( ) next to a Chinese character (spaces between allowed), a ! or ? right
# after one, or a half-width full stop after one. (A lone "!" between spaces is a status mark,
# like ✓ and ✕, not punctuation.)
HALF_WIDTH = re.compile(rf"{CJK}\s*[,:;()]|[,:;()]\s*{CJK}|{CJK}[!?]|{CJK}\s*\.(?![\d.])")
# Formula fragments of the rollup's explanations keep the formula's own ASCII brackets, as
# "Σ progress×weight / Σ weight" keeps its symbols.
FORMULA = {"(weight "}

EISENHOWER = {"Do": "立即做", "Schedule": "计划做", "Delegate": "委派", "Eliminate": "舍弃"}
# Variants that once said the same thing another way; each concept has one term.
FORBIDDEN = {
    "授权他人": "Delegate is 委派",
    "不做/减少": "Eliminate is 舍弃",
    "不做或减少": "Eliminate is 舍弃",
    "马上做": "Do is 立即做",
    "立刻做": "Do is 立即做",
    "签到": "a check-in is 进展更新 (进展记录 in lists)",
    "负责执行": "R is 执行负责",
    "执行人（R）": "R is 执行负责人",
    "KPI 预警": "a KPI alert is 告警 (预警 is the warning severity)",
    "与预警": "a KPI alert is 告警 (预警 is the warning severity)",
}
FORBIDDEN_PATTERNS = {
    re.compile(r"(?<!最终)负责人?（A）"): "A is 最终负责人",
    re.compile(r"(?<!执行)(?<!最终)负责（R）"): "R is 执行负责",
}


def _messages():
    for po in CATALOGS:
        with po.open("rb") as fh:
            for msg in read_po(fh):
                if msg.id and msg.string:
                    msgid = msg.id if isinstance(msg.id, str) else msg.id[0]
                    string = msg.string if isinstance(msg.string, str) else " ".join(msg.string)
                    yield po.name, msgid, string


def _texts():
    """Every place Chinese a reader sees is kept: catalogs, templates, scripts, docs, code."""
    for name, _msgid, string in _messages():
        yield name, string
    for folder, pattern in (("templates", "**/*.html"), ("static", "**/*.js"), ("docs", "**/*.md"), ("okr", "**/*.py")):
        for path in sorted((ROOT / folder).glob(pattern)):
            if path.name != "chinese.md":  # the list of terms names the variants it forbids
                yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def test_the_catalogs_are_read():
    assert len(CATALOGS) >= 6 and sum(1 for _ in _messages()) > 300


def test_catalogs_use_full_width_punctuation_in_chinese():
    found = []
    for name, msgid, string in _messages():
        if msgid in FORMULA:
            continue
        text = PLACEHOLDER.sub("X", string)
        found += [
            f"{name}: {msgid!r} → …{text[max(0, m.start() - 8) : m.end() + 8]}…" for m in HALF_WIDTH.finditer(text)
        ]
    assert not found, "use ，。：；！？（） in Chinese text:\n" + "\n".join(found)


def test_the_demo_plan_uses_full_width_punctuation_in_chinese():
    source = (ROOT / "okr" / "seed" / "demo_data.py").read_text(encoding="utf-8")
    strings = [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    chinese = [s for s in strings if len(HAN.findall(s)) > len(re.findall(r"[A-Za-z]", s))]
    assert len(chinese) > 50
    found = [s for s in chinese if HALF_WIDTH.search(PLACEHOLDER.sub("X", s))]
    assert not found, found


def test_one_term_per_concept():
    found = []
    for where, text in _texts():
        for word, rule in FORBIDDEN.items():
            if word in text:
                found.append(f"{where}: {word} ({rule})")
        for pattern, rule in FORBIDDEN_PATTERNS.items():
            found += [f"{where}: {m.group()} ({rule})" for m in pattern.finditer(text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("english, chinese", EISENHOWER.items())
def test_the_quadrants_have_the_boards_words_in_every_catalog(english, chinese):
    said = {string for _name, msgid, string in _messages() if msgid == english}
    assert said == {chinese}


def test_a_message_says_the_same_in_every_catalog():
    """A message kept in two catalogs is translated the same way in both (the catalogs are
    merged at start-up, so two translations would depend on the order of the files)."""
    said = defaultdict(set)
    for _name, msgid, string in _messages():
        said[msgid].add(string)
    differ = {msgid: strings for msgid, strings in said.items() if len(strings) > 1}
    assert not differ, differ
