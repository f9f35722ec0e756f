"""Optimistic locking: two writers editing the same key result never overwrite each other
silently — through okr.plans.ops (a thread each, its own session) and through HTTP (two people on
the plan page's edit form, plans.item_update): the second gets a 409 showing both versions.
"""

from __future__ import annotations

import re
import threading
from decimal import Decimal

from sqlmodel import Session, select

from okr.core import models as m
from okr.plans import ops as planning

ROUNDS = 40


def test_two_workers_never_overwrite_each_other(app, make, session):
    from okr.core.db import get_engine

    team = make.team()
    user = make.user(team=team, role="manager")
    kr = make.kr(objective=make.objective(team=team), title="start")
    engine = get_engine(app.config["DATABASE_URL"])
    barrier = threading.Barrier(2)
    results = {"saved": [], "stale": 0, "errors": []}
    lock = threading.Lock()

    def worker(name):
        for i in range(ROUNDS):
            with Session(engine, expire_on_commit=False) as s:
                row = s.get(m.KeyResult, kr.id)
                seen = row.version
                try:
                    barrier.wait(timeout=10)
                except threading.BrokenBarrierError:
                    pass
                title = f"{name}-{i}"
                try:
                    planning.update(
                        session=s,
                        actor_id=user.id,
                        org_id=team.org_id,
                        item=row,
                        expected_version=seen,
                        title=title,
                        weight=Decimal(i + 1),
                    )
                    s.commit()
                    with lock:
                        results["saved"].append((seen, title))
                except planning.StaleEdit:
                    s.rollback()
                    with lock:
                        results["stale"] += 1
                except Exception as e:  # a database lock error would be a bug to report
                    s.rollback()
                    with lock:
                        results["errors"].append(repr(e))

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    session.expire_all()
    final = session.get(m.KeyResult, kr.id)
    audits = session.exec(
        select(m.AuditEvent).where(
            m.AuditEvent.item_type == "key_result", m.AuditEvent.item_id == kr.id, m.AuditEvent.action == "update"
        )
    ).all()
    # A silent overwrite: two saves that both started from the same version and both succeeded.
    from_version = [v for v, _ in results["saved"]]
    silent = len(from_version) - len(set(from_version))
    print(
        f"\nlocking [{app.config['DATABASE_URL'].split(':')[0]}]: {len(results['saved'])} saved, "
        f"{results['stale']} refused as stale, {silent} silent overwrites, {len(results['errors'])} errors"
    )
    assert not results["errors"], results["errors"][:3]
    assert silent == 0
    assert len(results["saved"]) + results["stale"] == 2 * ROUNDS
    assert final.version == 1 + len(results["saved"])
    assert final.title == results["saved"][-1][1] if results["saved"] else True
    assert len(audits) == len(results["saved"])


# --- the same over HTTP: two people editing one key result on the plan page ------------------

VERSION_INPUT = re.compile(r'<input type="hidden" name="version" value="(\d+)"')


def _edit_form_version(b, kr) -> str:
    resp = b.get(f"/items/kr/{kr.id}/edit", headers={"HX-Request": "true"})
    assert resp.status_code == 200
    found = VERSION_INPUT.search(resp.get_data(as_text=True))
    assert found, "the edit form carries the row's version"
    return found.group(1)


def _kr_body(title, version, **over):
    return {
        "title": title,
        "kind": "metric",
        "start": "1000",
        "target": "1300",
        "unit": "",
        "weight": "1",
        "progress_from": "checkins",
        "owner_id": "",
        "description": "",
        "version": version,
        **over,
    }


def _plan_pair(make):
    team = make.team(slug="content")
    li = make.user(team=team, role="manager", name="Li Na", email="li@example.com")
    wang = make.user(team=team, role="manager", name="Wang Qiang", email="wang@example.com")
    kr = make.kr(objective=make.objective(team=team), title="Daily posts from 1000 to 1300")
    return li, wang, kr


def test_second_editor_gets_409_with_both_versions_and_keeps_their_text(make, as_user, session):
    li, wang, kr = _plan_pair(make)
    first, second = as_user(li), as_user(wang)
    v1, v2 = _edit_form_version(first, kr), _edit_form_version(second, kr)
    assert v1 == v2 == "1"

    saved = first.post(f"/items/kr/{kr.id}", data=_kr_body("Daily posts from 1000 to 1400", v1), htmx=True)
    assert saved.status_code == 200 and "<html" not in saved.get_data(as_text=True)

    stale = second.post(f"/items/kr/{kr.id}", data=_kr_body("Daily posts from 1000 to 1500", v2), htmx=True)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "<html" not in html and stale.headers["HX-Retarget"] == f"#kr-{kr.id}"
    assert 'value="Daily posts from 1000 to 1500"' in html, "the second editor's typed text is kept in the field"
    assert "Daily posts from 1000 to 1400" in html, "the version saved meanwhile is shown beside it"
    assert VERSION_INPUT.search(html).group(1) == "2", "saving again is a deliberate overwrite of version 2"

    session.expire_all()
    row = session.get(m.KeyResult, kr.id)
    assert (row.title, row.version) == ("Daily posts from 1000 to 1400", 2), "nothing silently overwritten"
    updates = session.exec(
        select(m.AuditEvent).where(
            m.AuditEvent.item_type == "key_result", m.AuditEvent.item_id == kr.id, m.AuditEvent.action == "update"
        )
    ).all()
    assert len(updates) == 1

    # The second editor read both and saves again on purpose, from the version they were shown.
    again = second.post(f"/items/kr/{kr.id}", data=_kr_body("Daily posts from 1000 to 1500", "2"), htmx=True)
    assert again.status_code == 200
    session.expire_all()
    row = session.get(m.KeyResult, kr.id)
    assert (row.title, row.version) == ("Daily posts from 1000 to 1500", 3)


