"""Data protection (DS-5, DS-8): backup repositories and their runs, and shares to third parties.

Revision ID: protection_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "protection_0001"
down_revision = "0001_base"
branch_labels = ("protection",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backup_repositories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(500), nullable=False),
        sa.Column("repository", sa.String(1000), nullable=False),
        sa.Column("kek_id", sa.String(100), nullable=False),
        sa.Column("wrapped_password", sa.LargeBinary, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("project", "repository", name="uq_backup_repository"),
    )
    op.create_table(
        "backup_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(500), nullable=False, index=True),
        sa.Column("repository", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False, index=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("snapshot", sa.String(100), nullable=True),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_table(
        "shares",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project", sa.String(500), nullable=False, index=True),
        sa.Column("file", sa.String(1000), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("agreement", sa.String(500), nullable=True),
        sa.Column("expires", sa.Date, nullable=False),
        sa.Column("sender", sa.String(200), nullable=False),
        sa.Column("signing_key", sa.String(100), nullable=False),
        sa.Column("package", sa.String(1000), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("shares")
    op.drop_table("backup_runs")
    op.drop_table("backup_repositories")
