"""Stored assessments record the git branch they assessed, their open findings by severity, and how
many findings were new and fixed against the branch's previous assessment.

History compares a branch with itself, and a trend reads two small columns instead of every
report. Rows stored before keep a null branch (they match a checkout whose branch is unknown) and
a null ``open_counts`` (read from their report when a trend needs them).

Revision ID: assess_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "assess_0001"
down_revision = "project_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("branch", sa.String(255), nullable=True))
        batch.add_column(sa.Column("open_counts", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("changed", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("changed")
        batch.drop_column("open_counts")
        batch.drop_column("branch")
