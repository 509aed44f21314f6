"""The values the symbolic pickle machine (:mod:`.pickle_vm`) puts on its stack, its bounds, and the
parsers of opcode arguments and layouts it shares with nothing else: globals and calls as symbols,
containers that keep a bounded number of items, skipped payloads, and the item sizes of numpy dtypes
and torch storages that let raw data be skipped without reading it.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any

from secplan.model.scan.result import Finding

KEEP_ITEMS = 1 << 16
"""Container items kept per list/dict (the rest is counted): enough for torch storage keys."""
KEEP_STR = 4096
"""Strings longer than this are kept as :class:`Opaque` (no global name is that long)."""
READ_PAYLOAD = 1 << 16
"""Byte payloads larger than this are skipped without being read."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one scan may keep in memory (and, optionally, on its time). Time is linear in
    the input, so no opcode budget is needed by default; memory is bounded by the stack, marks, memo
    and the values kept. Reaching any bound makes the file ``unsafe`` (not fully scanned)."""

    max_opcodes: int | None = None
    max_stack: int = 1_000_000
    max_marks: int = 100_000
    max_memo: int = 5_000_000
    max_nested: int = 8
    max_stacked: int = 64
    max_retained: int = 64_000_000
    """Values kept across the scan, in units of about 8 bytes (a container item, 8 characters)."""


class Malformed(Exception):
    """The bytes are not a pickle a real unpickler would accept."""


@dataclass(eq=False)
class Global:
    module: str
    name: str
    offset: int

    @property
    def fq(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(eq=False)
class Call:
    func: Any
    args: Any
    offset: int
    kind: str = "call"
    state: Any = None


@dataclass(eq=False)
class Opaque:
    kind: str
    size: int = 0
    at: int | None = None
    """Where a skipped payload starts in the underlying handle, when it can be read back."""


@dataclass(eq=False)
class SymList:
    items: list[Any] = field(default_factory=list)
    count: int = 0

    def add(self, value: Any) -> int:
        """Add one item; 1 when it is kept, 0 when only counted."""
        self.count += 1
        if len(self.items) < KEEP_ITEMS:
            self.items.append(value)
            return 1
        return 0


@dataclass(eq=False)
class SymDict:
    items: list[tuple[Any, Any]] = field(default_factory=list)

    def add(self, key: Any, value: Any) -> int:
        """Add one entry; 1 when it is kept, 0 when only counted."""
        if len(self.items) < KEEP_ITEMS:
            self.items.append((key, value))
            return 1
        return 0

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self.items:
            if k == key:
                return v
        return default


@dataclass(eq=False)
class SymSet:
    count: int = 0


@dataclass
class PickleOutcome:
    """What one run over a stream of (possibly stacked) pickles found."""

    findings: list[Finding] = field(default_factory=list)
    pickles: int = 0
    opcodes: int = 0
    globals: set[str] = field(default_factory=set)
    persistent_ids: list[Any] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    """The top value of each pickle, kept for layout decisions (legacy torch) only."""


TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
TORCH_ELEMENT_SIZE = {"Double": 8, "Float": 4, "Half": 2, "BFloat16": 2, "Long": 8, "Int": 4, "Short": 2,
                       "Char": 1, "Byte": 1, "Bool": 1, "ComplexFloat": 8, "ComplexDouble": 16, "QInt8": 1,
                       "QUInt8": 1, "QInt32": 4, "QUInt4x2": 1, "QUInt2x4": 1, "Untyped": 1}
DTYPE_BASE = {"b": 1, "i": None, "u": None, "f": None, "c": None, "m": None, "M": None, "V": None,
               "S": None, "a": None, "U": None, "O": None, "?": 1, "e": 2, "d": 8, "g": 16}




def dtype_itemsize(dtype: Any) -> tuple[int, bool]:
    """Item size of a pickled ``numpy.dtype(spec, ...)`` without importing numpy; (0, False) if unknown."""
    if not (isinstance(dtype, Call) and isinstance(dtype.func, Global) and dtype.func.name == "dtype"
            and isinstance(dtype.args, tuple) and dtype.args and isinstance(dtype.args[0], str)):
        return 0, False
    spec = dtype.args[0]
    kind, digits = spec[:1], spec[1:]
    if kind == "O":
        return 8, True
    state = dtype.state
    fields = state[4] if isinstance(state, tuple) and len(state) >= 5 else None
    if isinstance(fields, SymDict) and any(isinstance(v, tuple) and v and dtype_itemsize(v[0])[1]
                                           for _, v in fields.items):
        return 0, True
    if kind in DTYPE_BASE and DTYPE_BASE[kind] and not digits:
        return DTYPE_BASE[kind], False
    if isinstance(state, tuple) and len(state) >= 6 and isinstance(state[5], int) and state[5] > 0:
        return state[5], False
    if digits.isdigit():
        size = int(digits)
        return (size * 4 if kind == "U" else size), False
    return 0, False


def underflow() -> Any:
    raise Malformed("stack underflow")


def int_arg(raw: bytes) -> int:
    try:
        return int(raw)
    except ValueError:
        raise Malformed(f"bad integer argument {raw[:40]!r}") from None


def float_arg(raw: bytes) -> float:
    try:
        return float(raw)
    except ValueError:
        raise Malformed(f"bad float argument {raw[:40]!r}") from None


def quoted(raw: bytes) -> Any:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[:1] in (b"'", b'"'):
        try:
            text = codecs.escape_decode(raw[1:-1])[0].decode("latin-1")
        except ValueError:
            raise Malformed("bad STRING escape") from None
        return text if len(text) <= KEEP_STR else Opaque("str", len(text))
    raise Malformed("the STRING opcode argument must be quoted")
