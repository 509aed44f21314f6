"""One project identity: a ``projects`` table and one ``project_id`` column in every project-scoped table.

Before this revision a row named its project in one of four ways: the plan's name or the folder's
name (``domain`` in governance tables, ``project`` in the registry and assessments), ``plan:<name>``
(vulnerabilities) or the absolute path of one checkout (shares, backups). Each old value is mapped to
a project: on a store that lives inside a project (SQLite under ``.secplan/``) every row is that
project's; on a shared store a path is looked up (its plan's name, else the path itself), a
``plan:`` prefix is dropped and a name is a name. Rows that named one project differently end up
under one id.

Revision ID: project_0001
"""

from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

revision = "project_0001"
down_revision = ("gov_0002", "registry_0001", "platform_0001", "protection_0001")
branch_labels = ("projects",)
depends_on = None

#: table -> (old column, [(old unique name, new unique name, columns after the change)], old indexes)
TABLES: dict[str, tuple[str, list[tuple[str, str, list[str]]], list[str]]] = {
    "gov_grants": ("domain", [("uq_gov_grants_user_role_domain", "uq_gov_grants_user_role_project",
                               ["user_name", "role", "project_id"])], []),
    "gov_tokens": ("domain", [], []),
    "gov_people": ("domain", [("uq_gov_people_domain_name", "uq_gov_people_project_name", ["project_id", "name"])],
                   ["ix_gov_people_domain"]),
    "gov_vendors": ("domain", [("uq_gov_vendors_domain_name", "uq_gov_vendors_project_name",
                                ["project_id", "name"])], ["ix_gov_vendors_domain"]),
    "gov_incidents": ("domain", [], ["ix_gov_incidents_domain"]),
    "gov_approvals": ("domain", [], ["ix_gov_approvals_domain"]),
    "gov_attestations": ("domain", [], ["ix_gov_attestations_domain"]),
    "registry_model_versions": ("project", [("uq_registry_model_version", "uq_registry_model_version",
                                             ["project_id", "name", "version"])],
                                ["ix_registry_model_versions_project"]),
    "registry_promotions": ("project", [], ["ix_registry_promotions_project"]),
    "registry_dataset_versions": ("project", [("uq_registry_dataset_version", "uq_registry_dataset_version",
                                               ["project_id", "name", "version"])],
                                  ["ix_registry_dataset_versions_project"]),
    "assessments": ("project", [], ["ix_assessments_project"]),
    "platform_vulnerabilities": ("project", [("uq_platform_vuln_key", "uq_platform_vuln_key",
                                              ["project_id", "package", "advisory"])],
                                 ["ix_platform_vulnerabilities_project"]),
    "shares": ("project", [], ["ix_shares_project"]),
    "backup_repositories": ("project", [("uq_backup_repository", "uq_backup_repository",
                                         ["project_id", "repository"])], []),
    "backup_runs": ("project", [], ["ix_backup_runs_project"]),
}
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s", "ix": "ix_%(column_0_label)s"}


def _declared(root: Path) -> tuple[str | None, str] | None:
    from secplan.errors import SecplanError
    from secplan.projects import declared_project

    try:
        return declared_project(root)
    except (SecplanError, OSError):
        return None


def _target_for_store(root: Path | None) -> tuple[str, str] | None:
    """The one project of a store kept inside a project folder (SQLite), as it will be resolved."""
    from secplan.projects import folder_project

    if root is None or op.get_bind().dialect.name != "sqlite":
        return None
    declared = _declared(root)
    if declared is None:
        folder = folder_project(root)
        return folder.id, folder.name
    return declared[0] or str(uuid.uuid4()), declared[1]


def _name_of(value: str) -> tuple[str | None, str]:
    """(declared id or None, name) that an old column value stands for on a shared store."""
    from secplan.projects import folder_project

    if value.startswith("plan:"):
        return None, value.removeprefix("plan:")
    if value.startswith("/"):
        declared = _declared(Path(value))
        if declared is not None:
            return declared
        folder = folder_project(Path(value))
        return folder.id, folder.name
    return None, value or "(unassigned)"


def upgrade() -> None:
    bind = op.get_bind()
    projects = op.create_table(
        "projects",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    values: set[str] = set()
    for table, (old, _, _) in TABLES.items():
        values |= {v for (v,) in bind.execute(sa.text(f'SELECT DISTINCT "{old}" FROM {table}'))}
    root = context.config.attributes.get("project_root")
    single = _target_for_store(Path(root) if root else None)
    ids: dict[str, str] = {}  # name -> id
    mapping: dict[str, str] = {}  # old value -> id
    for value in sorted(values):
        declared_id, name = single if single else _name_of(value)
        project_id = ids.setdefault(name, declared_id or str(uuid.uuid4()))
        mapping[value] = project_id
    if values:
        op.bulk_insert(projects, [{"id": i, "name": n} for n, i in ids.items()])
    for table, (old, uniques, indexes) in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("project_id", sa.String(36), nullable=True))
        for value, project_id in mapping.items():
            bind.execute(sa.text(f'UPDATE {table} SET project_id = :id WHERE "{old}" = :v'),
                         {"id": project_id, "v": value})
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            for name, _, _ in uniques:
                batch.drop_constraint(name, type_="unique")
            for name in indexes:
                batch.drop_index(name)
            batch.drop_column(old)
            batch.alter_column("project_id", existing_type=sa.String(36), nullable=False)
            batch.create_index(f"ix_{table}_project_id", ["project_id"])
            for _, name, columns in uniques:
                batch.create_unique_constraint(name, columns)


def downgrade() -> None:
    bind = op.get_bind()
    names = {i: n for i, n in bind.execute(sa.text("SELECT id, name FROM projects"))}
    for table, (old, uniques, indexes) in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(old, sa.String(500), nullable=False, server_default=""))
        for project_id, name in names.items():
            bind.execute(sa.text(f'UPDATE {table} SET "{old}" = :n WHERE project_id = :id'),
                         {"n": name, "id": project_id})
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            for _, name, _ in uniques:
                batch.drop_constraint(name, type_="unique")
            batch.drop_index(f"ix_{table}_project_id")
            batch.drop_column("project_id")
            for name in indexes:
                batch.create_index(name, [old])
            for name, _, columns in uniques:
                batch.create_unique_constraint(name, [old if c == "project_id" else c for c in columns])
    op.drop_table("projects")
