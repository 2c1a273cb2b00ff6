"""Issue 17's deployment, for real: PostgreSQL, ``casenote serve --no-worker`` and two
``casenote worker`` processes with different data folders and the same given keys.
Several recordings are uploaded; one worker is killed with SIGKILL in the middle of a
transcription, and the web process is killed and started again. Every recording ends
with exactly one draft; every note confirmed is delivered once to a real HTTP case
system, also when the workers are killed in the middle of a delivery."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.exports.case_system import CaseSystem
from tests.workers.deployment import (Worker, add_worker_account, connectors_env, deployment_env, sign_off,
                                      speech_recordings, upload, wait_until, web)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(900)]

SECRET = "case-system-secret"
RECORDINGS = 4
FAST = {"CASENOTE_ASR_CPU_THREADS": "1", "CASENOTE_WORKER_HEARTBEAT_S": "1", "CASENOTE_WORKER_STALLED_AFTER_S": "6",
        "CASENOTE_WORKER_POLL_S": "0.5", "CASENOTE_TEST_CASE_TOKEN": f"Bearer {SECRET}"}


def jobs_of(client: httpx.Client, job_ids: list[int]) -> list[dict]:
    return [client.get(f"/api/jobs/{j}").json() for j in job_ids]


def test_killed_worker_and_restarted_web_lose_nothing(tmp_path, postgres):
    url = postgres.create_database("deployment")
    database = create_engine(url)
    with CaseSystem(SECRET, hang_s=20.0) as case_system:
        connector = {"kind": "http", "name": "case-system", "url": case_system.url, "timeout_s": 10.0,
                     "auth_value_env": "CASENOTE_TEST_CASE_TOKEN", "backoff_initial_s": 0.5, "backoff_max_s": 2.0}
        settings = {**FAST, **connectors_env([connector])}
        site = web(deployment_env(tmp_path / "web", url, **settings), tmp_path / "web-1.log").start()
        workers = [Worker(deployment_env(tmp_path / f"worker-{n}", url, **settings), tmp_path / f"worker-{n}.log")
                   for n in (1, 2)]
        started = []
        try:
            token = add_worker_account(deployment_env(tmp_path / "cli", url, **settings))
            alone = httpx.get(f"{site.url}/readyz")
            assert alone.status_code == 200 and alone.json()["status"] == "degraded"  # serves, says no worker
            workers_seen = next(c for c in alone.json()["checks"] if c["name"] == "workers")
            assert not workers_seen["ok"] and workers_seen["detail"].startswith("no worker seen in the last 60 s")
            for worker in workers:
                started.append(worker.start())
            ready = httpx.get(f"{site.url}/readyz").json()
            assert ready["status"] == "ready" and all(c["ok"] for c in ready["checks"]), ready
            client = httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
            job_ids = [upload(client, path, f"CN-{n}")["job_id"]
                       for n, path in enumerate(speech_recordings(tmp_path, RECORDINGS, 30.0))]

            # Kill the first worker while it is in the middle of transcribing.
            first = f"{socket.gethostname()}:{workers[0].pid}"
            victim = wait_until(lambda: next((j for j in jobs_of(client, job_ids) if j["worker"] == first and
                                              j["status"] == "running" and 0 < j["progress"] < 0.9), None),
                                180, "a transcription running on the first worker")
            workers[0].kill()
            killed_at = time.monotonic()
            # And the web process, with uploads answered and jobs running: a restart loses nothing.
            site.kill()
            site = web(deployment_env(tmp_path / "web", url, **settings), tmp_path / "web-2.log", port=site.port)
            site.start()

            finished = wait_until(lambda: (lambda js: js if all(j["status"] in ("done", "failed") for j in js)
                                           else None)(jobs_of(client, job_ids)), 400, "every job to finish")
            taken_over = next(j for j in finished if j["id"] == victim["id"])
            took_s = time.monotonic() - killed_at
            second = f"{socket.gethostname()}:{workers[1].pid}"
            assert [j["status"] for j in finished] == ["done"] * RECORDINGS, finished
            assert taken_over["worker"] == second and taken_over["attempts"] == 2, taken_over
            assert took_s < 240, f"the killed worker's job took {took_s:.0f} s to finish elsewhere"
            assert f"job {victim['id']} " in workers[1].output()  # the other worker says which job it runs

            with database.connect() as db:
                drafts = dict(db.execute(text("SELECT recording_id, count(*) FROM drafts GROUP BY recording_id")).all())
                drafted = dict(db.execute(text(
                    "SELECT CAST(detail->>'recording_id' AS int), count(*) FROM audit_events "
                    "WHERE action = 'drafted' GROUP BY 1")).all())
                starts = db.scalar(text("SELECT count(*) FROM procrastinate_events e JOIN procrastinate_jobs j "
                                        "ON j.id = e.job_id WHERE e.type = 'started' AND j.lock = :lock"),
                                   {"lock": f"job-{victim['id']}"})
            recording_ids = [j["recording_id"] for j in finished]
            assert drafts == {r: 1 for r in recording_ids} and drafted == drafts
            assert starts == 2  # the engine ran the killed job once more, on the other worker

            # Sign every draft off; the first note's first attempt is stored by the case
            # system but its reply comes late, and both workers are killed during it.
            case_system.plans = {1: ["slow-ok"]}
            workers[0] = Worker(deployment_env(tmp_path / "worker-3", url, **settings), tmp_path / "worker-3.log")
            started.append(workers[0].start())
            notes = [note for j in finished for note in sign_off(client, j["draft_id"])]

            def statuses() -> dict[int, str]:
                return {n["id"]: client.get(f"/api/notes/{n['id']}/deliveries").json()[0]["status"] for n in notes}

            wait_until(lambda: 1 in case_system.note_ids() and all(
                status == "delivered" for note_id, status in statuses().items() if note_id != 1), 60,
                "note 1 at the case system and the others delivered")
            for worker in workers:  # note 1's attempt is waiting for its late reply
                worker.kill()
            fresh = Worker(deployment_env(tmp_path / "worker-4", url, **settings), tmp_path / "worker-4.log")
            started.append(fresh.start())

            def delivered() -> list[dict] | None:
                rows = [d for n in notes for d in client.get(f"/api/notes/{n['id']}/deliveries").json()]
                return rows if all(d["status"] == "delivered" for d in rows) else None

            rows = wait_until(delivered, 120, "every note delivered")
        finally:
            for process in started:
                process.stop()
            site.stop()
            database.dispose()

    note_ids = sorted(n["id"] for n in notes)
    assert len(rows) == len(note_ids) >= RECORDINGS
    assert case_system.note_ids() == note_ids
    assert set(case_system.store_count.values()) == {1}  # each note stored once
    by_note = {r["note_id"]: r for r in rows}
    # The attempt cut off by the kill was counted; its retry was recognised by its key.
    assert by_note[1]["attempts"] == 2 and case_system.by_note(case_system.repeats_after_stored) == {1: 1}
    assert all(by_note[n]["attempts"] == 1 for n in note_ids if n != 1)
