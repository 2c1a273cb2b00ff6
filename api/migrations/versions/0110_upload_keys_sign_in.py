"""Idempotent uploads and the sign-in throttle: ``recordings.idempotency_key`` with a
UNIQUE (owner_id, idempotency_key) constraint, and the ``sign_in_failures`` table.

Revision ID: 0110_upload_keys_sign_in
Revises: 0100_deliveries
Create Date: 2025-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0110_upload_keys_sign_in"
down_revision = "0100_deliveries"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    # SQLite cannot add a constraint to a table: batch mode rebuilds ``recordings``
    # (copy, drop, rename; env.py turns foreign keys off around it and checks them
    # before the commit). PostgreSQL gets plain ALTER TABLE statements.
    with op.batch_alter_table("recordings") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(128)))
        batch.create_unique_constraint("uq_recordings_owner_id_idempotency_key", ["owner_id", "idempotency_key"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_failures"),
    )
    op.create_index("ix_sign_in_failures_username_at", "sign_in_failures", ["username", "at"])


def downgrade() -> None:
    raise NotImplementedError("casenote does not downgrade: restore a backup instead")
