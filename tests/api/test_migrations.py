"""The migration history has one head, and upgrading a database that holds data
from an earlier head keeps the data (SQLite rebuilds ``recordings`` and
``confirmed_notes`` for their changed constraints: rows referring to them survive,
foreign keys stay enforced, signed notes stay append-only)."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from api.db.migrate import alembic_config, current_revision, head_revision, upgrade
from api.services.context import build_context

PREVIOUS_HEAD = "0100_deliveries"  # what the data below was stored with
LAST_BEFORE_HEAD = "0130_family_visits"  # the previous head: workers on the job engine come after it
BEFORE_FAMILY_VISITS = "0120_text_at_rest"  # the head before one note per child


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



def test_upgrade_to_one_note_per_child_keeps_signed_notes_and_their_deliveries(ctx):
    """Data as the previous head stored it (text encrypted), upgraded: the signed note and
    its delivery are kept byte for byte, a draft may now sign one note per child (the same
    child twice is refused), and the notes are still append-only."""
    upgrade(ctx.engine, BEFORE_FAMILY_VISITS)
    cipher = ctx.engine.dialect.text_cipher
    signed = cipher.encrypt('{"case_reference":"CASE-1"}', "confirmed_notes.content_json")
    now = {"t": "2025-11-20 10:00:00+00:00"}
    with ctx.engine.begin() as db:
        db.execute(text("INSERT INTO users (id, username, password_hash, role, team, active, created_at) "
                        "VALUES (7, 'ada', 'x', 'worker', 'north', true, :t)"), now)
        db.execute(text("INSERT INTO recordings (id, owner_id, team, case_reference, names, original_filename, "
                        "content_type, audio_format, size_bytes, audio_sha256, audio_file, duration_s, recorded_at, "
                        "created_at) VALUES (11, 7, 'north', 'CASE-1', :names, 'a.wav', 'audio/wav', 'wav', "
                        "10, 'abc', 'f.cna', 1.5, :t, :t)"),
                   {**now, "names": cipher.encrypt('["Leanne"]', "recordings.names")})
        db.execute(text("INSERT INTO drafts (id, recording_id, owner_id, team, status, version, note_json, "
                        "state_json, required_sections, created_at, updated_at) "
                        "VALUES (17, 11, 7, 'north', 'confirmed', 3, 'n', 's', '[]', :t, :t)"), now)
        db.execute(text("INSERT INTO confirmed_notes (id, draft_id, content_json, content_sha256, owner_id, team, "
                        "confirmed_by_id, confirmed_at) VALUES (19, 17, :signed, 'h', 7, 'north', 7, :t)"),
                   {**now, "signed": signed})
        db.execute(text("INSERT INTO deliveries (id, note_id, connector, status, attempts, receipt, created_at, "
                        "updated_at) VALUES (23, 19, 'lcs', 'delivered', 1, '{}', :t, :t)"), now)

    upgrade(ctx.engine)
    assert current_revision(ctx.engine) == head_revision()
    with ctx.engine.connect() as db:
        assert db.execute(text("SELECT id, child_references FROM recordings")).all() == [(11, None)]
        assert db.execute(text("SELECT id, draft_id, child_key, content_json FROM confirmed_notes")).all() == [
            (19, 17, None, signed)]
        assert db.execute(text("SELECT id, note_id, status FROM deliveries")).all() == [(23, 19, "delivered")]
        if ctx.engine.dialect.name == "sqlite":
            assert db.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert db.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    with pytest.raises(IntegrityError), ctx.engine.begin() as db:  # foreign keys still enforced
        db.execute(text("INSERT INTO confirmed_notes (draft_id, content_json, content_sha256, owner_id, "
                        "confirmed_by_id, confirmed_at) VALUES (999, 'x', 'h', 7, 7, :t)"), now)
    insert_note = text("INSERT INTO confirmed_notes (draft_id, child_key, content_json, content_sha256, owner_id, "
                       "confirmed_by_id, confirmed_at) VALUES (17, :child, 'x', 'h', 7, 7, :t)")
    with ctx.engine.begin() as db:
        db.execute(insert_note, {**now, "child": "c1"})
        db.execute(insert_note, {**now, "child": "c2"})
    with pytest.raises(IntegrityError), ctx.engine.begin() as db:
        db.execute(insert_note, {**now, "child": "c2"})
    for statement in ("UPDATE confirmed_notes SET content_sha256 = 'x' WHERE id = 19",
                      "DELETE FROM confirmed_notes WHERE id = 19"):
        with pytest.raises(DBAPIError, match="append-only"), ctx.engine.begin() as db:
            db.execute(text(statement))
    assert {i["name"] for i in inspect(ctx.engine).get_indexes("confirmed_notes")} >= {"ix_confirmed_notes_draft_id"}
