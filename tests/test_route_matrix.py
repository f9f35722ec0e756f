"""The authorization matrix: every rule and method of ``app.url_map`` (not a hand list), tried by
each kind of person against the seeded world, with every table dumped before and after writes.

A route nobody protects, a write a viewer gets through, a manager writing on a sibling team, an
id from another organisation that is not a 404, or a URL argument the matrix cannot fill: each
is reported by name, and the test fails.
"""

from __future__ import annotations

import pytest
from test_security_world import (
    WRITE_METHODS,
    UnknownArgument,
    World,
    build_world,
    diff,
    dump,
    fill,
    plausible_body,
    routes,
    team_scoped,
)

from okr.core.web.public import PUBLIC

# The reviewed public endpoints: adding one to okr/core/web/public.py must be reviewed here too.
REVIEWED_PUBLIC = {
    "auth.login",
    "auth.login_post",
    "auth.logout_confirm",
    "auth.csrf_token",
    "auth.set_language",
    "home.healthz",
    # A mail's unsubscribe link: it acts only with a valid signed token (tests/test_notify.py).
    "notify.unsubscribe",
    "notify.unsubscribe_post",
    "static",
}
# Acting on one's own session, not on data: swept separately (signing out ends the sweep).
SESSION_ENDPOINTS = {"auth.logout", "auth.login_post"}


