"""Idempotent uploads on SQLite and PostgreSQL: a repeat with the same Idempotency-Key
returns the first recording and job (200, nothing new stored, its audio deleted);
racing repeats make exactly one row (the UNIQUE constraint decides); keys are per
owner; a key reused for other audio, or too long, is a 422 problem."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from api.db.models import AuditEvent, Job, Recording, User
from api.services.audio_check import AudioInfo
from api.services.recordings import RecordingForm, store_recording
from api.services.upload import ReceivedUpload
from api.services.users import issue_token
from tests.api.helpers import Client, add_user
from tests.conftest import AUDIO

FLAC = AUDIO / "jfk.flac"


def upload(client: httpx.Client, key: str | None, data: bytes | None = None, case: str = "CASE-7"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/recordings", data={"case_reference": case}, headers=headers,
                       files={"audio": ("visit.flac", data or FLAC.read_bytes(), "audio/flac")})


def stored_files(app) -> set[str]:
    return app.state.ctx.audio.stored_names()


def rows_with_key(app, key: str) -> list[tuple[int, int]]:
    with app.state.ctx.session_factory() as db:
        return list(db.execute(select(Recording.id, Recording.owner_id).where(Recording.idempotency_key == key)))


def assert_problem(response, status: int, type_: str, needle: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"] == f"/problems/{type_}", body
    assert needle in body["detail"], body["detail"]


def test_a_repeat_returns_the_first_recording_and_stores_nothing(server):
    url, app = server
    ada, bob = add_user(app, "ada"), add_user(app, "bob")
    client, other = Client(url, "ada"), Client(url, "bob")
    key = "casenote-recording-20251124-101500-1a2b3c4d"

    first = upload(client, key)
    assert first.status_code == 202, first.text
    files = stored_files(app)
    again = upload(client, key)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()  # same body shape, same ids
    assert again.headers["location"] == first.headers["location"] == first.json()["job_url"]
    assert again.headers["idempotent-replayed"] == "true"
    assert stored_files(app) == files, "the repeat's audio was not deleted"
    assert rows_with_key(app, key) == [(first.json()["recording_id"], ada.id)]
    with app.state.ctx.session_factory() as db:
        assert db.scalar(select(func.count(Job.id)).where(Job.recording_id == first.json()["recording_id"])) == 1
        repeats = db.scalars(select(AuditEvent).where(AuditEvent.action == "upload_repeat")).all()
        assert [(e.actor, e.object_id) for e in repeats] == [("ada", first.json()["recording_id"])]

    # The key is the owner's: another worker's upload with the same key is their own recording.
    theirs = upload(other, key)
    assert theirs.status_code == 202 and theirs.json()["recording_id"] != first.json()["recording_id"]
    assert sorted(owner for _id, owner in rows_with_key(app, key)) == [ada.id, bob.id]

    # Without a key every upload is a new recording (NULL keys do not collide).
    assert [upload(client, None).status_code for _ in range(2)] == [202, 202]

    # The same key with other audio or another case is a mistake, not a retry: nothing changes.
    files = stored_files(app)
    other_audio = (AUDIO / "librivox" / "sense_and_sensibility_01_austen_64kb-0870.flac").read_bytes()
    assert_problem(upload(client, key, other_audio), 422, "idempotency-key-reused", "already used")
    assert_problem(upload(client, key, case="CASE-8"), 422, "idempotency-key-reused", "already used")
    assert stored_files(app) == files
    assert len(rows_with_key(app, key)) == 2


def test_keys_longer_than_128_characters_are_refused(server):
    url, app = server
    add_user(app, "ada")
    client = Client(url, "ada")
    files = stored_files(app)
    for bad, why in [("k" * 129, "at most 128"), ("with space", "pattern"), ("", "at least 1")]:
        response = upload(client, bad)
        assert_problem(response, 422, "invalid-request", "Idempotency-Key")
        assert why in response.text, response.text
    assert stored_files(app) == files
    assert upload(client, "k" * 128).status_code == 202


def test_racing_uploads_with_one_key_make_exactly_one_recording(server):
    url, app = server
    worker = add_user(app, "ada")
    with app.state.ctx.session_factory() as db:
        token = issue_token(db, db.get(User, worker.id))
        db.commit()
    data, key, racers = FLAC.read_bytes(), "casenote-recording-race", 8
    files = stored_files(app)
    start = threading.Barrier(racers)

    def race(_n: int) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
            start.wait()
            return upload(client, key, data)

    with ThreadPoolExecutor(racers) as pool:
        responses = list(pool.map(race, range(racers)))
    assert sorted(r.status_code for r in responses) == [200] * (racers - 1) + [202], \
        [(r.status_code, r.text[:200]) for r in responses]
    assert len({(r.json()["recording_id"], r.json()["job_id"]) for r in responses}) == 1
    [(recording_id, _owner)] = rows_with_key(app, key)
    assert responses[0].json()["recording_id"] == recording_id
    assert len(stored_files(app) - files) == 1, "only the winner's audio is kept"
    assert not any(name.endswith(".part") for name in stored_files(app))


def test_the_unique_constraint_decides_when_the_lookup_missed(server):
    """The path a racing request takes: its INSERT loses to the constraint, and the
    winner's ids come back. Driven here without the route's early lookup, so it runs
    on every database whatever the timing."""
    _url, app = server
    ctx = app.state.ctx
    worker = add_user(app, "ada")
    form = RecordingForm(case_reference="CASE-7")
    info = AudioInfo(format_name="flac", codec="flac", media_type="audio/flac", duration_s=11.0)

    def received() -> ReceivedUpload:
        writer = ctx.audio.writer()
        writer.write(FLAC.read_bytes())
        name = writer.commit()
        return ReceivedUpload(audio_file=name, filename="visit.flac", size=writer.size,
                              sha256=writer.sha256.hexdigest())

    with ctx.session_factory() as db:
        user = db.get(User, worker.id)
        first, created = store_recording(db, user, received(), info, form, "key-1")
        assert created
        second, created = store_recording(db, user, received(), info, form, "key-1")
        assert not created and second == first
        assert db.scalar(select(func.count(Recording.id))) == 1
        # The constraint itself, below the service: a second row with the key is refused.
        row = db.get(Recording, first.recording_id)
        copy = {c.key: getattr(row, c.key) for c in Recording.__table__.columns if c.key != "id"}
        db.add(Recording(**copy))
        with pytest.raises(IntegrityError):
            db.flush()
        db.rollback()
