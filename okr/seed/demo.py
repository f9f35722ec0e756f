"""The demo organisation a new user sees first: a bilingual company with this year's goals, last
and this quarter's OKRs, weekly check-ins, projects, five weeks of Eisenhower tasks and RACI.

Everything is dated relative to the ``today`` passed in and drawn from a fixed-seed random
generator, so the same day always gives the same plan. No Flask here: ``build_demo_plan`` returns
a plan document (``okr-plan/1``) and ``seed_demo`` imports it through the plan importer. The
tables it builds from (teams, people, plan templates, chores) are okr.seed.demo_data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import select

from okr.accounts import passwords
from okr.core import models, periods
from okr.core.settings import DEMO_ORG_SLUG
from okr.plandoc import importer as plandoc
from okr.seed import demo_budget
from okr.seed.demo_data import (  # the tables; their names stay importable from here
    ADMIN_EMAIL,
    CONTENT_Q2,
    DELEGATE_CHORES,
    DEMO_MEMBER,
    DEMO_ORG_NAME,
    DEMO_PASSWORD,
    DO_CHORES,
    ELIMINATE_CHORES,
    KRT,
    NOTES,
    OVERLOADED,
    PEOPLE,
    PLANS,
    PROJECT_STEPS,
    SCHEDULE_CHORES,
    SEED,
    SUPPORTS,
    TEAMS,
    ObjT,
)
from okr.seed.demo_data import (
    DEMO_LOGINS as DEMO_LOGINS,
)
from okr.seed.demo_kpi import seed_demo_kpis

# --- building the document -------------------------------------------------------------------------


@dataclass
class _Ctx:
    """What the builder carries while it walks the plan."""

    today: date
    rng: random.Random
    window: list  # the five weeks of tasks: three past, this, next
    last_month: periods.Month
    this_month: periods.Month
    quarters: tuple  # last and this quarter
    staff: dict = field(default_factory=dict)  # team slug -> [manager email, member emails...]
    projects: dict = field(default_factory=dict)  # (team, month text) -> [project dict]
    project_people: dict = field(default_factory=dict)  # id(project dict) -> [A, R...]
    a_count: dict = field(default_factory=dict)  # email -> Accountable items so far
    r_count: dict = field(default_factory=dict)  # email -> Responsible items so far


def _num(x: float, span: float):
    """A check-in value rounded as a person would write it: whole numbers for wide ranges."""
    span = abs(span)
    if span >= 20:
        return int(round(x))
    digits = 1 if span >= 2 else 2
    value = round(x, digits)
    return int(value) if value == int(value) else value


def _conf(x: float) -> float:
    """Confidence in steps of 0.05 between 0.1 and 0.95."""
    return round(min(0.95, max(0.1, round(x * 20) / 20)), 2)


def _check_in_dates(ctx: _Ctx, quarter) -> list[date]:
    """Fridays of the quarter's weeks up to today (the last one clamped into the quarter)."""
    days = []
    for week in quarter.weeks():
        day = min(week.start + timedelta(days=4), quarter.end)
        if quarter.start <= day <= ctx.today:
            days.append(day)
    return days


def _check_ins(ctx: _Ctx, kr: KRT, quarter, finished: bool) -> list[dict]:
    """A weekly history whose progress follows the KR's pace against the quarter's clock."""
    if kr.kind == "milestone" or kr.from_projects:
        return []
    rng = ctx.rng
    factor = {"ahead": 1.3, "on": 1.0, "slipping": 0.75, "behind": 0.5, "silent": 0.7}[kr.pace]
    days = _check_in_dates(ctx, quarter)
    if kr.pace == "silent" and not finished:
        # Silent for three weeks and more: the rollup should flag it as stale.
        days = [d for d in days if d <= ctx.today - timedelta(days=22)]
    out, progress = [], 0.0
    for i, day in enumerate(days):
        if finished and 0 < i < len(days) - 1 and rng.random() < 0.12:
            continue  # a missed week now and then
        elapsed = float(quarter.elapsed(day + timedelta(days=1)))
        target_progress = min(1.08, elapsed * factor + rng.uniform(-0.03, 0.03))
        progress = max(progress, target_progress, 0.0)
        value = kr.start + progress * (kr.target - kr.start)
        if kr.kind == "percent":
            value = min(100.0, max(0.0, value))
        confidence = {
            "ahead": 0.85,
            "on": 0.7,
            "slipping": 0.6,
            "behind": 0.6 - 0.35 * elapsed,
            "silent": 0.5,
        }[kr.pace] + rng.uniform(-0.05, 0.05)
        out.append(
            {
                "date": day.isoformat(),
                "value": _num(value, kr.target - kr.start),
                "confidence": _conf(confidence),
                "note": rng.choice(NOTES[kr.pace]),
            }
        )
    return out


