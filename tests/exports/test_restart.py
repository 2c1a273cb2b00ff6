"""The outbox survives a crash: notes confirmed before ``casenote serve`` is killed
(SIGKILL) are delivered after it starts again, each exactly once."""

from __future__ import annotations

import hashlib
import json

import pytest

from api.delivery.drop_folder import MANIFEST
from models.settings import Settings
from tests.exports.case_system import CaseSystem
from tests.exports.service import Service, confirm, seed
from tests.servers import wait_until

pytestmark = pytest.mark.timeout(180)

SECRET = "restart-secret"


def test_notes_confirmed_before_a_kill_are_delivered_after_restart(tmp_path):
    drop = tmp_path / "share" / "imports"  # not there yet: the share is not mounted
    with CaseSystem(SECRET, hang_s=30.0) as case_system:
        token, drafts = seed(Settings(data_dir=tmp_path / "data", _env_file=None), 3)
        connectors = [
            {"kind": "http", "name": "case-system", "url": case_system.url, "auth_value_env": "CASENOTE_TEST_TOKEN",
             "timeout_s": 20.0, "backoff_initial_s": 0.2, "backoff_max_s": 1.0, "max_attempts": 100},
            {"kind": "drop_folder", "name": "share", "path": str(drop), "formats": ["json", "pdf"],
             "backoff_initial_s": 0.2, "backoff_max_s": 1.0, "max_attempts": 100},
        ]
        env = {"CASENOTE_TEST_TOKEN": f"Bearer {SECRET}"}
        case_system.plans = {1: ["503"] * 1000, 2: ["503"] * 1000, 3: ["slow-ok"]}
        first = Service(tmp_path / "data", connectors, token, tmp_path / "serve-1.log", env).start()
        try:
            with first.client() as client:
                notes = [confirm(client, d) for d in drafts]
                # Confirmed and queued, not delivered: the case system answers 503, the share is missing.
                for note in notes[:2]:
                    wait_until(lambda: all(d["attempts"] >= 1 for d in
                                         client.get(f"/api/notes/{note['id']}/deliveries").json()),
                             30, what="first attempts")
                    rows = client.get(f"/api/notes/{note['id']}/deliveries").json()
                    assert {d["status"] for d in rows} == {"pending"}
                    assert {d["last_error"] for d in rows} == {"HTTP 503 Service Unavailable",
                                                               f"drop folder {drop} not found"}
            # Note 3 is stored by the case system, whose reply is slow: kill casenote mid-attempt.
            wait_until(lambda: case_system.note_ids() == [3], 30, what="note 3 reaching the case system")
        finally:
            first.kill()
        assert first.process.returncode == -9

        case_system.plans = {}
        drop.mkdir(parents=True)
        second = Service(tmp_path / "data", connectors, token, tmp_path / "serve-2.log", env)
        second.port = first.port
        second.start()
        try:
            with second.client() as client:
                def all_delivered():
                    rows = [d for n in notes for d in client.get(f"/api/notes/{n['id']}/deliveries").json()]
                    return rows if all(d["status"] == "delivered" for d in rows) else None

                rows = wait_until(all_delivered, 60, what="deliveries after restart")
                assert len(rows) == 6
        finally:
            second.stop()

    assert case_system.note_ids() == [1, 2, 3]
    assert set(case_system.store_count.values()) == {1}
    # Note 3's attempt was cut off by the kill; the retry after restart was recognised by its key.
    assert case_system.by_note(case_system.repeats_after_stored) == {3: 1}

    manifest = [json.loads(line) for line in (drop / MANIFEST).read_text().splitlines()]
    assert sorted(e["note_id"] for e in manifest) == [1, 2, 3]
    for entry in manifest:
        for file in entry["files"]:
            assert hashlib.sha256((drop / file["name"]).read_bytes()).hexdigest() == file["sha256"]
