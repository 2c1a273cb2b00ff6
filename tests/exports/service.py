"""Test helpers: seed drafts in a real database, run the real ``casenote serve``,
confirm drafts through its HTTP API."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from api.db.migrate import upgrade
from api.db.models import Recording
from api.services.context import build_context
from api.services.drafts import create_draft
from api.services.users import create_user, find_user, issue_token
from models.draft import DraftNote, Evidence, FactorSuggestion, Person, Section, Subject, VisitFields
from models.settings import Settings
from tests.conftest import REPO
from tests.exports.conftest import SECTIONS
from tests.servers import CasenoteServer, service_env, wait_until


def draft_note(index: int) -> DraftNote:
    evidence = Evidence(text="Empty cans were in the recycling bag by the door.", start_char=0, end_char=49)
    return DraftNote(
        sections=[Section(key=k, title=t, text=f"{x} (visit {index})") for k, t, x in SECTIONS],
        visit=VisitFields(child_seen=True, child_seen_alone=index % 2 == 0, bedroom_seen=True,
                          people_present=[Person(name="Kayden Price", role="child"),
                                          Person(name="Zoë Ó Súilleabháin", role="professional")],
                          contact_type="home visit"),
        factor_suggestions=[FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.8,
                                             subject=Subject.parent_carer, evidence=[evidence])],
    )


def seed(settings: Settings, count: int, username: str = "amara") -> tuple[str, list[int]]:
    """A worker with a bearer token and ``count`` drafts waiting for sign-off."""
    ctx = build_context(settings)
    try:
        upgrade(ctx.engine)
        with ctx.session_factory() as db:
            user = find_user(db, username) or create_user(db, username, "a long enough password 1", "worker")
            token = issue_token(db, user, "tests")
            ids = []
            for index in range(count):
                recording = Recording(
                    owner_id=user.id, team=None, case_reference=f"CN-{204871 + index}", names=[],
                    original_filename="visit.wav", content_type="audio/wav", audio_format="wav", size_bytes=0,
                    audio_sha256="0" * 64, audio_file=None, duration_s=60.0,
                    recorded_at=datetime(2025, 3, 12, 15, 5, tzinfo=timezone.utc))
                db.add(recording)
                db.flush()
                ids.append(create_draft(db, recording, draft_note(index), settings).id)
            db.commit()
        return token, ids
    finally:
        ctx.engine.dispose()


def confirm(client: httpx.Client, draft_id: int) -> dict:
    """Accept the suggestion, set the visit date, confirm: the worker's sign-off."""
    edits = {"factors": [{"code": "1B", "decision": "accepted"}], "visit_date": "2025-03-12T14:00:00Z"}
    saved = client.patch(f"/api/drafts/{draft_id}", json=edits, headers={"If-Match": '"1"'})
    assert saved.status_code == 200, saved.text
    confirmed = client.post(f"/api/drafts/{draft_id}/confirm")
    assert confirmed.status_code == 201, confirmed.text
    return confirmed.json()


class Service(CasenoteServer):
    """``casenote serve`` on its own data directory, with these delivery connectors, and
    a client signed in with ``token``."""

    def __init__(self, data_dir: Path, connectors: list[dict], token: str, log: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        env = service_env(data_dir, CASENOTE_DELIVERY_CONNECTORS=json.dumps(connectors),
                          CASENOTE_DELIVERY_POLL_S="0.2", **(extra_env or {}))
        super().__init__(env, log, cwd=REPO, stop_timeout_s=15.0)
        self.token = token

    def client(self, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=timeout)


