"""Kept fragments (okr.core.web.fragments) never show stale data or another reader's CSRF token.

The plan pages, the RACI matrix and the week board are built from fragments kept per input and
language. After each of a run of random changes to the demo organisation (the everyday ones of
the rollup test, plus renames, RACI letters, owners, alignment, archiving plan items and people)
every such page is rendered twice for several readers in both languages: with the kept
fragments, then with the store emptied and keeping switched off. The two must be the same HTML.
"""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select
from test_rollup_state import World

from okr.accounts import ops as accounts_ops
from okr.core import models as m
from okr.core import periods
from okr.core.web import fragments
from okr.plans import ops as planning
from okr.raci import ops as raci_ops
from okr.seed.demo import DEMO_PASSWORD
from okr.week import ops as week_ops

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _page(b, path):
    resp = b.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    html = resp.get_data(as_text=True)
    token = META.search(html).group(1)
    # Every form on the page carries the reader's own token, never one kept from another reader.
    assert set(TOKEN_FIELD.findall(html)) <= {token}, path
    return html.replace(token, "TOKEN")


class PlanWorld(World):
    """World's everyday changes, and the plan edits a kept fragment must notice."""

    def change(self) -> str:
        rnd, s = self.rnd, self.s
        kw = {"session": s, "actor_id": self.admin.id, "org_id": self.org_id}
        op = rnd.choice(
            ["everyday"] * 6
            + [
                "rename_person",
                "rename_team",
                "delegate_to_reader",
                "delegate_to_reader",
                "retitle",
                "owner",
                "raci",
                "align",
                "archive_item",
                "project_status",
                "target",
                "archive_person",
            ]
        )
        objectives = s.exec(
            select(m.Objective).where(
                m.Objective.team_id.in_([t.id for t in self.teams]), m.Objective.quarter == str(self.quarter)
            )
        ).all()
        projects = s.exec(select(m.Project).where(m.Project.team_id.in_([t.id for t in self.teams]))).all()
        live_people = [p for p in self.people if not p.is_archived]
        if op == "everyday":
            return super().change()
        if op == "rename_person":
            # People are not renamed in the product today; a name is shown on every fragment, so
            # the fragment must follow it whoever changes it.
            person = rnd.choice(self.people if rnd.random() < 0.5 else [p for p in self.people if p.id in self.readers])
            person.name = f"{person.name.split(' #')[0]} #{rnd.randint(1, 99)}"
            s.add(person)
        elif op == "delegate_to_reader":
            this_week = str(periods.week_of(self.today))
            open_ = [
                t for t in self.tasks() if t.week == this_week and t.status in ("todo", "doing") and not t.is_archived
            ]
            if open_:
                t = rnd.choice(open_)
                week_ops.delegate_task(
                    **kw, task=t, assignee_id=rnd.choice(sorted(self.readers)), expected_version=t.version
                )
        elif op == "rename_team":
            team = rnd.choice(self.teams)
            planning.update(
                **kw, item=team, expected_version=team.version, name=f"{team.name.split(' #')[0]} #{rnd.randint(1, 99)}"
            )
        elif op == "retitle":
            item = rnd.choice(objectives + self.krs + projects)
            planning.update(
                **kw,
                item=item,
                expected_version=item.version,
                title=f"{item.title.split(' #')[0]} #{rnd.randint(1, 99)}",
            )
        elif op == "owner":
            item = rnd.choice(objectives + self.krs + projects)
            planning.update(**kw, item=item, expected_version=item.version, owner_id=rnd.choice(live_people).id)
        elif op == "raci":
            if rnd.random() < 0.5:
                raci_ops.set_raci(
                    **kw,
                    key_result=rnd.choice(self.krs),
                    assignments={p.id: rnd.choice("RACI") for p in rnd.sample(live_people, 3)},
                )
            else:
                raci_ops.set_raci(
                    **kw,
                    project=rnd.choice(projects),
                    assignments={p.id: rnd.choice("RACI") for p in rnd.sample(live_people, 2)},
                )
        elif op == "align":
            obj = rnd.choice(objectives)
            goals = s.exec(select(m.AnnualGoal).where(m.AnnualGoal.team_id == obj.team_id)).all()
            if goals:
                planning.update(**kw, item=obj, expected_version=obj.version, goal_id=rnd.choice(goals).id)
        elif op == "archive_item":
            item = rnd.choice(self.krs + projects)
            (planning.restore if item.is_archived else planning.archive)(**kw, item=item)
        elif op == "project_status":
            p = rnd.choice(projects)
            planning.update(
                **kw, item=p, expected_version=p.version, status=rnd.choice(["planned", "active", "done", "dropped"])
            )
        elif op == "target":
            kr = rnd.choice([k for k in self.krs if k.kind != "milestone"])
            planning.update(**kw, item=kr, expected_version=kr.version, target=kr.target + Decimal(rnd.randint(1, 50)))
        elif op == "archive_person":
            person = rnd.choice([p for p in self.people if p.id not in self.readers])
            accounts_ops.set_person_archived(**kw, user=person, archived=not person.is_archived)
        s.commit()
        return op


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_kept_fragments_equal_a_fresh_render(app, demo, session, as_user, seed):
    today = date.today()
    quarter = periods.quarter_of(today)
    world = PlanWorld(session, demo.org_id, random.Random(seed), today)
    teams = [t for t in world.teams if t.parent_id is not None]
    readers = {}
    for person in world.people:
        roles = dict(
            session.exec(select(m.Membership.team_id, m.Membership.role).where(m.Membership.user_id == person.id)).all()
        )
        kind = "admin" if person.is_admin else ("manager" if "manager" in roles.values() else "member")
        readers.setdefault(kind, person)
    browsers = {kind: as_user(p, DEMO_PASSWORD) for kind, p in readers.items()}
    world.readers = {p.id for p in readers.values()}  # they stay signed in
    assert set(browsers) == {"admin", "manager", "member"}

    def pages(rnd):
        team = rnd.choice(teams)
        month = rnd.choice(list(quarter.months()))
        return [
            f"/teams/{team.slug}/plan/{quarter}",
            f"/teams/{team.slug}/plan/{month}",
            f"/teams/{team.slug}/raci",
            f"/teams/{team.slug}/raci/{month}",
            "/week",
            f"/week/{rnd.choice(world.weeks)}",
            f"/teams/{team.slug}/plan/{quarter.fiscal_year()}",
        ]

    rnd = random.Random(seed * 101)
    ops = []
    for step in range(25):
        ops.append(world.change())
        for kind, b in browsers.items():
            assert (
                b.post("/language", data={"lang": "zh" if rnd.random() < 0.4 else "en", "next": "/teams"}).status_code
                == 302
            )
            for path in pages(rnd):
                app.config["KEEP_FRAGMENTS"] = True
                b.get(path)  # fills the store, as another reader may have done
                kept = _page(b, path)
                fragments.clear()
                app.config["KEEP_FRAGMENTS"] = False
                fresh = _page(b, path)
                assert kept == fresh, f"step {step} ({ops[-1]}), {kind} on {path}: a kept fragment is stale"
    assert len(set(ops)) >= 8, ops


