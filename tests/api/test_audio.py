"""The audio player's stream: Range requests (206, Content-Range, 416), HEAD, and
deletion after the retention period (410; the confirmed note stays)."""

from __future__ import annotations

from datetime import timedelta

from api.db.types import utcnow
from api.services.background import sweep_expired_audio
from tests.api.helpers import Client, add_user, seed_recording
from tests.conftest import AUDIO


def test_audio_streams_with_range_support(server):
    url, app = server
    worker = add_user(app, "ada")
    original = (AUDIO / "jfk.flac").read_bytes()
    size = len(original)
    recording_id = seed_recording(app, worker, AUDIO / "jfk.flac")["recording_id"]
    client = Client(url, "ada")
    path = f"/api/recordings/{recording_id}/audio"

    whole = client.get(path)
    assert whole.status_code == 200 and whole.content == original
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["content-type"] == "audio/flac"
    assert "no-store" in whole.headers["cache-control"] and whole.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/api/recordings/{recording_id}").headers["cache-control"] == "no-store"

    middle = client.get(path, headers={"Range": "bytes=70000-200000"})
    assert middle.status_code == 206 and middle.content == original[70000:200001]
    assert middle.headers["content-range"] == f"bytes 70000-200000/{size}"
    assert middle.headers["content-length"] == str(200001 - 70000)

    open_ended = client.get(path, headers={"Range": f"bytes={size - 1000}-"})
    assert open_ended.status_code == 206 and open_ended.content == original[-1000:]
    suffix = client.get(path, headers={"Range": "bytes=-500"})
    assert suffix.status_code == 206 and suffix.content == original[-500:]
    beyond = client.get(path, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    head = client.head(path, headers={"Range": "bytes=0-1"})
    assert head.status_code == 206 and head.headers["content-length"] == "2" and head.content == b""


def test_audio_is_deleted_after_retention_and_the_note_stays(server):
    url, app = server
    ctx = app.state.ctx
    worker = add_user(app, "ada")
    ids = seed_recording(app, worker, AUDIO / "jfk.flac")
    unconfirmed = seed_recording(app, worker, AUDIO / "jfk.flac")
    client = Client(url, "ada")
    saved = client.patch(f"/api/drafts/{ids['draft_id']}", headers={"If-Match": '"1"'}, json={
        "sections": {"analysis": "Analysis."},
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "3C", "decision": "rejected"}]})
    assert saved.status_code == 200
    note = client.post(f"/api/drafts/{ids['draft_id']}/confirm").json()
    files_before = ctx.audio.stored_names()

    assert sweep_expired_audio(ctx) == 0  # confirmed today: kept for audio_retention_days
    later = utcnow() + timedelta(days=ctx.settings.audio_retention_days, minutes=1)
    assert sweep_expired_audio(ctx, now=later) == 1
    assert len(files_before - ctx.audio.stored_names()) == 1

    gone = client.get(f"/api/recordings/{ids['recording_id']}/audio")
    assert gone.status_code == 410 and gone.headers["content-type"] == "application/problem+json"
    assert client.get(f"/api/notes/{note['id']}").json()["content_sha256"] == note["content_sha256"]
    # A recording whose note is not confirmed keeps its audio however old it is.
    assert client.get(f"/api/recordings/{unconfirmed['recording_id']}/audio").status_code == 200
    assert client.get(f"/api/recordings/{ids['recording_id']}").json()["audio_available"] is False
