"""Plan documents on the plan page and on the command line: download, upload with a dry-run
preview listing every error with its path, confirm (all or nothing), and the round trip."""

from __future__ import annotations

import io
import json

import pytest
from sqlmodel import func, select

from okr.core import models as m


@pytest.fixture
def manager(make):
    team = make.team(slug="content", name="Content")
    return make.user(team=team, role="manager", email="li@example.com", name="Li Na")


def small_doc():
    return {
        "format": "okr-plan/1",
        "goals": [
            {
                "team": "content",
                "year": 2026,
                "title": "Grow the creator community",
                "weight": 1,
                "objectives": [
                    {
                        "quarter": "2026-Q2",
                        "title": "Make creators more active",
                        "kind": "aspirational",
                        "owner": "li@example.com",
                        "weight": 1,
                        "key_results": [
                            {
                                "title": "Daily posts from 1000 to 1300",
                                "kind": "metric",
                                "start": 1000,
                                "target": 1300,
                                "unit": "posts",
                                "weight": 1,
                            }
                        ],
                    }
                ],
            }
        ],
    }


def bad_doc(n=20):
    doc = small_doc()
    krs = doc["goals"][0]["objectives"][0]["key_results"]
    krs.clear()
    for i in range(n):
        krs.append({"title": f"KR {i}", "kind": "metric", "start": 5, "target": 5 if i % 2 else "lots", "weight": 1})
    return doc


def count(session, model):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def upload(b, doc, **extra):
    data = {"document": (io.BytesIO(json.dumps(doc, ensure_ascii=False).encode()), "plan.json"), **extra}
    return b.post("/teams/content/plan/2026-Q2/import", data=data, content_type="multipart/form-data")


def test_dry_run_preview_lists_what_will_be_created_and_saves_nothing(manager, as_user, session):
    b = as_user(manager)
    resp = upload(b, small_doc())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:1000]
    assert "The document is valid" in html and 'name="confirm"' in html
    assert count(session, m.Objective) == 0
    # confirm: the payload travels in the form, then all of it is imported
    payload = json.dumps(small_doc(), ensure_ascii=False)
    resp = b.post("/teams/content/plan/2026-Q2/import", data={"payload": payload, "confirm": "y"})
    assert resp.status_code == 303
    assert count(session, m.Objective) == 1 and count(session, m.KeyResult) == 1


def test_twenty_errors_are_all_reported_with_paths_and_nothing_imported(manager, as_user, session):
    b = as_user(manager)
    doc = bad_doc(20)
    resp = b.post("/teams/content/plan/2026-Q2/import", data={"payload": json.dumps(doc), "confirm": "y"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    for i in range(20):
        assert f"goals[0].objectives[0].key_results[{i}]" in html
    assert "nothing was imported" in html
    assert count(session, m.AnnualGoal) == 0 and count(session, m.KeyResult) == 0


def test_not_json_is_a_message_not_a_500(manager, as_user):
    resp = as_user(manager).post("/teams/content/plan/2026-Q2/import", data={"payload": "{oops"})
    assert resp.status_code == 422 and "This is not JSON" in resp.get_data(as_text=True)


def test_member_cannot_upload(manager, make, as_user):
    member = make.user(team=make.s.get(m.Team, 1), role="member")
    assert as_user(member).get("/teams/content/plan/2026-Q2/import").status_code == 403


def test_download_then_upload_into_an_empty_database_gives_the_same_plan(
    manager, as_user, session, app, make, tmp_path
):
    b = as_user(manager)
    assert (
        b.post(
            "/teams/content/plan/2026-Q2/import", data={"payload": json.dumps(small_doc()), "confirm": "y"}
        ).status_code
        == 303
    )
    resp = b.get("/teams/content/plan/2026/export")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    exported = json.loads(resp.get_data(as_text=True))
    assert exported["format"] == "okr-plan/1"
    titles = json.dumps(exported, ensure_ascii=False)
    assert "Make creators more active" in titles and "Daily posts from 1000 to 1300" in titles
    # empty the database, then import through the CLI
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    from sqlmodel import SQLModel

    for table in reversed(SQLModel.metadata.sorted_tables):
        session.exec(table.delete())
    session.commit()
    other = make.org(slug="empty")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import", str(path), "--dry-run", "--org", "empty"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run" in dry.output
    done = runner.invoke(args=["import", str(path), "--org", "empty"])
    assert done.exit_code == 0, done.output
    session.expire_all()
    teams = session.exec(select(m.Team).where(m.Team.org_id == other.id)).all()
    assert any(t.slug == "content" for t in teams)
    again = runner.invoke(args=["export", "--team", "content", "--year", "2026", "--org", "empty"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["goals"] == exported["goals"]


def test_cli_import_reports_every_error_and_imports_nothing(manager, app, session, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad_doc(20)), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    for i in range(20):
        assert f"goals[0].objectives[0].key_results[{i}]" in result.output
    assert count(session, m.KeyResult) == 0


def test_cli_export_to_a_file(manager, app, tmp_path, as_user):
    b = as_user(manager)
    b.post("/teams/content/plan/2026-Q2/import", data={"payload": json.dumps(small_doc()), "confirm": "y"})
    out = tmp_path / "out.json"
    result = app.test_cli_runner().invoke(args=["export", "--team", "content", "--year", "2026", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "okr-plan/1"


def test_cli_export_into_a_missing_folder_is_one_line_not_a_traceback(manager, app, tmp_path):
    out = tmp_path / "no" / "such" / "folder" / "plan.json"
    result = app.test_cli_runner().invoke(args=["export", "--team", "content", "--year", "2026", "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: cannot write {out}: No such file or directory"]
    assert "Traceback" not in result.output and not out.exists()


def test_cli_export_of_an_unknown_team_is_one_line(manager, app):
    result = app.test_cli_runner().invoke(args=["export", "--team", "nope", "--year", "2026"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: no team 'nope' in this organisation"]
