"""Governance tables: users, roles, grants, tokens, people, trainings, incidents, approvals,
vendors and attestations.

Revision ID: gov_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "gov_0001"
down_revision = "0001_base"
branch_labels = ("governance",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "gov_users", _id(),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("email", sa.String(320)),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "gov_roles",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("permissions", sa.JSON, nullable=False),
    )
    op.create_table(
        "gov_grants", _id(),
        sa.Column("user_name", sa.String(200), nullable=False, index=True),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("domain", sa.String(200), nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("granted_at", TZ, nullable=False),
        sa.UniqueConstraint("user_name", "role", "domain", name="uq_gov_grants_user_role_domain"),
    )
    op.create_table(
        "gov_tokens", _id(),
        sa.Column("token_id", sa.String(32), nullable=False, unique=True),
        sa.Column("user_name", sa.String(200), nullable=False, index=True),
        sa.Column("domain", sa.String(200), nullable=False),
        sa.Column("roles", sa.JSON),
        sa.Column("secret_hash", sa.String(400), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "gov_people", _id(),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("assets", sa.JSON, nullable=False),
        sa.Column("screening_status", sa.String(20), nullable=False),
        sa.Column("screening_date", sa.Date),
        sa.Column("screening_level", sa.String(20)),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "gov_trainings", _id(),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("gov_people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("course", sa.String(200), nullable=False),
        sa.Column("completed", sa.Date, nullable=False),
        sa.Column("expires", sa.Date),
    )
    op.create_table(
        "gov_incidents", _id(),
        sa.Column("domain", sa.String(200), nullable=False, index=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("drill", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("owner", sa.String(200)),
        sa.Column("assets", sa.JSON, nullable=False),
        sa.Column("atlas", sa.JSON, nullable=False),
        sa.Column("finding", sa.String(200)),
        sa.Column("serious", sa.String(20)),
        sa.Column("aware_at", TZ, nullable=False),
        sa.Column("reported_at", TZ),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("closed_at", TZ),
        sa.Column("steps", sa.JSON, nullable=False),
    )
    op.create_table(
        "gov_incident_events", _id(),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("gov_incidents.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "gov_approvals", _id(),
        sa.Column("domain", sa.String(200), nullable=False, index=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", TZ),
        sa.Column("used_at", TZ),
    )
    op.create_table(
        "gov_vendors", _id(),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("service", sa.String(300), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("risk_tier", sa.String(20), nullable=False),
        sa.Column("agreement_ref", sa.String(200)),
        sa.Column("agreement_signed", sa.Date),
        sa.Column("agreement_expires", sa.Date),
        sa.Column("certifications", sa.JSON, nullable=False),
        sa.Column("last_review", sa.Date),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "gov_attestations", _id(),
        sa.Column("domain", sa.String(200), nullable=False, index=True),
        sa.Column("control", sa.String(10), nullable=False, index=True),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("evidence", sa.String(1000), nullable=False),
        sa.Column("evidence_sha256", sa.String(64)),
        sa.Column("attester", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires", sa.Date, nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for table in ("gov_attestations", "gov_vendors", "gov_approvals", "gov_incident_events", "gov_incidents",
                  "gov_trainings", "gov_people", "gov_tokens", "gov_grants", "gov_roles", "gov_users"):
        op.drop_table(table)
