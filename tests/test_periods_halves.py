"""Half-years (2026-H1, 2026-H2) in the period grammar: read only when asked for, the two
quarters they gather, their dates with any fiscal start, and the text every other reader refuses."""

from __future__ import annotations

from datetime import date

import pytest

from okr.core import periods
from okr.core.periods import Half, PeriodError, Quarter


@pytest.mark.parametrize(
    ("text", "fiscal_start", "start", "end", "quarters"),
    [
        ("2026-H1", 1, date(2026, 1, 1), date(2026, 6, 30), ("2026-Q1", "2026-Q2")),
        ("2026-H2", 1, date(2026, 7, 1), date(2026, 12, 31), ("2026-Q3", "2026-Q4")),
        # With a July start, fiscal 2025 runs July 2024 - June 2025: its first half is Jul-Dec 2024.
        ("2025-H1", 7, date(2024, 7, 1), date(2024, 12, 31), ("2025-Q1", "2025-Q2")),
        ("2025-h2", 7, date(2025, 1, 1), date(2025, 6, 30), ("2025-Q3", "2025-Q4")),
        (" 2026-H2 ", 4, date(2025, 10, 1), date(2026, 3, 31), ("2026-Q3", "2026-Q4")),
    ],
)
def test_a_half_reads_and_spans_its_two_quarters(text, fiscal_start, start, end, quarters):
    half = periods.parse(text, fiscal_start, halves=True)
    assert isinstance(half, Half) and half.kind == "half"
    assert (half.start, half.end) == (start, end)
    assert tuple(str(q) for q in half.quarters()) == quarters
    assert str(half) == text.strip().upper()
    assert half.parent() == periods.Year(half.year, fiscal_start)
    assert all(half.contains(q) for q in half.quarters())


@pytest.mark.parametrize("text", ["2026-H0", "2026-H3", "2026-H01", "2026-H", "26-H1", "2026-H1x"])
def test_text_that_is_no_half(text):
    with pytest.raises(PeriodError):
        periods.parse(text, halves=True)


def test_every_other_reader_refuses_a_half():
    with pytest.raises(PeriodError, match="not a planning period"):
        periods.parse("2026-H1")
    # The other forms read as before, with halves asked for or not.
    for text in ("2026", "2026-Q2", "2026-05", "2026-W21"):
        assert periods.parse(text, halves=True) == periods.parse(text)


def test_halves_step_and_belong():
    assert Half(2026, 1).next() == Half(2026, 2) and Half(2026, 2).next() == Half(2027, 1)
    assert Half(2026, 1).prev() == Half(2025, 2)
    assert periods.Year(2026).halves() == (Half(2026, 1), Half(2026, 2))
    assert periods.half_of(date(2026, 6, 30)) == Half(2026, 1)
    assert periods.half_of(date(2026, 7, 1)) == Half(2026, 2)
    assert periods.half_of(date(2024, 12, 31), fiscal_start=7) == Half(2025, 1, 7)
    assert Quarter(2026, 3) in Half(2026, 2).quarters()
    with pytest.raises(PeriodError):
        Half(2026, 3)
