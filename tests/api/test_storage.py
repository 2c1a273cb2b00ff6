"""Storage on both SQLite and PostgreSQL: the schema comes from the migrations and
matches the models; the audit log and signed notes refuse UPDATE and DELETE;
interrupted jobs are requeued; audio at rest is encrypted and range-readable."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from api.db.audit import record_event
from api.db.migrate import current_revision, head_revision, is_casenote_object, upgrade
from api.db.models import AuditEvent, Base, Job
from api.services.context import build_context
from api.services.jobs import claim_next_job, requeue_interrupted
from tests.api.helpers import add_user, seed_recording
from tests.conftest import AUDIO


@pytest.fixture
def ctx(db_settings):
    ctx = build_context(db_settings)
    yield ctx
    ctx.engine.dispose()


def test_migrations_make_the_schema_the_models_expect(ctx):
    assert current_revision(ctx.engine) is None
    upgrade(ctx.engine)
    upgrade(ctx.engine)  # a second start changes nothing
    assert current_revision(ctx.engine) == head_revision()
    tables = set(inspect(ctx.engine).get_table_names())
    assert {"users", "recordings", "jobs", "drafts", "draft_versions", "confirmed_notes", "audit_events"} <= tables
    with ctx.engine.connect() as connection:
        # The job engine's tables (PostgreSQL) are the engine's, made from its schema file.
        diffs = compare_metadata(MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": is_casenote_object}), Base.metadata)
    assert diffs == [], f"models and migrations differ: {diffs}"


@pytest.mark.parametrize("table", ["audit_events", "confirmed_notes"])
def test_append_only_tables_refuse_update_and_delete(server, table):
    _url, app = server
    ctx = app.state.ctx
    worker = add_user(app, "ada")
    ids = seed_recording(app, worker, AUDIO / "jfk.flac")
    with ctx.session_factory() as db:
        record_event(db, worker, "view", "draft", ids["draft_id"])
        db.execute(text("INSERT INTO confirmed_notes (draft_id, content_json, content_sha256, owner_id, "
                        "confirmed_by_id, confirmed_at) VALUES (:d, '{}', 'x', :u, :u, CURRENT_TIMESTAMP)"),
                   {"d": ids["draft_id"], "u": worker.id})
        db.commit()
    column = "actor" if table == "audit_events" else "content_sha256"
    for statement in (f"UPDATE {table} SET {column} = 'changed'", f"DELETE FROM {table}"):
        with ctx.session_factory() as db, pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement))
            db.commit()
    with ctx.session_factory() as db:
        assert db.scalar(text(f"SELECT count(*) FROM {table}")) >= 1
        assert db.scalar(text(f"SELECT count(*) FROM {table} WHERE {column} = 'changed'")) == 0


def test_interrupted_jobs_are_requeued_and_claimed_once(server):
    _url, app = server
    ctx = app.state.ctx
    worker = add_user(app, "ada")
    ids = seed_recording(app, worker, AUDIO / "jfk.flac", with_draft=False)
    with ctx.session_factory() as db:
        db.execute(update(Job).where(Job.id == ids["job_id"]).values(status="running", attempts=1))
        db.commit()
        assert requeue_interrupted(db) == 1
        assert db.get(Job, ids["job_id"]).status == "queued"
    with ctx.session_factory() as db:
        assert claim_next_job(db) == ids["job_id"]
    with ctx.session_factory() as db:
        assert claim_next_job(db) is None  # claimed once only
        job = db.get(Job, ids["job_id"])
        assert (job.status, job.attempts) == ("running", 2)


def test_audio_is_encrypted_at_rest_and_decrypts_to_the_same_bytes(server):
    _url, app = server
    ctx = app.state.ctx
    worker = add_user(app, "ada")
    original = (AUDIO / "jfk.flac").read_bytes()
    ids = seed_recording(app, worker, AUDIO / "jfk.flac", with_draft=False)
    with ctx.session_factory() as db:
        from api.db.models import Recording

        name = db.get(Recording, ids["recording_id"]).audio_file
    stored = ctx.audio.at_rest(name)
    assert original[:64] not in stored and b"fLaC" not in stored[:4096]
    assert b"".join(ctx.audio.read_all(name)) == original
    assert hashlib.sha256(b"".join(ctx.audio.read_range(name, 1000, 99_999))).digest() == \
        hashlib.sha256(original[1000:100_000]).digest()
    if ctx.settings.on_postgresql:  # the key is given to every process; none is made in a data folder
        assert not (ctx.settings.data_dir / "audio.key").exists()
    else:
        assert (ctx.settings.data_dir / "audio.key").stat().st_mode & 0o777 == 0o600


def test_concurrent_writers_all_commit_and_readers_do_not_wait(ctx):
    upgrade(ctx.engine)
    holder = ctx.session_factory()
    record_event(holder, None, "hold", "test", 0)  # a write transaction left open
    started = time.monotonic()
    with ctx.read_session_factory() as reader:  # reads beside it without waiting
        assert reader.scalar(select(func.count(AuditEvent.id))) == 0
    assert time.monotonic() - started < 2.0
    holder.commit()
    holder.close()

    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(20):
                with ctx.session_factory() as db:
                    record_event(db, None, "write", "test", n * 100 + i)
                    db.commit()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(write, range(16)))
    assert errors == []
    with ctx.session_factory() as db:
        assert db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "write")) == 320
    # The write lock is free again: a new writer gets it at once.
    started = time.monotonic()
    with ctx.session_factory() as db:
        record_event(db, None, "after", "test", 1)
        db.commit()
    assert time.monotonic() - started < 2.0
