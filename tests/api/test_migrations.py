"""The migration history has one head, and upgrading a database that holds data
from the previous head keeps the data (SQLite rebuilds ``recordings`` for its new
UNIQUE constraint: rows referring to it survive, foreign keys stay enforced)."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from api.db.migrate import alembic_config, current_revision, head_revision, upgrade
from api.services.context import build_context

PREVIOUS_HEAD = "0100_deliveries"  # what the data below was stored with
LAST_BEFORE_HEAD = "0120_text_at_rest"


def test_one_head_that_follows_the_last_migration():
    scripts = ScriptDirectory.from_config(alembic_config())
    heads = scripts.get_heads()
    assert len(heads) == 1, f"the migrations have branched: {heads}"
    assert scripts.get_revision(heads[0]).down_revision == LAST_BEFORE_HEAD


@pytest.fixture
def ctx(db_settings):
    ctx = build_context(db_settings)
    yield ctx
    ctx.engine.dispose()


def test_upgrade_from_the_previous_head_keeps_the_data(ctx):
    upgrade(ctx.engine, PREVIOUS_HEAD)
    now = {"t": "2025-11-20 10:00:00+00:00"}
    with ctx.engine.begin() as db:
        db.execute(text("INSERT INTO users (id, username, password_hash, role, team, active, created_at) "
                        "VALUES (7, 'ada', 'x', 'worker', 'north', true, :t)"), now)
        db.execute(text("INSERT INTO recordings (id, owner_id, team, case_reference, names, original_filename, "
                        "content_type, audio_format, size_bytes, audio_sha256, audio_file, duration_s, recorded_at, "
                        "created_at) VALUES (11, 7, 'north', 'CASE-1', '[\"Leanne\"]', 'a.wav', 'audio/wav', 'wav', "
                        "10, 'abc', 'f.cna', 1.5, :t, :t)"), now)
        db.execute(text("INSERT INTO jobs (id, recording_id, status, progress, attempts, created_at, updated_at) "
                        "VALUES (13, 11, 'done', 1.0, 1, :t, :t)"), now)
        db.execute(text("INSERT INTO drafts (id, recording_id, owner_id, team, status, version, note_json, "
                        "state_json, required_sections, created_at, updated_at) "
                        "VALUES (17, 11, 7, 'north', 'draft', 3, '{}', '{}', '[]', :t, :t)"), now)

    upgrade(ctx.engine)
    assert current_revision(ctx.engine) == head_revision()
    with ctx.engine.connect() as db:
        assert db.execute(text("SELECT id, owner_id, case_reference, audio_file, idempotency_key "
                               "FROM recordings")).all() == [(11, 7, "CASE-1", "f.cna", None)]
        assert db.execute(text("SELECT id, recording_id FROM jobs")).all() == [(13, 11)]
        assert db.execute(text("SELECT id, recording_id, version FROM drafts")).all() == [(17, 11, 3)]
        if ctx.engine.dialect.name == "sqlite":
            assert db.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert db.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    indexes = {i["name"] for i in inspect(ctx.engine).get_indexes("recordings")}
    assert {"ix_recordings_owner_id", "ix_recordings_team"} <= indexes
    assert "sign_in_failures" in inspect(ctx.engine).get_table_names()
    # Foreign keys are still enforced after the rebuild.
    with pytest.raises(IntegrityError), ctx.engine.begin() as db:
        db.execute(text("INSERT INTO jobs (recording_id, status, progress, attempts, created_at, updated_at) "
                        "VALUES (999, 'queued', 0, 0, :t, :t)"), now)
