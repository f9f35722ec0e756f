"""The RACI load counted in SQL equals the rule module's count over the same items."""

from datetime import date

from okr.core import periods
from okr.raci import queries as rq
from okr.raci import rules as raci


def test_quarter_load_in_sql_matches_raci_load(app, demo, session):
    from sqlmodel import select

    from okr.core import models as m

    org = session.exec(select(m.Organisation).where(m.Organisation.slug == "demo")).one()
    # Someone who holds letters this quarter has left: their letters carry no load either way.
    gone = session.exec(select(m.User).where(m.User.email == "wang@example.com")).one()
    gone.is_archived = True
    session.commit()
    for quarter in (periods.quarter_of(date.today()), periods.quarter_of(date.today()).prev()):
        items = rq.quarter_items(session, org.id, quarter)
        assert any(gone.id in i.letters for i in items), "the archived person held letters"
        expected = {p: c for p, c in raci.load((i.key, i.live_letters) for i in items).items() if any(c)}
        assert gone.id not in expected
        assert rq.quarter_load(session, org.id, quarter) == expected
