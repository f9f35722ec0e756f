"""Rollup pages, their JSON twin and explain fragments, the quarter review, and the promise that
a rollup costs the same number of SQL statements whatever the size of the plan."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from statements import count_statements

from okr.core import models as m
from okr.core import periods

# A past quarter, so pace is 1 and nothing depends on the day the suite runs.
Q = "2026-Q2"
Y = "2026"


def _plan(session, org, scale: int):
    """A company → 2 departments → 2 teams each, ×``scale`` goals, objectives, key results,
    projects, tasks and check-ins per team. Bulk-added, committed once: without audit events,
    so the audit guard is off for this one commit (thousands of audited writes would take most
    of a minute; the pages read the plan from the tables, and no rollup is kept before it)."""
    from okr.core import audit_guard

    session.info[audit_guard.OFF] = True
    co = m.Team(org_id=org.id, slug="company", name="Company", kind="company")
    session.add(co)
    session.flush()
    boss = m.User(org_id=org.id, email=f"boss{org.id}@example.com", name="Boss", password_hash="")
    session.add(boss)
    session.flush()
    teams = [co]
    for d in range(2):
        dep = m.Team(org_id=org.id, parent_id=co.id, slug=f"dep{d}", name=f"Dept {d}", kind="department")
        session.add(dep)
        session.flush()
        teams.append(dep)
        for t in range(2):
            team = m.Team(org_id=org.id, parent_id=dep.id, slug=f"team{d}{t}", name=f"Team {d}{t}")
            session.add(team)
            session.flush()
            teams.append(team)
    q2 = periods.parse(Q)
    weeks = [str(w) for w in q2.weeks()]
    for team in teams:
        for gi in range(scale):
            goal = m.AnnualGoal(team_id=team.id, year=2026, title=f"Goal {team.slug} {gi}", weight=D(1 + gi % 2))
            session.add(goal)
            session.flush()
            for quarter in ("2026-Q1", Q):
                obj = m.Objective(
                    team_id=team.id,
                    goal_id=goal.id,
                    quarter=quarter,
                    title=f"O {goal.title}",
                    kind="aspirational",
                    owner_id=boss.id if gi % 3 else None,
                )
                session.add(obj)
                session.flush()
                for k in range(3):
                    current = D(10 * (k + gi % 5))
                    kr = m.KeyResult(
                        objective_id=obj.id,
                        title=f"KR {k}",
                        kind="metric",
                        start=D(0),
                        target=D(100),
                        current=current,
                        weight=D(1),
                        last_check_in_on=q2.start + timedelta(days=21),  # its latest check-in
                        confidence=D("0.6"),
                        progress_from="projects" if k == 2 else "checkins",
                    )
                    session.add(kr)
                    session.flush()
                    if k != 1:
                        session.add(m.RaciAssignment(key_result_id=kr.id, user_id=boss.id, letter="A"))
                    for c in range(4):
                        session.add(
                            m.CheckIn(
                                key_result_id=kr.id,
                                checked_on=q2.start + timedelta(days=7 * c),
                                value=D(3 * c + gi) if c < 3 else current,  # the latest is current
                                confidence=D("0.6"),
                            )
                        )
                    proj = m.Project(team_id=team.id, month="2026-04", key_result_id=kr.id, title=f"P {k}")
                    session.add(proj)
                    session.flush()
                    for ti in range(6):
                        session.add(
                            m.Task(
                                team_id=team.id,
                                week=weeks[ti % len(weeks)],
                                project_id=proj.id,
                                title="t",
                                important=ti % 2 == 0,
                                urgent=ti % 3 == 0,
                                status=("done", "todo", "dropped", "doing")[ti % 4],
                                estimate=D(ti + 1),
                            )
                        )
        for ti in range(5 * scale):
            session.add(
                m.Task(
                    team_id=team.id,
                    week=weeks[ti % len(weeks)],
                    title="chore",
                    important=False,
                    urgent=True,
                    status="todo",
                )
            )
    session.commit()
    session.info.pop(audit_guard.OFF)
    return co, boss


def _viewer(make, session, org, co, role="viewer"):
    return make.user(team=co, role=role)


URLS = [
    f"/rollup/{Q}",
    f"/rollup/{Y}",
    f"/teams/dep0/rollup/{Q}",
    f"/api/v1/rollup/company/{Q}",
    f"/api/v1/rollup/dep1/{Y}",
    f"/rollup/{Q}?format=json",
    f"/teams/team00/review/{Q}",
]


def _counts(app, browser):
    out = {}
    for url in URLS:
        browser.get(url)  # warm: the signed-in user, compiled catalogues, statement caches
        with count_statements(app) as seen:
            resp = browser.get(url)
        assert resp.status_code == 200, (url, resp.get_data(as_text=True)[:500])
        out[url] = len(seen)
    return out


def test_query_count_is_the_same_for_a_plan_ten_times_larger(app, make, session, as_user):
    small_org, big_org = make.org(slug="small"), make.org(slug="big")
    small_co, _ = _plan(session, small_org, 1)
    big_co, _ = _plan(session, big_org, 10)
    small = _counts(app, as_user(make.user(team=small_co, role="viewer")))
    big = _counts(app, as_user(make.user(team=big_co, role="viewer")))
    assert small == big, (small, big)
    # load_rollup is 11 statements; signing in, the actor and the root team add a few.
    assert max(small.values()) <= 20, small
    # 7 teams × goals × 2 quarters × 3 KRs: 42 in the small plan, 420 in the big one
    n_krs = session.scalar(sa.select(sa.func.count()).select_from(m.KeyResult))
    assert n_krs == 7 * 2 * 3 * (1 + 10)
    print("statements per page:", small)


@pytest.fixture
def plan(app, make, session):
    org = make.org(slug="acme")
    co, boss = _plan(session, org, 1)
    return org, co, boss


def test_company_page_shows_bars_pace_status_text_trend_and_explainable_figures(plan, make, as_user):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    html = b.get(f"/rollup/{Q}").get_data(as_text=True)
    assert 'class="bar rollup-bar"' in html and 'class="pace l-100"' in html  # a past quarter: pace 100%
    assert re.search(r'class="badge status-(on_track|at_risk|off_track)"[^>]*>(on track|at risk|off track)<', html)
    assert '<svg class="spark"' in html and "<polyline points=" in html
    assert "style=" not in html and "onclick" not in html
    # every figure links to its explanation and carries the formula for hover
    figures = re.findall(r'<a class="figure" href="([^"]+)"\s+hx-get="([^"]+)"[^>]*title="([^"]+)"', html)
    # 7 teams, each with 1 goal, 1 objective of the quarter and 3 KRs, and the summary figure
    assert len(figures) == 7 * (1 + 1 + 1 + 3) + 1
    for href, hx, title in figures:
        assert href == hx and href.startswith("/rollup/explain/") and title
    # drill-down: company → department → team → goal → objective → KR, with team links; a KR's
    # projects and their tasks open on demand (htmx on opening, a plain link without script)
    for kind in ("team", "goal", "objective", "key_result"):
        assert f'class="node node-{kind}' in html
    assert "/teams/dep0/rollup/2026-Q2" in html and "/teams/team11/rollup/2026-Q2" in html
    lazy = re.findall(
        r'<div class="lazy" hx-get="([^"]+)" hx-trigger="toggle once from:closest details"[^>]*><a href="\1">', html
    )
    assert len(lazy) == 7 * 3
    frag = b.get(lazy[0], headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in frag and 'class="project-tasks" data-done=' in frag
    assert "What needs leadership" in html and "Effort alignment" in html


def test_every_figure_on_the_company_page_explains_itself(plan, make, as_user):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    html = b.get(f"/rollup/{Q}").get_data(as_text=True)
    data = b.get(f"/api/v1/rollup/company/{Q}").get_json()
    shown = {
        (k, int(i)): p
        for k, i, p in re.findall(
            r'class="figure"[^>]*data-kind="(\w+)" data-id="(\d+)" data-progress="([\d.]*)"', html
        )
    }
    hrefs = sorted(set(re.findall(r'href="(/rollup/explain/[^"]+)"', html)))
    assert len(hrefs) == len(shown)
    for href in hrefs[:: max(1, len(hrefs) // 25)] + hrefs[:3]:
        resp = b.get(href, headers={"HX-Request": "true"})
        frag = resp.get_data(as_text=True)
        assert resp.status_code == 200 and "<html" not in frag
        kind, item_id = href.split("/")[3], int(href.split("/")[4])
        assert f'id="explain-{kind}-{item_id}"' in frag
        assert 'class="formula"' in frag
        got = re.search(r'class="explain-progress" data-progress="([\d.]*)"', frag).group(1)
        assert got == shown[(kind, item_id)]

    # the page's figures are the JSON's, to 4 places
    def walk(n):
        yield n
        for c in n["children"]:
            yield from walk(c)

    for n in walk(data):
        key = (n["kind"], n["id"])
        if key in shown and n["progress"] is not None:
            assert abs(float(shown[key]) - n["progress"]) < 0.0005


def test_explain_page_without_javascript(plan, make, as_user, session):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    goal = session.exec(sa.select(m.AnnualGoal).where(m.AnnualGoal.team_id == co.id)).scalars().first()
    resp = b.get(f"/rollup/explain/goal/{goal.id}/{Q}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" in html and f'id="explain-goal-{goal.id}"' in html
    assert "Made from" in html
    assert b.get(f"/rollup/explain/goal/{goal.id}/{Q}?format=json").get_json()["kind"] == "goal"
    assert b.get(f"/rollup/explain/widget/{goal.id}/{Q}").status_code == 404
    assert b.get(f"/rollup/explain/goal/999999/{Q}").status_code == 404


def test_attention_lists_behind_silent_ownerless_and_unaccountable(plan, make, as_user):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    data = b.get(f"/api/v1/rollup/company/{Q}").get_json()
    reasons = {(a["kind"], a["title"]): " | ".join(a["reasons"]) for a in data["attention"]}
    assert any("off track" in r for r in reasons.values())
    assert any("no Accountable" in r for (k, _), r in reasons.items() if k == "key_result")
    assert any("no owner" in r for (k, _), r in reasons.items() if k == "objective")
    # KR 0 was last checked in on the quarter's first day: silent for the rest of the quarter
    # silent for the rest of the quarter: the reason counts the days since the last check-in
    assert any(re.search(r"no check-in for (1[4-9]|[2-9]\d) days", r) for r in reasons.values())
    # behind pace in plain words: a whole percentage and the points behind, no formula
    behind = [r for r in reasons.values() if "off track" in r]
    assert all(re.search(r"off track: \d+% done, \d+ points behind the pace of 2026-Q2", r) for r in behind)
    html = b.get(f"/rollup/{Q}").get_data(as_text=True)
    assert html.index('id="attention"') < html.index('id="tree"')


def test_effort_alignment_counts_linked_and_unlinked_tasks(plan, make, as_user):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    e = b.get(f"/api/v1/rollup/company/{Q}").get_json()["effort"]
    # per team: 2 objectives (Q1, Q2) x 3 KRs x 1 project x 6 tasks in Q2's weeks, of which one
    # is dropped (ti=2) -> 2 x 3 x 5 = 30 linked live; 5 loose chores, unlinked.
    # 7 teams: 210 linked, 35 unlinked, 245 live; 210 / 245 = 0.857142… -> 0.8571
    assert (e["linked"], e["unlinked"], e["total"]) == (210, 35, 245)
    assert e["linked_share"] == 0.8571
    assert e["quadrants"]["delegate"]["tasks"] >= 35


def test_json_tree_has_the_promised_fields(plan, make, as_user):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    data = b.get(f"/rollup/{Q}?format=json").get_json()
    assert data["name"] == "Company" and data["kind"] == "team" and data["period"] == Q
    assert data == b.get(f"/api/v1/rollup/company/{Q}").get_json()
    kinds = set()

    def walk(n):
        kinds.add(n["kind"])
        assert ("name" if n["kind"] == "team" else "title") in n
        assert n["progress"] is None or 0 <= n["progress"] <= 1
        assert "children" in n and "weight" in n
        if n["kind"] in ("objective", "key_result"):
            assert "score" in n
        if n["kind"] != "project":
            assert n["expected"] == 1.0 and n["status"] is not None
        for c in n["children"]:
            walk(c)

    walk(data)
    assert kinds == {"team", "goal", "objective", "key_result", "project"}


def test_periods_and_access(plan, make, as_user):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    assert b.get("/rollup").status_code == 302
    assert b.get("/rollup/2026-05").status_code == 404  # a month is not a rollup period
    assert b.get("/rollup/nonsense").status_code == 404
    assert b.get(f"/teams/nope/rollup/{Q}").status_code == 404
    other = make.team(org=make.org(slug="other"), slug="elsewhere")
    assert b.get(f"/teams/elsewhere/rollup/{Q}").status_code == 404
    assert b.get(f"/api/v1/rollup/elsewhere/{Q}").status_code == 404
    anon = as_user.__self__ if hasattr(as_user, "__self__") else None  # noqa: F841
    assert other is not None


def test_year_rollup_uses_all_quarters(plan, make, as_user):
    org, co, _ = plan
    b = as_user(make.user(team=co, role="viewer"))
    data = b.get(f"/api/v1/rollup/company/{Y}").get_json()
    goal = data["children"][0]
    assert goal["kind"] == "goal"
    assert {o["title"] for o in goal["children"]} and len(goal["children"]) == 2  # Q1 and Q2 objectives


# --- quarter review -------------------------------------------------------------------------


@pytest.fixture
def review(app, make, session):
    org = make.org(slug="rev")
    team = make.team(org=org, slug="content", name="Content")
    manager = make.user(team=team, role="manager")
    member = make.user(team=team, role="member")
    obj = make.objective(team=team, quarter=Q, title="Grow", kind="aspirational")
    kr = make.kr(objective=obj, start=0, target=10, current=6, last_check_in_on=date(2026, 6, 1), title="Ten")
    committed = make.objective(team=team, quarter=Q, title="Ship", kind="committed")
    make.kr(objective=committed, kind="milestone", start=0, target=1, current=0, title="Launch", is_done=False)
    return team, manager, member, obj, kr


def test_review_shows_scores_and_bands(review, as_user):
    team, manager, member, obj, kr = review
    html = as_user(member).get(f"/teams/content/review/{Q}").get_data(as_text=True)
    assert 'data-score="0.6000"' in html and "band-yellow" in html  # 0.4 ≤ 0.6 < 0.7
    assert "band-red" in html  # the committed launch: not done → 0 → red
    assert "review-form" not in html  # members read only
    md = as_user(member).get(f"/teams/content/review/{Q}?format=md")
    assert md.status_code == 200 and md.headers["Content-Type"].startswith("text/markdown")
    assert "| Ten | 0.6000 | 0.6000 | yellow |" in md.get_data(as_text=True)
    assert "print" in (html.lower())


def test_manager_overrides_a_score_with_htmx(review, as_user, session):
    team, manager, member, obj, kr = review
    b = as_user(manager)
    b.refresh_token(f"/teams/content/review/{Q}")
    v0 = kr.version
    resp = b.post(
        f"/teams/content/review/{Q}/kr/{kr.id}",
        htmx=True,
        data={"score_override": "0.8", "reflection": "Better than it looks", "version": v0},
    )
    frag = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in frag and f'id="objective-{obj.id}"' in frag
    assert 'data-score="0.8000"' in frag and "band-green" in frag
    session.expire_all()
    row = session.get(m.KeyResult, kr.id)
    assert row.score_override == D("0.8") and row.reflection == "Better than it looks" and row.version == v0 + 1


def test_review_without_javascript_redirects(review, as_user, session):
    team, manager, member, obj, kr = review
    b = as_user(manager)
    b.refresh_token(f"/teams/content/review/{Q}")
    resp = b.post(
        f"/teams/content/review/{Q}/objective/{obj.id}",
        data={"reflection": "Went well: X", "carry_over": "y", "version": obj.version},
    )
    assert resp.status_code == 303 and resp.headers["Location"].endswith(
        f"/teams/content/review/{Q}#objective-{obj.id}"
    )
    session.expire_all()
    row = session.get(m.Objective, obj.id)
    assert row.reflection == "Went well: X" and row.carry_over is True


def test_review_invalid_score_is_422_and_saves_nothing(review, as_user, session):
    team, manager, member, obj, kr = review
    b = as_user(manager)
    b.refresh_token(f"/teams/content/review/{Q}")
    resp = b.post(
        f"/teams/content/review/{Q}/kr/{kr.id}",
        htmx=True,
        data={"score_override": "1.7", "reflection": "typed", "version": kr.version},
    )
    frag = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "field-error" in frag and "typed" in frag
    session.expire_all()
    assert session.get(m.KeyResult, kr.id).score_override is None
    resp = b.post(f"/teams/content/review/{Q}/kr/{kr.id}", json={"score_override": "lots", "version": kr.version})
    assert resp.status_code == 422 and "score_override" in resp.get_json()["fields"]


def test_review_stale_version_is_409_keeping_typed_values(review, as_user, session):
    team, manager, member, obj, kr = review
    b = as_user(manager)
    b.refresh_token(f"/teams/content/review/{Q}")
    v0 = kr.version
    first = b.post(
        f"/teams/content/review/{Q}/kr/{kr.id}",
        htmx=True,
        data={"score_override": "0.5", "reflection": "theirs", "version": v0},
    )
    assert first.status_code == 200
    resp = b.post(
        f"/teams/content/review/{Q}/kr/{kr.id}",
        htmx=True,
        data={"score_override": "0.9", "reflection": "mine", "version": v0},
    )
    frag = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "mine" in frag and "theirs" in frag and 'value="0.9"' in frag
    session.expire_all()
    assert session.get(m.KeyResult, kr.id).reflection == "theirs"
    resp = b.post(f"/teams/content/review/{Q}/kr/{kr.id}", json={"score_override": 0.9, "version": v0})
    assert resp.status_code == 409 and resp.get_json()["error"]


def test_review_json_write_and_permissions(review, as_user, session):
    team, manager, member, obj, kr = review
    b = as_user(manager)
    b.refresh_token(f"/teams/content/review/{Q}")
    resp = b.post(f"/teams/content/review/{Q}/kr/{kr.id}", json={"score_override": 0.7, "version": kr.version})
    assert resp.status_code == 200 and resp.get_json()["score_override"] == 0.7
    m_b = as_user(member)
    m_b.refresh_token(f"/teams/content/review/{Q}")
    resp = m_b.post(f"/teams/content/review/{Q}/objective/{obj.id}", data={"reflection": "x", "version": obj.version})
    assert resp.status_code == 403
    session.expire_all()
    assert session.get(m.Objective, obj.id).reflection == ""
    # A review is of a quarter, a half-year or a year (tests/test_rhythm_reviews.py), never a month.
    assert b.get("/teams/content/review/2026-05").status_code == 404


def test_a_large_tree_opens_key_results_on_demand(plan, make, as_user, monkeypatch):
    from okr.leadership import views as reports

    org, co, _ = plan
    monkeypatch.setattr(reports, "INLINE_KEY_RESULTS", 5)  # the plan has 21 key results this quarter
    b = as_user(make.user(team=co, role="viewer"))
    html = b.get(f"/rollup/{Q}").get_data(as_text=True)
    assert 'class="node node-objective' in html and 'class="node node-key_result' not in html
    lazy = re.findall(r'<div class="lazy" hx-get="(/rollup/explain/objective/\d+/2026-Q2)"', html)
    assert len(lazy) == 7
    frag = b.get(lazy[0], headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in frag and frag.count('href="/rollup/explain/key_result/') == 3


def test_a_very_large_tree_opens_objectives_on_demand(plan, make, as_user, monkeypatch):
    from okr.leadership import views as reports

    org, co, _ = plan
    monkeypatch.setattr(reports, "INLINE_OBJECTIVES", 3)  # the plan has 7 objectives this quarter
    b = as_user(make.user(team=co, role="viewer"))
    html = b.get(f"/rollup/{Q}").get_data(as_text=True)
    assert 'class="node node-goal' in html and 'class="node node-objective' not in html
    assert html.count("<details") == html.count("</details>")
    lazy = re.findall(r'<div class="lazy" hx-get="(/rollup/explain/goal/\d+/2026-Q2)"', html)
    assert lazy
    frag = b.get(lazy[0], headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in frag and 'href="/rollup/explain/objective/' in frag


def test_a_long_attention_list_shows_the_worst_first_then_all(plan, make, as_user, monkeypatch):
    from okr.leadership import views as reports

    org, co, _ = plan
    monkeypatch.setattr(reports, "ATTENTION_SHOWN", 3)
    b = as_user(make.user(team=co, role="viewer"))
    total = len(b.get(f"/api/v1/rollup/company/{Q}").get_json()["attention"])
    html = b.get(f"/rollup/{Q}").get_data(as_text=True)
    assert html.count('class="attention-item') == 3 and f"Show all {total} items" in html
    assert b.get(f"/rollup/{Q}?all=1").get_data(as_text=True).count('class="attention-item') == total


def test_the_demo_and_a_plan_ten_times_larger_cost_the_same_statements(app, demo, make, session, as_user):
    from sqlmodel import select

    from okr.core import periods as p

    today = date.today()
    quarter, year = str(p.quarter_of(today)), str(p.year_of(today))
    demo_co = session.exec(select(m.Team).where(m.Team.org_id == demo.org_id, m.Team.parent_id == None)).one()  # noqa: E711
    big_co, _ = _plan(session, make.org(slug="bigger"), 10)

    def counts(team):
        b = as_user(make.user(team=team, role="viewer"))
        out = {}
        for url in (
            f"/rollup/{quarter}",
            f"/rollup/{year}",
            f"/api/v1/rollup/company/{quarter}",
            f"/teams/{team.slug}/rollup/{quarter}",
        ):
            b.get(url)
            with count_statements(app) as seen:
                assert b.get(url).status_code == 200
            out[url.replace(team.slug, "<slug>")] = len(seen)
        return out

    assert counts(demo_co) == counts(big_co)


def test_formulas_and_status_reasons_speak_the_readers_language(plan, make, as_user, session):
    """okr.rollup.rules writes its formulas language-free (in English words); a Chinese reader sees
    every one of them in Chinese: on the page, in the explain fragments and in the attention list."""
    org, co, _ = plan
    viewer = make.user(team=co, role="viewer")
    viewer.locale = "zh"
    session.add(viewer)
    session.commit()
    b = as_user(viewer)
    html = b.get(f"/rollup/{Q}").get_data(as_text=True)
    titles = re.findall(r'class="(?:figure|badge status-[a-z_]+)"[^>]*?title="([^"]*)"', html)
    titles += re.findall(r'<a class="figure"[^>]*title="([^"]*)"', html)
    reasons = re.findall(r'<ul class="reasons">(.*?)</ul>', html, re.S)
    assert len(titles) > 20 and reasons
    english_word = re.compile(r"\b(?!RACI\b)[A-Za-z]{3,}")  # RACI is the method's name in both
    for piece in titles + reasons:
        assert not english_word.search(re.sub(r"<[^>]+>", " ", piece)), piece
    for url in set(re.findall(r'hx-get="(/rollup/explain/[a-z_]+/\d+/2026-Q2)"', html)):
        frag = b.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        for piece in re.findall(r'<code class="formula">(.*?)</code>', frag):
            assert not english_word.search(piece), (url, piece)
    english = as_user(make.user(team=co, role="viewer")).get(f"/rollup/{Q}").get_data(as_text=True)
    assert "only one counted" in english or "Σ progress×weight" in english


def test_an_archived_accountable_is_no_accountable_in_the_rollup(make, as_user, session, app):
    """Archiving a person ends their A (their letters count as absent): the rollup's attention
    list says so at once, with the rollup kept between requests too."""
    from okr.core import periods as p

    quarter = str(p.quarter_of(date.today()))
    org = make.org(slug="arch")
    team = make.team(org=org, slug="content")
    admin = make.user(team=team, role="manager", is_admin=True)
    leaver = make.user(team=team, role="member", name="Leaver")
    kr = make.kr(
        objective=make.objective(
            team=team, quarter=quarter, goal=make.goal(team=team, year=p.year_of(date.today()).year)
        ),
        title="Weekly creators from 200 to 500",
        start=200,
        target=500,
    )
    make.raci(leaver, "A", kr=kr)
    b = as_user(admin)

    def flagged():
        body = b.get(f"/api/v1/rollup/content/{quarter}").get_json()
        return [a["reasons"] for a in body["attention"] if a["kind"] == "key_result" and a["id"] == kr.id]

    assert not any("no Accountable (A) in its RACI" in r for rs in flagged() for r in rs)
    assert b.post(f"/admin/people/{leaver.id}/archive").status_code == 302
    assert any("no Accountable (A) in its RACI" in r for rs in flagged() for r in rs)
