"""A plan document's ``kpis`` and ``budgets`` sections and its items' ``starts_on``: checked with
the rest (a bad row refuses the whole document, by its path), imported with it, exported beside
the goals, and read back as written."""

from __future__ import annotations

import copy
from decimal import Decimal

from sqlmodel import select

from okr.core import models as m
from okr.plandoc import exporter, importer

DOC = {
    "format": "okr-plan/1",
    "teams": [{"slug": "growth", "name": "Growth 增长组"}],
    "people": [{"email": "lin@example.com", "name": "林悦", "team": "growth", "role": "manager"}],
    "goals": [
        {
            "team": "growth",
            "year": 2026,
            "title": "Grow paying customers from 1000 to 1500 by December",
            "starts_on": "2026-03-01",
            "objectives": [
                {
                    "quarter": "2026-Q2",
                    "title": "Win back lapsed customers",
                    "starts_on": "2026-04-15",
                    "key_results": [
                        {
                            "title": "Reactivated customers from 0 to 120",
                            "start": 0,
                            "target": 120,
                            "owner": "lin@example.com",
                            "starts_on": "2026-05-01",
                        }
                    ],
                }
            ],
        }
    ],
    "kpis": [
        {
            "team": "growth",
            "key": "paying_customers",
            "name": "付费客户数",
            "unit": "家",
            "owner": "lin@example.com",
            "level": "strategic",
            "direction": "higher",
            "frequency": "weekly",
            "normal": {"min": 900, "max": 1600},
            "values": [{"date": "2026-04-06", "value": 1010}, {"date": "2026-04-13", "value": 1032}],
        }
    ],
    "budgets": [
        {
            "team": "growth",
            "year": 2026,
            "lines": [
                {"category": "Campaigns 活动", "kind": "variable", "months": {"2026-04": 50000, "2026-05": 30000}}
            ],
        }
    ],
}


def _org(session) -> int:
    org = m.Organisation(slug="acme", name="Acme")
    session.add(org)
    session.flush()
    return org.id


def test_sections_and_starts_on_import_and_export_as_written(session):
    org_id = _org(session)
    result = importer.import_plan(copy.deepcopy(DOC), session=session, org_id=org_id)
    assert result.issues == [], [str(i) for i in result.issues]
    session.commit()
    assert result.created["kpis"] == 1 and result.created["kpi_values"] == 2 and result.created["budget_lines"] >= 1

    goal = session.exec(select(m.AnnualGoal)).one()
    kr = session.exec(select(m.KeyResult)).one()
    assert goal.starts_on.isoformat() == "2026-03-01" and kr.starts_on.isoformat() == "2026-05-01"

    out = exporter.export_plan(session=session, org_id=org_id, team_slug="growth", year=2026)
    assert out["goals"][0]["starts_on"] == "2026-03-01"
    assert out["goals"][0]["objectives"][0]["starts_on"] == "2026-04-15"
    assert out["goals"][0]["objectives"][0]["key_results"][0]["starts_on"] == "2026-05-01"
    [kpi] = out["kpis"]
    assert kpi["key"] == "paying_customers" and [v["value"] for v in kpi["values"]] == [1010, 1032]
    [budget] = out["budgets"]
    months = budget["lines"][0]["months"]
    assert Decimal(str(months["2026-04"])) == 50000 and Decimal(str(months["2026-05"])) == 30000


def test_a_bad_section_row_or_start_day_refuses_the_whole_document(session):
    org_id = _org(session)
    doc = copy.deepcopy(DOC)
    doc["kpis"][0]["values"][1]["value"] = "a lot"
    doc["budgets"][0]["lines"][0]["months"]["2026-04"] = -5
    doc["goals"][0]["objectives"][0]["starts_on"] = "2026-08-01"  # not in 2026-Q2
    result = importer.import_plan(doc, session=session, org_id=org_id)
    paths = {i.path for i in result.issues}
    assert "goals[0].objectives[0].starts_on" in paths
    assert any(p.startswith("kpis[0].values[1]") for p in paths), paths
    assert any(p.startswith("budgets[0].lines[0]") for p in paths), paths
    session.rollback()
    assert session.exec(select(m.Team)).all() == [] and session.exec(select(m.Kpi)).all() == []
