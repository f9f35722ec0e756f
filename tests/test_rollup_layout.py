"""The rollup package keeps to the codebase's shape: modules under 800 lines, split by their seams
(formulas, tree, attention: pure; queries, state: reads; ops: writes)."""

from __future__ import annotations

from pathlib import Path

import okr.rollup

ROLLUP = Path(okr.rollup.__file__).parent


def test_no_rollup_module_is_over_800_lines():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in ROLLUP.glob("*.py")}
    assert {"formulas.py", "tree.py", "attention.py", "rules.py", "state.py"} <= set(sizes)
    assert {name: n for name, n in sizes.items() if n > 800} == {}


def test_the_pure_modules_name_their_seams():
    from okr.rollup import attention, formulas, rules, tree

    assert rules.kr_progress is formulas.kr_progress and rules.evaluate is tree.evaluate
    assert rules.attention is attention.attention and rules.effort_share is attention.effort_share
