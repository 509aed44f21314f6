"""Dependency manifests: every kind ML projects use, reduced to (name, exact version or the spec).

Readers never execute anything (no setup.py, no resolver): they read files. A requirement without
an exact pin is returned with ``version=None`` so that the scan reports it as unpinned instead of
guessing which version would be installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from packaging.requirements import InvalidRequirement, Requirement
from pydantic import BaseModel

from secplan.documents import parse_json, parse_toml, parse_yaml, validate_shape
from secplan.errors import InputError
from secplan.platform.manifest_models import (
    CondaEnvironment,
    CondaPip,
    LockedPackage,
    PipfileEntry,
    PipfileLock,
    PoetryDependency,
    PoetryOrUvLock,
    PyLock,
    PyProject,
)
from secplan.platform.osv.model import canonical_name

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Dependency:
    name: str
    """PEP 503 normalised."""
    version: str | None
    """The exact version, or None when the manifest does not pin one."""
    spec: str
    """The requirement as written (for messages)."""
    path: str
    line: int | None


class ManifestError(ValueError):
    """A manifest that cannot be read; the scan warns and goes on."""


def _pinned(req: Requirement) -> str | None:
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        return specs[0].version
    return None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def parse_requirement_line(line: str, path: str, number: int | None) -> Dependency | None:
    """One PEP 508 requirement (extras, markers allowed); None for URLs and local paths."""
    try:
        req = Requirement(line)
    except InvalidRequirement as exc:
        raise ManifestError(f"{path}:{number}: invalid requirement {line!r}: {exc}") from None
    if req.url:
        return None
    return Dependency(canonical_name(req.name), _pinned(req), line, path, number)


_URL_OR_PATH = re.compile(r"^(?:[\w+.\-]+://|git\+|hg\+|svn\+|bzr\+|\.{0,2}/|~|[A-Za-z]:\\)|\.(?:whl|tar\.gz|zip)$")


def read_requirements(file: Path, root: Path, problems: list[str] | None = None,
                      _seen: set[Path] | None = None) -> Iterator[Dependency]:
    """requirements*.txt: continuations, comments, ``--hash`` options, ``-r``/``-c`` includes (relative
    to the file). A line that cannot be read (a typo, a missing include) or that installs from a URL
    or a path is noted in ``problems`` and the rest of the file is still read."""
    problems = problems if problems is not None else []
    seen = _seen if _seen is not None else set()
    real = file.resolve()
    if real in seen:
        return
    seen.add(real)
    rel = _rel(file, root)
    text = file.read_text(encoding="utf-8")
    logical: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not buffer:
            start = number
        stripped = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        logical.append((start, (buffer + stripped).strip()))
        buffer = ""
    if buffer:
        logical.append((start, buffer.strip()))
    for number, line in logical:
        if not line:
            continue
        include = re.match(r"^(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)", line)
        if include:
            target = (file.parent / include.group(1)).resolve()
            if not target.is_relative_to(root.resolve()) or not target.is_file():
                problems.append(f"{rel}:{number}: included file {include.group(1)} not found in the project")
                continue
            yield from read_requirements(target, root, problems, seen)
            continue
        editable = re.match(r"^(?:-e|--editable)\s*=?\s*(\S+)", line)
        if editable:
            problems.append(f"{rel}:{number}: {editable.group(1)} is installed from source (editable): "
                            "not checked against advisories")
            continue
        if line.startswith("-"):  # --index-url, --find-links ...: options, not requirements
            continue
        line = re.sub(r"\s--hash[=\s]\S+", "", " " + line).strip()
        if _URL_OR_PATH.search(line.split(";")[0].strip()):
            problems.append(f"{rel}:{number}: {line.split(';')[0].strip()} is installed from a URL or path: "
                            "not checked against advisories")
            continue
        yield from _one_line(line, rel, number, problems)


def _one_line(line: str, rel: str, number: int | None, problems: list[str] | None) -> Iterator[Dependency]:
    """One requirement; an unreadable one is noted and skipped, never the whole manifest."""
    try:
        dep = parse_requirement_line(line, rel, number)
    except ManifestError as exc:
        if problems is not None:
            problems.append(f"{exc}; the rest of the file is still read")
        return
    if dep:
        yield dep


def _rel(file: Path, root: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.name


_PARSERS = {"toml": parse_toml, "json": parse_json, "yaml": lambda text, rel: parse_yaml(text, rel) or {}}


def _document(file: Path, root: Path, model: type[M], syntax: str) -> tuple[M, str]:
    """The manifest parsed as ``syntax`` (within limits) and validated as ``model``, and its text."""
    rel = _rel(file, root)
    text = file.read_text(encoding="utf-8")
    try:
        return validate_shape(model, _PARSERS[syntax](text, rel), rel), text
    except InputError as exc:
        raise ManifestError(exc.message) from None


def _locked(file: Path, root: Path, packages: list[LockedPackage], text: str) -> Iterator[Dependency]:
    rel = _rel(file, root)
    for pkg in packages:
        if not pkg.version or pkg.local:
            continue
        yield Dependency(canonical_name(pkg.name), pkg.version, f"{pkg.name}=={pkg.version}", rel,
                         _line_of(text, f'name = "{pkg.name}"'))


def read_poetry_lock(file: Path, root: Path, problems: list[str] | None = None) -> Iterator[Dependency]:
    lock, text = _document(file, root, PoetryOrUvLock, "toml")
    return _locked(file, root, lock.package, text)


read_uv_lock = read_poetry_lock


def read_pylock(file: Path, root: Path, problems: list[str] | None = None) -> Iterator[Dependency]:
    lock, text = _document(file, root, PyLock, "toml")
    return _locked(file, root, lock.packages, text)


def read_pipfile_lock(file: Path, root: Path, problems: list[str] | None = None) -> Iterator[Dependency]:
    lock, text = _document(file, root, PipfileLock, "json")
    rel = _rel(file, root)
    for section in (lock.default, lock.develop):
        for name, info in section.items():
            entry = info if isinstance(info, PipfileEntry) else PipfileEntry(version=info)
            spec = entry.version or ""
            if spec == "" and (entry.git or entry.path):
                continue
            version = spec[2:] if spec.startswith("==") else None
            yield Dependency(canonical_name(name), version, f"{name}{spec}", rel, _line_of(text, f'"{name}"'))


def read_environment_yml(file: Path, root: Path, problems: list[str] | None = None) -> Iterator[Dependency]:
    """conda environment files: only the ``pip:`` section holds PyPI packages."""
    env, text = _document(file, root, CondaEnvironment, "yaml")
    rel = _rel(file, root)
    for item in env.dependencies:
        if isinstance(item, CondaPip):
            for line in item.pip:
                line = line.strip()
                if line and not line.startswith("-"):
                    yield from _one_line(line, rel, _line_of(text, line), problems)


def read_pyproject(file: Path, root: Path, problems: list[str] | None = None) -> Iterator[Dependency]:
    pyproject, text = _document(file, root, PyProject, "toml")
    rel = _rel(file, root)
    project = pyproject.project
    lines = list(project.dependencies)
    for extra in project.optional_dependencies.values():
        lines.extend(extra)
    for group in pyproject.dependency_groups.values():
        lines.extend(x for x in group if isinstance(x, str))
    for line in lines:
        for dep in _one_line(line, rel, _line_of(text, line), problems):
            if dep.name != canonical_name(project.name):  # self-references such as demo[ml]
                yield dep
    for name, spec in pyproject.tool.poetry.dependencies.items():
        if name.lower() == "python":
            continue
        version_spec = spec.version if isinstance(spec, PoetryDependency) else spec if isinstance(spec, str) else ""
        exact = re.fullmatch(r"=?=?\s*(\d[\w.!+-]*)", version_spec.strip())
        yield Dependency(canonical_name(name), exact.group(1) if exact else None, f"{name} {version_spec}".strip(),
                         rel, _line_of(text, f"{name} ="))


Reader = Callable[[Path, Path, list[str] | None], Iterator[Dependency]]
READERS: dict[str, Reader] = {
    "poetry.lock": read_poetry_lock,
    "uv.lock": read_uv_lock,
    "pylock.toml": read_pylock,
    "pipfile.lock": read_pipfile_lock,
    "environment.yml": read_environment_yml,
    "environment.yaml": read_environment_yml,
    "pyproject.toml": read_pyproject,
}


def reader_for(name: str) -> Reader | None:
    """The reader for a file name, or None when it is not a manifest we read."""
    lower = name.lower()
    if lower.startswith("requirements") and lower.endswith((".txt", ".in")):
        return read_requirements
    if re.fullmatch(r"pylock\.[\w-]+\.toml", lower):
        return read_pylock
    return READERS.get(lower)


def read_manifest(file: Path, root: Path, problems: list[str] | None = None) -> list[Dependency]:
    """All dependencies of one manifest; :class:`ManifestError` when it cannot be parsed at all.
    Lines that cannot be read are noted in ``problems`` and skipped."""
    reader = reader_for(file.name)
    if reader is None:
        return []
    try:
        return list(reader(file, root, problems))
    except UnicodeDecodeError:
        raise ManifestError(f"{_rel(file, root)}: not UTF-8 text") from None
