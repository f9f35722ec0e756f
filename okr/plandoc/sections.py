"""The plan document's sections that other features keep: ``kpis`` (okr.kpi.document) and
``budgets`` (okr.budget.document). The plan's own checker stays pure; these are checked against
the database here, imported after the plan's teams and people exist (in the same savepoint, so a
document still imports whole or not at all) and exported beside the goals.

A project's own ``budget`` (cost lines, spend, returns) is not read from a plan document yet: it is
entered on the project's budget panel (docs/budget.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from okr.budget import document as budget_doc
from okr.budget import ops as budget_ops
from okr.budget import queries as budget_queries
from okr.core import periods
from okr.core.models import Team
from okr.kpi import document as kpi_doc


@dataclass(frozen=True)
class SectionIssue:
    """A problem in the ``kpis`` or ``budgets`` section, shaped like okr.plandoc.schema.Issue
    (path, code, message, translated) so pages, JSON and the CLI show it the same way."""

    path: str
    text: str
    template: str = ""
    params: tuple = field(default=())
    code: str = "section"

    @property
    def message(self) -> str:
        return self.text

    def translated(self, gettext) -> str:
        if not self.template:
            return gettext(self.text)
        return gettext(self.template) % dict(self.params)

    def __str__(self) -> str:
        return f"{self.path}: {self.text}"


@dataclass
class Sections:
    kpis: list[dict] = field(default_factory=list)
    budgets: list = field(default_factory=list)


def _document_slugs(doc: Any) -> set[str]:
    rows = doc.get("teams") if isinstance(doc, dict) else None
    return {r["slug"] for r in rows or [] if isinstance(r, dict) and isinstance(r.get("slug"), str)}


def _document_emails(doc: Any) -> set[str]:
    rows = doc.get("people") if isinstance(doc, dict) else None
    return {r["email"].lower() for r in rows or [] if isinstance(r, dict) and isinstance(r.get("email"), str)}


def check(doc: Any, *, session: Session, org_id: int, known, fiscal_start: int) -> tuple[list, Sections]:
    """Issues of the two sections, and what to import when there are none."""
    out = Sections()
    if not isinstance(doc, dict):
        return [], out
    issues: list = []
    teams = set(known.teams) | _document_slugs(doc)
    people = set(known.emails) | _document_emails(doc)
    if "kpis" in doc:
        found, rows = kpi_doc.check_kpis(
            doc["kpis"],
            teams=teams,
            people=people,
            existing=kpi_doc.existing_kpis(session, org_id),
            fiscal_start=fiscal_start,
        )
        issues += [SectionIssue(i.path, i.message, i.template, i.params) for i in found]
        out.kpis = rows
    if "budgets" in doc:
        specs, found = budget_doc.parse_budgets(doc["budgets"], fiscal_start=fiscal_start)
        issues += [SectionIssue(path, text) for path, text in found]
        for i, spec in enumerate(specs):
            if spec.team not in teams:
                issues.append(SectionIssue(f"budgets[{i}].team", f"no team {spec.team!r} in the organisation"))
        out.budgets = specs
    return issues, out


def apply(sections: Sections, *, session: Session, org_id: int, actor_id: int | None, fiscal_start: int) -> dict:
    """Import the checked sections (after the plan's teams and people); the counts made."""
    counts: dict[str, int] = {}
    if sections.kpis:
        counts.update(
            kpi_doc.import_kpis(
                sections.kpis, session=session, org_id=org_id, actor_id=actor_id, fiscal_start=fiscal_start
            )
        )
    if sections.budgets:
        team_ids = dict(session.exec(select(Team.slug, Team.id).where(Team.org_id == org_id)).all())
        counts["budget_lines"] = budget_ops.apply_budgets(
            session=session, actor_id=actor_id, org_id=org_id, specs=sections.budgets, team_ids=team_ids
        )
    return counts


def export(doc: dict, *, session: Session, org_id: int, year: int | None, fiscal_start: int) -> dict:
    """Add ``kpis`` and ``budgets`` of the exported teams (of ``year`` when given) to ``doc``;
    a section with nothing in it is left out."""
    slugs = {t["slug"] for t in doc.get("teams", []) if "slug" in t}
    rows = session.exec(select(Team.id, Team.slug).where(Team.org_id == org_id)).all()
    team_slugs = {tid: slug for tid, slug in rows if slug in slugs} if slugs else dict(rows)
    start = end = None
    if year is not None:
        span = periods.parse(str(year), fiscal_start)
        start, end = span.start, span.end
    kpis = kpi_doc.export_kpis(session, org_id=org_id, team_ids=list(team_slugs), start=start, end=end)
    if kpis:
        doc["kpis"] = kpis
    lines = budget_queries.export_budgets(session, team_slugs, years=[year] if year is not None else None)
    budgets = budget_doc.budgets_section(lines)
    if budgets:
        doc["budgets"] = budgets
    return doc
