"""Model evaluations (MS-3, MS-4, CS-2): results bound to a version's digest, with their attestation.

Revision ID: evaluate_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "evaluate_0001"
down_revision = "0001_base"
branch_labels = ("evaluate",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_evaluations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(200), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("digest", sa.String(71), nullable=False),
        sa.Column("suites", sa.String(200), nullable=False),
        sa.Column("passed", sa.Boolean, nullable=True),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("attestation", sa.Text, nullable=True),
        sa.Column("signing_key", sa.String(100), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_model_evaluations_version", "model_evaluations", ["project", "name", "version"])


def downgrade() -> None:
    op.drop_index("ix_model_evaluations_version", table_name="model_evaluations")
    op.drop_table("model_evaluations")
