"""The RACI matrix pages: who sees and edits what, cell edits and their refusals (two A, the only
R of a complete row, stale rows), load and gaps, "my RACI", and the CSV export."""

import csv
import io
from datetime import date

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core import periods


@pytest.fixture
def plan(make):
    """A team with a manager, a member and a viewer; one objective in 2026-Q2 with two key
    results (kr1 complete: li A, wang R; kr2 empty) and a project under kr1 (li A only)."""
    org = make.org()
    team = make.team(org=org, slug="content", name="Content")
    li = make.user(team=team, role="manager", name="Li Na", email="li@example.com")
    wang = make.user(team=team, role="member", name="Wang Wei", email="wang@example.com")
    zhao = make.user(team=team, role="viewer", name="Zhao Lei", email="zhao@example.com")
    obj = make.objective(team=team, quarter="2026-Q2", title="Make creators more active")
    kr1 = make.kr(objective=obj, title="Daily posts 1000 → 1300")
    kr2 = make.kr(objective=obj, title='=HYPERLINK("http://evil")')
    project = make.project(kr=kr1, month="2026-04", title="Creator incentives")
    make.raci(li, "A", kr=kr1)
    make.raci(wang, "R", kr=kr1)
    make.raci(li, "A", project=project)

    class P:
        pass

    p = P()
    p.org, p.team, p.li, p.wang, p.zhao, p.obj, p.kr1, p.kr2, p.project = (
        org,
        team,
        li,
        wang,
        zhao,
        obj,
        kr1,
        kr2,
        project,
    )
    p.url = "/teams/content/raci/2026-Q2"
    return p


def letters(session, kr=None, project=None):
    session.expire_all()
    col = m.RaciAssignment.key_result_id if kr is not None else m.RaciAssignment.project_id
    item = kr if kr is not None else project
    return {a.user_id: a.letter for a in session.exec(select(m.RaciAssignment).where(col == item.id))}


def cell(p, item, user, letter, state, op="set", **extra):
    data = {
        "item_type": "key_result" if isinstance(item, m.KeyResult) else "project",
        "item_id": item.id,
        "user_id": user.id,
        "op": op,
        "letter": letter,
        "state": state,
        "period": "2026-Q2",
    }
    data.update(extra)
    return data


def state_of(*pairs):
    return ",".join(f"{u.id}:{letter}" for u, letter in sorted(pairs, key=lambda x: x[0].id))


# --- the page ----------------------------------------------------------------------------------


def test_matrix_page_shows_rows_by_objective_people_and_problems(plan, as_user):
    resp = as_user(plan.wang).get(plan.url)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Make creators more active" in html
    assert f'id="raci-kr-{plan.kr1.id}"' in html and f'id="raci-kr-{plan.kr2.id}"' in html
    assert f'id="raci-p-{plan.project.id}"' in html
    for name in ("Li Na", "Wang Wei", "Zhao Lei"):
        assert name in html
    assert "No one is Responsible" in html  # the project has an A but no R
    assert "No one is Accountable" in html  # kr2 is empty
    assert 'button type="submit" form=' not in html  # a member reads, never edits
    assert 'href="/static/css/matrix.css"' in html


def test_default_period_is_this_quarter_and_overview_redirects(plan, as_user, app):
    b = as_user(plan.li)
    quarter = periods.quarter_of(date.today(), app.config["FISCAL_YEAR_START"])
    resp = b.get("/teams/content/raci")
    assert resp.status_code == 200
    assert str(quarter) in resp.get_data(as_text=True)
    resp = b.get("/raci")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/teams/content/raci")


def test_month_period_shows_that_months_projects_only(plan, make, as_user):
    make.project(kr=plan.kr1, month="2026-05", title="May push")
    html = as_user(plan.li).get("/teams/content/raci/2026-04").get_data(as_text=True)
    assert "Creator incentives" in html and "May push" not in html
    assert "Daily posts" in html  # the quarter's key results stay visible


@pytest.mark.parametrize(
    "path",
    ["/teams/content/raci/2026", "/teams/content/raci/2026-W10", "/teams/content/raci/nonsense", "/teams/nope/raci"],
)
def test_bad_period_or_team_is_404(plan, as_user, path):
    assert as_user(plan.li).get(path).status_code == 404


