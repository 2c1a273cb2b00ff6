"""The job engine as casenote uses it: its schema is our migrations' (and matches the
installed package), work is queued in the caller's transaction (gone with a rollback,
one waiting job per object, a later wake-up replaced by a sooner one), work left without
an engine job is queued again, processes migrating together migrate once, and the ways
of running casenote that need PostgreSQL or given keys say so in one line."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import text

from api.db.migrate import PROCRASTINATE_MIGRATED_TO, current_revision, head_revision, upgrade
from api.db.models import Job, Recording, User
from api.db.types import utcnow
from api.engine.schedule import schedule_delivery, schedule_transcription
from api.services.context import build_context
from api.workers.recovery import reconcile
from models.settings import Settings
from tests.api.pg import GIVEN_KEYS
from tests.conftest import REPO
from tests.servers import CASENOTE, free_port, service_env

VENDORED = REPO / "api" / "migrations" / "sql" / "procrastinate-3.10.0-schema.sql"


@pytest.mark.unit
def test_the_engine_schema_is_the_installed_packages():
    """A procrastinate upgrade without a migration for it fails here (see migration 0200)."""
    import procrastinate

    package = resources.files("procrastinate.sql")
    assert (package / "schema.sql").read_text(encoding="utf-8") == VENDORED.read_text(encoding="utf-8")
    migrations = sorted(p.name for p in Path(str(package / "migrations")).glob("*.sql"))
    assert migrations[-1] == f"{PROCRASTINATE_MIGRATED_TO}.sql"
    assert procrastinate.__version__ == "3.10.0"


@pytest.fixture
def ctx(tmp_path, postgres):
    import uuid

    settings = Settings(data_dir=tmp_path / "data", _env_file=None, **GIVEN_KEYS,
                        database_url=postgres.create_database(f"e_{uuid.uuid4().hex[:12]}"))
    ctx = build_context(settings)
    upgrade(ctx.engine)
    yield ctx
    ctx.engine.dispose()


def engine_jobs(ctx) -> list[tuple]:
    with ctx.engine.connect() as db:
        return db.execute(text("SELECT task_name, lock, status::text, args, scheduled_at IS NOT NULL "
                               "FROM procrastinate_jobs ORDER BY id")).all()


def queued_recording(db) -> Job:
    user = User(username="ada", password_hash="x", role="worker", team=None, active=True, created_at=utcnow())
    db.add(user)
    db.flush()
    recording = Recording(owner_id=user.id, case_reference="CN-1", names=[], original_filename="a.flac",
                          content_type="audio/flac", audio_format="flac", size_bytes=1, audio_sha256="0" * 64,
                          audio_file=None, duration_s=1.0, recorded_at=utcnow(), created_at=utcnow())
    db.add(recording)
    db.flush()
    job = Job(recording_id=recording.id, status="queued", progress=0.0, attempts=0)
    db.add(job)
    db.flush()
    return job


@pytest.mark.postgres
def test_work_is_queued_in_the_callers_transaction(ctx):
    with ctx.session_factory() as db:
        job = queued_recording(db)
        schedule_transcription(db, job.id)
        db.rollback()
    assert engine_jobs(ctx) == []  # rolled back with the row it was for

    with ctx.session_factory() as db:
        job = queued_recording(db)
        schedule_transcription(db, job.id)
        schedule_transcription(db, job.id)  # a second wake-up for the same job: still one waiting
        db.commit()
        job_id = job.id
    assert engine_jobs(ctx) == [("casenote.transcribe", f"job-{job_id}", "todo", {"job_id": job_id}, False)]

    later = utcnow() + timedelta(hours=1)
    with ctx.session_factory() as db:
        schedule_delivery(db, 7, "lcs", later)
        schedule_delivery(db, 7, "lcs", later + timedelta(hours=1))  # later than the waiting one: kept
        db.commit()
    assert engine_jobs(ctx)[1:] == [("casenote.deliver", "delivery-7-lcs", "todo",
                                     {"note_id": 7, "connector": "lcs"}, True)]
    with ctx.session_factory() as db:
        schedule_delivery(db, 7, "lcs")  # a person's retry: now, not in an hour
        db.commit()
    assert [row[2:] for row in engine_jobs(ctx)[1:]] == [
        ("cancelled", {"note_id": 7, "connector": "lcs"}, True), ("todo", {"note_id": 7, "connector": "lcs"}, False)]


@pytest.mark.postgres
def test_work_left_without_an_engine_job_is_queued_again(ctx):
    with ctx.session_factory() as db:
        job_id = queued_recording(db).id  # as work queued before the engine existed
        db.commit()
    assert engine_jobs(ctx) == []
    assert reconcile(ctx, {}) == 1
    assert reconcile(ctx, {}) == 0  # now it has one
    assert [row[1] for row in engine_jobs(ctx)] == [f"job-{job_id}"]


@pytest.mark.postgres
def test_processes_starting_together_migrate_once(tmp_path, postgres):
    import uuid

    from tests.api.pg import given_keys_env

    url = postgres.create_database(f"m_{uuid.uuid4().hex[:12]}")
    processes = [subprocess.Popen([*CASENOTE, "users", "list"], cwd=REPO, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True,
                                  env={**service_env(tmp_path / f"data-{n}"), "CASENOTE_DATABASE_URL": url,
                                       **given_keys_env()})
                 for n in range(3)]
    results = [(p.wait(120), p.stderr.read()) for p in processes]
    assert results == [(0, "")] * 3
    settings = Settings(data_dir=tmp_path / "data", _env_file=None, **GIVEN_KEYS, database_url=url)
    ctx = build_context(settings)
    try:
        assert current_revision(ctx.engine) == head_revision()
    finally:
        ctx.engine.dispose()


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CASENOTE, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)


def test_what_needs_postgresql_or_given_keys_says_so_in_one_line(tmp_path):
    sqlite = service_env(tmp_path / "data")
    for args, message in [
        (("worker",), "casenote worker needs CASENOTE_DATABASE_URL to be PostgreSQL"),
        (("serve", "--no-worker", "--port", str(free_port())), "--no-worker needs CASENOTE_DATABASE_URL to be PostgreSQL"),
    ]:
        done = run(sqlite, *args)
        assert done.returncode == 2 and done.stderr.startswith(f"casenote: error: {message}"), done.stderr
        assert len(done.stderr.splitlines()) == 1
    # No keys on PostgreSQL: refused before anything is made (the database need not even answer).
    postgres = {**sqlite, "CASENOTE_DATABASE_URL": "postgresql://casenote@127.0.0.1:9/casenote",
                "CASENOTE_AUDIO_KEY": "", "CASENOTE_SECRET_KEY": "", "CASENOTE_TEXT_KEY": ""}
    for args in (("worker",), ("serve", "--no-worker", "--port", str(free_port())), ("users", "list")):
        done = run(postgres, *args)
        assert done.returncode == 2, done.stderr
        assert done.stderr == ("casenote: error: with PostgreSQL every casenote process must be given the same "
                               "keys: set CASENOTE_AUDIO_KEY, CASENOTE_SECRET_KEY, CASENOTE_TEXT_KEY (the same "
                               "values on every "
                               "machine; key files in a data folder are not shared)\n")
    assert not (tmp_path / "data" / "audio.key").exists()
