"""A small deployment on PostgreSQL: ``casenote serve`` with its own engine worker (no
``--no-worker``). It transcribes an upload; stopped cleanly (SIGTERM) in the middle of a
transcription, it puts the job back in the queue and exits, and a ``casenote worker``
started afterwards finishes it: one draft."""

from __future__ import annotations

import signal

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REPO
from tests.servers import CasenoteServer
from tests.workers.deployment import Worker, add_worker_account, deployment_env, speech_recordings, upload, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(600)]

SETTINGS = {"CASENOTE_ASR_CPU_THREADS": "1", "CASENOTE_WORKER_HEARTBEAT_S": "1", "CASENOTE_WORKER_POLL_S": "0.5"}


def test_serve_runs_jobs_itself_and_gives_them_back_when_stopped(tmp_path, postgres):
    url = postgres.create_database("small")
    env = deployment_env(tmp_path / "serve", url, **SETTINGS)
    token = add_worker_account(deployment_env(tmp_path / "cli", url, **SETTINGS))
    site = CasenoteServer(env, tmp_path / "serve.log", cwd=REPO).start()
    worker = None
    try:
        ready = httpx.get(f"{site.url}/readyz").json()
        assert ready["status"] == "ready" and "workers" not in {c["name"] for c in ready["checks"]}
        client = httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        first, second = speech_recordings(tmp_path, 2, 40.0)
        done = wait_until(lambda: (lambda j: j if j["status"] == "done" else None)(
            client.get(f"/api/jobs/{upload(client, first, 'CN-1')['job_id']}").json()), 240, "the first draft")
        assert done["worker"] and done["attempts"] == 1

        job_id = upload(client, second, "CN-2")["job_id"]
        wait_until(lambda: (lambda j: j["status"] == "running" and j["progress"] > 0)(
            client.get(f"/api/jobs/{job_id}").json()), 240, "the second transcription under way")
        assert site.stop(timeout_s=45) in (0, -signal.SIGTERM)  # a clean exit in time (uvicorn re-raises SIGTERM)
        assert "Application shutdown complete" in site.output()
        assert "stopped by shutdown; it goes back to the queue" in site.output()
        database = create_engine(url)
        with database.connect() as db:
            assert db.execute(text("SELECT status, claim_token FROM jobs WHERE id = :id"), {"id": job_id}).one() == \
                ("queued", None)
            waiting = db.scalar(text("SELECT count(*) FROM procrastinate_jobs WHERE lock = :lock AND status = 'todo'"),
                                {"lock": f"job-{job_id}"})
        assert waiting == 1  # its wake-up went back with it

        def status() -> str:
            with database.connect() as db:
                return db.scalar(text("SELECT status FROM jobs WHERE id = :id"), {"id": job_id})

        worker = Worker(deployment_env(tmp_path / "worker", url, **SETTINGS), tmp_path / "worker.log").start()
        wait_until(lambda: status() == "done", 240, "the job done")
        with database.connect() as db:
            assert db.scalar(text("SELECT count(*) FROM drafts")) == 2
            assert db.scalar(text("SELECT attempts FROM jobs WHERE id = :id"), {"id": job_id}) == 2
        database.dispose()
    finally:
        if worker is not None:
            worker.stop()
        site.stop()


def test_workers_carry_on_when_the_database_comes_back(tmp_path):
    from tests.api.pg import PostgresCluster

    cluster = PostgresCluster().start()
    site = worker = None
    try:
        url = cluster.create_database("outage")
        settings = {**SETTINGS, "CASENOTE_WORKER_STALLED_AFTER_S": "6"}
        token = add_worker_account(deployment_env(tmp_path / "cli", url, **settings))
        site = CasenoteServer(deployment_env(tmp_path / "web", url, **settings), tmp_path / "web.log", cwd=REPO,
                              args=("--no-worker",)).start()
        worker = Worker(deployment_env(tmp_path / "worker", url, **settings), tmp_path / "worker.log").start()
        cluster.stop_server()
        wait_until(lambda: "starting it again in" in worker.output(), 60, "the worker to notice the outage")
        cluster.start_server()
        client = httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        [recording] = speech_recordings(tmp_path, 1, 15.0)

        def uploaded() -> dict | None:
            try:
                return upload(client, recording, "CN-1")
            except AssertionError:  # the web process's connections are renewed on the first requests
                return None

        job_id = wait_until(uploaded, 60, "an upload accepted after the outage")["job_id"]
        done = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
            client.get(f"/api/jobs/{job_id}").json()), 240, "the job after the outage")
        assert done["status"] == "done" and worker.process.poll() is None
    finally:
        if worker is not None:
            worker.stop()
        if site is not None:
            site.stop()
        cluster.stop()
