"""One note per child: a draft of a family visit signs several confirmed notes, so
``confirmed_notes.draft_id`` is no longer unique; ``child_key`` names the child each
note is for (UNIQUE (draft_id, child_key)); ``recordings.child_references`` keeps each
child's case reference given at upload (encrypted, like the recording's names: it
holds children's names; nothing to encrypt yet, every row starts empty).

Revision ID: 0130_family_visits
Revises: 0120_text_at_rest
Create Date: 2025-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0130_family_visits"
down_revision = "0120_text_at_rest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.add_column(sa.Column("child_references", sa.Text))
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite cannot drop a constraint: batch mode rebuilds the table (copy, drop, rename),
    # and a dropped table takes its triggers with it, so the append-only triggers are made
    # again. Copying rows is an INSERT, which they allow; on PostgreSQL the ALTER TABLE
    # statements below touch no row, so its row triggers do not fire.
    with op.batch_alter_table("confirmed_notes") as batch:
        batch.add_column(sa.Column("child_key", sa.String(24)))
        batch.drop_constraint("uq_confirmed_notes_draft_id", type_="unique")
        batch.create_unique_constraint("uq_confirmed_notes_draft_id_child_key", ["draft_id", "child_key"])
        batch.create_index("ix_confirmed_notes_draft_id", ["draft_id"])
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS confirmed_notes_no_{verb.lower()}")
            op.execute(f"CREATE TRIGGER confirmed_notes_no_{verb.lower()} BEFORE {verb} ON confirmed_notes "
                       "BEGIN SELECT RAISE(ABORT, 'confirmed_notes is append-only'); END")


def downgrade() -> None:
    raise NotImplementedError("casenote does not downgrade: restore a backup instead")
