"""Which project a record belongs to: one :class:`Project` (a stable id and a unique name) per store row.

The plan file names the project (``project: {id, name}``; ``secplan init`` writes a fresh UUID), so
every checkout of one project, in any folder and on any machine, resolves to the same id against a
team PostgreSQL store, and two projects that merely share a folder name do not. Every table keys its
rows by ``project_id``; :func:`project_of` is the one way to get it for a store.

A plan without an id (written before ids existed) is resolved by its name and the user is told the
line to add; a folder without a plan is known by its absolute path until ``secplan init`` runs there.
"""

from __future__ import annotations

import datetime as dt
import uuid
import warnings
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import String, delete, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from secplan.errors import InputError, SecplanWarning
from secplan.store.base import Base, utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store

#: Namespace of the ids given to folders without a plan (uuid5 of the folder's ``file://`` URI), so
#: that the same folder always gets the same id and the migration can compute it too.
FOLDER_NAMESPACE = uuid.UUID("5ec91a40-0000-4000-8000-00000000f01d")
NAME_MAX = 500


@dataclass(frozen=True)
class Project:
    """A project as every record, ledger entry and access decision names it."""

    id: str
    """A UUID; the value of every ``project_id`` column."""
    name: str
    """Unique in a store; what messages show."""


class ProjectNotice(SecplanWarning):
    """Something about the project's identity the user should fix (shown as a warning by the CLI)."""


class ProjectRow(Base):
    """The projects a store knows; a name belongs to one project only."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def folder_project(root: Path) -> Project:
    """The identity of a folder that has no plan: its absolute path, which no other checkout shares."""
    resolved = root.resolve()
    return Project(str(uuid.uuid5(FOLDER_NAMESPACE, resolved.as_uri())), str(resolved))


def declared_project(root: Path) -> tuple[str | None, str] | None:
    """``(id, name)`` from the plan at ``root`` (id None in an older plan), or None without a plan.
    An invalid plan raises its :class:`~secplan.errors.PlanError`: guessing would split the records."""
    from secplan.plan.loader import load_plan, plan_path

    path = plan_path(root)
    if not path.exists():
        return None
    project = load_plan(path).project
    return project.id, project.name


_resolved: weakref.WeakKeyDictionary[Store, tuple[int | None, Project]] = weakref.WeakKeyDictionary()
#: database URL -> how often this process moved rows between project ids in it (any Store object)
_moves: dict[str, int] = {}


def moves(store: Store) -> int:
    """How often this process moved rows from a folder's identity to a plan's in ``store``'s database
    (``secplan init`` after a first command): a cache keyed by project id (the access policy) rereads
    when this changes."""
    return _moves.get(store.url, 0)


def _plan_stamp(root: Path) -> int | None:
    try:
        return (root / "secplan.yaml").stat().st_mtime_ns
    except OSError:
        return None


def project_of(store: Store) -> Project:
    """The project of the checkout this store was opened for (``store.home``'s parent), registered in
    the store on first use and cached while the plan file is unchanged (a warm server pays a stat)."""
    root = store.home.parent
    stamp = _plan_stamp(root)
    cached = _resolved.get(store)
    if cached is None or cached[0] != stamp:
        cached = _resolved[store] = (stamp, resolve(store, root))
    return cached[1]


def resolve(store: Store, root: Path) -> Project:
    """The project at ``root`` in ``store``: by the plan's id, else the plan's name, else the folder."""
    declared = declared_project(root)
    if declared is None:
        wanted = folder_project(root)
        return _register(store, wanted.id, wanted.name, root)
    project_id, name = declared
    if project_id is None:
        project = _by_name_or_new(store, name, root)
        warnings.warn(ProjectNotice(
            f"{root / 'secplan.yaml'} has no project id; add `id: {project.id}` under `project:` so that "
            "every checkout of this project finds the same records"), stacklevel=2)
        return project
    return _register(store, project_id, name, root)


def _by_name_or_new(store: Store, name: str, root: Path) -> Project:
    with store.session() as session:
        row = session.scalars(select(ProjectRow).where(ProjectRow.name == name)).first()
        if row is not None:
            return Project(row.id, row.name)
    return _register(store, str(uuid.uuid4()), name, root)


def _register(store: Store, project_id: str, name: str, root: Path, *, retry: bool = True) -> Project:
    adopted = False
    try:
        with store.session() as session:
            row = session.get(ProjectRow, project_id)
            taken = session.scalars(select(ProjectRow).where(ProjectRow.name == name)).first()
            if taken is not None and taken.id != project_id:
                raise InputError(
                    f"{root / 'secplan.yaml'}: this store already has a project named {name!r} with id "
                    f"{taken.id}, not {project_id}",
                    hint=f"if this checkout is that project, set `id: {taken.id}` under `project:`; "
                         "otherwise give this project another name")
            if row is None:
                session.add(ProjectRow(id=project_id, name=name))
                adopted = _adopt_folder(session, root, project_id)
            elif row.name != name:
                row.name = name  # renamed in the plan: the id is what stays
    except IntegrityError:
        if not retry:  # pragma: no cover - a second race on the same row
            raise
        return _register(store, project_id, name, root, retry=False)  # another checkout registered it first
    if adopted:
        _moves[store.url] = moves(store) + 1
    return Project(project_id, name)


def _adopt_folder(session: Session, root: Path, project_id: str) -> bool:
    """Records made in this folder before it had a plan become the new project's: ``secplan init``
    after a first command must not hide what that command stored. True if there were any."""
    folder = folder_project(root)
    if folder.id == project_id or session.get(ProjectRow, folder.id) is None:
        return False
    for table in _scoped_tables(session):
        session.execute(text(f'UPDATE "{table}" SET project_id = :new WHERE project_id = :old'),
                        {"new": project_id, "old": folder.id})
    session.execute(delete(ProjectRow).where(ProjectRow.id == folder.id))
    return True


def _scoped_tables(session: Session) -> list[str]:
    """Every table of the store with a ``project_id`` column (read from the database itself, so a
    table added by any engine's migration is covered)."""
    inspector = inspect(session.connection())
    return [t for t in inspector.get_table_names()
            if any(c["name"] == "project_id" for c in inspector.get_columns(t))]


def known_projects(store: Store) -> list[Project]:
    """Every project the store holds records for, by name."""
    with store.session() as session:
        return [Project(r.id, r.name) for r in session.scalars(select(ProjectRow).order_by(ProjectRow.name))]