def test_other_orgs_team_is_404(plan, make, as_user):
    other = make.team(slug="rival")
    assert as_user(plan.li).get("/teams/rival/raci/2026-Q2").status_code == 404
    assert other.org_id != plan.org.id


def test_archived_and_dropped_items_are_not_rows(plan, make, as_user, session):
    make.project(kr=plan.kr1, title="Dropped one", status="dropped")
    make.kr(objective=plan.obj, title="Archived KR", is_archived=True)
    html = as_user(plan.li).get(plan.url).get_data(as_text=True)
    assert "Dropped one" not in html and "Archived KR" not in html


def test_manager_sees_editable_cells_with_state(plan, as_user):
    html = as_user(plan.li).get(plan.url).get_data(as_text=True)
    assert 'class="raci-cell' in html
    assert f'name="state" value="{state_of((plan.li, "A"), (plan.wang, "R"))}"' in html


# --- cell edits ---------------------------------------------------------------------------------


def test_htmx_cell_edit_saves_and_returns_the_fragment(plan, as_user, session):
    b = as_user(plan.li)
    state = state_of((plan.li, "A"), (plan.wang, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "C", state), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'id="matrix_body"' in html and "<html" not in html
    assert letters(session, kr=plan.kr1) == {plan.li.id: "A", plan.wang.id: "R", plan.zhao.id: "C"}
    audit = session.exec(  # the edit's event (the plan's own letters were recorded by nobody)
        select(m.AuditEvent).where(m.AuditEvent.item_type == "raci", m.AuditEvent.user_id == plan.li.id)
    ).all()
    assert [a.item_id for a in audit] == [plan.kr1.id]


def test_no_js_cell_click_cycles_and_redirects(plan, as_user, session):
    b = as_user(plan.li)
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr2, plan.wang, "", "", op="cycle"))
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/teams/content/raci/2026-Q2#raci-kr-{plan.kr2.id}")
    assert letters(session, kr=plan.kr2) == {plan.wang.id: "R"}


def test_cycle_skips_a_second_a(plan, as_user, session):
    # wang is R on kr1 next to li's A and is the only R: R → A would be a second A and leave no R,
    # C and I would leave no R, none too: the click is refused with the rule's words.
    b = as_user(plan.li)
    state = state_of((plan.li, "A"), (plan.wang, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.wang, "", state, op="cycle"), htmx=True)
    assert resp.status_code == 422
    # zhao (no letter) clicks through: none → R, then R → C (A is skipped: li holds it)
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "", state, op="cycle"), htmx=True)
    assert resp.status_code == 200
    state2 = state_of((plan.li, "A"), (plan.wang, "R"), (plan.zhao, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "", state2, op="cycle"), htmx=True)
    assert resp.status_code == 200
    assert letters(session, kr=plan.kr1)[plan.zhao.id] == "C"


def test_second_a_is_refused_with_the_reason(plan, as_user, session):
    b = as_user(plan.li)
    state = state_of((plan.li, "A"), (plan.wang, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "A", state), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "that would make 2 people Accountable" in html and 'id="matrix_body"' in html
    assert letters(session, kr=plan.kr1) == {plan.li.id: "A", plan.wang.id: "R"}


def test_second_a_is_refused_even_as_draft_and_on_an_incomplete_row(plan, as_user, session):
    b = as_user(plan.li)
    state = state_of((plan.li, "A"))
    resp = b.post(
        "/teams/content/raci/cell", data=cell(plan, plan.project, plan.wang, "A", state, draft="y"), htmx=True
    )
    assert resp.status_code == 422
    assert letters(session, project=plan.project) == {plan.li.id: "A"}


def test_removing_the_only_r_of_a_complete_row_is_refused(plan, as_user, session):
    b = as_user(plan.li)
    state = state_of((plan.li, "A"), (plan.wang, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.wang, "", state), htmx=True)
    assert resp.status_code == 422
    assert "No one is Responsible" in resp.get_data(as_text=True)
    assert letters(session, kr=plan.kr1) == {plan.li.id: "A", plan.wang.id: "R"}


def test_draft_lets_a_complete_row_show_a_gap_while_moving_the_a(plan, as_user, session):
    b = as_user(plan.li)
    state = state_of((plan.li, "A"), (plan.wang, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.li, "C", state, draft="y"), htmx=True)
    assert resp.status_code == 200
    assert "No one is Accountable" in resp.get_data(as_text=True)
    state = state_of((plan.li, "C"), (plan.wang, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "A", state), htmx=True)
    assert resp.status_code == 200
    assert letters(session, kr=plan.kr1) == {plan.li.id: "C", plan.wang.id: "R", plan.zhao.id: "A"}


def test_incomplete_new_item_saves_as_a_draft_showing_its_gap(plan, as_user, session):
    b = as_user(plan.li)
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr2, plan.wang, "R", ""), htmx=True)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert letters(session, kr=plan.kr2) == {plan.wang.id: "R"}
    assert "No one is Accountable" in html


