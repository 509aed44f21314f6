"""Live-traffic monitoring (MS-5, HS-5): served model versions and their alerts.

Revision ID: monitor_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "monitor_0001"
down_revision = "0001_base"
branch_labels = ("monitor",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_served",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(36), nullable=False, index=True),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("requested", sa.String(300), nullable=False),
        sa.Column("digest", sa.String(71), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("port", sa.Integer, nullable=False),
        sa.Column("auth", sa.Boolean, nullable=False),
        sa.Column("tls", sa.Boolean, nullable=False),
        sa.Column("validation", sa.String(20), nullable=False),
        sa.Column("monitoring", sa.Boolean, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.JSON, nullable=False),
    )
    op.create_table(
        "monitor_alerts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("client", sa.String(200), nullable=True),
        sa.Column("feature", sa.String(300), nullable=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("window", sa.JSON, nullable=False),
        sa.Column("atlas", sa.JSON, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("incident", sa.Integer, nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(200), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_monitor_alerts_key", "monitor_alerts", ["project_id", "kind", "model"])


def downgrade() -> None:
    op.drop_index("ix_monitor_alerts_key", table_name="monitor_alerts")
    op.drop_table("monitor_alerts")
    op.drop_table("monitor_served")
