"""Audit ledger: entries and signed checkpoints, append-only by trigger on SQLite and PostgreSQL.

Revision ID: ledger_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0001"
down_revision = "0001_base"
branch_labels = ("ledger",)
depends_on = None

TABLES = ("ledger_entries", "ledger_checkpoints")


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("object", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_ledger_entries_ts", "ledger_entries", ["ts"])
    op.create_index("ix_ledger_entries_actor", "ledger_entries", ["actor"])
    op.create_index("ix_ledger_entries_action", "ledger_entries", ["action"])
    op.create_table(
        "ledger_checkpoints",
        sa.Column("tree_size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root_hash", sa.String(64), nullable=False),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("frontier", sa.Text, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION secplan_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'secplan ledger table % is append-only', TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END $$
            """
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION secplan_ledger_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION secplan_ledger_append_only()"
            )
    else:
        for table in TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'secplan ledger table {table} is append-only'); END"
                )


def downgrade() -> None:
    is_pg = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        names = (f"{table}_append_only", f"{table}_no_truncate") if is_pg else (f"{table}_no_update", f"{table}_no_delete")
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if is_pg else ""))
    if is_pg:
        op.execute("DROP FUNCTION IF EXISTS secplan_ledger_append_only()")
    op.drop_table("ledger_checkpoints")
    op.drop_table("ledger_entries")
