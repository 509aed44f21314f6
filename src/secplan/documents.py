"""Bounded parsing of the JSON, YAML and TOML documents secplan reads from projects and users.

Every document secplan parses may be hostile: a YAML alias bomb expands a 1 KB file into billions
of nodes, a few kilobytes of ``[[[[`` exhaust the parsers' recursion, and code that walks the result
recursively fails the same way later. The loaders here check, before building anything large:

* size (bytes), nesting depth, and node count of the *expanded* document (aliases included);
* for YAML, the count of aliases, in one linear pass over the parser's events, so that the
  composer and the constructor only ever see documents within the limits.

A document past a limit raises :class:`LimitExceeded` (an :class:`~secplan.errors.InputError`,
exit 2), whose message names the source, the limit and how to raise it. Callers that scan many files
catch it per file and report the file, so the scan of the others goes on.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from secplan.errors import InputError


@dataclass(frozen=True)
class Limits:
    """How large a parsed document may be. The defaults fit every real manifest, plan or notebook
    seen in ML projects by orders of magnitude, and stop hostile ones in milliseconds."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 100
    """Nesting of mappings and sequences (a real Kubernetes manifest nests about 12 deep)."""
    max_nodes: int = 5_000_000
    """Scalars, mappings and sequences after alias expansion."""
    max_aliases: int = 10_000


DEFAULT_LIMITS = Limits()
CONFIG_LIMITS = Limits(max_bytes=4 * 1024 * 1024, max_depth=64, max_nodes=200_000, max_aliases=1_000)
"""For files people write by hand (the plan, policies, rules): small by nature."""


class LimitExceeded(InputError):
    """A document is larger, deeper or more aliased than the limits allow."""


class DocumentError(InputError):
    """A document is not valid JSON, YAML or TOML; the message names the source and position."""


def _too(source: str, what: str) -> LimitExceeded:
    return LimitExceeded(f"{source}: {what}: not parsed further",
                         hint="a real document of this kind is far smaller: check where the file came from")


def _check_size(text: str | bytes, source: str, limits: Limits) -> None:
    if len(text) > limits.max_bytes:
        raise _too(source, f"the document is {len(text)} bytes, more than the limit of {limits.max_bytes}")


def check_structure(data: Any, source: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Raise :class:`LimitExceeded` if ``data`` (parsed JSON/TOML values) nests or grows past the
    limits. Iterative, so it cannot itself run out of stack; shared objects count each time seen."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise _too(source, f"more than {limits.max_nodes} values")
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        if depth > limits.max_depth:
            raise _too(source, f"nesting deeper than {limits.max_depth} levels")
        stack.extend((child, depth + 1) for child in children)
    return data


# -- JSON ------------------------------------------------------------------------------------------
def _invalid(what: str | None, syntax: str) -> str:
    return f"{what} is not valid {syntax}" if what else f"not valid {syntax}"


def parse_json(text: str | bytes, source: str, limits: Limits = DEFAULT_LIMITS, *, what: str | None = None) -> Any:
    """``json.loads`` within the limits; errors name the line and column (and ``what`` the file is)."""
    _check_size(text, source, limits)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{source}:{exc.lineno}:{exc.colno}: {_invalid(what, 'JSON')}: {exc.msg}") from None
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{source}: {what or 'the document'} is not UTF-8 JSON (byte {exc.start})") from None
    except RecursionError:
        raise _too(source, f"nesting deeper than {limits.max_depth} levels") from None
    return check_structure(data, source, limits)


# -- TOML ------------------------------------------------------------------------------------------
def parse_toml(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *, what: str | None = None) -> dict[str, Any]:
    """``tomllib.loads`` within the limits (tomllib recurses on nested arrays and inline tables)."""
    _check_size(text, source, limits)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DocumentError(f"{source}: {_invalid(what, 'TOML')}: {exc}") from None
    except RecursionError:
        raise _too(source, f"nesting deeper than {limits.max_depth} levels") from None
    return check_structure(data, source, limits)


# -- YAML ------------------------------------------------------------------------------------------
def _yaml_error(source: str, exc: yaml.YAMLError, what: str | None) -> DocumentError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        return DocumentError(f"{source}{line}: {_invalid(what, 'YAML')}: {exc.problem or exc}")
    return DocumentError(f"{source}: {_invalid(what, 'YAML')}: {exc}")


FAST_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about 10x faster, same marks), else the Python one."""


def check_yaml_events(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *, what: str | None = None,
                      loader: type = yaml.SafeLoader) -> None:
    """One pass over the parser's events (the parser is a state machine: no recursion) that
    measures depth, aliases and the node count each document would have once aliases are expanded.

    The size of an anchored node is known when its end event arrives; an alias adds that size to
    every enclosing collection, which is exactly what the constructor (and any code walking the
    result) would pay. Raises :class:`LimitExceeded` or :class:`DocumentError`.
    """
    _check_size(text, source, limits)
    anchors: dict[str, int] = {}
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, expanded count when it opened)
    count = aliases = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.DocumentStartEvent):
                anchors.clear()
                count = 0
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > limits.max_aliases:
                    raise _too(source, f"more than {limits.max_aliases} aliases")
                count += anchors.get(event.anchor, 1)
            elif isinstance(event, yaml.ScalarEvent):
                count += 1
                if event.anchor:
                    anchors[event.anchor] = 1
            elif isinstance(event, yaml.CollectionStartEvent):
                count += 1
                open_nodes.append((event.anchor, count - 1))
                if len(open_nodes) > limits.max_depth:
                    raise _too(source, f"nesting deeper than {limits.max_depth} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, start = open_nodes.pop()
                if anchor:
                    anchors[anchor] = count - start
            if count > limits.max_nodes:
                raise _too(source, f"more than {limits.max_nodes} nodes once aliases are expanded")
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, what) from None


def parse_yaml(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *, what: str | None = None) -> Any:
    """The one YAML document in ``text`` (safe loader), within the limits; None for an empty one."""
    check_yaml_events(text, source, limits, what=what)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, what) from None


def parse_yaml_all(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *,
                   what: str | None = None) -> list[Any]:
    """Every document of a multi-document YAML stream (Kubernetes, compose), empty ones dropped."""
    check_yaml_events(text, source, limits, what=what)
    try:
        return [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, what) from None


def parse_yaml_with_nodes(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *,
                          what: str | None = None) -> tuple[Any, yaml.Node | None]:
    """The one document's data and its node graph (for line numbers), parsed once, within the limits."""
    check_yaml_events(text, source, limits, what=what)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, what) from None
    finally:
        loader.dispose()


