"""A depth guard in front of Arrow's JSON reader.

Arrow parses JSON recursively in native code: a record nested some ten thousand levels deep
overflows its stack and kills the process with a segmentation fault, which no ``except`` can
catch. :class:`DepthCheckedFile` hands Arrow the file's bytes and checks every complete line first.

The check is cheap on ordinary data: ``bytes.translate`` keeps only the four bracket characters
(a few percent of a typical file) and a cumulative sum over them bounds the nesting of every line
of the region at once (brackets inside strings can only raise the bound). Only when that bound
passes the limit are the region's lines parsed one by one to find the real offender, so a string
full of brackets is never refused by mistake.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from secplan.data.io.problems import bad_input
from secplan.documents import LimitExceeded, Limits, check_structure

MAX_RECORD_DEPTH = 64
"""Nesting a JSON Lines record may have; far more than any real dataset, far less than Arrow's crash."""
_BRACKETS_ONLY = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = np.zeros(256, np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1


def nesting_bound(region: bytes) -> int:
    """An upper bound of the bracket nesting of every line in ``region`` (whole lines only)."""
    brackets = region.translate(None, _BRACKETS_ONLY)
    if len(brackets) <= MAX_RECORD_DEPTH:
        return len(brackets)
    levels = np.cumsum(_STEP[np.frombuffer(brackets, np.uint8)], dtype=np.int32)
    return int(levels.max()) - min(0, int(levels.min()))


class DepthCheckedFile(io.RawIOBase):
    """A read-only binary file whose ``read`` raises :class:`~secplan.errors.InputError` naming the
    line of the first record nested deeper than ``max_depth``, before Arrow sees that record."""

    def __init__(self, source: Path | io.BytesIO, name: Path, *, offset: int = 0,
                 max_depth: int = MAX_RECORD_DEPTH) -> None:
        """``source`` is the file, or a piece of it read from byte ``offset`` of ``name``."""
        self._raw = source.open("rb") if isinstance(source, Path) else source
        self._name = name
        self._max_depth = max_depth
        self._partial = b""  # the unfinished last line, checked once its newline arrives
        self._start = offset  # the file offset of ``_partial``

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        if data:
            cut = data.rfind(b"\n") + 1
            if cut:
                self._check(self._partial + data[:cut])
                self._partial = data[cut:]
            else:
                self._partial += data
        elif self._partial:
            self._check(self._partial)
            self._partial = b""
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()

    def _check(self, region: bytes) -> None:
        if nesting_bound(region) > self._max_depth:
            position = self._start
            for line in region.splitlines(keepends=True):
                if self._too_deep(line):
                    raise bad_input(self._name, f"line {self._line_at(position)}",
                                    f"record nested deeper than {self._max_depth} levels")
                position += len(line)
        self._start += len(region)

    def _too_deep(self, line: bytes) -> bool:
        if nesting_bound(line) <= self._max_depth:
            return False
        try:
            check_structure(json.loads(line), "record", Limits(max_depth=self._max_depth))
        except (RecursionError, LimitExceeded):
            return True
        except ValueError:
            return False  # not valid JSON: Arrow reports it with its own message
        return False

    def _line_at(self, offset: int) -> int:
        """The 1-based line of a file offset (error path only: reads the file up to it)."""
        with self._name.open("rb") as handle:
            return handle.read(offset).count(b"\n") + 1