def _raci(ctx: _Ctx, accountable: str, responsible: list[str], others: list[str]) -> dict:
    """One A, at least one R (never the A), and now and then a C and an I from ``others``."""
    rng = ctx.rng
    r = [p for p in dict.fromkeys(responsible) if p != accountable] or [p for p in others if p != accountable][:1]
    taken = {accountable, *r}
    pool = [p for p in dict.fromkeys(others) if p not in taken]
    c, i = [], []
    if pool and rng.random() < 0.6:
        c.append(pool.pop(rng.randrange(len(pool))))
    if pool and rng.random() < 0.7:
        i.append(pool.pop(rng.randrange(len(pool))))
    ctx.a_count[accountable] = ctx.a_count.get(accountable, 0) + 1
    return {"A": accountable, "R": r, "C": c, "I": i}


def _pick_accountable(ctx: _Ctx, candidates: list[str]) -> str:
    """The candidate holding the fewest A so far, so nobody but the chosen one is overloaded."""
    return min(candidates, key=lambda p: (ctx.a_count.get(p, 0), candidates.index(p)))


def _least_busy(ctx: _Ctx, candidates: list[str], n: int) -> list[str]:
    """The ``n`` candidates Responsible for the fewest items so far (keeps R under the limit)."""
    chosen = sorted(candidates, key=lambda p: (ctx.r_count.get(p, 0), candidates.index(p)))[:n]
    for person in chosen:
        ctx.r_count[person] = ctx.r_count.get(person, 0) + 1
    return chosen


def _parent_staff(ctx: _Ctx, team: str) -> list[str]:
    parent = {slug: p for slug, _, p in TEAMS}[team]
    return ctx.staff.get(parent, [])[:1] if parent else []


def _kr_dict(ctx: _Ctx, team: str, kr: KRT, quarter, index: int, finished: bool) -> dict:
    staff = ctx.staff[team]
    manager, members = staff[0], staff[1:]
    children = [ctx.staff[s][0] for s, _, p in TEAMS if p == team]
    if team == "content":
        accountable = OVERLOADED
    elif team == "company":
        accountable = _pick_accountable(ctx, [manager, ADMIN_EMAIL])
    else:
        accountable = _pick_accountable(ctx, staff)  # a department's manager holds all its A
    helpers = [p for p in (members or children) if p != accountable] or [manager]
    responsible = _least_busy(ctx, helpers, 1 + (len(helpers) > 2 and ctx.rng.random() < 0.4))
    viewers = [e for e, _, _, role in PEOPLE if role == "viewer"]
    others = [manager, *_parent_staff(ctx, team), *viewers, *children]
    out = {"title": kr.title, "kind": kr.kind}
    if kr.description:
        out["description"] = kr.description
    if kr.kind == "milestone":
        out["done"] = kr.done
    else:
        out.update({"start": kr.start, "target": kr.target, "unit": kr.unit})
    out["weight"] = kr.weight
    if kr.from_projects:
        out["progress_from"] = "projects"
    out["owner"] = accountable
    out["raci"] = _raci(ctx, accountable, responsible, others)
    out["check_ins"] = _check_ins(ctx, kr, quarter, finished)
    for check_in in out["check_ins"]:
        # Whoever does the work reports on it; the accountable person now and then.
        check_in["author"] = ctx.rng.choice([accountable, *out["raci"]["R"], *out["raci"]["R"]])
    out["projects"] = []
    return out


