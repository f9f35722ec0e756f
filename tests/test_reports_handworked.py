"""End to end: a plan document whose rollups were worked out by hand (tests/plans/
rollup_handworked.json) gives the same numbers on the pages and in the JSON, to 3 decimals.

The day is fixed at 2026-05-16: 45 of 2026-Q2's 91 days have passed, so the pace is
45/91 = 0.494505 (on track from 0.394505, at risk from 0.244505); for the year 2026,
135/365 = 0.369863.
"""

from __future__ import annotations

import json
import re
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import pytest

from okr.core import models as m

PLAN = Path(__file__).parent / "plans" / "rollup_handworked.json"
TODAY = date(2026, 5, 16)

# --- the arithmetic, by hand -------------------------------------------------------------------
# KR1a daily posts  (1150 − 1000) / (1300 − 1000) = 150/300                     = 0.5
# KR1b churn 8→5 at 6.2: (6.2 − 8) / (5 − 8) = −1.8 / −3 (lower is better)        = 0.6
# O1  (0.5×1 + 0.6×2) / 3 = 1.7/3                                                = 0.566667
# P1  W14 done (Mon 30 March, but its Thursday is 2 April: April's project), W15 done,
#     W16 todo, W17 dropped (not live): 2 done / 3 live                          = 0.666667
# P2  W19 done, W20 and W21 dropped: 1 done / 1 live                             = 1
# KR2a from projects: (2/3 + 1) / 2                                              = 0.833333
# KR2b milestone done                                                            = 1
# KR2c 10/10 = 1 but weight 0: left out
# O2  (0.833333×1 + 1×1) / 2 = 11/12                                             = 0.916667
# G1  objectives of two teams (content O1 weight 1, data O2 weight 3):
#     (17/30×1 + 11/12×3) / 4 = 199/240                                          = 0.829167
# KR3a complaints 100→40 at 70: (70 − 100) / (40 − 100)                          = 0.5
# KR3b no check-in: current = start                                              = 0
# O3 = G2  (0.5 + 0) / 2                                                         = 0.25
# KR4a 5/10 = 0.5, O4 = 0.5 but O4 weighs 0: left out of G3
# O5  no key results                                                             = none, left out
# KR6a 12/10 = 1.2 clamped                                                       = 1
# KR6b (5 − 10) / (20 − 10) = −0.5 clamped                                       = 0
# O6  (1 + 0) / 2                                                                = 0.5
# G3  only O6 counts                                                             = 0.5
# O7  aligned to no goal: 1/4 = 0.25, in its own group, in no figure above it
# content = G3 = 0.5; data has no goals (none); product = 0.5
# company (2×199/240 + 1×0.25 + 1×0.5) / 4 = 289/480                             = 0.602083
# Year 2026: G1 also has O8 of Q1 (100/100 = 1):
#     (1×1 + 17/30×1 + 11/12×3) / 5 = 259/300                                    = 0.863333
#     company (2×259/300 + 0.25 + 0.5) / 4 = 743/1200                            = 0.619167
QUARTER = {
    ("team", "Handworked Co"): F(289, 480),
    ("team", "Product"): F(1, 2),
    ("team", "Content"): F(1, 2),
    ("team", "Data"): None,
    ("goal", "G1 grow creators"): F(199, 240),
    ("goal", "G2 keep users"): F(1, 4),
    ("goal", "G3 better content tools"): F(1, 2),
    ("objective", "O1 creators post more"): F(17, 30),
    ("objective", "O2 data pipeline for creators"): F(11, 12),
    ("objective", "O3 fewer complaints"): F(1, 4),
    ("objective", "O4 zero-weight objective"): F(1, 2),
    ("objective", "O5 empty objective"): None,
    ("objective", "O6 past target and below start"): F(1, 2),
    ("key_result", "KR1a daily posts 1000 to 1300"): F(1, 2),
    ("key_result", "KR1b churn 8% to 5%"): F(3, 5),
    ("key_result", "KR2a pipeline projects delivered"): F(5, 6),
    ("key_result", "KR2b pipeline launched"): F(1),
    ("key_result", "KR2c nice to have, weight 0"): F(1),
    ("key_result", "KR3a complaints 100 to 40"): F(1, 2),
    ("key_result", "KR3b NPS survey 0 to 50"): F(0),
    ("key_result", "KR4a editor adoption 0 to 10"): F(1, 2),
    ("key_result", "KR6a templates 0 to 10"): F(1),
    ("key_result", "KR6b review speed 10 to 20"): F(0),
    ("project", "P1 ingest"): F(2, 3),
    ("project", "P2 dashboards"): F(1),
}
STATUS = {  # against 45/91: on track from 0.394505, at risk from 0.244505
    ("team", "Handworked Co"): "on_track",  # 0.602083
    ("goal", "G2 keep users"): "at_risk",  # 0.25
    ("key_result", "KR3b NPS survey 0 to 50"): "off_track",  # 0
    ("key_result", "KR1b churn 8% to 5%"): "at_risk",  # 0.6 is on pace, confidence 0.3 < 0.4
    ("key_result", "KR1a daily posts 1000 to 1300"): "on_track",
    ("key_result", "KR6b review speed 10 to 20"): "off_track",
}


