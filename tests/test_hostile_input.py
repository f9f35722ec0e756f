"""Bad input never hurts: every write endpoint of the url_map, every field it declares through
``okr.core.web.accepts``, at least 150 hostile values per field, sent as form posts, htmx posts and
JSON bodies by an organisation admin (so permission checks do not hide the validation).

Asserted: no 5xx, and a rejected request (4xx) leaves every table exactly as it was (a one-query
fingerprint of every table — row count and a hash of its rows — taken around each request; the
rows themselves are read only when it moved). Prints the counts per database.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_security_world import WRITE_METHODS, build_world, diff, dump, fill, fingerprint, plausible_body, routes

SKIP = {"auth.logout"}  # ends the sweep's own session; carries no fields
# Hostile values tried per field: every curated one (the probes below, each a past 5xx) plus
# generated ones up to this count. The README's command tries 60; CI's PostgreSQL run sets
# OKR_SWEEP_VALUES=150 (.ci/run), the sweep the security review ran (docs/testing.md).
VALUES_PER_FIELD = int(os.environ.get("OKR_SWEEP_VALUES", "60"))
# The write endpoints are dealt round-robin into this many tests, so that several workers
# (pytest -n) share the sweep; together they sweep every endpoint exactly as one test would.
SHARDS = 4


def curated(world) -> list:
    other = world.teams["X"]
    b = world.teams["B"]
    values = [
        "",
        " ",
        "\t\n",
        "x" * (1024 * 1024),
        "\x00",
        "a\x00b",
        "\ud800",
        "x\udfffy",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "1e308",
        "-1e308",
        "1e309",
        "-1",
        "-0",
        "0",
        "-999999999999999999999",
        "99999999999999999999999999",
        "9" * 400,
        "0.0000000001",
        "1,5",
        "１２３",
        "1.5万",
        "3.",
        ".",
        "+",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "2026-Q5",
        "2026-Q0",
        "2026-W54",
        "2026-W00",
        "2026-00",
        "9999-12-31",
        "-2026",
        "2026-W5X",
        "Q2",
        "yesterday",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
        '=HYPERLINK("http://evil.example","x")',
        "=1+1",
        "@SUM(A1)",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "\u202eevil\u202c",
        "\u200f\u200e",
        "\ufeff",
        "😀" * 50,
        "内容" * 200,
        "' OR 1=1 --",
        "'; DROP TABLE task; --",
        "{{7*7}}",
        "${7*7}",
        "%s%s%n",
        "../../etc/passwd",
        "\\\\server\\share",
        "\r\nX-Injected: 1",
        "/teams\r\nSet-Cookie: evil=1",
        "\u3000",
        " \u3000 ",
        "１２\u3000",
        "true",
        "false",
        "null",
        "None",
        "[]",
        "{}",
        "[1,2]",
        "unknown",
        "DO",
        "delete",
        "ZZZ",
        "A,B",
        str(other.goal.id),
        str(other.kr.id),
        str(other.task.id),
        str(other.project.id),
        str(other.team.id),
        str(other.member.id),
        str(b.goal.id),
        str(b.kr.id),
        str(b.task.id),
        str(b.team.id),
        str(b.member.id),
        str(2**63),
        str(2**31),
        "-2147483649",
        "0x10",
        "1e3",
        "01",
        "1_000",
    ]
    json_only = [
        None,
        True,
        False,
        0,
        -1,
        1e308,
        -1e308,
        2**64,
        -(2**63) - 1,
        [],
        {},
        [None],
        {"a": 1},
        ["<script>"],
        0.1,
        float(2**53 + 1),
        other.kr.id,
        other.team.id,
        b.kr.id,
    ]
    return values, json_only


def generated():
    text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
    return st.one_of(
        text,
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(lambda d: d.isoformat()),
        st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
    )


def fields_of(app, endpoint) -> dict[str, str]:
    from wtforms.fields.core import UnboundField

    acc = getattr(app.view_functions[endpoint], "accepts", None)
    if acc is None:
        return None
    names = dict(acc.get("json") or {})
    form = acc.get("form")
    if form is not None:
        for name in dir(form):
            f = getattr(form, name, None)
            if isinstance(f, UnboundField):
                names.setdefault(name, f.field_class.__name__)
    return names


def _json_safe(v):
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


def test_every_write_endpoint_declares_what_it_accepts(app):
    missing = sorted({r.endpoint for r, m in routes(app) if m in WRITE_METHODS and fields_of(app, r.endpoint) is None})
    assert not missing, "write views without @accepts(FormClass, json_fields=...): " + ", ".join(missing)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_hostile_input_sweep(app, make, session, as_user, monkeypatch, shard):
    from okr.accounts import views as auth
    from okr.core.db import get_engine

    # The sweep posts to the sign-in form too: a fast stand-in for scrypt keeps it within minutes.
    app.config["LOGIN_RATE_LIMIT"] = False
    world = build_world(make, session)
    engine = get_engine(app.config["DATABASE_URL"])
    b = as_user(world.users["admin"])
    monkeypatch.setattr(auth, "check_password", lambda h, p: False)
    texts, json_only = curated(world)
    problems, counts = [], {"requests": 0, "rejected": 0, "accepted": 0, "5xx": 0, "partial": 0, "values": {}}
    started = time.monotonic()
    from flask import url_for

    writes = [(r, m) for r, m in routes(app) if m in WRITE_METHODS and r.endpoint not in SKIP]
    for rule, method in writes[shard::SHARDS]:
        fields = fields_of(app, rule.endpoint)
        if fields is None:
            problems.append(f"{rule.endpoint} declares no fields (@accepts)")
            continue
        target = world.teams["A"]
        values = fill(rule, target)
        with app.test_request_context():
            path = url_for(rule.endpoint, **values)
        base = plausible_body(app, rule.endpoint, target)
        names = sorted(fields) or ["unexpected"]
        state = {"fp": fingerprint(engine), "dump": dump(engine)}

        def send(hostile: dict, mode: str):
            """One request with a hostile value in every declared field (each field is swept
            through the whole list across the rounds, with a different neighbour each time)."""
            body = {**base, **hostile}
            headers = {"X-CSRFToken": b.token}
            if mode == "json":
                raw = json.dumps({k: _json_safe(v) for k, v in body.items()})  # \\ud800 escapes survive
                resp = b.client.open(
                    path,
                    method=method,
                    data=raw,
                    content_type="application/json",
                    headers={**headers, "Accept": "application/json"},
                )
            else:
                if mode == "htmx":
                    headers["HX-Request"] = "true"
                # Bytes as an attacker sends them: lone surrogates as their (invalid) UTF-8 bytes.
                raw = urlencode(
                    {k: ("" if v is None else str(v)).encode("utf-8", "surrogatepass") for k, v in body.items()}
                )
                resp = b.client.open(
                    path, method=method, data=raw, content_type="application/x-www-form-urlencoded", headers=headers
                )
            counts["requests"] += 1
            for field in hostile:
                key = f"{rule.endpoint}.{field}"
                counts["values"][key] = counts["values"].get(key, 0) + 1
            # A fingerprint (one query) around every request; the rows themselves only when it
            # moved: a new baseline after an accepted write, or the rows a rejected one changed.
            after = fingerprint(engine)
            rows = dump(engine) if after != state["fp"] else None
            shown = ", ".join(f"{k}={str(v)[:40]!r}" for k, v in hostile.items())
            if resp.status_code >= 500:
                counts["5xx"] += 1
                problems.append(f"{method} {rule.rule} {shown} ({mode}) → {resp.status_code}")
            elif resp.status_code >= 400:
                counts["rejected"] += 1
                if rows is not None:
                    counts["partial"] += 1
                    changed = diff(state["dump"], rows) or [
                        (t, "(fingerprint)") for t in after if after[t] != state["fp"].get(t)
                    ]
                    problems.append(
                        f"{method} {rule.rule} {shown} ({mode}) → {resp.status_code} but changed {changed[0][0]} {changed[0][1]}"
                    )
            else:
                counts["accepted"] += 1
            if rows is not None:  # what stands now is the baseline of the next request
                state["fp"], state["dump"] = after, rows
            resp.close()

        modes = ("form", "htmx", "json")
        pool = texts + json_only
        for i in range(len(pool)):
            hostile = {f: pool[(i + 7 * j) % len(pool)] for j, f in enumerate(names)}
            mode = modes[i % 3]
            if mode != "json":
                hostile = {f: (v if isinstance(v, str) else json.dumps(v)) for f, v in hostile.items()}
            send(hostile, mode)

        @settings(
            max_examples=max(VALUES_PER_FIELD - len(pool), 0) + 10,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(hostile=st.fixed_dictionaries({f: generated() for f in names}), mode=st.sampled_from(modes))
        def sweep(hostile, mode):
            send(hostile, mode)

        sweep()
    per_field = counts["values"]
    low = {k: n for k, n in per_field.items() if n < VALUES_PER_FIELD}
    print(
        f"\nhostile input [{app.config['DATABASE_URL'].split(':')[0]}, part {shard + 1} of {SHARDS}]: "
        f"{len(per_field)} fields, "
        f"{counts['requests']} requests, {counts['rejected']} rejected, {counts['accepted']} accepted, "
        f"{counts['5xx']} responses 5xx, {counts['partial']} partial writes, {time.monotonic() - started:.0f}s"
    )
    assert not low, f"fields swept with fewer than {VALUES_PER_FIELD} values: {low}"
    assert not problems, "\n".join(problems[:80]) + (f"\n… and {len(problems) - 80} more" if len(problems) > 80 else "")


# --- the security review's probes: each once a 5xx, now a clear 4xx with nothing changed ----------

PERIOD_ARGS = ("period", "quarter", "month", "week", "year")
EDGE_PERIODS = {
    "period": ["9999", "1900", "9999-Q4", "1900-Q1", "9999-12", "1900-01", "1900-W01", "9999-W52"],
    "quarter": ["9999-Q4", "1900-Q1"],
    "month": ["9999-12", "1900-01"],
    "week": ["1900-W01", "9999-W52", "9999-W01"],
    "year": ["9999", "1900"],
}


def test_periods_at_the_edges_of_the_calendar_are_404_on_every_page(app, make, session, as_user):
    from flask import url_for
    from test_security_world import build_world, fill

    world = build_world(make, session)
    b = as_user(world.users["admin"])
    tried, problems = 0, []
    for rule, method in routes(app):
        args = [a for a in rule.arguments if a in PERIOD_ARGS]
        if method != "GET" or not args:
            continue
        for arg in args:
            for edge in EDGE_PERIODS[arg]:
                values = {**fill(rule, world.teams["A"]), arg: edge}
                with app.test_request_context():
                    try:
                        path = url_for(rule.endpoint, **values)
                    except Exception:  # the converter refuses the value (an int year as text)
                        continue
                status = b.get(path).status_code
                tried += 1
                if status != 404:
                    problems.append(f"{path} → {status}")
    assert tried >= 23
    assert not problems, "\n".join(problems)


def _probe_world(make, session, as_user):
    from test_security_world import build_world

    world = build_world(make, session)
    return world, as_user(world.users["admin"])


def _unchanged(engine, before):
    return fingerprint(engine) == before


def test_an_edit_without_description_saves_it_empty(app, make, session, as_user):
    from okr.core import models as m
    from okr.core.db import get_engine

    world, b = _probe_world(make, session, as_user)
    obj = world.teams["A"].objective
    # Every field of the edit form but description (a client that leaves it out).
    body = {"title": "Renamed without a description", "kind": "committed", "goal_id": "", "owner_id": "", "weight": "1"}
    for mode in ("form", "json"):
        session.expire_all()
        body["version"] = str(session.get(m.Objective, obj.id).version)
        resp = (
            b.post(f"/items/objective/{obj.id}", json=body)
            if mode == "json"
            else b.post(f"/items/objective/{obj.id}", data=body)
        )
        assert resp.status_code < 400, (
            mode,
            resp.status_code,
            re.findall(r"field-error[^>]*>([^<]*)", resp.get_data(as_text=True)),
            body,
        )
    session.expire_all()
    row = session.get(m.Objective, obj.id)
    assert row.title == "Renamed without a description" and (row.description or "") == ""
    assert get_engine(app.config["DATABASE_URL"]) is not None


@pytest.mark.parametrize("value", ["", "   ", "\u3000", "\u3000\u3000", " \u3000 "])
def test_a_blank_check_in_value_is_422_and_writes_nothing(app, make, session, as_user, value):
    from okr.core.db import get_engine

    world, b = _probe_world(make, session, as_user)
    kr = world.teams["A"].kr
    engine = get_engine(app.config["DATABASE_URL"])
    before = fingerprint(engine)
    for mode in ("form", "htmx", "json"):
        body = {"value": value, "note": "", "version": str(kr.version)}
        if mode == "json":
            resp = b.post(f"/key-results/{kr.id}/check-ins", json=body)
        else:
            resp = b.post(f"/key-results/{kr.id}/check-ins", data=body, htmx=mode == "htmx")
        assert resp.status_code == 422, (mode, resp.status_code)
    assert _unchanged(engine, before)


def test_json_nested_ten_thousand_deep_is_400(app, make, session, as_user):
    from okr.core.db import get_engine

    world, b = _probe_world(make, session, as_user)
    engine = get_engine(app.config["DATABASE_URL"])
    before = fingerprint(engine)
    deep = "[" * 10_000 + "]" * 10_000
    kr = world.teams["A"].kr
    for path in ("/login", f"/key-results/{kr.id}/check-ins", f"/items/kr/{kr.id}", "/admin/settings"):
        for raw in (deep, '{"title": ' + deep + "}"):
            resp = b.client.post(
                path,
                data=raw,
                content_type="application/json",
                headers={"X-CSRFToken": b.token, "Accept": "application/json"},
            )
            assert resp.status_code == 400, (path, resp.status_code)
            assert resp.is_json and "error" in resp.get_json()
    assert _unchanged(engine, before)


@pytest.mark.parametrize(
    "nxt",
    ["/teams\r\nSet-Cookie: evil=1", "/teams\nLocation: http://evil.example", "/\r\n", "%0d%0a/teams", "/teams\x00"],
)
def test_cr_lf_in_next_is_ignored_and_the_sign_in_completes(app, make, browser, nxt):
    user = make.user(team=make.team())
    browser.refresh_token()
    resp = browser.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": browser.token, "next": nxt},
    )
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert "\r" not in location and "\n" not in location and "evil" not in location
    assert "evil" not in resp.headers.get("Set-Cookie", "")
    assert browser.get("/teams").status_code == 200  # signed in


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "inf", "1e400"])
def test_infinity_in_admin_settings_is_422(app, make, session, as_user, value):
    from okr.core.db import get_engine

    world, b = _probe_world(make, session, as_user)
    engine = get_engine(app.config["DATABASE_URL"])
    before = fingerprint(engine)
    for field in ("raci_max_accountable", "raci_max_responsible"):
        body = {"smart_blocking": "", "raci_max_accountable": "5", "raci_max_responsible": "8", field: value}
        assert b.post("/admin/settings", data=body).status_code == 422
        others = {"smart_blocking": "", "raci_max_accountable": 5, "raci_max_responsible": 8}
        raw = json.dumps({k: v for k, v in others.items() if k != field})[:-1] + f', "{field}": {value}}}'  # bare
        resp = b.client.post(
            "/admin/settings", data=raw, content_type="application/json", headers={"X-CSRFToken": b.token}
        )
        assert resp.status_code in (400, 422), (field, value, resp.status_code)
    assert _unchanged(engine, before)


@pytest.mark.parametrize("field", ["email", "password", "next"])
def test_lone_surrogates_in_a_json_login_are_400(app, make, browser, field):
    user = make.user(team=make.team())
    browser.refresh_token()
    body = {"email": user.email, "password": "correct horse battery", "next": "/teams"}
    raw = json.dumps(body).replace(
        json.dumps(body[field]), '"\\ud800' + body[field][1:] + '"' if field == "next" else '"\\udfff\\ud800"'
    )
    resp = browser.client.post(
        "/login",
        data=raw,
        content_type="application/json",
        headers={"X-CSRFToken": browser.token, "Accept": "application/json"},
    )
    assert resp.status_code == 400, resp.status_code
    assert browser.get("/teams").status_code == 302  # not signed in


def test_two_people_moving_one_task_at_once_get_one_save_and_one_409(app, make, session, as_user):
    import threading

    from okr.core import models as m

    team = make.team(slug="content")
    li, wang = make.user(team=team, role="manager"), make.user(team=team, role="manager")
    tasks = [make.task(team=team, assignee=li, title=f"Task {n}", important=True, urgent=False) for n in range(6)]
    task = tasks[0]
    browsers = {"li": as_user(li), "wang": as_user(wang)}
    rounds, statuses = 8, []
    lock = threading.Lock()
    barrier = threading.Barrier(2)
    quadrants = {}

    def worker(name, version):
        try:
            barrier.wait(timeout=20)
        except threading.BrokenBarrierError:
            pass
        resp = browsers[name].post(
            f"/tasks/{task.id}/move", json={"version": version, "quadrant": quadrants[name], "index": 0}
        )
        with lock:
            statuses[-1].append(resp.status_code)

    for _ in range(rounds):
        session.expire_all()
        row = session.get(m.Task, task.id)
        version = row.version
        # Each moves it out of where it stands now, to a different quadrant: both are real moves.
        here = {(True, True): "do", (True, False): "schedule", (False, True): "delegate", (False, False): "eliminate"}[
            (row.important, row.urgent)
        ]
        quadrants["li"], quadrants["wang"] = [q for q in ("do", "schedule", "delegate", "eliminate") if q != here][:2]
        statuses.append([])
        threads = [threading.Thread(target=worker, args=(n, version)) for n in browsers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert all(sorted(s) == [200, 409] for s in statuses), statuses