class Matrix:
    def __init__(self, app, world: World, session, as_user):
        from okr.core.db import get_engine

        self.app, self.world, self.session, self.as_user = app, world, session, as_user
        self.engine = get_engine(app.config["DATABASE_URL"])
        self.problems: list[str] = []
        self.requests = 0
        self._browsers = {}

    def browser(self, who: str):
        if who not in self._browsers:
            self._browsers[who] = self.as_user(self.world.users[who])
        return self._browsers[who]

    def send(self, b, rule, method, values, body):
        from flask import url_for

        with self.app.test_request_context():
            path = url_for(rule.endpoint, **values)
        self.requests += 1
        headers = {}
        if b.token:
            headers["X-CSRFToken"] = b.token
        if rule.rule.startswith("/api/"):
            return b.client.open(path, method=method, json=body, headers=headers)
        if method == "GET":
            return b.client.get(path)
        return b.client.open(path, method=method, data=body, headers=headers)

    def _fill(self, rule, t):
        try:
            return fill(rule, t)
        except UnknownArgument as e:
            self.problems.append(str(e))
            return None

    # --- checks -------------------------------------------------------------------------------

    def anonymous(self):
        from conftest import Browser

        b = Browser(self.app.test_client())
        b.refresh_token("/login")  # a real token, so CSRF is not what stops the request
        for rule, method in routes(self.app):
            if rule.endpoint in PUBLIC:
                continue
            values = self._fill(rule, self.world.teams["A"])
            if values is None:
                continue
            before = dump(self.engine) if method in WRITE_METHODS else None
            resp = self.send(b, rule, method, values, plausible_body(self.app, rule.endpoint, self.world.teams["A"]))
            loc = resp.headers.get("Location", "")
            ok = (resp.status_code == 302 and "/login" in loc) or resp.status_code == 401
            if not ok:
                self.problems.append(
                    f"anonymous {method} {rule.rule} ({rule.endpoint}) → {resp.status_code}, not a sign-in redirect or 401"
                )
            if before is not None and diff(before, dump(self.engine)):
                self.problems.append(f"anonymous {method} {rule.rule} ({rule.endpoint}) changed data")

    def _writes(self, who, targets, allowed, expect_allowed=()):
        b = self.browser(who)
        me = self.world.users[who]
        for rule, method in routes(self.app):
            if (
                method not in WRITE_METHODS
                or rule.endpoint in SESSION_ENDPOINTS
                or rule.endpoint in PUBLIC
                and rule.endpoint != "auth.set_language"
            ):
                continue
            for name in targets:
                t = self.world.teams[name]
                values = self._fill(rule, t)
                if values is None:
                    continue
                before = dump(self.engine)
                resp = self.send(b, rule, method, values, plausible_body(self.app, rule.endpoint, t))
                after = dump(self.engine)
                if resp.status_code >= 500:
                    self.problems.append(f"{who} {method} {rule.rule} on {name} → {resp.status_code}")
                for change in diff(before, after):
                    if change[0] == "app_user" and change[1] == (me.id,):
                        continue  # one's own preferences (language)
                    if change[0] == "audit_event":
                        continue  # follows the data rows checked here
                    if change[0] == "api_token" and (change[3] or change[2]).get("user_id") == me.id:
                        continue  # one's own API tokens
                    if not allowed(change, name):
                        self.problems.append(
                            f"{who} {method} {rule.rule} ({rule.endpoint}) on team {name} changed {change[0]} {change[1]}"
                        )
                if (
                    name in expect_allowed
                    and team_scoped(rule)
                    and not rule.endpoint.startswith("admin.")
                    and resp.status_code in (401, 403)
                ):
                    self.problems.append(
                        f"{who} {method} {rule.rule} ({rule.endpoint}) on team {name} → {resp.status_code}, but it is theirs to plan"
                    )

    def viewer(self):
        self._writes("viewer", ["A", "A1", "B"], allowed=lambda change, team: False)

    def member(self):
        me = self.world.users["member_a1"]
        kr_ids = {t.kr.id for t in self.world.teams.values()}  # member_a1 is R only on A1's
        own_kr = self.world.teams["A1"].kr.id
        kr_fields = {"current", "confidence", "last_check_in_on", "version", "updated_at", "updated_by_id"}

        def allowed(change, team):
            table, _pk, b, a = change
            row = a or b
            if table == "task":
                return any(r and me.id in (r.get("assignee_id"), r.get("delegated_by_id")) for r in (b, a))
            if table == "check_in":
                return row.get("key_result_id") == own_kr
            if table == "key_result" and b and a and row["id"] in kr_ids:
                changed = {k for k in a if a[k] != b[k]}
                return row["id"] == own_kr and changed <= kr_fields
            if table == "standup_note":  # one's own note on a stand-up
                return row.get("user_id") == me.id
            if table in ("one_on_one_item", "one_on_one_meeting"):  # one's own 1:1s
                return me.id in (row.get("manager_id"), row.get("member_id"))
            return False

        self._writes("member_a1", ["A", "A1", "B"], allowed)

    def manager(self):
        w = self.world
        b_team = w.teams["B"]
        b_rows = {
            "team": {b_team.team.id},
            "annual_goal": {b_team.goal.id, b_team.archived_goal.id},
            "objective": {b_team.objective.id},
            "key_result": {b_team.kr.id},
            "check_in": {b_team.check_in.id},
            "project": {b_team.project.id},
            "task": {b_team.task.id},
        }

        def allowed(change, team):
            table, pk, b, a = change
            row = a or b
            if table in b_rows and pk[0] in b_rows[table]:
                return False
            if (
                table in ("annual_goal", "objective", "project", "task", "membership")
                and row.get("team_id") == b_team.team.id
            ):
                return False
            if table == "key_result" and row.get("objective_id") == b_team.objective.id:
                return False
            if table == "check_in" and row.get("key_result_id") == b_team.kr.id:
                return False
            return not (
                table == "raci_assignment"
                and (row.get("key_result_id") == b_team.kr.id or row.get("project_id") == b_team.project.id)
            )

        self._writes("manager_a", ["B", "A1"], allowed, expect_allowed=("A1",))

    def other_org(self):
        b = self.browser("other_admin")
        for rule, method in routes(self.app):
            if rule.endpoint in PUBLIC or rule.endpoint in SESSION_ENDPOINTS or not team_scoped(rule):
                continue
            t = self.world.teams["A"]
            values = self._fill(rule, t)
            if values is None:
                continue
            before = dump(self.engine) if method in WRITE_METHODS else None
            resp = self.send(b, rule, method, values, plausible_body(self.app, rule.endpoint, t))
            if resp.status_code != 404:
                self.problems.append(
                    f"other organisation {method} {rule.rule} ({rule.endpoint}) with Acme's ids → {resp.status_code}, not 404"
                )
            if before is not None and diff(before, dump(self.engine)):
                self.problems.append(f"other organisation {method} {rule.rule} ({rule.endpoint}) changed Acme's data")

    def admin_pages(self):
        for who, expected in (("admin", 200), ("manager_a", 403), ("viewer", 403)):
            b = self.browser(who)
            for rule, method in routes(self.app):
                if not rule.endpoint.startswith("admin.") or method != "GET":
                    continue
                values = self._fill(rule, self.world.teams["A"])
                if values is None:
                    continue
                resp = self.send(b, rule, method, values, {})
                if resp.status_code != expected:
                    self.problems.append(
                        f"{who} GET {rule.rule} ({rule.endpoint}) → {resp.status_code}, expected {expected}"
                    )

    def reads(self):
        """Everyone in the organisation reads its pages without a server error."""
        b = self.browser("viewer")
        for rule, method in routes(self.app):
            if method != "GET" or rule.endpoint in PUBLIC or rule.endpoint.startswith("admin."):
                continue
            values = self._fill(rule, self.world.teams["A1"])
            if values is None:
                continue
            resp = self.send(b, rule, method, values, {})
            if resp.status_code >= 500:
                self.problems.append(f"viewer GET {rule.rule} ({rule.endpoint}) → {resp.status_code}")

    def huge_ids(self):
        """Ids no row can have — past PostgreSQL's INTEGER, past 64 bits, zero — are a 404 (or a
        422 for a body), never a server error, on every rule with an id in its address."""
        b = self.browser("admin")
        for rule, method in routes(self.app):
            if rule.endpoint in PUBLIC or rule.endpoint in SESSION_ENDPOINTS:
                continue
            t = self.world.teams["A"]
            values = self._fill(rule, t)
            if values is None:
                continue
            ids = [k for k, v in values.items() if isinstance(v, int) and k != "year"]
            if not ids:
                continue
            for huge in (2**31, 2**63, 10**30, 0):
                sent = {**values, **dict.fromkeys(ids, huge)}
                before = dump(self.engine) if method in WRITE_METHODS else None
                try:
                    resp = self.send(b, rule, method, sent, plausible_body(self.app, rule.endpoint, t))
                except Exception as e:  # the converter may refuse to build such a URL: fine
                    if "Could not build url" in str(e):
                        continue
                    raise
                if resp.status_code >= 500:
                    self.problems.append(
                        f"admin {method} {rule.rule} ({rule.endpoint}) with id {huge} → {resp.status_code}"
                    )
                elif resp.status_code < 400:
                    self.problems.append(
                        f"admin {method} {rule.rule} ({rule.endpoint}) with id {huge} → {resp.status_code}, not an error"
                    )
                if before is not None and diff(before, dump(self.engine)):
                    self.problems.append(f"admin {method} {rule.rule} ({rule.endpoint}) with id {huge} changed data")

    def public_reviewed(self):
        for endpoint in sorted(set(PUBLIC) - REVIEWED_PUBLIC):
            self.problems.append(
                f"{endpoint} is public (okr/core/web/public.py) but not reviewed in tests/test_route_matrix.py"
            )

    def run(self, *checks):
        for name in checks:
            getattr(self, name)()
        return self.problems