def test_stale_row_is_409_and_nothing_is_overwritten(plan, as_user, session, make):
    b = as_user(plan.li)
    seen = state_of((plan.li, "A"), (plan.wang, "R"))
    make.raci(plan.zhao, "R", kr=plan.kr1)  # another manager saved first
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.wang, "C", seen), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else changed this row" in html and "Zhao Lei: R" in html
    assert letters(session, kr=plan.kr1) == {plan.li.id: "A", plan.wang.id: "R", plan.zhao.id: "R"}


def test_edit_without_state_is_422(plan, as_user, session):
    b = as_user(plan.li)
    data = cell(plan, plan.kr2, plan.wang, "R", "")
    del data["state"]
    resp = b.post("/teams/content/raci/cell", json=data)
    assert resp.status_code == 422
    assert "state" in resp.get_json()["fields"]
    assert letters(session, kr=plan.kr2) == {}


@pytest.mark.parametrize("who", ["wang", "zhao"])
def test_member_and_viewer_may_not_edit(plan, as_user, session, who):
    b = as_user(getattr(plan, who))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr2, plan.wang, "R", ""), htmx=True)
    assert resp.status_code == 403
    assert letters(session, kr=plan.kr2) == {}


def test_other_orgs_item_is_404(plan, make, as_user, session):
    other_kr = make.kr()
    b = as_user(plan.li)
    resp = b.post(
        "/teams/content/raci/cell", data={**cell(plan, plan.kr2, plan.wang, "R", ""), "item_id": other_kr.id}, htmx=True
    )
    assert resp.status_code == 404
    assert letters(session, kr=other_kr) == {}


def test_other_teams_item_via_this_team_is_404(plan, make, as_user, session):
    sibling = make.team(org=plan.org, slug="growth")
    kr = make.kr(objective=make.objective(team=sibling))
    resp = as_user(plan.li).post(
        "/teams/content/raci/cell", data={**cell(plan, plan.kr2, plan.wang, "R", ""), "item_id": kr.id}, htmx=True
    )
    assert resp.status_code == 404


def test_person_of_another_org_is_refused(plan, make, as_user, session):
    stranger = make.user(name="Stranger")
    resp = as_user(plan.li).post(
        "/teams/content/raci/cell", data={**cell(plan, plan.kr2, plan.wang, "R", ""), "user_id": stranger.id}, htmx=True
    )
    assert resp.status_code == 422
    assert "not a member" in resp.get_data(as_text=True)
    assert letters(session, kr=plan.kr2) == {}


def test_outsider_of_the_org_may_hold_a_letter_and_becomes_a_column(plan, make, as_user, session):
    sibling = make.team(org=plan.org, slug="growth")
    chen = make.user(team=sibling, name="Chen Jie")
    b = as_user(plan.li)
    html = b.get(plan.url + f"?with={chen.id}").get_data(as_text=True)
    assert "Chen Jie" in html
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr2, chen, "I", "", **{"with": chen.id}), htmx=True)
    assert resp.status_code == 200
    html = b.get(plan.url).get_data(as_text=True)
    assert "Chen Jie" in html and "other team" in html


def test_json_cell_edit_and_refusal_shape(plan, as_user, session):
    b = as_user(plan.li)
    resp = b.post("/teams/content/raci/cell", json=cell(plan, plan.kr2, plan.wang, "R", ""))
    assert resp.status_code == 200
    assert resp.get_json()["letters"] == {str(plan.wang.id): "R"}
    resp = b.post(
        "/teams/content/raci/cell",
        json=cell(plan, plan.kr1, plan.zhao, "A", state_of((plan.li, "A"), (plan.wang, "R"))),
    )
    assert resp.status_code == 422
    body = resp.get_json()
    assert "Accountable" in body["error"] and body["fields"]["letter"]


