"""API tokens may act in every project of the store (``all_projects``), through their user's grants.

A control-plane server shows several projects to one caller (the portfolio); a token stays bound
to its own project unless it was issued with ``--all-projects``. Existing tokens keep their one
project.

Revision ID: access_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "access_0002"
down_revision = "access_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gov_tokens") as batch:
        batch.add_column(sa.Column("all_projects", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("gov_tokens") as batch:
        batch.drop_column("all_projects")
