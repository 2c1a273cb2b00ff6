"""Private at rest, on SQLite and PostgreSQL: note, draft and transcript text and the
names of a recording are encrypted (nothing of a saved note can be found in the
SQLite file or its WAL); the migration encrypts rows stored before it and the signed
notes stay append-only; the key rotates (CLI) with every text re-encrypted, signed
notes included; the data folder is owner-only, made so and fixed at start."""

from __future__ import annotations

import logging
import stat
import subprocess

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.db.migrate import upgrade
from api.services.context import build_context
from casenote.service import prepare_database
from models.record import canonical_json
from tests.api.helpers import Client, add_user, sample_note, seed_recording
from tests.conftest import AUDIO
from tests.servers import CASENOTE, service_env

PHRASE = "Marmalade-Kestrel-Vivid-4417"
ENCRYPTED = {"drafts": ["note_json", "state_json"], "draft_versions": ["state_json"],
             "confirmed_notes": ["content_json"], "recordings": ["names"]}


def _raw(app, table: str, column: str) -> list[str]:
    with app.state.ctx.engine.connect() as connection:
        return [value for (value,) in connection.execute(text(f"SELECT {column} FROM {table}"))]


def _signed_note(url, app, worker) -> int:
    note = sample_note()
    note.sections[0].text = f"Statutory visit. {PHRASE} in the transcript."
    ids = seed_recording(app, worker, AUDIO / "jfk.flac", note=note)
    client = Client(url, worker.username)
    saved = client.patch(f"/api/drafts/{ids['draft_id']}", headers={"If-Match": '"1"'}, json={
        "sections": {"analysis": f"Worker's analysis: {PHRASE}."},
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "3C", "decision": "rejected"}]})
    assert saved.status_code == 200, saved.text
    confirmed = client.post(f"/api/drafts/{ids['draft_id']}/confirm")
    assert confirmed.status_code == 201, confirmed.text
    assert PHRASE in client.get(f"/api/notes/{confirmed.json()['id']}").text
    return confirmed.json()["id"]


def test_nothing_of_a_note_is_stored_in_plain_text(server):
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    _signed_note(url, app, ada)
    for table, columns in ENCRYPTED.items():
        for column in columns:
            values = _raw(app, table, column)
            assert values and all(v.startswith("enc1:") for v in values), (table, column, values[:1])
    settings = app.state.ctx.settings
    if not settings.database_url:  # SQLite: the file and its write-ahead log, byte for byte
        files = [settings.data_dir / name for name in ("casenote.db", "casenote.db-wal")]
        assert files[1].exists() and files[1].stat().st_size > 0
        for path in files:
            data = path.read_bytes()
            assert PHRASE.encode() not in data and PHRASE.encode("utf-16-le") not in data, path
            assert b"Leanne said her partner" not in data  # the drafted text (transcript sentences) too


def test_the_migration_encrypts_rows_stored_before_it_and_signed_notes_stay_append_only(db_settings):
    ctx = build_context(db_settings)
    try:
        upgrade(ctx.engine, "0110_upload_keys_sign_in")
        content = canonical_json({"case_reference": "CASE-1", "sections": [{"text": PHRASE}]}).decode()
        t = {"t": "2025-11-20 10:00:00+00:00"}
        with ctx.engine.begin() as db:
            db.execute(text("INSERT INTO users (id, username, password_hash, role, team, active, created_at) "
                            "VALUES (7, 'ada', 'x', 'worker', 'north', true, :t)"), t)
            db.execute(text("INSERT INTO recordings (id, owner_id, team, case_reference, names, original_filename, "
                            "content_type, audio_format, size_bytes, audio_sha256, audio_file, duration_s, "
                            "recorded_at, created_at) VALUES (11, 7, 'north', 'CASE-1', '[\"Leanne\"]', 'a.wav', "
                            "'audio/wav', 'wav', 10, 'abc', 'f.cna', 1.5, :t, :t)"), t)
            db.execute(text("INSERT INTO drafts (id, recording_id, owner_id, team, status, version, note_json, "
                            "state_json, required_sections, created_at, updated_at) VALUES (17, 11, 7, 'north', "
                            "'confirmed', 1, :c, :c, '[]', :t, :t)"), {**t, "c": content})
            db.execute(text("INSERT INTO draft_versions (id, draft_id, version, state_json, created_at) "
                            "VALUES (19, 17, 1, :c, :t)"), {**t, "c": content})
            db.execute(text("INSERT INTO confirmed_notes (id, draft_id, content_json, content_sha256, owner_id, "
                            "team, confirmed_by_id, confirmed_at) VALUES (23, 17, :c, 'h', 7, 'north', 7, :t)"),
                       {**t, "c": content})
        upgrade(ctx.engine)
        with ctx.engine.connect() as db:
            for table, columns in ENCRYPTED.items():
                for column in columns:
                    stored = db.execute(text(f"SELECT {column} FROM {table}")).scalar_one()
                    assert stored.startswith("enc1:") and PHRASE not in stored and "Leanne" not in stored
        from api.db.models import ConfirmedNoteRow, Draft, Recording

        with ctx.session_factory() as db:
            assert db.get(ConfirmedNoteRow, 23).content_json == content  # the signed bytes, unchanged
            assert db.get(Draft, 17).state_json == content
            assert db.get(Recording, 11).names == ["Leanne"]
        with ctx.engine.begin() as db, pytest.raises(DBAPIError, match="append-only"):
            db.execute(text("UPDATE confirmed_notes SET content_sha256 = 'changed'"))
    finally:
        ctx.engine.dispose()


