"""Both databases hold the same quantities: SQLite refuses what PostgreSQL's NUMERIC(20, 6)
refuses (magnitudes of 10^14 or more) and neither stores NaN or infinity."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa


@pytest.mark.parametrize("value", ["1e14", "-1e14", "123456789012345", "NaN", "Infinity", "-Infinity"])
def test_a_quantity_outside_the_stored_range_is_refused_and_nothing_is_written(make, session, value):
    from okr.core import models as m

    kr = make.kr(start=0, target=10)
    kr.target = Decimal(value)
    session.add(kr)
    with pytest.raises(sa.exc.DataError):
        session.commit()
    session.rollback()
    session.expire_all()
    assert session.get(m.KeyResult, kr.id).target == 10


@pytest.mark.parametrize("value", ["99999999999999.5", "-99999999999999", "0.000001", "999999999999"])
def test_a_quantity_inside_the_range_is_stored(make, session, value):
    from okr.core import models as m
    from okr.core import writes

    kr = make.kr(start=0, target=10)
    obj = session.get(m.Objective, kr.objective_id)
    org_id = session.get(m.Team, obj.team_id).org_id
    writes.update(session=session, actor_id=None, org_id=org_id, item=kr, expected_version=None, target=Decimal(value))
    session.commit()
    session.expire_all()
    assert session.get(m.KeyResult, kr.id).target == Decimal(value)
