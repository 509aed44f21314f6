"""API tokens get a scope (read, write or admin): the most a token may do, whatever its roles allow.

Tokens issued before scopes existed keep what they could do (``admin``: every action their roles
allow); new tokens default to ``write`` and need an explicit ``--scope admin`` to administer.

Revision ID: access_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "access_0001"
down_revision = "project_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gov_tokens") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default="admin"))


def downgrade() -> None:
    with op.batch_alter_table("gov_tokens") as batch:
        batch.drop_column("scope")