def test_the_text_key_rotates_and_every_text_follows_it(server):
    from api.db.text_cipher import TEXT_KEY_FILE, read_key_file
    from api.services.text_keys import rotate_text_key

    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    add_user(app, "root", "admin")
    note_id = _signed_note(url, app, ada)
    settings = app.state.ctx.settings
    before = {(t, c): _raw(app, t, c) for t, cs in ENCRYPTED.items() for c in cs}
    app.state.ctx.engine.dispose()  # as a stopped service would

    if settings.on_postgresql:
        # Every process on PostgreSQL is given the key (no key files there): the operator
        # puts a new key first in CASENOTE_TEXT_KEY, rotates, then keeps only the new one.
        old_id = settings.text_key.split(":", 1)[0]
        new_key_entry = "2:MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="
        rotation = rotate_text_key(settings.model_copy(update={"text_key": f"{new_key_entry},{settings.text_key}"}))
        assert rotation.key_id == "2" and rotation.retired == [old_id]
        assert rotation.source == "CASENOTE_TEXT_KEY" and not (settings.data_dir / TEXT_KEY_FILE).exists()
        settings = settings.model_copy(update={"text_key": new_key_entry})
    else:
        rotation = rotate_text_key(settings)
        assert rotation.key_id == "2" and rotation.retired == ["1"]
        assert [key_id for key_id, _ in read_key_file(settings.data_dir / TEXT_KEY_FILE)] == ["2"]
    for (table, column), old in before.items():
        new = _raw(app, table, column)
        assert all(v.startswith("enc1:2:") for v in new) and set(new).isdisjoint(old), (table, column)
    # A service started with the new key alone reads everything; signed notes still refuse UPDATE.
    fresh = build_context(settings)
    try:
        from api.db.models import ConfirmedNoteRow

        with fresh.session_factory() as db:
            note = db.get(ConfirmedNoteRow, note_id)
            assert PHRASE in note.content_json and note.to_note().compute_sha256() == note.content_sha256
        with fresh.engine.begin() as db, pytest.raises(DBAPIError, match="append-only"):
            db.execute(text("UPDATE confirmed_notes SET content_sha256 = 'changed'"))
    finally:
        fresh.engine.dispose()
    assert "rotate_text_key" in [e["action"] for e in Client(url, "root").get("/api/audit").json()]


def test_the_cli_rotates_a_key_given_in_the_environment(tmp_path):
    from tests.api.conftest import make_settings

    old, new = "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=", "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="
    settings = make_settings(tmp_path / "data", text_key=f"a:{old}")
    ctx = build_context(settings)
    prepare_database(ctx)
    with ctx.session_factory() as db:
        from api.services.users import create_user

        create_user(db, "ada", "a long test password", "worker", "north")
        db.commit()
    ctx.engine.dispose()
    env = service_env(settings.data_dir, CASENOTE_TEXT_KEY=f"b:{new},a:{old}")
    done = subprocess.run([*CASENOTE, "keys", "rotate-text"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "remove them from CASENOTE_TEXT_KEY" in done.stderr
    missing = subprocess.run([*CASENOTE, "keys", "rotate-text"], env=service_env(tmp_path / "nothing"),
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and missing.stderr.startswith("casenote: error:") and "Traceback" not in missing.stderr


def test_the_data_folder_is_private_and_fixed_at_start(tmp_path, caplog):
    from tests.api.conftest import make_settings

    settings = make_settings(tmp_path / "data")
    ctx = build_context(settings)
    prepare_database(ctx)
    data = settings.data_dir
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [data, *data.iterdir()]}
    assert modes["data"] == 0o700
    for name in ("casenote.db", "casenote.db-wal", "casenote.db-shm", "text.key", "audio.key", "secret.key"):
        assert modes[name] == 0o600, (name, oct(modes[name]))
    assert modes["audio"] == 0o700
    ctx.engine.dispose()

    for path in data.iterdir():
        path.chmod(0o755 if path.is_dir() else 0o644)
    data.chmod(0o755)
    orphan = data / "audio" / ".0123abcd.cna.part"
    orphan.write_bytes(b"half an upload")
    caplog.set_level(logging.WARNING)
    again = build_context(settings)
    try:
        prepare_database(again)
    finally:
        again.engine.dispose()
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in [data, *data.iterdir()])
    assert not orphan.exists()
    assert "made owner-only" in caplog.text and "half-received upload" in caplog.text