ALL = ("public_reviewed", "anonymous", "reads", "viewer", "member", "manager", "other_org", "admin_pages", "huge_ids")


@pytest.fixture
def matrix(app, make, session, as_user):
    return Matrix(app, build_world(make, session), session, as_user)


@pytest.mark.parametrize("check", ALL)
def test_route_matrix(matrix, check):
    problems = matrix.run(check)
    print(
        f"\nroute matrix [{check}]: {len(routes(matrix.app))} rule×method pairs, {matrix.requests} requests, {len(problems)} problems"
    )
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_matrix_size_is_the_url_map(app):
    pairs = routes(app)
    assert len(pairs) == sum(len(r.methods - {"HEAD", "OPTIONS"}) for r in app.url_map.iter_rules())
    assert any(r.endpoint.startswith("admin.") for r, _ in pairs)


# --- the matrix catches what it should --------------------------------------------------------


def test_a_new_route_without_any_decorator_is_private(app, client):
    app.add_url_rule("/throwaway-page", "throwaway_page", lambda: "secret")
    resp = client.get("/throwaway-page")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/throwaway-page", headers={"HX-Request": "true"}).headers.get("HX-Redirect")
    assert client.get("/throwaway-page", headers={"Accept": "application/json"}).status_code == 401


def test_matrix_reports_a_throwaway_route_that_writes_without_asking(app, make, session, as_user):
    from okr.core import models as mm
    from okr.core.web.database import get_session

    def careless(goal_id):
        from okr.plans import ops as planning

        s = get_session()
        goal = s.get(mm.AnnualGoal, goal_id)
        org_id = s.get(mm.Team, goal.team_id).org_id
        planning.update(session=s, actor_id=None, org_id=org_id, item=goal, expected_version=None,
                        title="changed by anyone")  # audited, but it asks nobody's permission  # fmt: skip
        s.commit()
        return "ok"

    app.add_url_rule("/throwaway/<int:goal_id>", "throwaway_write", careless, methods=["POST"])
    mx = Matrix(app, build_world(make, session), session, as_user)
    problems = mx.run("viewer")
    assert any("throwaway_write" in p and "annual_goal" in p for p in problems), problems


def test_matrix_reports_an_unreviewed_public_route(app, make, session, as_user, monkeypatch):
    from okr.core.web import public

    app.add_url_rule("/throwaway-open", "throwaway_open", lambda: "open")
    monkeypatch.setitem(public.PUBLIC, "throwaway_open", "a test")
    mx = Matrix(app, build_world(make, session), session, as_user)
    problems = mx.run("public_reviewed")
    assert any("throwaway_open" in p for p in problems), problems


def test_matrix_fails_on_an_argument_it_cannot_fill(app, make, session, as_user):
    app.add_url_rule("/throwaway/<frobnicate>", "throwaway_unknown", lambda frobnicate: "x")
    mx = Matrix(app, build_world(make, session), session, as_user)
    problems = mx.run("anonymous")
    assert any("frobnicate" in p and "cannot fill" in p for p in problems), problems
