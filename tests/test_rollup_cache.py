"""The rollup cache: figures are right straight after a change made through the product."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from decimal import Decimal

import pytest


@pytest.fixture
def cached_app(app):
    return app  # every app keeps its rollups (ROLLUP_MAX_AGE, 300 s by default)


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
    from okr.core import periods

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
    from okr.core import models as m

    assert session.get(m.KeyResult, kr.id).current == Decimal("40")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_kept_rollup_pages_equal_a_fresh_render(app, demo, session, as_user, seed):
    """After each of a run of random everyday changes, the rollup pages served from a kept rollup
    (its drill-down and attention list joined from what was kept per subtree) are the same HTML
    and JSON as the pages of a rollup built afresh, in both languages."""
    import random
    import re

    from sqlmodel import select
    from test_rollup_state import World

    from okr.core import models as m
    from okr.core import periods
    from okr.seed.demo import DEMO_PASSWORD

    today = date.today()
    world = World(session, demo.org_id, random.Random(seed), today)
    root = next(t for t in world.teams if t.parent_id is None)
    department = next(t for t in world.teams if t.parent_id == root.id)
    b = as_user(world.admin, DEMO_PASSWORD)
    quarter, year = periods.quarter_of(today), periods.year_of(today)
    paths = [
        f"/rollup/{quarter}",
        f"/rollup/{year}",
        f"/teams/{department.slug}/rollup/{quarter}",
        f"/teams/{department.slug}/review/{quarter}",
        f"/api/v1/rollup/{root.slug}/{quarter}",
    ]
    token = re.compile(r'(name="csrf[-_]token" (?:content|value)=")[^"]+"')

    def page(path):
        resp = b.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return token.sub(r'\1TOKEN"', resp.get_data(as_text=True))

    rnd = random.Random(seed * 7)
    ops = []
    cache = app.extensions.setdefault("okr_rollup_cache", OrderedDict())

    def fresh_page(path):
        """The page from a rollup built afresh, the kept ones put back afterwards."""
        kept = dict(cache)
        cache.clear()
        try:
            return page(path)
        finally:
            cache.clear()
            cache.update(kept)

    for path in paths:
        page(path)  # every view kept before the first change
    for step in range(25):
        ops.append(world.change())
        assert (
            b.post("/language", data={"lang": "zh" if rnd.random() < 0.4 else "en", "next": "/teams"}).status_code
            == 302
        )
        for path in paths:
            kept = page(path)
            fresh = fresh_page(path)
            assert kept == fresh, f"step {step} ({ops[-1]}) on {path}: the kept rollup's page differs from a fresh one"
    assert len(set(ops)) >= 6, ops
    assert session.exec(select(m.AuditEvent).where(m.AuditEvent.org_id == demo.org_id)).first() is not None


def test_what_a_kept_rollup_keeps_for_its_pages_does_not_pile_up(app, demo, session, as_user):
    """The drill-down and attention kept per subtree replace their last version after a change:
    the kept text stays near one page's worth however many changes come (kept by node object,
    the company page's whole tree piled up once per change)."""
    import random

    from test_rollup_state import World

    from okr.core import periods
    from okr.leadership.views import build_rollup
    from okr.seed.demo import DEMO_PASSWORD

    today = date.today()
    world = World(session, demo.org_id, random.Random(5), today)
    root = next(t for t in world.teams if t.parent_id is None)
    b = as_user(world.admin, DEMO_PASSWORD)
    path = f"/rollup/{periods.year_of(today)}"

    def kept_chars():
        assert b.get(path).status_code == 200
        with app.test_request_context():
            r = build_rollup(root, periods.year_of(today), today)
        return sum(len(v[-1]) for v in r.view_memo.values() if isinstance(v[-1], str))

    first = kept_chars()
    for _ in range(30):
        world.change()
        kept_chars()
    assert first > 0
    assert kept_chars() < 3 * first
