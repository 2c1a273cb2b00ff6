"""Workers on any number of machines: the job engine's schema (Procrastinate, PostgreSQL
only), claim tokens on jobs and deliveries, and encrypted audio kept in the database.

Procrastinate's schema is applied from ``api/migrations/sql/procrastinate-3.10.0-schema.sql``,
a byte-for-byte copy of the ``schema.sql`` that procrastinate 3.10.0 ships (MIT licence,
``procrastinate-LICENSE.md`` beside it): a revision never changes once released, so it
keeps its own copy instead of reading whatever version is installed. Upgrading
procrastinate later means a new revision that applies the package's own migration files
(``procrastinate/sql/migrations/*.sql``) newer than ``PROCRASTINATE_MIGRATED_TO``, in
their order; ``tests/workers/test_engine_schema.py`` fails while the installed package and
the migrations disagree.

Revision ID: 0200_workers
Revises: 0130_family_visits
Create Date: 2025-12-01
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0200_workers"
down_revision = "0130_family_visits"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
PROCRASTINATE_SCHEMA = Path(__file__).resolve().parent.parent / "sql" / "procrastinate-3.10.0-schema.sql"


def upgrade() -> None:
    op.add_column("jobs", sa.Column("claim_token", sa.String(32)))
    op.add_column("jobs", sa.Column("worker", sa.String(128)))
    op.add_column("deliveries", sa.Column("claim_token", sa.String(32)))
    op.add_column("deliveries", sa.Column("round_started_at", UTC))
    op.create_table(
        "audio_objects",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("file_id", sa.LargeBinary(16), nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("sealed_bytes", sa.BigInteger, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_audio_objects"),
    )
    op.create_table(
        "audio_chunks",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("chunk_index", sa.Integer, nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("name", "chunk_index", name="pk_audio_chunks"),
        sa.ForeignKeyConstraint(["name"], ["audio_objects.name"], name="fk_audio_chunks_name_audio_objects",
                                ondelete="CASCADE"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Many statements with dollar-quoted bodies: sent as one simple query on the
        # migration's own connection (inside its transaction), with no parameters, so
        # nothing in it is read as a placeholder.
        bind.connection.dbapi_connection.cursor().execute(PROCRASTINATE_SCHEMA.read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("casenote does not downgrade: restore a backup instead")
