"""A worker that is not dead but frozen (SIGSTOP: a paused VM, a stalled machine) until
the engine presumes it dead and hands its job to another worker, then wakes up
(SIGCONT). A transcription never runs twice at once: the frozen worker still holds
the job's advisory lock, so the other leaves it alone. A delivery's claim can be
finished only by its holder: the frozen worker's late reply does not set back the note
the other worker delivered meanwhile."""

from __future__ import annotations

import signal
import socket

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.exports.case_system import CaseSystem
from tests.workers.deployment import (Worker, add_worker_account, connectors_env, deployment_env, sign_off,
                                      speech_recordings, upload, wait_until, web)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(600)]

SECRET = "case-system-secret"
FAST = {"CASENOTE_ASR_CPU_THREADS": "1", "CASENOTE_WORKER_HEARTBEAT_S": "1", "CASENOTE_WORKER_STALLED_AFTER_S": "4",
        "CASENOTE_WORKER_POLL_S": "0.5", "CASENOTE_TEST_CASE_TOKEN": f"Bearer {SECRET}"}


class Deployment:
    def __init__(self, tmp_path, url: str, settings: dict[str, str]) -> None:
        self.tmp_path, self.url, self.settings = tmp_path, url, settings
        self.site = web(self.env("web"), tmp_path / "web.log").start()
        self.token = add_worker_account(self.env("cli"))
        self.client = httpx.Client(base_url=self.site.url, headers={"Authorization": f"Bearer {self.token}"},
                                   timeout=60)
        self.workers = [Worker(self.env(f"worker-{n}"), tmp_path / f"worker-{n}.log").start() for n in (1, 2)]

    def env(self, name: str) -> dict[str, str]:
        return deployment_env(self.tmp_path / name, self.url, **self.settings)

    def worker_named(self, name: str) -> Worker:
        return next(w for w in self.workers if f"{socket.gethostname()}:{w.pid}" == name)

    def close(self) -> None:
        for worker in self.workers:
            worker.process.send_signal(signal.SIGCONT)
            worker.stop()
        self.client.close()
        self.site.stop()


def test_a_frozen_workers_job_never_runs_twice_at_once(tmp_path, postgres):
    url = postgres.create_database("frozen_job")
    deployment = Deployment(tmp_path, url, FAST)
    try:
        [recording] = speech_recordings(tmp_path, 1, 45.0)
        job_id = upload(deployment.client, recording, "CN-1")["job_id"]
        running = wait_until(lambda: (lambda j: j if j["status"] == "running" and j["progress"] > 0 else None)(
            deployment.client.get(f"/api/jobs/{job_id}").json()), 120, "the transcription to be under way")
        frozen = deployment.worker_named(running["worker"])
        other = next(w for w in deployment.workers if w is not frozen)
        frozen.process.send_signal(signal.SIGSTOP)
        # The engine presumes it dead and hands the job out again; the other worker finds
        # the job's lock held and leaves it, to look again later.
        wait_until(lambda: f"job {job_id} is still running in another process" in other.output(), 60,
                   "the other worker to find the job still held")
        frozen.process.send_signal(signal.SIGCONT)
        done = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
            deployment.client.get(f"/api/jobs/{job_id}").json()), 120, "the job to finish")
        assert (done["status"], done["attempts"], done["worker"]) == ("done", 1, running["worker"])
        # The later look (by whichever worker takes it) finds it finished; nothing runs it again.
        wait_until(lambda: any(f"job {job_id} is already finished" in w.output() for w in deployment.workers), 60,
                   "the second look")
        assert f"job {job_id} (recording" not in other.output()  # it never started transcribing it
        database = create_engine(url)
        with database.connect() as db:
            assert db.scalar(text("SELECT count(*) FROM drafts")) == 1
            assert db.scalar(text("SELECT count(*) FROM audit_events WHERE action = 'drafted'")) == 1
        database.dispose()
        # Both workers are alive and working after it.
        assert all(w.process.poll() is None for w in deployment.workers)
    finally:
        deployment.close()


def test_a_frozen_workers_late_failure_does_not_set_back_a_delivered_note(tmp_path, postgres):
    url = postgres.create_database("frozen_delivery")
    with CaseSystem(SECRET, hang_s=6.0) as case_system:
        connector = {"kind": "http", "name": "case-system", "url": case_system.url, "timeout_s": 3.0,
                     "auth_value_env": "CASENOTE_TEST_CASE_TOKEN", "backoff_initial_s": 0.5, "backoff_max_s": 2.0}
        deployment = Deployment(tmp_path, url, {**FAST, **connectors_env([connector])})
        try:
            [recording] = speech_recordings(tmp_path, 1, 15.0)
            job_id = upload(deployment.client, recording, "CN-1")["job_id"]
            job = wait_until(lambda: (lambda j: j if j["status"] == "done" else None)(
                deployment.client.get(f"/api/jobs/{job_id}").json()), 180, "the draft")
            # The first attempt gets a 401, but only after 6 s: its worker is frozen meanwhile.
            case_system.plans = {1: ["slow-401"]}
            [note] = sign_off(deployment.client, job["draft_id"])
            wait_until(lambda: case_system.attempts, 30, "the first attempt to reach the case system")
            holder = wait_until(lambda: next((w for w in deployment.workers
                                              if "(note 1) to case-system: attempt 1" in w.output()), None),
                                10, "the worker that sent it")
            holder.process.send_signal(signal.SIGSTOP)
            other = next(w for w in deployment.workers if w is not holder)

            def delivered():
                row = deployment.client.get(f"/api/notes/{note['id']}/deliveries").json()[0]
                return row if row["status"] == "delivered" else None

            # Its claim runs out (timeout + margin); the other worker attempts again and delivers.
            wait_until(delivered, 90, "the other worker to deliver the note")
            assert "(note 1) to case-system: delivered after 2 attempt(s)" in other.output()
            holder.process.send_signal(signal.SIGCONT)
            wait_until(lambda: "its outcome is dropped" in holder.output(), 30, "the late failure to be dropped")
            row = deployment.client.get(f"/api/notes/{note['id']}/deliveries").json()[0]
            assert (row["status"], row["attempts"], row["last_error"], row["can_retry"]) == (
                "delivered", 2, None, False)
        finally:
            deployment.close()
    assert case_system.note_ids() == [note["id"]] and set(case_system.store_count.values()) == {1}
