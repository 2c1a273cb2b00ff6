"""Inputs that cannot exhaust the server, and text that any export can carry, through
the real service on SQLite and PostgreSQL: texts cleaned on save; a lone surrogate,
a control character in a case reference, an over-long section, an oversized body,
too many or too long form fields each get a clear 4xx; upload checks beyond the
concurrency limit get 503; a note signed with awkward text (before cleaning existed)
still exports in every format."""

from __future__ import annotations

import json

from sqlalchemy import text

from api.exports.registry import FORMATS
from tests.api.helpers import Client, add_user, seed_recording
from tests.conftest import AUDIO

JFK = (AUDIO / "jfk.flac").read_bytes()


def _patch(client: Client, draft_id: int, body: bytes):
    version = client.get(f"/api/drafts/{draft_id}").json()["version"]
    return client.patch(f"/api/drafts/{draft_id}", content=body,
                        headers={"If-Match": f'"{version}"', "Content-Type": "application/json"})


def test_texts_are_cleaned_on_save_and_broken_text_is_refused(server):
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    draft_id = seed_recording(app, ada, AUDIO / "jfk.flac")["draft_id"]
    client = Client(url, "ada")
    pasted = {"sections": {"analysis": "Word line\u000bbreak,\u0000 nul,\u001b[1m escape\r\nend\u2028sep"},
              "visit": {"people_present": [{"name": "Leanne\u000bPrice\u0000", "role": "mother\u001b"}]}}
    saved = _patch(client, draft_id, json.dumps(pasted).encode())
    assert saved.status_code == 200, saved.text
    review = client.get(f"/api/drafts/{draft_id}").json()["review"]
    analysis = next(s["text"] for s in review["sections"] if s["key"] == "analysis")
    assert analysis == "Word line\nbreak, nul,[1m escape\nend\nsep"
    assert review["visit"]["people_present"] == [{"name": "Leanne\nPrice", "role": "mother"}]

    broken = _patch(client, draft_id, b'{"sections": {"analysis": "half \\ud800 a character"}}')
    assert broken.status_code == 422 and broken.headers["content-type"] == "application/problem+json"
    assert broken.json()["type"] == "/problems/invalid-text" and "U+D800" in broken.json()["detail"]
    fine = _patch(client, draft_id, b'{"sections": {"analysis": "an emoji \\ud83d\\ude00 and a \\\\ud800 typed"}}')
    assert fine.status_code == 200, fine.text
    versions = len(client.get(f"/api/drafts/{draft_id}/versions").json())

    limit = app.state.ctx.settings.max_section_chars
    long = _patch(client, draft_id, json.dumps({"sections": {"analysis": "x" * (limit + 1)}}).encode())
    assert long.status_code == 422 and long.json()["type"] == "/problems/text-too-long"
    assert "CASENOTE_MAX_SECTION_CHARS" in long.json()["detail"]
    huge = _patch(client, draft_id, json.dumps({"sections": {"analysis": "x" * 10_000_000}}).encode())
    assert huge.status_code == 413 and huge.json()["type"] == "/problems/request-too-large"
    assert len(client.get(f"/api/drafts/{draft_id}/versions").json()) == versions  # nothing saved


def test_upload_form_limits_and_case_reference_characters(server):
    url, app = server
    add_user(app, "ada", "worker", "north")
    client = Client(url, "ada")
    audio = {"audio": ("jfk.flac", JFK, "audio/flac")}
    bad_ref = client.post("/api/recordings", data={"case_reference": "CIN\u000b0042"}, files=audio)
    assert bad_ref.status_code == 422 and bad_ref.json()["type"] == "/problems/invalid-text"
    assert "U+000B (vertical tab)" in bad_ref.json()["detail"]

    junk = {f"junk{i}": "x" * 100 for i in range(5000)}
    many = client.post("/api/recordings", data={"case_reference": "CIN-1", **junk}, files=audio)
    assert many.status_code == 413 and many.json()["type"] == "/problems/form-too-large"
    assert "CASENOTE_MAX_FORM_FIELDS" in many.json()["detail"]
    long = client.post("/api/recordings", data={"case_reference": "CIN-1", "names": "y" * 100_000}, files=audio)
    assert long.status_code == 413 and "CASENOTE_MAX_FORM_FIELD_BYTES" in long.json()["detail"]
    assert client.get("/api/recordings").json() == []  # nothing stored
    assert app.state.ctx.audio.stored_names() == set()  # no audio left behind (files, or database rows)

    # Every check slot taken (here: held by the test) -> 503 with Retry-After, nothing stored.
    slots = app.state.ctx.upload_checks
    held = []
    while slots.acquire(blocking=False):
        held.append(1)
    try:
        app.state.ctx.settings.upload_check_wait_s = 0.5
        busy = client.post("/api/recordings", data={"case_reference": "CIN-1"}, files=audio)
    finally:
        for _ in held:
            slots.release()
    assert busy.status_code == 503 and busy.json()["type"] == "/problems/server-busy"
    assert busy.headers["Retry-After"] == "60"
    assert client.post("/api/recordings", data={"case_reference": "CIN-1"}, files=audio).status_code == 202


def test_a_note_signed_with_awkward_text_exports_in_every_format(server):
    """A signed note as an older casenote stored it (control characters and a lone
    surrogate in its text, escaped in the stored JSON): readable and exportable."""
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    ids = seed_recording(app, ada, AUDIO / "jfk.flac")
    client = Client(url, "ada")
    assert client.patch(f"/api/drafts/{ids['draft_id']}", headers={"If-Match": '"1"'}, json={
        "sections": {"analysis": "Some analysis."},
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "3C", "decision": "rejected"}]}).status_code == 200
    signed = client.post(f"/api/drafts/{ids['draft_id']}/confirm").json()
    content = {k: v for k, v in signed.items() if k not in ("id", "content_sha256")}
    content["sections"][0]["text"] = "Shift+Enter\u000bfrom Word,\u0000 NUL,\u001b[0m ESC, half \ud800 end"
    content["case_reference"] = "CASE\u000b-1"
    stored = json.dumps(content, sort_keys=True, separators=(",", ":"))  # ASCII: the surrogate stays escaped
    second = seed_recording(app, ada, AUDIO / "jfk.flac")
    with app.state.ctx.session_factory() as db:
        note_id = db.execute(text(
            "INSERT INTO confirmed_notes (draft_id, content_json, content_sha256, owner_id, team, confirmed_by_id, "
            "confirmed_at) VALUES (:d, :c, :h, :u, 'north', :u, CURRENT_TIMESTAMP) RETURNING id"),
            {"d": second["draft_id"], "c": stored, "h": "f" * 64, "u": ada.id}).scalar_one()
        db.commit()
    shown = client.get(f"/api/notes/{note_id}")
    assert shown.status_code == 200 and "\ufffd" in shown.json()["sections"][0]["text"]
    for fmt in FORMATS:
        response = client.get(f"/api/notes/{note_id}/export", params={"format": fmt})
        assert response.status_code == 200, (fmt, response.text)
        assert response.content
    plain = client.get(f"/api/notes/{note_id}/export", params={"format": "text"}).text
    assert "Shift+Enter\nfrom Word, NUL,[0m ESC, half \ufffd end" in plain
