"""1:1 notes: a manager and one member share a running agenda and meeting notes that nobody
else sees (an admin included); adding an item tells the other person."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr.core import models as m


@pytest.fixture
def pair(make, session):
    team = make.team(slug="content", name="Content")
    org = session.get(m.Organisation, team.org_id)
    boss = make.user(team=team, role="manager", name="Mia Manager")
    ann = make.user(team=team, role="member", name="Ann Member")
    bob = make.user(team=team, role="member", name="Bob Member")
    admin = make.user(org=org, name="Ada Admin", is_admin=True)
    kr = make.kr(objective=make.objective(team=team), title="Creators from 100 to 200", owner_id=ann.id)
    stuck = make.task(team=team, assignee=ann, title="Fix the export", is_blocked=True, blocked_reason="No API key")
    return {"boss": boss, "ann": ann, "bob": bob, "admin": admin, "kr": kr, "stuck": stuck}


def test_either_adds_to_the_agenda_and_only_the_two_see_it(pair, as_user, session):
    boss, ann = as_user(pair["boss"]), as_user(pair["ann"])
    url = f"/one-on-ones/{pair['boss'].id}/{pair['ann'].id}"
    assert "Ann Member" in boss.get("/one-on-ones").get_data(as_text=True)
    assert "Mia Manager" in ann.get("/one-on-ones").get_data(as_text=True)

    resp = ann.post(f"{url}/items", data={"text": "Career path", "key_result_id": pair["kr"].id})
    assert resp.status_code == 303
    resp = boss.post(f"{url}/items", data={"text": "The export", "task_id": pair["stuck"].id}, htmx=True)
    assert resp.status_code == 200 and 'id="agenda"' in resp.get_data(as_text=True)
    resp = boss.post(f"{url}/meetings", data={"held_on": "2026-05-20", "notes": "Agreed on a mentor"})
    assert resp.status_code == 303
    page = boss.get(url).get_data(as_text=True)
    assert "Career path" in page and "Creators from 100 to 200" in page and "Fix the export" in page
    assert "Agreed on a mentor" in page

    # Each was told of the other's item, once.
    told = session.scalars(sa.select(m.Notification.user_id).where(m.Notification.event == "one_on_one_item")).all()
    assert sorted(told) == sorted([pair["boss"].id, pair["ann"].id])

    # A third person, the admin, and a made-up pair see nothing.
    for other in (pair["bob"], pair["admin"]):
        b = as_user(other)
        assert b.get(url).status_code == 404
        assert b.post(f"{url}/items", data={"text": "peek"}).status_code == 404
    assert as_user(pair["bob"]).get(f"/one-on-ones/{pair['bob'].id}/{pair['ann'].id}").status_code == 404
    # The audit trail records the writes without their text.
    after = session.scalars(sa.select(m.AuditEvent.after).where(m.AuditEvent.item_type.like("one_on_one%"))).all()
    assert len(after) == 3 and not any("Career" in a or "mentor" in a for a in after)


def test_an_item_links_only_the_members_own_key_results_and_blocked_tasks(pair, make, as_user):
    team = make.s.get(m.Team, pair["stuck"].team_id)
    other_kr = make.kr(objective=make.objective(team=team), title="Someone else's", owner_id=pair["bob"].id)
    boss = as_user(pair["boss"])
    url = f"/one-on-ones/{pair['boss'].id}/{pair['ann'].id}"
    resp = boss.post(f"{url}/items", data={"text": "x", "key_result_id": other_kr.id})
    assert resp.status_code == 422 and "Choose one of the member" in resp.get_data(as_text=True)
    assert boss.post(f"{url}/items", data={"text": ""}).status_code == 422


def test_ticking_off_an_item(pair, as_user, session):
    boss = as_user(pair["boss"])
    url = f"/one-on-ones/{pair['boss'].id}/{pair['ann'].id}"
    boss.post(f"{url}/items", data={"text": "Holidays"})
    item = session.scalars(sa.select(m.OneOnOneItem)).one()
    assert boss.post(f"{url}/items/{item.id}/done", data={"version": item.version}).status_code == 303
    session.refresh(item)
    assert item.is_done
    assert boss.post(f"{url}/items/{item.id}/done", data={"version": 1}).status_code == 409
