"""Offline dictation: the review service is down, the recording waits in the outbox;
the service comes up (a real `casenote serve` with a worker and token made by
`casenote users add`), and `--sync` uploads it exactly once, deleting the local copy
only after the 202."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.capture.conftest import RECORDING_STARTED, Dictation, load_states, run_casenote
from tests.servers import CASENOTE, CasenoteServer


class OutboxService(CasenoteServer):
    """The server the outbox uploads to (its address is known, and given to ``dictate``,
    while it is still down) and a look at what it holds."""

    def __init__(self, env: dict[str, str], log: Path, token: str) -> None:
        super().__init__(env, log)
        self.token = token

    def recordings(self) -> list[dict]:
        response = httpx.get(self.url + "/api/recordings", headers={"Authorization": f"Bearer {self.token}"})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def service(tmp_path):
    """A data folder with a worker and their token, and a way to start the server on it."""
    data = tmp_path / "server-data"
    env = {"CASENOTE_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    added = subprocess.run(CASENOTE + ["users", "add", "sam", "--role", "worker", "--token"],
                           input="a-long-test-password-1\n", env=env, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    server = OutboxService(env, tmp_path / "serve.log", added.stdout.strip().splitlines()[-1])
    yield server
    server.stop()


def test_offline_recording_waits_then_sync_uploads_it_exactly_once(pulse, jfk_wav, service, tmp_path):
    capture_dir = tmp_path / "rec"
    env = pulse.env(CASENOTE_CAPTURE_DIR=str(capture_dir), CASENOTE_SERVER_URL=service.url,
                    CASENOTE_SERVER_TOKEN=service.token)

    # 1. Server down: dictate records, cannot upload, keeps the recording in the outbox.
    dictation = Dictation(["--case", "CIN-77", "--names", "Leanne Price"], env, tmp_path / "dictate.log")
    dictation.wait_for(RECORDING_STARTED)
    assert pulse.play(jfk_wav).wait(60) == 0
    dictation.proc.send_signal(signal.SIGINT)
    assert dictation.finish() == 1, dictation.stderr
    assert "the server cannot be reached" in dictation.stderr and "1 recording(s) wait in the outbox" in dictation.stderr
    [state] = load_states(capture_dir)
    audio = Path(state["audio_path"])
    assert state["status"] == "finished" and state["destination"] == "server" and audio.exists()
    kept_copy = tmp_path / "copy.wav"
    shutil.copy(audio, kept_copy)

    # 2. Still down: --sync keeps it.
    offline = run_casenote(["dictate", "--sync"], env)
    assert offline.returncode == 1 and "wait in the outbox" in offline.stderr
    assert audio.exists()

    # 3. Server up, wrong token: refused with one line, nothing deleted.
    service.start()
    refused = run_casenote(["dictate", "--sync", "--token", "cn_not-a-real-token"], env)
    assert refused.returncode == 2, refused.stderr
    assert "the token was not accepted" in refused.stderr.strip().splitlines()[-1]
    assert audio.exists() and service.recordings() == []
    assert load_states(capture_dir)[0]["status"] == "finished", "a 401 means the server holds nothing"

    # 4. Right token: uploaded once, acknowledged, then (only then) deleted here.
    synced = run_casenote(["dictate", "--sync"], env)
    assert synced.returncode == 0, synced.stderr
    [on_server] = service.recordings()
    assert on_server["case_reference"] == "CIN-77" and on_server["original_filename"] == f"{state['id']}.wav"
    assert on_server["size_bytes"] == kept_copy.stat().st_size
    [state] = load_states(capture_dir)
    assert state["status"] == "uploaded" and state["job_id"] == str(on_server["job"]["id"])
    assert f"job {state['job_id']}" in synced.stdout
    assert not audio.exists()

    # 5. Again: nothing left to send.
    again = run_casenote(["dictate", "--sync"], env)
    assert again.returncode == 0 and "the outbox is empty" in again.stderr
    assert len(service.recordings()) == 1

    # 6. A crash after the server stored the upload but before the job id was saved here
    #    leaves the audio and the state "uploading": the retry sends it again with the same
    #    Idempotency-Key, and the server answers with the recording and job it already has.
    shutil.copy(kept_copy, audio)
    crashed = dict(state, status="uploading", job_id=None, uploaded_at=None)
    (capture_dir / f"{state['id']}.recording.json").write_text(json.dumps(crashed))
    retried = run_casenote(["dictate", "--sync"], env)
    assert retried.returncode == 0, retried.stderr
    assert len(service.recordings()) == 1, "not uploaded a second time"
    [state] = load_states(capture_dir)
    assert state["status"] == "uploaded" and state["job_id"] == str(on_server["job"]["id"])
    assert not audio.exists()