def test_bad_letter_is_422_in_chinese_for_a_chinese_reader(plan, as_user, session):
    plan_li = plan.li
    session.get(m.User, plan_li.id).locale = "zh"
    session.commit()
    b = as_user(plan_li)
    state = state_of((plan.li, "A"), (plan.wang, "R"))
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "A", state), htmx=True)
    assert resp.status_code == 422
    assert "最终负责人" in resp.get_data(as_text=True)
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "X", state), htmx=True)
    assert resp.status_code == 422 and "<html" not in resp.get_data(as_text=True)


# --- load, gaps, my RACI ------------------------------------------------------------------------


def test_overload_and_gaps_for_a_plan_built_to_have_them(plan, make, as_user, session):
    org = session.get(m.Organisation, plan.org.id)
    org.raci_max_accountable = 2
    session.commit()
    for i in range(2):  # li is now A on kr1, the project and two more: 4 > 2
        kr = make.kr(objective=plan.obj, title=f"Extra {i}")
        make.raci(plan.li, "A", kr=kr)
        make.raci(plan.wang, "R", kr=kr)
    html = as_user(plan.li).get(plan.url).get_data(as_text=True)
    load = html[html.index('id="raci-load"') :]
    li_row = load[load.index(f'data-person="{plan.li.id}"') :]
    li_row = li_row[: li_row.index("</tr>")]
    assert "Overloaded" in li_row and "Accountable for 4 live items (more than 2)" in li_row
    wang_row = load[load.index(f'data-person="{plan.wang.id}"') :]
    assert "Overloaded" not in wang_row[: wang_row.index("</tr>")]
    gaps = html[html.index('id="raci-gaps"') : html.index('id="raci-load"')]
    assert "Creator incentives" in gaps and "HYPERLINK" in gaps and "Daily posts" not in gaps


def test_my_raci_lists_what_i_am_accountable_for_and_consulted_on(plan, make, as_user):
    make.raci(plan.wang, "C", project=plan.project)
    b = as_user(plan.wang)
    resp = b.get("/me/raci?period=2026-Q2")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/people/{plan.wang.id}/raci?period=2026-Q2")
    html = b.get(resp.headers["Location"]).get_data(as_text=True)
    assert "My RACI" in html
    resp_section = html[html.index('id="raci-person-R"') : html.index('id="raci-person-C"')]
    assert "Daily posts" in resp_section
    c_section = html[html.index('id="raci-person-C"') : html.index('id="raci-person-I"')]
    assert "Creator incentives" in c_section
    li_html = b.get(f"/people/{plan.li.id}/raci?period=2026-Q2").get_data(as_text=True)
    a_section = li_html[li_html.index('id="raci-person-A"') : li_html.index('id="raci-person-R"')]
    assert "Daily posts" in a_section and "Creator incentives" in a_section
    losses = li_html[li_html.index('id="raci-person-losses"') :]
    assert "Daily posts" in losses and "No one is Accountable" in losses


def test_person_of_another_org_is_404(plan, make, as_user):
    stranger = make.user()
    assert as_user(plan.li).get(f"/people/{stranger.id}/raci").status_code == 404


def test_accountable_by_item_names_the_a(plan, session):
    from okr.raci.queries import accountable_by_item

    found = accountable_by_item(session, [plan.kr1.id, plan.kr2.id], [plan.project.id])
    assert found.key_results == {plan.kr1.id: (plan.li.id, "Li Na", "li@example.com")}
    assert found.projects[plan.project.id].name == "Li Na"
    assert accountable_by_item(session, [], []) == ({}, {})


def test_losses_if_archived_helper(plan, session):
    from okr.raci.queries import losses_if_archived

    lost = {(key, code) for key, _item, code in losses_if_archived(session, plan.wang.id)}
    assert lost == {(("key_result", plan.kr1.id), "no_responsible")}


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_has_the_pages_cells_with_formulas_escaped_and_a_bom(plan, as_user):
    resp = as_user(plan.wang).get(plan.url + "?format=csv")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["Objective", "Type", "Item", "Period"] and header[-1] == "Problems"
    people = header[4:-1]
    assert people == ["Li Na", "Wang Wei", "Zhao Lei"]
    by_item = {r[2]: dict(zip(people, r[4:-1], strict=True)) for r in rows[1:]}
    assert by_item["Daily posts 1000 → 1300"] == {"Li Na": "A", "Wang Wei": "R", "Zhao Lei": ""}
    assert by_item["Creator incentives"] == {"Li Na": "A", "Wang Wei": "", "Zhao Lei": ""}
    assert '\'=HYPERLINK("http://evil")' in by_item  # escaped, never a formula
    assert [r[2] for r in rows[1:]] == ["Daily posts 1000 → 1300", "Creator incentives", '\'=HYPERLINK("http://evil")']


