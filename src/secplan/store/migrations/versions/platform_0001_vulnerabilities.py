"""Platform engine: first-seen and remediation dates of vulnerable dependencies (PS-2).

Revision ID: platform_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "platform_0001"
down_revision = "0001_base"
branch_labels = ("platform",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_vulnerabilities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(500), nullable=False, index=True),
        sa.Column("package", sa.String(200), nullable=False),
        sa.Column("advisory", sa.String(100), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remediated_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("project", "package", "advisory", name="uq_platform_vuln_key"),
    )


def downgrade() -> None:
    op.drop_table("platform_vulnerabilities")
