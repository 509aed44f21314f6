"""The shapes of the dependency manifests secplan reads, as pydantic models.

Lockfiles and project files are parsed by tools that trust their input; secplan does not. Each
document is validated against these models before any reader looks inside, so a list where a
mapping belongs or a number where a version string belongs is a message naming the file and the
field. Only the fields the readers use are modelled; everything else is allowed and ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class LockedPackage(_Open):
    """One ``[[package]]`` of poetry.lock / uv.lock, or ``[[packages]]`` of pylock.toml."""

    name: str
    version: str | None = None
    source: dict[str, Any] | str | None = None

    @property
    def local(self) -> bool:
        """Editable, virtual or directory sources are the project's own code, not a dependency."""
        return isinstance(self.source, dict) and bool({"editable", "virtual", "directory"} & self.source.keys())


class PoetryOrUvLock(_Open):
    package: list[LockedPackage] = []


class PyLock(_Open):
    packages: list[LockedPackage] = []


class PipfileEntry(_Open):
    version: str | None = None
    git: str | None = None
    path: str | None = None


class PipfileLock(_Open):
    default: dict[str, PipfileEntry | str] = {}
    develop: dict[str, PipfileEntry | str] = {}


class CondaPip(_Open):
    pip: list[str] = []


class CondaEnvironment(_Open):
    dependencies: list[str | CondaPip | dict[str, Any]] = []


class Project(_Open):
    name: str = ""
    dependencies: list[str] = []
    optional_dependencies: dict[str, list[str]] = Field(default={}, alias="optional-dependencies")


class PoetryDependency(_Open):
    version: str = ""


class Poetry(_Open):
    dependencies: dict[str, str | PoetryDependency | list[Any]] = {}


class Tool(_Open):
    poetry: Poetry = Poetry()


class PyProject(_Open):
    project: Project = Project()
    dependency_groups: dict[str, list[str | dict[str, Any]]] = Field(default={}, alias="dependency-groups")
    tool: Tool = Tool()
