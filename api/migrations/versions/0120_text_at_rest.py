"""Note, draft and transcript text encrypted at rest: ``recordings.names`` becomes text
(it holds encrypted JSON), and every stored note text, draft, draft version, signed
note and list of names is encrypted with the text key (``api/db/reencrypt.py``; the
signed notes' UPDATE trigger is lifted for that one rewrite, inside this transaction).

Revision ID: 0120_text_at_rest
Revises: 0110_upload_keys_sign_in
Create Date: 2025-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.db.reencrypt import reencrypt_all

revision = "0120_text_at_rest"
down_revision = "0110_upload_keys_sign_in"
branch_labels = None
depends_on = None


# The encrypted columns as of this revision (a later revision's columns do not exist yet here).
COLUMNS = (
    ("recordings", "names", "recordings.names"),
    ("drafts", "note_json", "drafts.note_json"),
    ("drafts", "state_json", "drafts.state_json"),
    ("draft_versions", "state_json", "draft_versions.state_json"),
    ("confirmed_notes", "content_json", "confirmed_notes.content_json"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE recordings ALTER COLUMN names TYPE TEXT USING names::text")
    else:
        with op.batch_alter_table("recordings") as batch:
            batch.alter_column("names", type_=sa.Text, existing_type=sa.JSON, existing_nullable=False)
    reencrypt_all(bind, bind.dialect.text_cipher, COLUMNS)


def downgrade() -> None:
    raise NotImplementedError("casenote does not downgrade: restore a backup instead")
