"""Exports through the HTTP API (audited, scoped to who may see the note), the
published JSON Schema, and ``casenote export`` on the command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import docx
import jsonschema
import pypdf
import pytest
import xmlschema
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from api.db.models import AuditEvent
from casenote.cli import app as cli_app
from casenote.service import create_app
from models.settings import Settings, get_settings
from tests.conftest import REPO, SHARED
from tests.exports.service import confirm, seed
from tests.exports.test_formats import has_line
from tests.servers import CASENOTE, service_env

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def service(tmp_path):
    """The app on a fresh SQLite database: amara with two confirmed notes, ben with one."""
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    amara, amara_drafts = seed(settings, 2, "amara")
    ben, ben_drafts = seed(settings, 1, "ben")
    app = create_app(settings, background=False)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {amara}"
        notes = [confirm(client, d) for d in amara_drafts]
        client.headers["Authorization"] = f"Bearer {ben}"
        bens = confirm(client, ben_drafts[0])
        client.headers["Authorization"] = f"Bearer {amara}"
        yield client, app, notes, bens, settings


def audit_exports(app) -> list[AuditEvent]:
    with app.state.ctx.session_factory() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)))


def test_every_format_through_the_api(service, tmp_path):
    client, app, notes, _, _ = service
    note = notes[0]
    choices = client.get("/api/exports").json()
    assert [f["name"] for f in choices["formats"]] == ["text", "docx", "pdf", "json", "csv", "cin-xml"]
    assert {p["name"] for p in choices["presets"]} == {"casenote", "lcs", "mosaic", "eclipse"}

    def get(fmt, **params):
        response = client.get(f"/api/notes/{note['id']}/export", params={"format": fmt, **params})
        assert response.status_code == 200, response.text
        assert response.headers["x-content-sha256"] == note["content_sha256"]
        assert response.headers["content-disposition"].startswith("attachment; filename*=UTF-8''casenote-1-CN-204871.")
        return response

    text = get("text", preset="lcs").text
    assert has_line(text, "Note type", "home visit (HVIS)") and has_line(text, "Seen alone", "Y")
    document = docx.Document(io.BytesIO(get("docx").content))
    assert document.paragraphs[0].text == "Home visit – 12 Mar 2025"
    pdf = pypdf.PdfReader(io.BytesIO(get("pdf").content))
    assert note["content_sha256"] in " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    schema = client.get("/api/schemas/note.json")
    assert schema.status_code == 200 and schema.headers["content-type"] == "application/schema+json"
    jsonschema.validate(get("json").json(), schema.json(), cls=jsonschema.Draft202012Validator)
    assert schema.json()["$id"].endswith("/api/schemas/note.json?preset=casenote")
    mosaic_schema = client.get("/api/schemas/note.json", params={"preset": "mosaic"}).json()
    jsonschema.validate(get("json", preset="mosaic").json(), mosaic_schema)
    rows = list(csv.DictReader(io.StringIO(get("csv", preset="eclipse").text)))
    assert rows[0]["person_id"] == "CN-204871" and rows[0]["was_the_child_seen_alone"] == "Yes"
    xml = get("cin-xml", assessment_start_date="2025-03-01").text
    census = xmlschema.XMLSchema(str(SHARED / "reference" / "CIN_schema_2024.xsd"))
    body = xml.split("?>", 1)[1]
    census.validate("<Message><Children><Child><ChildIdentifiers><LAchildID>CN-204871</LAchildID>"
                    "<GenderCurrent>1</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI"
                    "</Ethnicity></ChildCharacteristics><CINdetails><CINreferralDate>2025-02-01</CINreferralDate>"
                    f"<ReferralSource>1A</ReferralSource>{body}<ReferralNFA>false</ReferralNFA></CINdetails>"
                    "</Child></Children></Message>")
    assert "<AssessmentActualStartDate>2025-03-01<" in xml and "<AssessmentFactors>1B<" in xml

    events = audit_exports(app)
    assert [(e.actor, e.object_id, e.detail["format"]) for e in events] == [
        ("amara", 1, f) for f in ["text", "docx", "pdf", "json", "json", "csv", "cin-xml"]]
    assert events[0].detail["preset"] == "lcs"


def test_bad_export_requests_get_problems_and_are_not_audited(service):
    client, app, notes, bens, _ = service

    def problem(url, params, status):
        response = client.get(url, params=params)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        return response.json()["detail"]

    url = f"/api/notes/{notes[0]['id']}/export"
    assert "choose one of: text, docx" in problem(url, {"format": "rtf"}, 422)
    assert "unknown export preset 'carefirst'" in problem(url, {"format": "csv", "preset": "carefirst"}, 422)
    assert "before its start date" in problem(url, {"format": "cin-xml", "assessment_start_date": "2025-04-01",
                                                   "assessment_authorisation_date": "2025-03-01"}, 422)
    assert "assessment_start_date" in problem(url, {"format": "cin-xml", "assessment_start_date": "soon"}, 422)
    # Another worker's note: the same 404 as a note that does not exist.
    theirs = problem(f"/api/notes/{bens['id']}/export", {"format": "pdf"}, 404)
    assert theirs == problem("/api/notes/999/export", {"format": "pdf"}, 404)
    assert problem(f"/api/notes/{bens['id']}/deliveries", {}, 404) == theirs
    assert client.post(f"/api/notes/{bens['id']}/deliveries/1/retry").status_code == 404
    assert audit_exports(app) == []
    client.headers.pop("Authorization")
    assert client.get(url, params={"format": "text"}).status_code == 401
    assert client.get("/api/schemas/note.json").status_code == 401


def test_casenote_export_command(service, tmp_path, monkeypatch):
    client, app, notes, _, settings = service
    env = service_env(settings.data_dir)

    def run(*args):
        return subprocess.run([*CASENOTE, "export", *args], cwd=REPO, env=env, capture_output=True, timeout=60)

    out = tmp_path / "note.pdf"
    done = run("1", "--format", "pdf", "--preset", "lcs", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Event date 12/03/2025 14:00" in " ".join(pypdf.PdfReader(out).pages[0].extract_text().split())
    table = run("1", "2", "3", "--format", "csv", "--preset", "mosaic")
    assert table.returncode == 0
    rows = list(csv.DictReader(io.StringIO(table.stdout.decode())))
    assert [r["ExternalReference"] for r in rows] == ["1", "2", "3"] and rows[2]["Status"] == "Finished"
    document = json.loads(run("2", "--format", "json").stdout)
    assert document["note_id"] == 2 and document["factor_codes"] == ["1B"]
    cli_events = [e for e in audit_exports(app) if e.detail.get("via") == "cli"]
    assert [(e.object_id, e.detail["format"]) for e in cli_events] == [
        (1, "pdf"), (1, "csv"), (2, "csv"), (3, "csv"), (2, "json")]

    # Bad input: one line on stderr, exit code 2, no traceback (in-process, same command code).
    monkeypatch.setenv("CASENOTE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        for args, message in [
            (["99"], "casenote: error: no confirmed note 99"),
            (["1", "--format", "rtf"], "casenote: error: unknown export format 'rtf'"),
            (["1", "2", "--format", "pdf"], "casenote: error: only csv takes several notes"),
            (["1", "--format", "cin-xml", "--assessment-start", "1 March"], "is not a date (YYYY-MM-DD)"),
            (["1", "--out", str(tmp_path / "missing" / "x.txt")], "casenote: error: cannot write"),
        ]:
            failed = CliRunner().invoke(cli_app, ["export", *args])
            assert failed.exit_code == 2 and message in failed.stderr, failed.stderr
            assert failed.stderr.count("\n") == 1 and failed.exception is None or isinstance(failed.exception, SystemExit)
    finally:
        get_settings.cache_clear()