def _num(x):
    return None if x is None else float(x)


@pytest.fixture
def imported(app, session, make, monkeypatch):
    from okr.leadership import views as reports
    from okr.plandoc import importer

    org = make.org(slug="handworked")
    result = importer.import_plan(json.loads(PLAN.read_text()), session=session, org_id=org.id)
    assert not result.issues, result.issues
    session.commit()
    monkeypatch.setattr(reports, "_today", lambda: TODAY)
    company = session.exec(m.Team.__table__.select().where(m.Team.org_id == org.id, m.Team.slug == "company")).first()
    return org, company


@pytest.fixture
def viewer(imported, make, session, as_user):
    org, company = imported
    team = session.get(m.Team, company.id)
    return as_user(make.user(team=team, role="viewer"))


def _walk(node):
    yield node
    for child in node["children"]:
        yield from _walk(child)


def _by_title(data):
    found = {}
    for tree in [data, *data["unaligned"], *data["elsewhere"]]:
        for n in _walk(tree):
            found[(n["kind"], n.get("name") or n["title"])] = n
    return found


def test_json_matches_the_hand_arithmetic(viewer):
    data = viewer.get("/api/v1/rollup/company/2026-Q2").get_json()
    assert data["expected"] == pytest.approx(45 / 91, abs=1e-4)
    nodes = _by_title(data)
    for key, want in QUARTER.items():
        got = nodes[key]["progress"]
        if want is None:
            assert got is None, key
        else:
            assert got == pytest.approx(float(want), abs=5e-4), (key, got, float(want))
    for key, want in STATUS.items():
        assert nodes[key]["status"] == want, (key, nodes[key]["status_reason"])
    # left out, and said so
    assert nodes[("key_result", "KR2c nice to have, weight 0")]["counted"] is False
    assert nodes[("objective", "O4 zero-weight objective")]["counted"] is False
    assert nodes[("objective", "O5 empty objective")]["counted"] is False
    assert nodes[("team", "Data")]["counted"] is False
    assert "(0.5667×1 + 0.9167×3) / 4 ≈ 0.8292" in nodes[("goal", "G1 grow creators")]["formula"]
    assert nodes[("project", "P1 ingest")]["dropped"] == 1 and nodes[("project", "P2 dashboards")]["dropped"] == 2
    # the unaligned objective is in its own group, flagged, counted nowhere
    assert [n["title"] for n in data["unaligned"]] == ["O7 unaligned side quest"]
    assert data["unaligned"][0]["progress"] == 0.25
    # scores: O2 is committed, judged against 1.0: 0.9167 is yellow; O1 aspirational 0.5667 yellow
    assert nodes[("objective", "O2 data pipeline for creators")]["band"] == "yellow"
    assert nodes[("key_result", "KR2b pipeline launched")]["band"] == "green"
    assert nodes[("objective", "O1 creators post more")]["score"] == pytest.approx(17 / 30, abs=5e-4)


