"""A plan document uploaded on a page has a size limit (bytes and items) that refuses a larger one
at once with a clear message; a document at the limit imports in seconds; ``okr import`` (the
operator's command) has no limit."""

from __future__ import annotations

import io
import json
import time

import pytest
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from okr.core import models as m
from okr.plandoc.schema import count_items


@pytest.fixture
def org(make):
    company = make.team(slug="company", name="Company", kind="company")
    org = make.s.get(m.Organisation, company.org_id)
    content = make.team(org=org, parent=company, slug="content", name="Content")
    li = make.user(team=content, role="manager", email="li@example.com", name="Li")
    wang = make.user(team=content, role="member", email="wang@example.com", name="Wang")
    admin = make.user(org=org, role=None, email="admin@example.com", name="Ada", is_admin=True)
    return {"org": org, "content": content, "li": li, "wang": wang, "admin": admin}


def tasks_doc(n: int) -> dict:
    weeks = ("2026-W14", "2026-W15", "2026-W16", "2026-W17")
    return {
        "format": "okr-plan/1",
        "tasks": [
            {"team": "content", "week": weeks[i % 4], "title": f"Task {i}", "assignee": "wang@example.com"}
            for i in range(n)
        ],
    }


def big_plan(items: int) -> dict:
    """A plan of exactly ``items`` objects for the existing team and people: a goal with ten
    objectives of five key results (each with letters, two check-ins and a project with letters)
    and, for the rest, tasks of those projects."""
    projects = []
    objectives = []
    for o in range(10):
        krs = []
        for k in range(5):
            project = {
                "month": "2026-04",
                "title": f"Project {o}.{k}",
                "raci": {"A": "li@example.com", "R": ["wang@example.com"]},
                "tasks": [],
            }
            projects.append(project)
            krs.append(
                {
                    "title": f"Key result {o}.{k}",
                    "start": 0,
                    "target": 100,
                    "unit": "%",
                    "raci": {"A": "li@example.com", "R": ["wang@example.com"]},
                    "check_ins": [{"date": "2026-04-10", "value": 10}, {"date": "2026-04-20", "value": 20}],
                    "projects": [project],
                }
            )
        objectives.append({"quarter": "2026-Q2", "title": f"Objective {o}", "key_results": krs})
    doc = {
        "format": "okr-plan/1",
        "goals": [{"team": "content", "year": 2026, "title": "Grow", "objectives": objectives}],
    }
    fixed = count_items(json.dumps(doc))
    weeks = ("2026-W14", "2026-W15", "2026-W16", "2026-W17")
    for i in range(items - fixed):
        projects[i % len(projects)]["tasks"].append(
            {
                "week": weeks[i % 4],
                "title": f"Task {i}",
                "assignee": "wang@example.com",
                "status": "done" if i % 3 else "todo",
            }
        )
    assert count_items(json.dumps(doc)) == items
    return doc


def upload(b, body: bytes):
    """A browser's upload of a file, encoded here in memory (the test client would spool a
    large body to a temporary file that outlives a refused request)."""
    boundary, data = encode_multipart({"document": FileStorage(io.BytesIO(body), "plan.json")})
    return b.post(
        "/teams/content/plan/2026-Q2/import", data=data, content_type=f"multipart/form-data; boundary={boundary}"
    )


def count(session, model):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_counting_items_skips_braces_in_text_and_stops_past_the_limit():
    assert count_items('{"a": "{{ \\" {", "b": [{}, {"c": {}}]}') == 4
    text = json.dumps(tasks_doc(1000))
    assert count_items(text) == 1001 and count_items(text, stop_after=10) == 11


def test_an_upload_of_100000_tasks_is_refused_at_once_and_nothing_is_imported(org, as_user, session):
    body = json.dumps(tasks_doc(100_000)).encode()
    assert len(body) > 4 * 1024 * 1024
    b = as_user(org["li"])
    started = time.perf_counter()
    resp = upload(b, body)
    elapsed = time.perf_counter() - started
    assert resp.status_code == 413
    text = resp.get_data(as_text=True)
    assert "too large to upload here" in text and "4 MB and 10,000 items" in text and "okr import" in text
    assert elapsed < 1.0
    assert count(session, m.Task) == 0