def _add_projects(ctx: _Ctx, team: str, kr: KRT, kr_out: dict, quarter, index: int) -> None:
    """Projects go in last and this month where those fall in the KR's quarter (the latest
    month when a KR has one project); a quarter holding neither (the content team's Q2 seen
    from another quarter) spreads its KRs' projects over its first two months."""
    if not kr.projects and not kr.unstaffed:
        return
    months = [m for m in (ctx.last_month, ctx.this_month) if quarter.contains(m)]
    if not months:
        if quarter in ctx.quarters:
            return  # last quarter, seen from the first month of this one
        months = [quarter.months()[min(index, 1)]]
    staff = ctx.staff[team]
    manager, members = staff[0], staff[1:] or staff
    for i, title in enumerate(kr.projects):
        month = months[min(len(months) - 1, max(0, len(months) - len(kr.projects) + i))]
        if team == "content" and quarter == ctx.quarters[1]:
            accountable = OVERLOADED  # this quarter's content projects too: over the limit
        else:
            accountable = _pick_accountable(ctx, [m for m in members if m != OVERLOADED] or [manager])
        rest = [m for m in members if m != accountable] or [manager]
        responsible = _least_busy(ctx, rest, 1 + (ctx.rng.random() < 0.5))
        others = [manager, *ctx.staff["data"][:1], *_parent_staff(ctx, team)]
        if team == "data":
            others = [manager, *ctx.staff["content"][1:2], *_parent_staff(ctx, team)]
        project = {
            "month": str(month),
            "title": title,
            "owner": accountable,
            "raci": _raci(ctx, accountable, responsible, others),
            "tasks": [],
        }
        kr_out["projects"].append(project)
        ctx.projects.setdefault((team, str(month)), []).append(project)
        ctx.project_people[id(project)] = [accountable, *project["raci"]["R"]]
    if quarter == ctx.quarters[1]:
        for title in kr.unstaffed:
            # No owner, no letters, no tasks yet: planned this month, a gap on the RACI page.
            kr_out["projects"].append({"month": str(ctx.this_month), "title": title, "status": "planned", "tasks": []})


def _objective(ctx: _Ctx, team: str, obj: ObjT, quarter) -> dict:
    finished = quarter.end < ctx.today
    out = {
        "quarter": str(quarter),
        "title": obj.title,
        "kind": obj.kind,
        "owner": ctx.staff[team][0],
        "weight": 1,
    }
    if obj.description:
        out["description"] = obj.description
    out["key_results"] = []
    for i, kr in enumerate(obj.krs):
        kr_out = _kr_dict(ctx, team, kr, quarter, i, finished)
        _add_projects(ctx, team, kr, kr_out, quarter, i)
        out["key_results"].append(kr_out)
    return out


def _status(ctx: _Ctx, offset: int, quadrant: str) -> str:
    """How far a task got: past weeks mostly done, this week under way, next week to do."""
    r = ctx.rng.random()
    if offset >= 1:
        return "todo"
    if offset == 0:
        done_share = (ctx.today.weekday() + 1) / 7
        if quadrant == "eliminate":
            return "dropped" if r < 0.2 else "todo"
        if r < done_share * (0.8 if quadrant in ("do", "delegate") else 0.5):
            return "done"
        return "doing" if r < done_share + 0.3 else "todo"
    if quadrant == "eliminate":
        return "dropped" if r < 0.5 else ("done" if r < 0.8 else "todo")
    if quadrant == "schedule":
        return "done" if r < 0.75 else ("todo" if offset == -1 or r < 0.9 else "dropped")
    return "done" if r < 0.9 else "todo"


