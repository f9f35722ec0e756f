"""The rollup cache: figures are right straight after a change made through the product."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest


@pytest.fixture
def cached_app(app):
    app.config["ROLLUP_CACHE"] = True
    return app


def _kr_progress(tree, kr_id):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("kind") == "key_result" and node.get("id") == kr_id:
                return node["progress"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"key result {kr_id} not in the rollup")


def test_check_in_through_the_page_refreshes_the_cached_rollup(cached_app, make, as_user, session):
    from okr import periods

    team = make.team(slug="content")
    manager = make.user(team=team, role="manager")
    quarter = str(periods.quarter_of(date.today()))
    goal = make.goal(team=team, year=periods.year_of(date.today()).year)
    obj = make.objective(team=team, goal=goal, quarter=quarter)
    kr = make.kr(objective=obj, start=0, target=100)
    make.raci(manager, "A", kr=kr)
    b = as_user(manager)

    first = b.get(f"/api/v1/rollup/content/{quarter}")
    assert first.status_code == 200
    assert _kr_progress(first.json, kr.id) == 0
    again = b.get(f"/api/v1/rollup/content/{quarter}")
    assert _kr_progress(again.json, kr.id) == 0

    saved = b.post(f"/key-results/{kr.id}/check-ins", data={"value": "40", "confidence": "0.8", "note": ""})
    assert saved.status_code in (302, 303)
    after = b.get(f"/api/v1/rollup/content/{quarter}")
    assert _kr_progress(after.json, kr.id) == pytest.approx(0.4)
    session.expire_all()
    from okr import models as m

    assert session.get(m.KeyResult, kr.id).current == Decimal("40")