def parse_yaml_all_with_nodes(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *,
                              what: str | None = None) -> list[tuple[Any, yaml.Node]]:
    """Every document of a YAML stream with its node graph (for line numbers), parsed once, within
    the limits; empty documents dropped. Read with libyaml where available: platform scans read
    thousands of manifests."""
    check_yaml_events(text, source, limits, what=what, loader=FAST_SAFE_LOADER)
    loader = FAST_SAFE_LOADER(text)
    out: list[tuple[Any, yaml.Node]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            if data is not None:
                out.append((data, node))
        return out
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, what) from None
    finally:
        loader.dispose()


def yaml_line_index(node: yaml.Node | None) -> dict[tuple[Any, ...], int]:
    """Every key path of a document mapped to its 1-based line: a mapping entry's key line (the
    ``hostNetwork:`` line), a sequence item's own line."""
    return {path: (key or value).start_mark.line + 1 for path, value, key in iter_yaml_nodes(node)}


def iter_yaml_nodes(node: yaml.Node | None) -> Iterator[tuple[tuple[Any, ...], yaml.Node, yaml.Node | None]]:
    """(key path, value node, key node) for every node, depth first and iteratively; a node reached
    again through an alias is not walked twice, so an alias graph costs its size, not its expansion."""
    if node is None:
        return
    seen: set[int] = set()
    stack: list[tuple[tuple[Any, ...], yaml.Node, yaml.Node | None]] = [((), node, None)]
    while stack:
        path, current, key = stack.pop()
        yield path, current, key
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            stack.extend(((*path, k.value), v, k) for k, v in reversed(current.value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(((*path, i), v, None) for i, v in reversed(list(enumerate(current.value))))


# -- shapes ----------------------------------------------------------------------------------------
M = TypeVar("M", bound=BaseModel)
_MAX_PROBLEMS = 20


def validate_shape(model: type[M], data: Any, source: str,
                   line_of: Callable[[tuple[Any, ...]], int | None] | None = None) -> M:
    """``data`` as ``model``, or a :class:`DocumentError` naming each wrong field (and its line when
    ``line_of`` can tell), so that a list where a mapping belongs never reaches code as an
    ``AttributeError``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = []
        for item in errors[:_MAX_PROBLEMS]:
            loc = tuple(item["loc"])
            field = ".".join(str(part) for part in loc) or "(top level)"
            line = line_of(loc) if line_of else None
            where = f"{source}:{line}" if line else source
            problems.append(f"{where}: {field}: {item['msg']}")
        if len(errors) > _MAX_PROBLEMS:
            problems.append(f"{source}: ... and {len(errors) - _MAX_PROBLEMS} more problems")
        raise DocumentError("\n".join(problems)) from None
