"""Two managers edit the same RACI row at the same moment: exactly one save wins, the other gets a
409 (it saw letters that are no longer there), and the row never ends with two A."""

import threading

from sqlmodel import select

from okr.core import models as m


def test_two_managers_giving_a_at_once_leave_one_a(make, as_user, session):
    team = make.team(slug="content")
    li, sun = make.user(team=team, role="manager"), make.user(team=team, role="manager")
    wang_id, zhao_id = make.user(team=team).id, make.user(team=team).id
    kr_id = make.kr(objective=make.objective(team=team, quarter="2026-Q2")).id
    editors = [as_user(li), as_user(sun)]

    def give_a(browser, user_id, results):
        resp = browser.post(
            "/teams/content/raci/cell",
            htmx=True,
            data={
                "item_type": "key_result",
                "item_id": kr_id,
                "user_id": user_id,
                "op": "set",
                "letter": "A",
                "state": "",
                "period": "2026-Q2",
            },
        )
        results.append(resp.status_code)

    from okr.raci import ops as raci_ops

    for _round in range(5):
        kr = session.get(m.KeyResult, kr_id)
        session.refresh(kr)
        raci_ops.set_raci(session=session, actor_id=None, org_id=team.org_id, key_result=kr, assignments={})
        session.commit()
        results: list[int] = []
        threads = [
            threading.Thread(target=give_a, args=(b, uid, results))
            for b, uid in zip(editors, (wang_id, zhao_id), strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        session.expire_all()
        letters = [r.letter for r in session.exec(select(m.RaciAssignment)).all()]
        assert sorted(results) == [200, 409]
        assert letters == ["A"]
