"""Helpers for the service tests: a real uvicorn server on a free loopback port, an
HTTP client that signs in like the review screen does, and seeding through the
service's own functions."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from api.db.models import Job, Recording, User
from api.db.types import utcnow
from api.services.drafts import create_draft
from api.services.users import create_user
from casenote.service import create_app
from models.draft import (DraftNote, Evidence, FactorSuggestion, Section, Sentence, Subject, VisitFields)
from models.settings import Settings
from tests.servers import free_port

PASSWORD = "correct horse battery"


@contextmanager
def live_server(settings: Settings, *, background: bool = True):
    """Yields (base_url, app) for a real server in a thread; stops it afterwards."""
    app = create_app(settings, background=background)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(30)
        assert not thread.is_alive(), "the test server did not stop"
        assert app.state.ctx.background == [], "the service's shutdown failed (see the log)"


class Client(httpx.Client):
    """Signs in with the cookie session and sends the CSRF token like the UI."""

    def __init__(self, base_url: str, username: str | None = None, password: str = PASSWORD, **kw) -> None:
        super().__init__(base_url=base_url, timeout=60, **kw)
        if username:
            response = self.post("/api/auth/login", json={"username": username, "password": password})
            assert response.status_code == 200, response.text
            self.headers["X-CSRF-Token"] = response.json()["csrf_token"]


def add_user(app, username: str, role: str = "worker", team: str | None = None) -> User:
    with app.state.ctx.session_factory() as db:
        user = create_user(db, username, PASSWORD, role, team)
        db.commit()
        return user


def sample_note() -> DraftNote:
    """A drafted note as the drafting stage makes one (test data, for storage tests
    that need a draft without running the speech model)."""
    text = ("I visited Kayden at home with his mother Leanne. Kayden was seen alone in his bedroom. "
            "Leanne said her partner has been drinking heavily again. Kayden said he feels safe at school.")
    sentences = [Sentence(text=s + ".", start_char=text.index(s), end_char=text.index(s) + len(s) + 1,
                          start_s=i * 3.0, end_s=i * 3.0 + 2.5, confidence=0.9)
                 for i, s in enumerate(t.strip() for t in text.split(".") if t.strip())]
    drinking = sentences[2]
    return DraftNote(
        template="default",
        sections=[
            Section(key="purpose", title="Purpose of visit", text="Statutory visit.", sentences=[]),
            Section(key="observations", title="Observations", text=" ".join(s.text for s in sentences[:2]),
                    sentences=sentences[:2]),
            Section(key="parent_views", title="Parents' and carers' views", text=drinking.text,
                    sentences=[drinking]),
            Section(key="child_voice", title="Child's voice: wishes and feelings", text=sentences[3].text,
                    sentences=[sentences[3]]),
            Section(key="analysis", title="Analysis: risks and strengths", text="", sentences=[]),
        ],
        visit=VisitFields(child_seen=True, child_seen_alone=True, bedroom_seen=True, contact_type="home visit"),
        factor_suggestions=[
            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.82,
                             subject=Subject.parent_carer,
                             evidence=[Evidence(text=drinking.text, start_char=drinking.start_char,
                                                end_char=drinking.end_char, start_s=6.0, end_s=8.5)]),
            FactorSuggestion(code="3C", label="Domestic abuse: parent/carer", confidence=0.41,
                             subject=Subject.parent_carer, evidence=[]),
        ],
    )


def seed_recording(app, owner: User, audio: Path, *, with_draft: bool = True, note: DraftNote | None = None,
                   case_reference: str = "CASE-1", child_references: dict[str, str] | None = None) -> dict[str, int]:
    """A stored (encrypted) recording with a finished job and its draft, made through
    the service's own functions. Returns the ids."""
    ctx = app.state.ctx
    writer = ctx.audio.writer()
    writer.write(audio.read_bytes())
    name = writer.commit()
    with ctx.session_factory() as db:
        owner = db.get(User, owner.id)
        recording = Recording(owner_id=owner.id, team=owner.team, case_reference=case_reference, names=[],
                              child_references=child_references or {},
                              original_filename=audio.name, content_type="audio/flac", audio_format="flac",
                              size_bytes=writer.size, audio_sha256=writer.sha256.hexdigest(), audio_file=name,
                              duration_s=11.0, recorded_at=utcnow(), created_at=utcnow())
        db.add(recording)
        db.flush()
        job = Job(recording_id=recording.id, status="done" if with_draft else "failed", progress=1.0,
                  attempts=1, error_code=None if with_draft else "no_speech",
                  error=None if with_draft else "no speech")
        db.add(job)
        db.flush()
        ids = {"recording_id": recording.id, "job_id": job.id}
        if with_draft:
            ids["draft_id"] = create_draft(db, recording, note or sample_note(), ctx.settings).id
        db.commit()
    return ids


def wait_for_job(client: httpx.Client, job_id: int, timeout: float = 240.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s: {job}")