def test_stale_edit_without_javascript_and_as_json(make, as_user, session):
    li, wang, kr = _plan_pair(make)
    first, second = as_user(li), as_user(wang)
    assert first.post(f"/items/kr/{kr.id}", data=_kr_body("Posts to 1400", "1")).status_code in (302, 303)

    page = second.post(f"/items/kr/{kr.id}", data=_kr_body("Posts to 1500", "1"))
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "<html" in html
    assert 'value="Posts to 1500"' in html and "Posts to 1400" in html

    api = second.post(f"/items/kr/{kr.id}", json=_kr_body("Posts to 1600", 1), headers={"Accept": "application/json"})
    body = api.get_json()
    assert api.status_code == 409 and body["error"]
    assert body["current"]["title"] == "Posts to 1400" and body["current"]["version"] == "2"

    missing = second.post(f"/items/kr/{kr.id}", data=_kr_body("Posts to 1700", ""), htmx=True)
    assert missing.status_code == 409, "an edit without the version it read cannot overwrite"
    session.expire_all()
    row = session.get(m.KeyResult, kr.id)
    assert (row.title, row.version) == ("Posts to 1400", 2)


def test_two_sessions_racing_over_http_never_overwrite_each_other(app, make, as_user, session):
    """Both post at the same moment with the version they read: one 200, one 409, every round."""
    li, wang, kr = _plan_pair(make)
    browsers = {"li": as_user(li), "wang": as_user(wang)}
    rounds = 12
    barrier = threading.Barrier(2)
    statuses: dict[int, list[int]] = {i: [] for i in range(rounds)}
    lock = threading.Lock()
    version = {"seen": "1"}

    def worker(name):
        b = browsers[name]
        for i in range(rounds):
            seen = version["seen"]
            try:
                barrier.wait(timeout=20)
            except threading.BrokenBarrierError:
                pass
            resp = b.post(f"/items/kr/{kr.id}", data=_kr_body(f"{name} round {i}", seen), htmx=True)
            with lock:
                statuses[i].append(resp.status_code)
            try:
                barrier.wait(timeout=20)  # both answered: read the new version once
            except threading.BrokenBarrierError:
                pass
            if name == "li":
                with Session(get_engine(app.config["DATABASE_URL"])) as s:
                    version["seen"] = str(s.get(m.KeyResult, kr.id).version)
            try:
                barrier.wait(timeout=20)
            except threading.BrokenBarrierError:
                pass

    from okr.core.db import get_engine

    threads = [threading.Thread(target=worker, args=(n,)) for n in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    session.expire_all()
    row = session.get(m.KeyResult, kr.id)
    outcomes = [sorted(s) for s in statuses.values()]
    print(
        f"\nlocking over HTTP [{app.config['DATABASE_URL'].split(':')[0]}]: {rounds} rounds, "
        f"{sum(o == [200, 409] for o in outcomes)} with one save and one 409, final version {row.version}"
    )
    assert all(o == [200, 409] for o in outcomes), outcomes
    assert row.version == 1 + rounds


def test_two_people_checking_in_at_once_both_count(app, make, session):
    """Check-ins add rows: two at the same moment on one key result are both kept, and the key
    result's current value is the latest of them (no 500, no lost check-in)."""
    from datetime import date

    from okr.core.db import get_engine

    team = make.team()
    people = [make.user(team=team, role="manager") for _ in range(2)]
    kr = make.kr(objective=make.objective(team=team), start=0, target=100)
    engine = get_engine(app.config["DATABASE_URL"])
    barrier = threading.Barrier(2)
    errors, lock = [], threading.Lock()
    rounds = 15

    def worker(k):
        for i in range(rounds):
            with Session(engine, expire_on_commit=False) as s:
                row = s.get(m.KeyResult, kr.id)  # read before the other commits
                try:
                    barrier.wait(timeout=10)
                except threading.BrokenBarrierError:
                    pass
                try:
                    planning.check_in(
                        session=s,
                        actor_id=people[k].id,
                        org_id=team.org_id,
                        kr=row,
                        value=Decimal(10 * i + k),
                        checked_on=date(2026, 5, 1),
                    )
                    s.commit()
                except Exception as e:
                    s.rollback()
                    with lock:
                        errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    session.expire_all()
    entries = session.exec(
        select(m.CheckIn).where(m.CheckIn.key_result_id == kr.id).order_by(m.CheckIn.checked_on, m.CheckIn.id)
    ).all()
    assert len(entries) == 2 * rounds
    assert session.get(m.KeyResult, kr.id).current == entries[-1].value  # the later entry of the day wins