def test_a_kept_fragment_carries_each_readers_own_token(app, demo, session, as_user):
    """One reader fills the store; another reader's page must hold only their own token."""
    quarter = periods.quarter_of(date.today())
    admin = session.exec(select(m.User).where(m.User.org_id == demo.org_id, m.User.is_admin == True)).first()  # noqa: E712
    team = session.exec(select(m.Team).where(m.Team.org_id == demo.org_id, m.Team.parent_id != None)).first()  # noqa: E711
    app.config["KEEP_FRAGMENTS"] = True
    fragments.clear()
    first, second = as_user(admin, DEMO_PASSWORD), as_user(admin, DEMO_PASSWORD)
    for path in (f"/teams/{team.slug}/plan/{quarter}", f"/teams/{team.slug}/raci", "/week"):
        a = first.get(path).get_data(as_text=True)
        b = second.get(path).get_data(as_text=True)
        token_a, token_b = META.search(a).group(1), META.search(b).group(1)
        assert token_a != token_b
        fields_b = TOKEN_FIELD.findall(b)
        assert fields_b and set(fields_b) == {token_b}, path
        assert token_a not in b


def test_keys_refuse_what_they_cannot_compare():
    """A key part that is neither a value, a container nor a table row is refused, so no key
    ever rests on an object's identity."""
    assert fragments.freeze([1, "a", {"b": (2, None)}]) == (1, "a", (("b", (2, None)),))
    with pytest.raises(TypeError):
        fragments.freeze(object())


def test_a_renamed_person_shows_on_every_kept_fragment_at_once(app, make, session, as_user):
    """Names are part of each fragment's key: a card delegated by someone, a key result's owner
    and RACI letters, a matrix row all show the new name on the next view."""
    from okr.core import models as m

    app.config["KEEP_FRAGMENTS"] = True
    today = date.today()
    quarter, week = periods.quarter_of(today), periods.week_of(today)
    team = make.team(slug="content")
    manager = make.user(team=team, role="manager", name="Li Na")
    boss = make.user(
        team=make.team(org=session.get(m.Organisation, team.org_id), slug="leadership"), role="manager", name="Old Name"
    )  # not a teammate
    obj = make.objective(team=team, quarter=str(quarter))
    kr = make.kr(objective=obj, owner_id=boss.id)
    make.raci(boss, "A", kr=kr)
    make.raci(manager, "R", kr=kr)
    make.task(team=team, assignee=manager, week=str(week), title="Handed over", delegated_by_id=boss.id)
    session.commit()
    b = as_user(manager)
    pages = ["/week", f"/teams/content/plan/{quarter}", "/teams/content/raci"]
    for path in pages:
        assert "Old Name" in b.get(path).get_data(as_text=True), path
    person = session.get(m.User, boss.id)
    person.name = "New Name"
    session.add(person)
    session.commit()
    for path in pages:
        html = b.get(path).get_data(as_text=True)
        assert "New Name" in html and "Old Name" not in html, path
