"""What the parts of a file's scan share: the :class:`Stream` being analysed, the :class:`Walk`
analysers report to and recurse through, and the :data:`Analyzer` signature every format implements.

The walk (:mod:`.walk`) detects each stream's format and calls the analyser registered for it
(:mod:`.analyzers`); container analysers (:mod:`.containers`) call back into the walk for each
member. Nothing here knows a format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from secplan.filetypes import Guess, without_compression_suffix
from secplan.model.scan.options import ScanOptions
from secplan.model.scan.result import Finding, Verdict


@dataclass(frozen=True)
class Stream:
    """One stream of bytes: the file itself, a member of an archive, or what a compression layer holds."""

    handle: BinaryIO
    name: str
    """The file or member name (name-based guesses: a ``.pkl`` member is read as a pickle)."""
    size: int | None
    """Bytes in the stream; None inside a compression layer, where it is not known before the end."""
    member: str | None = None
    """Where it is in the container chain (``outer.tar!archive/data.pkl``); None for the file itself."""
    depth: int = 0
    real_path: Path | None = None
    """The file on disk when the stream is the whole file (libraries that need a path use it)."""
    whole: bool = True
    """The artifact itself, or what the compression layers around it hold; False for an archive member."""

    def member_stream(self, handle: BinaryIO, name: str, size: int | None) -> Stream:
        """A member of the archive this stream is."""
        return Stream(handle, name, size, join(self.member, name), self.depth + 1, None, False)

    def unwrapped(self, handle: BinaryIO, kind: str) -> Stream:
        """What the compression layer this stream is holds: the same artifact, one layer down."""
        return Stream(handle, without_compression_suffix(self.name), None, join(self.member, f"<{kind}>"),
                      self.depth + 1, None, self.whole)


def join(parent: str | None, child: str) -> str:
    return f"{parent}!{child}" if parent else child


class NotThisFormat(Exception):
    """Raised by an analyser whose format was only guessed and that finds the content is not in it."""


class Walk(Protocol):
    """One file's scan, as analysers see it."""

    options: ScanOptions
    findings: list[Finding]
    """Everything reported so far, in order."""
    model_dir: Path
    """The directory of the file scanned (ONNX external data must stay inside it)."""
    code_on_load: bool
    """Set by analysers of formats that run code when loaded (pickles, TorchScript)."""

    def add(self, rule: str, verdict: Verdict, message: str, member: str | None, offset: int | None = None,
            symbol: str | None = None) -> None: ...

    def extend(self, findings: Iterable[Finding]) -> None: ...

    def walk(self, stream: Stream) -> str:
        """Analyse a stream (a member, a layer's content); its format name."""
        ...

    def reads_external_data(self, paths: list[str]) -> None:
        """Files outside the artifact that loading it reads (ONNX external data)."""
        ...


Analyzer = Callable[[Walk, Stream, Guess], str]
"""Analyse a stream whose format was guessed; return the format name reported (``pytorch-zip``...),
or raise :class:`NotThisFormat` when a guess turns out wrong."""
