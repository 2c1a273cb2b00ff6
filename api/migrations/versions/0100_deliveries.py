"""Delivery outbox: one row per confirmed note and delivery connector, written in the
confirming transaction and worked off by the delivery worker.

Revision ID: 0100_deliveries
Revises: 0001
Create Date: 2025-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100_deliveries"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("note_id", sa.Integer, nullable=False),
        sa.Column("connector", sa.String(48), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTC),
        sa.Column("locked_until", UTC),
        sa.Column("last_error", sa.Text),
        sa.Column("receipt", sa.JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("delivered_at", UTC),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("note_id", "connector", name="uq_deliveries_note_id_connector"),
        sa.ForeignKeyConstraint(["note_id"], ["confirmed_notes.id"], name="fk_deliveries_note_id_confirmed_notes"),
    )
    op.create_index("ix_deliveries_note_id", "deliveries", ["note_id"])
    op.create_index("ix_deliveries_due", "deliveries", ["connector", "status", "next_attempt_at"])


def downgrade() -> None:
    raise NotImplementedError("casenote does not downgrade: restore a backup instead")
