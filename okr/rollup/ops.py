"""Writes of the quarter's end: a key result's score override and reflection, an objective's
reflection and whether it carries into next quarter. Audited like every write (okr.core.writes);
each flushes and never commits. No Flask here.
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from okr.core import writes
from okr.core.models import KeyResult, Objective


def score_key_result(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    kr: KeyResult,
    expected_version: int | None,
    score_override: Decimal | None,
    reflection: str,
) -> KeyResult:
    """Set a key result's quarter-end score (None: its progress is its score) and reflection."""
    return writes.update(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        item=kr,
        expected_version=expected_version,
        score_override=score_override,
        reflection=reflection,
    )


def review_objective(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    objective: Objective,
    expected_version: int | None,
    reflection: str,
    carry_over: bool,
) -> Objective:
    """Set an objective's reflection and whether it carries into next quarter."""
    return writes.update(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        item=objective,
        expected_version=expected_version,
        reflection=reflection,
        carry_over=carry_over,
    )