def test_csv_reads_chinese(plan, make, as_user, session):
    make.kr(objective=plan.obj, title="日均发布内容量提升30%")
    raw = as_user(plan.li).get("/teams/content/raci/2026-Q2?format=csv").get_data()
    assert "日均发布内容量提升30%" in raw.decode("utf-8-sig")


def test_page_and_csv_agree_on_every_cell(plan, as_user):
    b = as_user(plan.li)
    data = b.get(plan.url + "?format=json").get_json()
    raw = b.get(plan.url + "?format=csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    people = [p["email"] for p in data["people"]]
    for item, row in zip(data["items"], rows[1:], strict=True):
        assert [item["raci"].get(e, "") for e in people] == row[4:-1]


def test_htmx_refresh_of_the_matrix_gets_the_fragment_other_htmx_gets_the_page(plan, as_user):
    b = as_user(plan.li)
    resp = b.get(plan.url, headers={"HX-Request": "true", "HX-Target": "matrix_body"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="matrix_body"' in html and "<html" not in html
    assert "HX-Request" in resp.headers["Vary"]
    html = b.get(plan.url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" in html


def test_json_twin_lists_items_with_letters_and_problems(plan, as_user):
    data = as_user(plan.zhao).get(plan.url + "?format=json").get_json()
    by_title = {i["title"]: i for i in data["items"]}
    assert by_title["Daily posts 1000 → 1300"]["raci"] == {"li@example.com": "A", "wang@example.com": "R"}
    assert by_title["Creator incentives"]["problems"] == ["no_responsible"]
    assert {g["id"] for g in data["gaps"]} == {plan.kr2.id, plan.project.id}


def test_chinese_reader_gets_the_matrix_and_my_raci_in_chinese(plan, as_user, session):
    session.get(m.User, plan.wang.id).locale = "zh"
    session.commit()
    b = as_user(plan.wang)
    html = b.get(plan.url).get_data(as_text=True)
    assert "RACI 矩阵" in html and "没有最终负责人" in html and "缺口" in html
    html = b.get(f"/people/{plan.wang.id}/raci?period=2026-Q2").get_data(as_text=True)
    assert "我的 RACI" in html and "我执行负责的事项" in html


# --- an archived person ---------------------------------------------------------------------------


@pytest.fixture
def li_archived(plan, make, session):
    """Li Na (A on kr1 and on the project) has left: an admin archived her. Chen manages now."""
    chen = make.user(team=plan.team, role="manager", name="Chen Jie", email="chen@example.com")
    session.get(m.User, plan.li.id).is_archived = True
    session.commit()
    return chen


def test_archived_persons_a_counts_as_absent_on_the_matrix(plan, li_archived, as_user):
    html = as_user(li_archived).get(plan.url).get_data(as_text=True)
    # No column for her (she used to move to an "other team" column, still holding the A).
    assert f"/people/{plan.li.id}/raci" not in html and "other team" not in html
    row = html[html.index(f'id="raci-kr-{plan.kr1.id}"') :]
    row = row[: row.index("</tr>")]
    assert "Complete" not in row
    assert "No one is Accountable" in row and "Li Na is archived: their A no longer counts" in row
    gaps = html[html.index('id="raci-gaps"') : html.index('id="raci-load"')]
    assert "Daily posts" in gaps and "Creator incentives" in gaps and "Li Na is archived" in gaps
    assert f'data-person="{plan.li.id}"' not in html  # no load row either


def test_archived_persons_letters_are_left_out_of_csv_json_and_load(plan, li_archived, as_user, session, app):
    from okr.raci import queries as rq

    b = as_user(li_archived)
    rows = list(csv.reader(io.StringIO(b.get(plan.url + "?format=csv").get_data().decode("utf-8-sig"))))
    assert "Li Na" not in rows[0]
    kr1 = next(r for r in rows[1:] if r[2].startswith("Daily posts"))
    assert "No one is Accountable" in kr1[-1] and "Li Na is archived" in kr1[-1]
    data = b.get(plan.url + "?format=json").get_json()
    item = next(i for i in data["items"] if i["id"] == plan.kr1.id and i["type"] == "key_result")
    assert item["raci"] == {"wang@example.com": "R"}
    assert item["archived"] == [{"id": plan.li.id, "name": "Li Na", "letter": "A"}]
    assert item["problems"] == ["no_accountable", "archived_holder"]
    assert {(g["type"], g["id"]) for g in data["gaps"]} >= {("key_result", plan.kr1.id), ("project", plan.project.id)}
    load = rq.quarter_load(session, plan.org.id, periods.Quarter(2026, 2))
    assert plan.li.id not in load and load[plan.wang.id].R == 1
    assert rq.accountable_by_item(session, [plan.kr1.id], [plan.project.id]) == ({}, {})


def test_manager_gives_an_archived_persons_a_to_someone_else(plan, li_archived, as_user, session):
    b = as_user(li_archived)
    state = state_of((plan.li, "A"), (plan.wang, "R"))  # what the page shows it saw
    resp = b.post("/teams/content/raci/cell", data=cell(plan, plan.kr1, plan.zhao, "A", state), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    # Her letter goes with the edit (the audit keeps it); the row is complete again.
    assert letters(session, kr=plan.kr1) == {plan.wang.id: "R", plan.zhao.id: "A"}
    row = html[html.index(f'id="raci-kr-{plan.kr1.id}"') :]
    assert "Complete" in row[: row.index("</tr>")]
    assert session.get(m.KeyResult, plan.kr1.id).owner_id == plan.zhao.id


def test_person_page_and_losses_treat_archived_people_as_absent(plan, make, as_user, session):
    # kr1's R is shared by Wang and Zhao; Zhao leaves. Archiving Wang now leaves kr1 with no R.
    make.raci(plan.zhao, "R", kr=plan.kr1)
    b = as_user(plan.li)
    html = b.get(f"/people/{plan.wang.id}/raci?period=2026-Q2").get_data(as_text=True)
    assert "Daily posts" not in html[html.index('id="raci-person-losses"') :]
    session.get(m.User, plan.zhao.id).is_archived = True
    session.commit()
    html = b.get(f"/people/{plan.wang.id}/raci?period=2026-Q2").get_data(as_text=True)
    losses = html[html.index('id="raci-person-losses"') :]
    assert "Daily posts" in losses and "No one is Responsible" in losses
    r_section = html[html.index('id="raci-person-R"') : html.index('id="raci-person-C"')]
    assert "Zhao Lei is archived: their R no longer counts" in r_section


def test_admin_archive_listing_agrees_with_the_matrix(plan, make, as_user, session):
    # What the admin sees before archiving Li: exactly the items the matrix will show as gaps.
    admin = make.user(team=plan.team, role="admin", name="Admin", is_admin=True)
    make.raci(plan.zhao, "R", project=plan.project)
    dropped = make.project(kr=plan.kr1, title="Dropped one", status="dropped")
    make.raci(plan.li, "A", kr=make.kr(objective=make.objective(team=plan.team, title="Gone", is_archived=True)))
    make.raci(plan.li, "A", project=dropped)
    html = as_user(admin).get(f"/admin/people/{plan.li.id}").get_data(as_text=True)
    listed = html[html.index('class="losses"') :]
    listed = listed[: listed.index("</ul>")]
    assert "Daily posts" in listed and "Creator incentives" in listed
    assert "Dropped one" not in listed and listed.count("<li>") == 2


# --- navigation -------------------------------------------------------------------------------------


def test_my_raci_is_in_the_navigation(plan, as_user):
    b = as_user(plan.wang)
    html = b.get("/week").get_data(as_text=True)
    nav = html[html.index('class="mainnav"') : html.index("</nav>")]
    assert '<a href="/me/raci"' in nav and "My RACI" in nav
    html = b.get(f"/people/{plan.wang.id}/raci").get_data(as_text=True)
    nav = html[html.index('class="mainnav"') : html.index("</nav>")]
    assert '<a href="/me/raci" aria-current="page">My RACI</a>' in nav
    assert '<a href="/raci" aria-current' not in nav