def test_page_shows_the_same_numbers_as_the_json(viewer):
    html = viewer.get("/rollup/2026-Q2").get_data(as_text=True)
    data = viewer.get("/rollup/2026-Q2?format=json").get_json()
    shown = {
        (k, int(i)): p
        for k, i, p in re.findall(
            r'class="figure"[^>]*data-kind="(\w+)" data-id="(\d+)" data-progress="([\d.]*)"', html
        )
    }
    nodes = _by_title(data)
    # projects open under their key result: their figures come with the KR's fragment
    kr2a = nodes[("key_result", "KR2a pipeline projects delivered")]
    frag = viewer.get(f"/rollup/explain/key_result/{kr2a['id']}/2026-Q2", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    for kind, item_id, progress in re.findall(
        r'href="/rollup/explain/(project)/(\d+)/2026-Q2"[^>]*>[^<]*</a></td>\s*<td class="num" data-progress="([\d.]*)"',
        frag,
    ):
        shown[(kind, int(item_id))] = progress
    assert (
        'data-done="2" data-live="3" data-dropped="1"' in frag
        and 'data-done="1" data-live="1" data-dropped="2"' in frag
    )
    for key, want in QUARTER.items():
        n = nodes[key]
        page = shown[(n["kind"], n["id"])]
        if want is None:
            assert page == ""
        else:
            assert round(float(page), 3) == round(float(want), 3) == round(n["progress"], 3), key
    assert ">60.2%<" in html  # the company: 289/480 = 0.602083
    assert ">82.9%<" in html  # G1: 199/240 = 0.829167


def test_year_rollup_by_hand(viewer):
    data = viewer.get("/api/v1/rollup/company/2026").get_json()
    nodes = _by_title(data)
    assert data["expected"] == pytest.approx(135 / 365, abs=1e-4)
    assert nodes[("goal", "G1 grow creators")]["progress"] == pytest.approx(259 / 300, abs=5e-4)
    assert data["progress"] == pytest.approx(743 / 1200, abs=5e-4)
    html = viewer.get("/rollup/2026").get_data(as_text=True)
    assert ">61.9%<" in html
    # effort alignment is about a quarter's tasks: for the year, the quarter holding today
    assert data["effort"]["quarter"] == "2026-Q2" and (data["effort"]["total"], data["effort"]["linked"]) == (5, 4)


def test_attention_names_what_is_behind_or_silent(viewer):
    data = viewer.get("/api/v1/rollup/company/2026-Q2").get_json()
    why = {a["title"]: " | ".join(a["reasons"]) for a in data["attention"]}
    # in plain words: how far behind, how long silent and whose it is (never checked in: since the quarter began)
    assert "off track: 0% done, 49 points behind the pace of 2026-Q2" in why["KR3b NPS survey 0 to 50"]
    assert "no check-in for 45 days (last: never; " in why["KR3b NPS survey 0 to 50"]
    assert "off track" in why["KR6b review speed 10 to 20"]
    assert "at risk" in why["G2 keep users"]
    assert "confidence 0.3 < 0.4" in why["KR1b churn 8% to 5%"]
    assert "no check-in for 15 days (last: 2026-05-01" in why["KR1b churn 8% to 5%"]
    assert "no Accountable" in why["KR3a complaints 100 to 40"]
    assert "no owner" in why["O3 fewer complaints"]
    assert "aligned to no annual goal" in why["O7 unaligned side quest"]
    assert "KR1a daily posts 1000 to 1300" not in why  # on track, checked in 6 days ago
    assert "KR2b pipeline launched" not in why  # a done milestone is not silent
    order = [a["title"] for a in data["attention"]]
    assert (
        order.index("KR3b NPS survey 0 to 50") < order.index("G2 keep users") < order.index("KR3a complaints 100 to 40")
    )


def test_effort_alignment_by_the_thursday_rule(viewer):
    e = viewer.get("/api/v1/rollup/company/2026-Q2").get_json()["effort"]
    # Q2's live tasks: P1 W14 (do), W15, W16 (schedule); P2 W19 (schedule); the loose W14 chore
    # (delegate). Not counted: dropped W17, W20, W21; W13 (Q1); W27 (Monday in June, Thursday
    # 2 July: Q3). 4 linked of 5 = 0.8.
    assert (e["total"], e["linked"], e["unlinked"], e["linked_share"]) == (5, 4, 1, 0.8)
    assert e["quadrants"]["do"] == {"tasks": 1, "linked": 1, "share": 0.2}
    assert e["quadrants"]["schedule"]["tasks"] == 3 and e["quadrants"]["delegate"]["linked"] == 0


def test_team_rollup_and_explain(viewer):
    data = viewer.get("/api/v1/rollup/content/2026-Q2").get_json()
    assert data["name"] == "Content" and data["progress"] == 0.5
    # O1 is content's, but it supports the company's G1: shown apart, counted there
    assert [n["title"] for n in data["elsewhere"]] == ["O1 creators post more"]
    nodes = _by_title(viewer.get("/api/v1/rollup/company/2026-Q2").get_json())
    g1 = nodes[("goal", "G1 grow creators")]
    frag = viewer.get(f"/rollup/explain/goal/{g1['id']}/2026-Q2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in frag and f'id="explain-goal-{g1["id"]}"' in frag
    assert 'data-progress="0.8292"' in frag
    assert "O1 creators post more" in frag and "O2 data pipeline for creators" in frag
    assert "0.5667" in frag and "0.9167" in frag and "3.0000" in frag  # children, their weights
