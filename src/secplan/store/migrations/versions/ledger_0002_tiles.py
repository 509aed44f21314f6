"""Audit ledger: Merkle tiles (C2SP tlog-tiles) for O(log n) proofs, and checkpoints as signed notes.

``ledger_tiles`` holds the tree's interior hashes, 256 per row. It is derived data (every hash in it
can be recomputed from the entries, and every proof built from it is checked against a signed root
before it is given out), so the right-edge row of each level is rewritten as it fills and it has no
append-only trigger. A ledger created before this revision gets its tiles built on first need.

``ledger_checkpoints.note`` holds the C2SP signed note of checkpoints written from now on; older
rows keep the v1 signature (NULL note) and still verify. ``ADD COLUMN`` (not a table copy) keeps the
append-only triggers in place on SQLite.

Revision ID: ledger_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0002"
down_revision = "ledger_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_tiles",
        sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hashes", sa.LargeBinary, nullable=False),
    )
    op.add_column("ledger_checkpoints", sa.Column("note", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("ledger_checkpoints", "note")
    op.drop_table("ledger_tiles")
