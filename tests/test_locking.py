"""Optimistic locking: two writers editing the same key result never overwrite each other
silently. Each worker is a thread with its own session; every save passes the version it read.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlmodel import Session, select

from okr import models as m
from okr import planning

ROUNDS = 40


def test_two_workers_never_overwrite_each_other(app, make, session):
    from okr.db import get_engine

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
                    planning.update(session=s, actor_id=user.id, org_id=team.org_id, item=row,
                                    expected_version=seen, title=title, weight=Decimal(i + 1))
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
    audits = session.exec(select(m.AuditEvent).where(m.AuditEvent.item_type == "key_result", m.AuditEvent.item_id == kr.id,
                                                    m.AuditEvent.action == "update")).all()
    # A silent overwrite: two saves that both started from the same version and both succeeded.
    from_version = [v for v, _ in results["saved"]]
    silent = len(from_version) - len(set(from_version))
    print(f"\nlocking [{app.config['DATABASE_URL'].split(':')[0]}]: {len(results['saved'])} saved, "
          f"{results['stale']} refused as stale, {silent} silent overwrites, {len(results['errors'])} errors")
    assert not results["errors"], results["errors"][:3]
    assert silent == 0
    assert len(results["saved"]) + results["stale"] == 2 * ROUNDS
    assert final.version == 1 + len(results["saved"])
    assert final.title == results["saved"][-1][1] if results["saved"] else True
    assert len(audits) == len(results["saved"])