def test_a_compact_document_over_the_item_limit_is_refused_before_it_is_parsed(org, as_user, session, app):
    # 100,000 one-line tasks fit in under 4 MB: the count of items refuses them, not the bytes.
    doc = {"format": "okr-plan/1", "tasks": [{"week": "2026-W16", "title": "t"} for _ in range(100_000)]}
    body = json.dumps(doc, separators=(",", ":")).encode()
    assert len(body) < 4 * 1024 * 1024
    b = as_user(org["li"])
    started = time.perf_counter()
    resp = upload(b, body)
    assert resp.status_code == 413 and time.perf_counter() - started < 1.0
    assert "10,000 items" in resp.get_data(as_text=True)
    # the same limit for a pasted document sent as JSON, with the field named
    app.config["PLAN_UPLOAD_MAX_ITEMS"] = 50
    resp = b.post("/teams/content/plan/2026-Q2/import", json={"payload": json.dumps(tasks_doc(50)), "confirm": True})
    assert resp.status_code == 413
    body = resp.get_json()
    assert "50 items" in body["error"] and body["fields"]["document"] == [body["error"]]
    assert count(session, m.Task) == 0
    resp = b.post("/teams/content/plan/2026-Q2/import", json={"payload": json.dumps(tasks_doc(49)), "confirm": True})
    assert resp.status_code == 200 and count(session, m.Task) == 49


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(org, as_user, app):
    app.config["PLAN_UPLOAD_MAX_BYTES"] = 1024
    b = as_user(org["li"])
    resp = upload(b, json.dumps(tasks_doc(2000)).encode())
    assert resp.status_code == 413
    assert "the limit is 1 KB and 10,000 items" in resp.get_data(as_text=True)


def test_10000_items_import_in_under_5_seconds(org, as_user, session):
    doc = big_plan(10_000)
    tasks = sum(
        len(p["tasks"]) for o in doc["goals"][0]["objectives"] for kr in o["key_results"] for p in kr["projects"]
    )
    assert tasks == 10_000 - 312
    b = as_user(org["admin"])
    payload = json.dumps(doc)
    started, cpu = time.perf_counter(), time.process_time()
    resp = b.post("/teams/content/plan/2026-Q2/import", data={"payload": payload, "confirm": "y"})
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    assert count(session, m.Task) == tasks and count(session, m.KeyResult) == 50
    # every task is audited like one made on a page
    events = session.exec(select(func.count()).select_from(m.AuditEvent).where(m.AuditEvent.item_type == "task")).one()
    assert events == tasks
    # The request's own work: this machine may be shared, so the wall time is printed and the
    # processor time the request took is what is held to the limit.
    print(f"10,000 items: {wall:.2f} s wall, {used:.2f} s processor")
    assert used < 5.0


def test_the_command_line_has_no_limit(org, app, session, tmp_path):
    app.config["PLAN_UPLOAD_MAX_ITEMS"] = 50
    app.config["PLAN_UPLOAD_MAX_BYTES"] = 1024
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(tasks_doc(300)), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert count(session, m.Task) == 300


def test_a_body_sent_without_a_length_is_cut_off_with_413_past_the_limit(org, as_user, app, session):
    app.config["PLAN_UPLOAD_MAX_BYTES"] = 1024
    b = as_user(org["li"])
    boundary, data = encode_multipart(
        {"document": FileStorage(io.BytesIO(json.dumps(tasks_doc(3000)).encode()), "plan.json")}
    )

    def send():
        return b.client.post(
            "/teams/content/plan/2026-Q2/import",
            input_stream=io.BytesIO(data),
            content_type=f"multipart/form-data; boundary={boundary}",
            headers={"X-CSRFToken": b.token, "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
        )

    resp = send()
    assert resp.status_code == 413 and "the limit is 1 KB" in resp.get_data(as_text=True)
    assert count(session, m.Task) == 0
    app.config["PLAN_UPLOAD_MAX_BYTES"] = 1024 * 1024  # the same body under the limit is read
    assert send().status_code == 200
