"""The real ``casenote serve`` process: first-run admin, accounts made with
``casenote users add``, and recovery from SIGKILL during a transcription (the job
runs again after restart and completes; the audio decrypts to the same bytes)."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

from tests.api.helpers import wait_for_job
from tests.conftest import AUDIO
from tests.servers import CASENOTE, CasenoteServer, service_env


def casenote(env: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([*CASENOTE, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path) -> dict:
    return service_env(tmp_path / "data")


def long_recording(path: Path, seconds: float = 75.0) -> Path:
    """Real speech long enough to be mid-transcription when killed: LJ Speech clips end to end."""
    parts, rate, total = [], None, 0.0
    for clip in sorted((AUDIO / "ljspeech").glob("*.flac")):
        audio, rate = sf.read(clip)
        parts.append(audio)
        total += len(audio) / rate
        if total >= seconds:
            break
    sf.write(path, np.concatenate(parts), rate)
    return path


@pytest.mark.slow
def test_sigkill_during_transcription_then_restart_completes_the_job(env, tmp_path):
    first = CasenoteServer(env, tmp_path / "serve1.log").start()
    try:
        match = re.search(r"user name: admin\s+password:\s+(\S+)", first.output())
        assert match, first.output()
        admin = httpx.post(f"{first.url}/api/auth/login", json={"username": "admin", "password": match.group(1)})
        assert admin.status_code == 200 and admin.json()["user"]["role"] == "admin"

        added = casenote(env, "users", "add", "ada", "--role", "worker", "--team", "north", "--token",
                         stdin="a long enough password\n")
        assert added.returncode == 0, added.stderr
        token = added.stdout.strip()
        assert token.startswith("cn_")
        client = httpx.Client(base_url=first.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)

        audio = long_recording(tmp_path / "visit.flac")
        original = audio.read_bytes()
        with open(audio, "rb") as handle:
            accepted = client.post("/api/recordings", data={"case_reference": "CASE-42", "names": "Kayden"},
                                   files={"audio": ("visit.flac", handle, "audio/flac")})
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["job_id"]
        deadline = time.monotonic() + 120
        while (job := client.get(f"/api/jobs/{job_id}").json())["status"] != "running" or job["progress"] == 0:
            assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
            time.sleep(0.1)
        assert job["stage"] == "transcribing" and job["progress"] < 0.9
    finally:
        first.kill(timeout_s=30)

    with sqlite3.connect(tmp_path / "data" / "casenote.db") as db:  # what the kill left behind
        assert db.execute("SELECT status, attempts FROM jobs WHERE id = ?", (job_id,)).fetchone() == ("running", 1)

    second = CasenoteServer(env, tmp_path / "serve2.log").start()
    try:
        assert "password:" not in second.output()  # the first-run admin is made once
        client = httpx.Client(base_url=second.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        job = wait_for_job(client, job_id, timeout=240)
        assert job["status"] == "done" and job["attempts"] == 2, job
        assert client.get(f"/api/recordings/{accepted.json()['recording_id']}/audio").content == original
        draft = client.get(f"/api/drafts/{job['draft_id']}").json()
        assert draft["case_reference"] == "CASE-42" and draft["note"]["transcript"]["duration_s"] > 60
        assert "printing" in draft["note"]["transcript"]["text"].lower()  # LJ001: "Printing, in the only sense..."
    finally:
        # uvicorn shuts down gracefully, then ends by the signal it caught (as a process should).
        assert second.stop(timeout_s=60) in (0, -signal.SIGTERM), second.output()[-3000:]
    assert "Application shutdown complete" in second.output(), second.output()[-3000:]
    assert "Traceback" not in second.output(), second.output()[-3000:]


def test_users_add_errors_are_one_line_exit_2(env):
    for args, stdin, needle in (
        (("users", "add", "bo", "--role", "wizard"), "a long enough password\n", "role must be one of"),
        (("users", "add", "bo", "--role", "manager"), "a long enough password\n", "needs a team"),
        (("users", "add", "bo"), "short\n", "at least 10 characters"),
        (("users", "add", "bo"), "", "no password"),
        (("users", "add", "bad name!"), "a long enough password\n", "user name"),
    ):
        result = casenote(env, *args, stdin=stdin)
        assert result.returncode == 2, (args, result.stderr)
        assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert casenote(env, "users", "add", "bo", stdin="a long enough password\n").returncode == 0
    duplicate = casenote(env, "users", "add", "bo", stdin="a long enough password\n")
    assert duplicate.returncode == 2 and "already exists" in duplicate.stderr
    listed = casenote(env, "users", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("bo\tworker")
