"""A/R: the owner who does the work holds A and R together, and such an item is complete — in the
rules, on the matrix, on a person's page, and in plan documents from other tools that name only
an owner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.plandoc import exporter, importer
from okr.raci import rules as raci

PLANS = Path(__file__).parent / "plans"
AR = "A/R"


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letters", "codes"),
    [
        ({1: AR}, []),  # the owner does the work: complete
        ({1: AR, 2: "R", 3: "C"}, []),
        ({1: AR, 2: "A"}, ["two_accountable"]),  # an A/R holds the A
        ({1: "A"}, ["no_responsible"]),  # an A alone still misses its R
        ({1: "R"}, ["no_accountable"]),
    ],
)
def test_an_ar_holds_the_a_and_an_r(letters, codes):
    assert [p.code for p in raci.problems(letters)] == codes
    assert raci.is_complete(letters) is (codes == [])
    assert [c for _item, found in raci.gaps([("x", letters)]) for c in found] == [
        c for c in codes if c != "two_accountable"
    ]


def test_an_ar_counts_in_the_load_as_an_a_and_an_r():
    load = raci.load([("kr1", {1: AR}), ("kr2", {1: "R", 2: "A"})])
    assert load[1] == raci.Counts(A=1, R=2) and load[2] == raci.Counts(A=1)


def test_the_click_cycle_passes_through_ar_and_giving_up_the_a_keeps_the_r():
    assert [raci.next_letter(x) for x in (None, "R", "A", AR, "C", "I")] == ["R", "A", AR, "C", "I", None]
    # the owner changes: the old A/R keeps doing the work, the new owner holds the A
    assert raci.with_accountable({1: AR, 2: "C"}, 2) == {1: "R", 2: "A"}
    # an owner who was doing the work becomes A/R
    assert raci.with_accountable({1: "A", 2: "R"}, 2) == {2: AR}
    # taking the only A/R from a complete item is refused; moving an R onto the A/R's item is not
    assert [p.code for p in raci.check_change({1: AR}, 1, "R")] == ["no_accountable"]
    assert [p.code for p in raci.check_change({1: AR}, 1, "A")] == ["no_responsible"]
    assert raci.check_change({1: "A", 2: "R"}, 1, AR) == []
    assert raci.losses_if_archived(1, [("kr", {1: AR})]) == [("kr", "no_accountable"), ("kr", "no_responsible")]


# --- plan documents ----------------------------------------------------------------------------


def other_tool() -> dict:
    return json.loads((PLANS / "other_tool_owners_only.json").read_text(encoding="utf-8"))


def krs_of(doc):
    for goal in doc["goals"]:
        for objective in goal["objectives"]:
            yield from objective["key_results"]


def test_a_document_from_another_tool_that_names_only_owners_imports_complete(session, make):
    doc = other_tool()
    krs = list(krs_of(doc))
    # what the other tool writes: 210 key results, each naming its owner, some as {"A": owner},
    # some as {"A": owner, "R": [owner]}, some with no letters at all
    assert len(krs) == 210
    assert {json.dumps(kr.get("raci", {}), sort_keys=True).count("@") for kr in krs} == {0, 1, 2}
    assert importer.validate(doc) == []
    org = make.org(slug="northwind")
    result = importer.import_plan(doc, session=session, org_id=org.id)
    session.commit()
    assert result.issues == [] and result.created["key_results"] == 210
    users = {u.id: u.email for u in session.exec(select(m.User).where(m.User.org_id == org.id))}
    rows = session.exec(select(m.KeyResult, m.RaciAssignment).join(m.RaciAssignment).order_by(m.KeyResult.id)).all()
    # in document order, each key result's one letter is its owner's A/R: complete, no gap
    assert [(users[a.user_id], a.letter, users[kr.owner_id]) for kr, a in rows] == [
        (kr["owner"], AR, kr["owner"]) for kr in krs
    ]


def test_the_owner_named_under_a_and_r_is_ar_and_exports_as_written(session, make):
    org = make.org(slug="acme")
    doc = {
        "format": "okr-plan/1",
        "teams": [{"slug": "content", "name": "Content"}],
        "people": [
            {"email": "li@example.com", "name": "Li", "team": "content", "role": "manager"},
            {"email": "wang@example.com", "name": "Wang", "team": "content"},
        ],
        "goals": [
            {
                "team": "content",
                "year": 2026,
                "title": "Grow",
                "objectives": [
                    {
                        "quarter": "2026-Q2",
                        "title": "More creators",
                        "key_results": [
                            {
                                "title": "Posts 1000 → 1300",
                                "start": 1000,
                                "target": 1300,
                                "raci": {"A": "li@example.com", "R": ["li@example.com", "wang@example.com"]},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    assert importer.import_plan(doc, session=session, org_id=org.id).issues == []
    session.commit()
    letters = {
        u.email: a.letter
        for a, u in session.exec(select(m.RaciAssignment, m.User).join(m.User, m.User.id == m.RaciAssignment.user_id))
    }
    assert letters == {"li@example.com": AR, "wang@example.com": "R"}
    out = exporter.export_plan(session=session, org_id=org.id)
    kr = out["goals"][0]["objectives"][0]["key_results"][0]
    assert kr["raci"] == {"A": "li@example.com", "R": ["li@example.com", "wang@example.com"]}
    assert kr["owner"] == "li@example.com"


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def team_plan(make):
    org = make.org()
    team = make.team(org=org, slug="content", name="Content")
    li = make.user(team=team, role="manager", name="Li Na", email="li@example.com")
    wang = make.user(team=team, role="member", name="Wang Wei", email="wang@example.com")
    obj = make.objective(team=team, quarter="2026-Q2", title="Make creators more active")
    kr = make.kr(objective=obj, title="Daily posts 1000 → 1300")
    make.raci(li, "A", kr=kr)
    return org, team, li, wang, kr


def test_the_matrix_makes_the_owner_ar_and_shows_the_row_complete(team_plan, as_user, session):
    _org, _team, li, wang, kr = team_plan
    b = as_user(li)
    page = b.get("/teams/content/raci/2026-Q2").get_data(as_text=True)
    assert "No one is Responsible" in page  # li holds the A alone
    resp = b.post(
        "/teams/content/raci/cell",
        data={
            "item_type": "key_result",
            "item_id": kr.id,
            "user_id": li.id,
            "op": "set",
            "letter": AR,
            "state": f"{li.id}:A",
            "period": "2026-Q2",
        },
        htmx=True,
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    row = html[html.index(f'id="raci-kr-{kr.id}"') :]
    row = row[: row.index("</tr>")]
    assert ">A/R<" in row and "letter-AR" in row and "Complete" in row and "No one is" not in row
    session.expire_all()
    assert session.exec(select(m.RaciAssignment.letter).where(m.RaciAssignment.key_result_id == kr.id)).all() == [AR]
    # li's own page lists the item as Accountable and as Responsible, and counts it in both
    body = b.get(f"/people/{li.id}/raci?period=2026-Q2", headers={"Accept": "application/json"}).get_json()
    assert body["load"]["A"] == 1 and body["load"]["R"] == 1
    assert [x["id"] for x in body["items"]["A"]] == [kr.id] == [x["id"] for x in body["items"]["R"]]
    # the rows with no gap leave the gaps panel empty
    page = b.get("/teams/content/raci/2026-Q2").get_data(as_text=True)
    assert "Every item has one Accountable and at least one Responsible." in page


def test_an_ar_member_checks_in_as_an_r_or_an_a_would():
    from types import SimpleNamespace

    from okr.core.permissions import Actor, can_check_in

    member = Actor(user_id=7, org_id=1, is_admin=False, roles={3: "member"})
    team = SimpleNamespace(id=3, org_id=1)
    assert [can_check_in(member, team, letter) for letter in ("R", "A", AR, "C", "I", None)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
