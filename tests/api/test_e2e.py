"""End to end through the HTTP API with real recorded speech: upload -> background
job -> draft -> edits -> factor decisions -> confirm -> the confirmed note; the
audit trail of it all; and no note text in the application log."""

from __future__ import annotations

import logging
import re
import time

import pytest

from models.record import ConfirmedNote
from tests.api.conftest import make_settings
from tests.api.helpers import Client, add_user, live_server
from tests.conftest import AUDIO


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with live_server(make_settings(tmp_path_factory.mktemp("e2e") / "data")) as (url, app):
        add_user(app, "ada", "worker", "north")
        add_user(app, "root", "admin")
        yield url, app


def words(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower())


@pytest.mark.slow
def test_recording_to_confirmed_note(service, caplog):
    caplog.set_level(logging.DEBUG)
    url, app = service
    client = Client(url, "ada")
    original = (AUDIO / "jfk.flac").read_bytes()

    accepted = client.post("/api/recordings", data={"case_reference": "CASE-E2E", "names": "John Kennedy"},
                           files={"audio": ("visit.flac", original, "audio/flac")})
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    seen = set()
    deadline = time.monotonic() + 240
    while (job := client.get(f"/api/jobs/{job_id}").json())["status"] not in ("done", "failed"):
        seen.add((job["status"], job["stage"]))
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["progress"] == 1.0 and job["attempts"] == 1 and job["error"] is None
    assert seen <= {("queued", None), ("running", "transcribing"), ("running", "drafting")}

    listed = client.get("/api/recordings").json()
    assert [(r["case_reference"], r["draft_id"], r["job"]["status"]) for r in listed] == \
        [("CASE-E2E", job["draft_id"], "done")]

    draft_id = job["draft_id"]
    response = client.get(f"/api/drafts/{draft_id}")
    view = response.json()
    spoken = words(view["note"]["transcript"]["text"])
    assert "ask not what your country can do for you" in spoken
    assert view["version"] == 1 and response.headers["etag"] == '"1"' and view["status"] == "draft"
    sections = {s["key"]: s["text"] for s in view["review"]["sections"]}
    assert [s["key"] for s in view["note"]["sections"]] == list(sections)
    empty_required = [k for k in view["required_sections"] if not sections[k].strip()]
    assert empty_required, "a speech that is not a visit note leaves required sections empty"

    refused = client.post(f"/api/drafts/{draft_id}/confirm")
    assert refused.status_code == 422 and any("empty" in r for r in refused.json()["reasons"])

    # The worker fills the sections, records the visit fields and decides the factors:
    # every suggestion accepted or rejected, one code added by hand, one added and taken back.
    filled = {key: f"Written by the worker for {key}." for key in empty_required}
    decisions = [{"code": code, "decision": "rejected"} for code in view["undecided"]]
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": response.headers["etag"]}, json={
        "sections": filled, "visit": {"child_seen": True, "child_seen_alone": False, "bedroom_seen": True},
        "factors": decisions + [{"code": "1B", "decision": "accepted"}, {"code": "2C", "decision": "accepted"}]})
    assert saved.status_code == 200, saved.text
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": saved.headers["etag"]},
                         json={"factors": [{"code": "2C", "decision": "rejected"}]})
    assert saved.status_code == 200 and saved.json()["version"] == 3
    assert saved.json()["confirm_problems"] == [], saved.json()

    middle = client.get(f"/api/recordings/{view['recording_id']}/audio", headers={"Range": "bytes=1000-4999"})
    assert middle.status_code == 206 and middle.content == original[1000:5000]

    confirmed = client.post(f"/api/drafts/{draft_id}/confirm", headers={"If-Match": '"3"'})
    assert confirmed.status_code == 201, confirmed.text
    note = ConfirmedNote.model_validate(confirmed.json())
    assert note.content_sha256 == note.compute_sha256()
    assert note.case_reference == "CASE-E2E" and note.worker == note.confirmed_by == "ada"
    assert [(f.code, f.source) for f in note.factors] == [("1B", "added")]
    assert note.visit.child_seen is True and note.visit.child_seen_alone is False
    kept = {s.key: s.text for s in note.sections}
    assert all(kept[key] == text for key, text in filled.items())
    assert "ask not what your country" in words(" ".join(kept.values()))
    assert client.get(f"/api/notes/{note.id}").json() == confirmed.json()["notes"][0]  # a visit with one child
    assert client.get(f"/api/drafts/{draft_id}").json()["status"] == "confirmed"

    audit = Client(url, "root").get("/api/audit", params={"limit": 1000}).json()
    trail = [(e["actor"], e["action"], e["object_type"]) for e in reversed(audit)]
    for expected in [("ada", "upload", "recording"), ("system", "drafted", "draft"), ("ada", "view", "draft"),
                     ("ada", "edit", "draft"), ("ada", "decision", "draft"), ("ada", "play", "recording"),
                     ("ada", "confirm", "draft"), ("ada", "view", "note")]:
        assert expected in trail, expected
    assert "country" not in str(audit) and "Written by the worker" not in str(audit)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("country", "Written by the worker", "Kennedy"):
        assert secret.lower() not in logged.lower(), f"note text in the log: {secret}"


def test_openapi_docs_are_served(service):
    url, _app = service
    anonymous = Client(url)
    assert anonymous.get("/docs").status_code == 200
    paths = anonymous.get("/openapi.json").json()["paths"]
    for path in ("/api/recordings", "/api/jobs/{job_id}", "/api/drafts/{draft_id}",
                 "/api/drafts/{draft_id}/confirm", "/api/recordings/{recording_id}/audio"):
        assert path in paths
    upload = paths["/api/recordings"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
