"""Review questions: the quarter review's four questions for the team and each objective, the
half-year and year reviews gathering their quarters, a closed project's review, Markdown."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr.core import models as m


@pytest.fixture
def reviewed(make, session):
    team = make.team(slug="content", name="Content")
    boss = make.user(team=team, role="manager", name="Mia Manager")
    ann = make.user(team=team, role="member", name="Ann Member")
    o1 = make.objective(team=team, quarter="2026-Q1", title="Grow creators")
    make.kr(objective=o1, title="Creators from 100 to 200", start=100, target=200, current=150)
    o2 = make.objective(team=team, quarter="2026-Q2", title="Keep readers")
    project = make.project(team=team, month="2026-05", title="Creator awards", status="done")
    return {"team": team, "boss": boss, "ann": ann, "o1": o1, "o2": o2, "project": project}


def test_the_quarter_review_asks_the_four_questions_for_the_team_and_each_objective(reviewed, as_user, session):
    boss = as_user(reviewed["boss"])
    html = boss.get("/teams/content/review/2026-Q1").get_data(as_text=True)
    assert 'id="q-team"' in html and f'id="q-objective-{reviewed["o1"].id}"' in html
    assert "What went well" in html and "What we decide next" in html
    resp = boss.post(
        "/teams/content/review/2026-Q1/answers?subject=team",
        data={"went_well": "Shipped **on time**", "went_badly": "Hiring", "learned": "Ask early",
              "decide_next": "Two hires in Q2"},
        htmx=True,
    )  # fmt: skip
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="q-team"' in body and "<html" not in body
    answer = session.scalars(sa.select(m.ReviewAnswer)).one()
    assert (answer.period, answer.subject, answer.learned) == ("2026-Q1", "team", "Ask early")
    subject = f"objective:{reviewed['o1'].id}"
    resp = boss.post(
        f"/teams/content/review/2026-Q1/answers?subject={subject}", data={"learned": "Creators like prizes"}
    )
    assert resp.status_code == 303
    # A stale version is refused; an objective of another quarter is not a subject here.
    stale = boss.post("/teams/content/review/2026-Q1/answers?subject=team", data={"learned": "x", "version": "99"})
    assert stale.status_code == 409
    other = f"objective:{reviewed['o2'].id}"
    assert boss.post(f"/teams/content/review/2026-Q1/answers?subject={other}", data={"learned": "x"}).status_code == 404
    assert boss.post("/teams/content/review/2026-Q1/answers?subject=bogus", data={}).status_code == 404
    # A member reads the answers but may not write them.
    ann = as_user(reviewed["ann"])
    assert "Ask early" in ann.get("/teams/content/review/2026-Q1").get_data(as_text=True)
    assert ann.post("/teams/content/review/2026-Q1/answers?subject=team", data={"learned": "x"}).status_code == 403
    md = boss.get("/teams/content/review/2026-Q1?format=md").get_data(as_text=True)
    assert "## Review questions" in md and "Shipped \\*\\*on time\\*\\*" in md and "Creators like prizes" in md


def test_half_year_and_year_reviews_gather_their_quarters(reviewed, as_user):
    boss = as_user(reviewed["boss"])
    boss.post("/teams/content/review/2026-Q1/answers?subject=team", data={"learned": "Ask early"})
    page = boss.get("/teams/content/review/2026-H1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Half-year review" in html and "2026-Q1" in html and "2026-Q2" in html and "2026-Q3" not in html
    assert "Grow creators" in html and "Keep readers" in html and "Ask early" in html
    resp = boss.post("/teams/content/review/2026-H1/answers?subject=team", data={"decide_next": "Focus on readers"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/teams/content/review/2026-H1")
    year = boss.get("/teams/content/review/2026").get_data(as_text=True)
    assert "Year review" in year and "2026-Q4" in year
    md = boss.get("/teams/content/review/2026-H1?format=md").get_data(as_text=True)
    assert md.startswith("# Half-year review: Content · 2026-H1") and "Focus on readers" in md
    assert boss.get("/teams/content/review/2026-H3").status_code == 404
    assert boss.get("/teams/content/review/2026-Q2").status_code == 200


def test_a_closed_project_asks_the_same_questions(reviewed, as_user, session):
    boss = as_user(reviewed["boss"])
    pid = reviewed["project"].id
    assert "Creator awards" in boss.get(f"/projects/{pid}/review").get_data(as_text=True)
    resp = boss.post(
        f"/teams/content/review/2026-05/answers?subject=project:{pid}&back=project", data={"went_well": "Big turnout"}
    )
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/projects/{pid}/review")
    answer = session.scalars(sa.select(m.ReviewAnswer)).one()
    assert (answer.period, answer.subject) == ("2026-05", f"project:{pid}")
    assert "Big turnout" in boss.get(f"/projects/{pid}/review?format=md").get_data(as_text=True)
