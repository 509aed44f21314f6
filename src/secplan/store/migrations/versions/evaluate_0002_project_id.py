"""Model evaluations join the one project identity: ``project`` (a name) becomes ``project_id``.

An old row's project name is looked up in ``projects``; on a store kept inside a project folder
(SQLite under ``.secplan/``) every row belongs to that folder's project; a name that no project has
gets a project of its own, as ``project_0001`` does for the other tables.

Revision ID: evaluate_0002
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import context, op

revision = "evaluate_0002"
down_revision = ("evaluate_0001", "project_0001")
branch_labels = None
depends_on = None
TABLE = "model_evaluations"


def _store_project(bind: sa.Connection) -> str | None:
    """The id of the one project of a store inside a project folder, when it is registered."""
    from pathlib import Path

    from secplan.errors import SecplanError
    from secplan.projects import declared_project, folder_project

    root = context.config.attributes.get("project_root")
    if root is None or bind.dialect.name != "sqlite":
        return None
    try:
        declared = declared_project(Path(root))
    except (SecplanError, OSError):
        declared = None
    if declared is not None and declared[0]:
        return declared[0]
    name = declared[1] if declared is not None else folder_project(Path(root)).name
    row = bind.execute(sa.text("SELECT id FROM projects WHERE name = :n"), {"n": name}).first()
    return row[0] if row else None


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("project_id", sa.String(36), nullable=True))
    values = [v for (v,) in bind.execute(sa.text(f"SELECT DISTINCT project FROM {TABLE}"))]
    single = _store_project(bind) if values else None
    for value in values:
        project_id = single
        if project_id is None:
            row = bind.execute(sa.text("SELECT id FROM projects WHERE name = :n"), {"n": value}).first()
            project_id = row[0] if row else str(uuid.uuid4())
            if row is None:
                bind.execute(sa.text("INSERT INTO projects (id, name, created_at) VALUES (:id, :n, CURRENT_TIMESTAMP)"),
                             {"id": project_id, "n": value})
        bind.execute(sa.text(f"UPDATE {TABLE} SET project_id = :id WHERE project = :v"), {"id": project_id, "v": value})
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index("ix_model_evaluations_version")
        batch.drop_index("ix_model_evaluations_project")
        batch.drop_column("project")
        batch.alter_column("project_id", existing_type=sa.String(36), nullable=False)
        batch.create_index("ix_model_evaluations_project_id", ["project_id"])
        batch.create_index("ix_model_evaluations_version", ["project_id", "name", "version"])


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("project", sa.String(200), nullable=False, server_default=""))
    bind.execute(sa.text(f"UPDATE {TABLE} SET project = (SELECT name FROM projects WHERE projects.id = "
                         f"{TABLE}.project_id)"))
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index("ix_model_evaluations_version")
        batch.drop_index("ix_model_evaluations_project_id")
        batch.drop_column("project_id")
        batch.create_index("ix_model_evaluations_project", ["project"])
        batch.create_index("ix_model_evaluations_version", ["project", "name", "version"])