def _weekly_tasks(ctx: _Ctx, loose: list[dict]) -> None:
    """Every working person gets a task in each quadrant in each of the five weeks; important
    ones go into a project of their team when that week's month has one."""
    rng = ctx.rng
    workers = [(e, t, role) for e, _, t, role in PEOPLE if role != "viewer"]
    for offset, week in zip(range(-3, 2), ctx.window, strict=True):
        month = str(week.parent())
        for email, team, _role in workers:
            projects = ctx.projects.get((team, month), [])
            mine = [p for p in projects if email in ctx.project_people[id(p)]] or projects
            steps = rng.sample(PROJECT_STEPS, 3)
            plan = [
                ("do", True, True),
                ("schedule", True, False),
                ("delegate", False, True),
                ("eliminate", False, False),
            ]
            if mine and rng.random() < 0.5:
                plan.append(("schedule", True, False))
            for n, (quadrant, important, urgent) in enumerate(plan):
                task = {
                    "week": str(week),
                    "title": "",
                    "assignee": email,
                    "important": important,
                    "urgent": urgent,
                    "status": _status(ctx, offset, quadrant),
                }
                if offset == 0 and email == DEMO_MEMBER and n < 2:
                    # Open this week, so the first thing to try works: drag Schedule → Do, finish.
                    task["status"] = "doing" if quadrant == "do" else "todo"
                if important and mine:
                    project = mine[n % len(mine)]
                    task["title"] = f"{project['title']} · {steps[n % len(steps)]}"
                    project["tasks"].append(task)
                    continue
                if quadrant == "do":
                    own = PLANS.get(team, PLANS["company"]).extra_important
                    task["title"] = rng.choice(own or DO_CHORES)
                elif quadrant == "schedule":
                    task["title"] = rng.choice(SCHEDULE_CHORES)
                elif quadrant == "delegate":
                    task["title"] = rng.choice(DELEGATE_CHORES)
                else:
                    task["title"] = rng.choice(ELIMINATE_CHORES)
                loose.append(task)


def _history_tasks(ctx: _Ctx) -> None:
    """Projects' earlier weeks (before the five-week window, up to today) get finished work,
    so last month's projects show real progress."""
    rng = ctx.rng
    first = ctx.window[0]
    for (_, month), projects in sorted(ctx.projects.items()):
        for project in projects:
            people = ctx.project_people[id(project)]
            for week in periods.parse(month).weeks():
                if week >= first or week.start > ctx.today:
                    continue
                for step in rng.sample(PROJECT_STEPS, 2):
                    project["tasks"].append(
                        {
                            "week": str(week),
                            "title": f"{project['title']} · {step}",
                            "assignee": rng.choice(people),
                            "important": True,
                            "urgent": rng.random() < 0.4,
                            "status": "dropped" if rng.random() < 0.1 else "done",
                        }
                    )


def _project_statuses(ctx: _Ctx) -> None:
    """Past months' projects are done unless work is still open; this month's are active;
    later ones are planned."""
    for (_, month), projects in ctx.projects.items():
        for project in projects:
            if month > str(ctx.this_month):
                status = "planned"
            elif month == str(ctx.this_month):
                status = "active"
            else:
                open_work = any(t["status"] in ("todo", "doing") for t in project["tasks"])
                status = "active" if open_work else "done"
            # Keys in the document's usual order: status after the owner.
            tasks = project.pop("tasks")
            project["status"] = status
            project["tasks"] = tasks


