"""The control-plane server's index of stored assessments and their findings (derived data).

Revision ID: server_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "server_0001"
down_revision = "0001_base"
branch_labels = ("server",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "server_assessments",
        sa.Column("assessment_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("project_id", sa.String(36), nullable=False, index=True),
        sa.Column("branch", sa.String(255), nullable=True),
        sa.Column("commit", sa.String(64), nullable=True),
        sa.Column("pipeline", sa.String(2000), nullable=True),
        sa.Column("uploaded_by", sa.String(200), nullable=True),
        sa.Column("finished_at", TZ, nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("pillars", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("open_counts", sa.JSON(), nullable=False),
    )
    op.create_table(
        "server_findings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False, index=True),
        sa.Column("fingerprint", sa.String(300), nullable=False),
        sa.Column("probe", sa.String(200), nullable=False),
        sa.Column("control", sa.String(8), nullable=False),
        sa.Column("pillar", sa.String(4), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("severity_rank", sa.SmallInteger(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("remediation", sa.Text(), nullable=True),
        sa.Column("first_seen", TZ, nullable=False),
    )
    op.create_index("ix_server_findings_page", "server_findings", ["assessment_id", "severity_rank", "id"])
    op.create_index("ix_server_findings_order", "server_findings", ["severity_rank", "id"])


def downgrade() -> None:
    op.drop_index("ix_server_findings_order", "server_findings")
    op.drop_index("ix_server_findings_page", "server_findings")
    op.drop_table("server_findings")
    op.drop_table("server_assessments")
