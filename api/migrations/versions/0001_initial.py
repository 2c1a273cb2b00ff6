"""Initial schema: users, sessions, tokens, recordings, jobs, drafts with versions,
confirmed notes and the audit log (the last two append-only by trigger).

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
APPEND_ONLY = ("audit_events", "confirmed_notes")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team", sa.String(64)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_web_sessions_user_id_users"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_api_tokens_user_id_users"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("team", sa.String(64)),
        sa.Column("case_reference", sa.String(64), nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("original_filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("audio_format", sa.String(32), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("audio_sha256", sa.String(64), nullable=False),
        sa.Column("audio_file", sa.String(128)),
        sa.Column("duration_s", sa.Float),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("audio_deleted_at", UTC),
        sa.PrimaryKeyConstraint("id", name="pk_recordings"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_recordings_owner_id_users"),
    )
    op.create_index("ix_recordings_owner_id", "recordings", ["owner_id"])
    op.create_index("ix_recordings_team", "recordings", ["team"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recording_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(16)),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error_code", sa.String(64)),
        sa.Column("error", sa.Text),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("started_at", UTC),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("finished_at", UTC),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.ForeignKeyConstraint(["recording_id"], ["recordings.id"], name="fk_jobs_recording_id_recordings"),
    )
    op.create_index("ix_jobs_recording_id", "jobs", ["recording_id"])
    op.create_index("ix_jobs_status_id", "jobs", ["status", "id"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recording_id", sa.Integer, nullable=False),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("team", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("note_json", sa.Text, nullable=False),
        sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("required_sections", sa.JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_drafts"),
        sa.UniqueConstraint("recording_id", name="uq_drafts_recording_id"),
        sa.ForeignKeyConstraint(["recording_id"], ["recordings.id"], name="fk_drafts_recording_id_recordings"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_drafts_owner_id_users"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name="fk_drafts_updated_by_id_users"),
    )
    op.create_index("ix_drafts_owner_id", "drafts", ["owner_id"])
    op.create_index("ix_drafts_team", "drafts", ["team"])
    op.create_table(
        "draft_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("draft_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("created_by_id", sa.Integer),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_draft_versions"),
        sa.UniqueConstraint("draft_id", "version", name="uq_draft_versions_draft_id"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name="fk_draft_versions_draft_id_drafts"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name="fk_draft_versions_created_by_id_users"),
    )
    op.create_table(
        "confirmed_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("draft_id", sa.Integer, nullable=False),
        sa.Column("content_json", sa.Text, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("team", sa.String(64)),
        sa.Column("confirmed_by_id", sa.Integer, nullable=False),
        sa.Column("confirmed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_confirmed_notes"),
        sa.UniqueConstraint("draft_id", name="uq_confirmed_notes_draft_id"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name="fk_confirmed_notes_draft_id_drafts"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_confirmed_notes_owner_id_users"),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["users.id"], name="fk_confirmed_notes_confirmed_by_id_users"),
    )
    op.create_index("ix_confirmed_notes_owner_id", "confirmed_notes", ["owner_id"])
    op.create_index("ix_confirmed_notes_team", "confirmed_notes", ["team"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor_id", sa.Integer),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.Integer),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])
    _forbid_update_and_delete()


def _forbid_update_and_delete() -> None:
    """The audit log and the signed notes are append-only at the database itself, so
    no code path (or a hand-typed SQL session) can rewrite history."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION casenote_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION casenote_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION casenote_refuse_change()")


def downgrade() -> None:
    raise NotImplementedError("casenote does not downgrade: restore a backup instead")