def build_demo_plan(today: date, fiscal_start: int = 1) -> dict:
    """The demo organisation's whole plan as an ``okr-plan/1`` document, dated around ``today``:
    this fiscal year's goals (and last year's where last quarter needs them), last and this
    quarter's OKRs with check-ins up to today, last and this month's projects, and tasks for
    the three past weeks, this week and next week. The same day always gives the same plan.
    """
    this_quarter = periods.quarter_of(today, fiscal_start)
    last_quarter = this_quarter.prev()
    this_year = periods.year_of(today, fiscal_start)
    q2 = periods.Quarter(this_year.year, 2, fiscal_start)
    this_week = periods.week_of(today)
    window = [this_week.prev().prev().prev(), this_week.prev().prev(), this_week.prev(), this_week, this_week.next()]
    ctx = _Ctx(
        today=today,
        rng=random.Random(SEED),
        window=window,
        last_month=periods.month_of(today).prev(),
        this_month=periods.month_of(today),
        quarters=(last_quarter, this_quarter),
    )
    for email, _, team, role in PEOPLE:
        if role in ("manager", "member"):
            ctx.staff.setdefault(team, []).append(email)

    goals: dict[tuple[str, int, int], dict] = {}

    def goal(team: str, year: int, index: int) -> dict:
        key = (team, year, index)
        if key not in goals:
            title, weight, description = PLANS[team].goals[index]
            row = {
                "team": team,
                "year": year,
                "title": title.format(year=year),
                "weight": weight,
                "owner": ctx.staff[team][0],
                "ref": f"{team}-{year}-{index + 1}",
            }
            if description:
                row["description"] = description
            if team in SUPPORTS:
                # A team's goal supports its department's, a department's the company's.
                parent = goal(*SUPPORTS[team][:1], year, SUPPORTS[team][1])
                row["supports"] = parent["ref"]
            row["objectives"] = []
            goals[key] = row
        return goals[key]

    for team, _, _ in TEAMS:
        plan = PLANS[team]
        for index in range(len(plan.goals)):
            goal(team, this_year.year, index)
        quarters = [(last_quarter, plan.last), (this_quarter, plan.this)]
        if team == "content":
            if q2 in (last_quarter, this_quarter):
                quarters = [(q, (CONTENT_Q2, *objs) if q == q2 else objs) for q, objs in quarters]
            else:
                quarters.append((q2, (CONTENT_Q2,)))
        for quarter, objectives in quarters:
            for obj in objectives:
                goal_team, index = obj.supports or (team, obj.goal)
                parent = goal(goal_team, quarter.fiscal_year().year, index)
                objective = _objective(ctx, team, obj, quarter)
                if goal_team != team:
                    objective = {"team": team, **objective}  # under another team's goal
                parent["objectives"].append(objective)

    loose: list[dict] = []
    _weekly_tasks(ctx, loose)
    _history_tasks(ctx)
    _project_statuses(ctx)

    team_order = {slug: i for i, (slug, _, _) in enumerate(TEAMS)}
    doc = {
        "format": "okr-plan/1",
        "teams": [
            {"slug": slug, "name": name, **({"parent": parent} if parent else {})} for slug, name, parent in TEAMS
        ],
        "people": [
            {
                "email": email,
                "name": name,
                "team": team,
                "role": role,
                **({"admin": True} if email == ADMIN_EMAIL else {}),
            }
            for email, name, team, role in PEOPLE
        ],
        "goals": [goals[k] for k in sorted(goals, key=lambda k: (team_order[k[0]], k[1], k[2]))],
        "tasks": loose,
    }
    return doc


# --- seeding the database ------------------------------------------------------------------------


class DemoError(RuntimeError):
    """The demo plan did not import: a bug in this module, never the user's doing."""


@dataclass(frozen=True)
class DemoResult:
    created: bool
    org_id: int
    message: str
    counts: dict = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the CLI: what was created, or that nothing was."""
        made = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self.counts.items() if n)
        return f"{self.message}: {made}" if made else self.message


def seed_demo(*, session, today: date, fiscal_start: int = 1) -> DemoResult:
    """Create the demo organisation (slug ``demo``) with its plan, unless it already exists.

    Every demo person signs in with ``DEMO_PASSWORD``; the admin login is an organisation
    admin. Flushes; the caller commits.
    """
    existing = session.exec(select(models.Organisation).where(models.Organisation.slug == DEMO_ORG_SLUG)).first()
    if existing is not None:
        return DemoResult(False, existing.id, "the demo organisation already exists; nothing changed")

    org = models.Organisation(slug=DEMO_ORG_SLUG, name=DEMO_ORG_NAME)
    session.add(org)
    session.flush()
    doc = build_demo_plan(today, fiscal_start)
    result = plandoc.import_plan(
        doc, session=session, org_id=org.id, actor_id=None, dry_run=False, fiscal_start=fiscal_start
    )
    if result.issues:
        listed = "\n".join(f"  {issue.path}: {issue.message}" for issue in result.issues)
        raise DemoError(f"the demo plan did not import ({len(result.issues)} issues):\n{listed}")

    # One hash for every demo account: the password is public anyway, and hashing it once
    # keeps `okr demo` fast with a slow password hash.
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    emails = [email for email, *_ in PEOPLE]
    users = session.exec(select(models.User).where(models.User.org_id == org.id, models.User.email.in_(emails))).all()
    for user in users:
        user.password_hash = password_hash
        user.is_admin = user.email == ADMIN_EMAIL
        session.add(user)
    session.flush()
    demo_budget.seed_demo_budget(session=session, org_id=org.id, today=today, fiscal_start=fiscal_start)
    counts = dict(getattr(result, "created", {}) or {})
    counts.update(seed_demo_kpis(session=session, org_id=org.id, today=today, fiscal_start=fiscal_start))
    return DemoResult(True, org.id, f"created the demo organisation {DEMO_ORG_NAME} (slug {DEMO_ORG_SLUG})", counts)
