"""Differential-privacy budgets per dataset and the spends against them (DS-6).

Revision ID: data_privacy_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "data_privacy_0001"
down_revision = "0001_base"
branch_labels = ("data_privacy",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_budgets",
        sa.Column("dataset", sa.String(300), primary_key=True),
        sa.Column("total_epsilon", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "privacy_spends",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset", sa.String(300), sa.ForeignKey("privacy_budgets.dataset"), nullable=False, index=True),
        sa.Column("epsilon", sa.Float, nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_spends")
    op.drop_table("privacy_budgets")
