"""HTTP delivery through the real service to a real (loopback) case-system server
that fails, times out, drops connections and answers 500s on the first attempts."""

from __future__ import annotations

import io

import jsonschema
import pypdf
import pytest

from models.settings import Settings
from tests.exports.case_system import CaseSystem
from tests.exports.service import Service, confirm, seed
from tests.servers import wait_until

pytestmark = pytest.mark.timeout(180)

SECRET = "case-system-secret"
FAST_RETRIES = {"timeout_s": 1.0, "backoff_initial_s": 0.2, "backoff_max_s": 1.0, "max_attempts": 5}


def statuses(client, note_id: int) -> dict[str, dict]:
    response = client.get(f"/api/notes/{note_id}/deliveries")
    assert response.status_code == 200, response.text
    return {d["connector"]: d for d in response.json()}


def settled(client, note_ids, connector):
    rows = [statuses(client, n)[connector] for n in note_ids]
    return rows if all(r["status"] != "pending" for r in rows) else None


def test_each_note_is_received_exactly_once_after_retries(tmp_path):
    with CaseSystem(SECRET, hang_s=2.5) as lcs, CaseSystem(SECRET) as archive:
        token, drafts = seed(Settings(data_dir=tmp_path / "data", _env_file=None), 5)
        lcs.plans = {
            1: ["500", "hang", "503"],  # two errors and a timeout, then stored
            2: ["slow-ok"],  # stored, but the reply comes too late: the retry must not store it again
            3: ["reset", "500"],  # connection closed without a reply, then an error
            4: ["500"] * 20,  # fails every time: marked failed after max_attempts
        }
        connectors = [
            {"kind": "http", "name": "lcs-json", "url": lcs.url, "preset": "lcs",
             "auth_value_env": "CASENOTE_TEST_CASE_TOKEN", **FAST_RETRIES},
            {"kind": "http", "name": "archive", "url": archive.url, "body": "multipart", "document_format": "pdf",
             "auth_value_env": "CASENOTE_TEST_CASE_TOKEN", **FAST_RETRIES},
            {"kind": "http", "name": "wrong-token", "url": archive.url,
             "auth_value_env": "CASENOTE_TEST_WRONG_TOKEN", **FAST_RETRIES},
        ]
        env = {"CASENOTE_TEST_CASE_TOKEN": f"Bearer {SECRET}", "CASENOTE_TEST_WRONG_TOKEN": "Bearer nope"}
        service = Service(tmp_path / "data", connectors, token, tmp_path / "serve.log", env).start()
        try:
            with service.client() as client:
                notes = [confirm(client, d) for d in drafts]
                ids = [n["id"] for n in notes]
                assert ids == [1, 2, 3, 4, 5]

                first = wait_until(lambda: settled(client, ids, "lcs-json"), 60, what="lcs-json attempts")
                by_id = {r["note_id"]: r for r in first}
                assert {n: by_id[n]["status"] for n in ids} == {1: "delivered", 2: "delivered", 3: "delivered",
                                                               4: "failed", 5: "delivered"}
                failed = by_id[4]
                assert failed["attempts"] == 5 and failed["can_retry"] is True
                assert failed["last_error"] == "HTTP 500 Internal Server Error"

                # A person asks for a retry once the case system works again.
                lcs.plans[4] = []
                retried = client.post(f"/api/notes/4/deliveries/{failed['id']}/retry")
                assert retried.status_code == 200, retried.text
                assert retried.json()["status"] == "pending" and retried.json()["attempts"] == 0
                wait_until(lambda: statuses(client, 4)["lcs-json"]["status"] == "delivered", 20, what="retry")
                again = client.post(f"/api/notes/4/deliveries/{failed['id']}/retry")
                assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"

                wait_until(lambda: settled(client, ids, "archive"), 30, what="archive deliveries")
                wrong = wait_until(lambda: settled(client, ids, "wrong-token"), 30, what="wrong-token deliveries")
                schema = client.get("/api/schemas/note.json", params={"preset": "lcs"}).json()
        finally:
            service.stop()

        # Exactly once per note, by idempotency key, whatever happened on the way.
        assert lcs.note_ids() == ids
        assert set(lcs.store_count.values()) == {1}
        attempts = lcs.by_note(lcs.attempts)
        assert attempts == {1: 4, 2: 2, 3: 3, 4: 6, 5: 1}
        assert lcs.by_note(lcs.repeats_after_stored) == {2: 1}  # the late reply's retry, answered as duplicate
        for key, record in lcs.stored.items():
            document = record["document"]
            jsonschema.validate(document, schema)
            note = notes[lcs.note_id(key) - 1]
            assert document["PersonID"] == note["case_reference"]
            assert document["ContentHash"] == note["content_sha256"]
            assert document["NoteType"] == "HVIS" and document["EventDate"] == "2025-03-12T14:00:00Z"

        # Multipart: the JSON document plus the signed PDF.
        assert archive.note_ids() == ids and set(archive.store_count.values()) == {1}
        for key, record in archive.stored.items():
            assert record["attachment_type"] == "application/pdf"
            text = pypdf.PdfReader(io.BytesIO(record["attachment"])).pages[0].extract_text()
            assert record["document"]["case_reference"] in text
            assert record["attachment_name"].endswith(".pdf")

        # A refused credential is not retried blindly: failed at once, shown for a person to fix.
        assert [r["status"] for r in wrong] == ["failed"] * 5
        assert all(r["attempts"] == 1 and r["last_error"] == "HTTP 401 Unauthorized" for r in wrong)
        assert archive.unauthorised == 5
        assert SECRET not in (tmp_path / "serve.log").read_text()
