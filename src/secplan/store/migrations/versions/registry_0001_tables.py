"""Model registry (MS-1, MS-6): model versions, promotions, dataset versions.

Revision ID: registry_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0001"
down_revision = "0001_base"
branch_labels = ("registry",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_model_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(200), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("shard_size", sa.BigInteger, nullable=True),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("root_digest", sa.String(64), nullable=False),
        sa.Column("total_size", sa.BigInteger, nullable=False),
        sa.Column("lineage", sa.Text, nullable=False),
        sa.Column("scan", sa.Text, nullable=False),
        sa.Column("scan_verdict", sa.String(20), nullable=False),
        sa.Column("card_info", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("bundle", sa.Text, nullable=True),
        sa.Column("lineage_bundle", sa.Text, nullable=True),
        sa.Column("signing_key", sa.String(100), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.String(200), nullable=True),
        sa.Column("card_digest", sa.String(64), nullable=True),
        sa.UniqueConstraint("project", "name", "version", name="uq_registry_model_version"),
    )
    op.create_table(
        "registry_promotions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(200), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("stage", sa.String(100), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_by", sa.String(200), nullable=False),
        sa.Column("gates", sa.Text, nullable=False),
        sa.Column("approval_id", sa.Integer, nullable=True),
    )
    op.create_table(
        "registry_dataset_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(200), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("root_digest", sa.String(64), nullable=False),
        sa.Column("total_size", sa.BigInteger, nullable=False),
        sa.Column("classification", sa.String(20), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("project", "name", "version", name="uq_registry_dataset_version"),
    )


def downgrade() -> None:
    op.drop_table("registry_dataset_versions")
    op.drop_table("registry_promotions")
    op.drop_table("registry_model_versions")
