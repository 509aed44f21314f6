"""People and vendors belong to a project (domain), like incidents and approvals: one PostgreSQL
server holds many projects, and a name is unique within a project only.

Revision ID: gov_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "gov_0002"
down_revision = "gov_0001"
branch_labels = None
depends_on = None

TABLES = ("gov_people", "gov_vendors")


def _old_unique(table: str) -> str:
    # gov_0001 let each database name the UNIQUE(name) constraint: PostgreSQL's default name; on SQLite
    # it is unnamed, and batch mode reflects it under the naming convention below.
    return f"{table}_name_key" if op.get_bind().dialect.name == "postgresql" else f"uq_{table}_name"


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}) as batch:
            batch.add_column(sa.Column("domain", sa.String(200), nullable=False, server_default=""))
            batch.drop_constraint(_old_unique(table), type_="unique")
            batch.create_unique_constraint(f"uq_{table}_domain_name", ["domain", "name"])
            batch.create_index(f"ix_{table}_domain", ["domain"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_domain")
            batch.drop_constraint(f"uq_{table}_domain_name", type_="unique")
            batch.drop_column("domain")
            batch.create_unique_constraint(_old_unique(table), ["name"])
