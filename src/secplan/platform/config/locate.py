"""Where a setting is written: the line of the offending key or flag, in every format the
configuration checks read.

A finding about ``hostNetwork: true`` points at the ``hostNetwork:`` line, not at the resource's
first line, so that code scanning annotates the line to change. Each format has one locator here;
checks ask it for a line and never count newlines themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Path = tuple[Any, ...]


@dataclass(frozen=True)
class YamlLines:
    """Key paths of one YAML document mapped to their lines (see :func:`secplan.documents.yaml_line_index`)."""

    index: dict[Path, int] = field(default_factory=dict)

    def at(self, *path: Any) -> int | None:
        """The line of ``path``, else of its nearest ancestor that is written (a key left out has
        no line: the finding points at the block that should hold it)."""
        for end in range(len(path), -1, -1):
            line = self.index.get(path[:end])
            if line is not None:
                return line
        return None


@dataclass(frozen=True)
class CommandLines:
    """A shell command joined from backslash continuations, with the physical lines it came from,
    so that a flag on the third line of a ``RUN`` is reported on that line."""

    start: int | None
    pieces: tuple[str, ...] = ()

    def at(self, token: str | None) -> int | None:
        """The first physical line holding ``token`` (the command's first line when none does)."""
        if token and self.start is not None:
            for offset, piece in enumerate(self.pieces):
                if token in piece:
                    return self.start + offset
        return self.start


def items_locator(items: Iterable[tuple[str, int | None]], default: int | None) -> Callable[[str | None], int | None]:
    """A token locator over (text, line) pairs: the elements of a command list in YAML."""
    pairs = list(items)

    def at(token: str | None) -> int | None:
        if token:
            for text, line in pairs:
                if token in text and line is not None:
                    return line
        return default

    return at


def line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# -- HCL ---------------------------------------------------------------------------------------------

def hcl_block_span(text: str, start: int) -> tuple[int, int]:
    """(offset of ``{``, offset after the matching ``}``) of the block whose header starts at
    ``start``; strings, comments and heredocs are skipped so that braces inside them do not count."""
    open_at = text.find("{", start)
    if open_at < 0:
        return start, len(text)
    depth, i, n = 0, open_at, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.find("*/", i + 2)
            i = n if i < 0 else i + 1
        elif text.startswith("<<", i):
            heredoc = re.match(r"<<-?\s*([A-Za-z_]\w*)\n", text[i:])
            if heredoc:
                end = re.compile(rf"^\s*{heredoc.group(1)}\s*$", re.M).search(text, i + heredoc.end())
                i = end.end() if end else n
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return open_at, i + 1
        i += 1
    return open_at, n


@dataclass(frozen=True)
class HclBlock:
    """One block of a Terraform file, by offsets into the file's text."""

    text: str
    start: int
    end: int

    @property
    def line(self) -> int:
        return line_of_offset(self.text, self.start)

    def attr(self, name: str) -> int | None:
        """The line of ``name = ...`` written directly in this block (nested blocks skipped)."""
        found = self._direct(rf"(?m)^[ \t]*{re.escape(name)}[ \t]*=")
        return line_of_offset(self.text, found) if found is not None else None

    def block(self, name: str) -> HclBlock | None:
        """The first nested block ``name { ... }`` written directly in this block."""
        return next(self.blocks(name), None)

    def blocks(self, name: str) -> Iterator[HclBlock]:
        """Every nested block ``name { ... }`` written directly in this block."""
        pattern = rf"(?m)^[ \t]*{re.escape(name)}[ \t]*\{{"
        begin = None
        while True:
            found = self._direct(pattern, begin)
            if found is None:
                return
            _, end = hcl_block_span(self.text, found)
            yield HclBlock(self.text, found, end)
            begin = end

    @property
    def body(self) -> str:
        return self.text[self.start:self.end]

    def at(self, *names: str) -> int:
        """The line of the first of ``names`` that is written (attributes, then nested blocks
        by ``block/attr`` paths), else the block's own line."""
        for name in names:
            where: HclBlock | None = self
            *blocks, last = name.split("/")
            for part in blocks:
                where = where.block(part) if where else None
            if where is None:
                continue
            line = where.attr(last)
            if line is None:
                nested = where.block(last)
                line = nested.line if nested else None
            if line is not None:
                return line
        return self.line

    def _direct(self, pattern: str, begin: int | None = None) -> int | None:
        """Offset of the first match of ``pattern`` at depth 1 of this block (from ``begin``)."""
        regex = re.compile(pattern)
        open_at = self.text.find("{", self.start, self.end)
        i = begin if begin is not None else open_at + 1
        while True:
            match = regex.search(self.text, i, self.end)
            if not match:
                return None
            nested = self._nested_before(begin if begin is not None else open_at + 1, match.start())
            if nested is None:
                return match.start()
            i = nested

    def _nested_before(self, begin: int, offset: int) -> int | None:
        """When ``offset`` lies inside a nested block, the offset just after that block."""
        i = begin
        block = re.compile(r"(?m)^[ \t]*[\w-]+(?:[ \t]+\"[^\"]*\")*[ \t]*\{|=[ \t]*\{|=[ \t]*\[")
        while True:
            match = block.search(self.text, i, offset)
            if not match:
                return None
            _, end = hcl_block_span(self.text, match.end() - 1) if self.text[match.end() - 1] == "{" \
                else _bracket_span(self.text, match.end() - 1)
            if end > offset:
                return end
            i = end


def _bracket_span(text: str, open_at: int) -> tuple[int, int]:
    return open_at, balanced_end(text, open_at, "[", "]")


def balanced_end(text: str, open_at: int, opener: str, closer: str) -> int:
    """The index just past the ``closer`` that matches the ``opener`` at ``open_at`` (the text's end
    when it never closes). Brackets inside strings count too: good enough to bound a value."""
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def hcl_resource(text: str, rtype: str, name: str) -> HclBlock | None:
    match = re.search(rf'(?m)^[ \t]*resource[ \t]+"{re.escape(rtype)}"[ \t]+"{re.escape(name)}"', text)
    if not match:
        return None
    _, end = hcl_block_span(text, match.start())
    return HclBlock(text, match.start(), end)


def hcl_data(text: str, dtype: str, name: str) -> HclBlock | None:
    match = re.search(rf'(?m)^[ \t]*data[ \t]+"{re.escape(dtype)}"[ \t]+"{re.escape(name)}"', text)
    if not match:
        return None
    _, end = hcl_block_span(text, match.start())
    return HclBlock(text, match.start(), end)


# -- TOML --------------------------------------------------------------------------------------------

def toml_key_line(text: str, table: str, key: str) -> int | None:
    """The line setting ``table.key``: ``key = ...`` under ``[table]``, or the dotted form
    ``table.key = ...`` at the top level or ``[parent]`` with ``child.key``."""
    current = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?", line)
        if header:
            current = header.group(1).replace(" ", "").replace('"', "")
            continue
        match = re.match(r"([\w.\"-]+)\s*=", line)
        if not match:
            continue
        name = match.group(1).replace('"', "")
        full = f"{current}.{name}" if current else name
        if full == f"{table}.{key}":
            return number
    return None
