"""One file's scan: read the start (and end) of each stream, ask :mod:`secplan.filetypes` which
parser to try, call the analyser registered for it, and turn every failure into a finding.

Depth is bounded here, so no container can nest the walk without end. A file whose content no
analyser takes is ``unsupported``, with a finding that says what it is (an image, a document, text
named like a pickle); inside an archive such members are data the archive carries, and say nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from secplan.filetypes import HEAD, TAIL, guess_format, identify
from secplan.model.scan.analyzers import ANALYZERS
from secplan.model.scan.interface import NotThisFormat, Stream
from secplan.model.scan.options import ScanOptions
from secplan.model.scan.result import Finding, Verdict
from secplan.model.scan.stream import DecompressionLimit, Prefixed, ScanLimit, is_seekable

_BUGS = (IndexError, KeyError, TypeError, AttributeError, AssertionError, NameError, UnboundLocalError)


class FileScan:
    """The findings of one file and the walk over its streams (see :class:`~.interface.Walk`)."""

    def __init__(self, model_dir: Path, options: ScanOptions) -> None:
        self.options = options
        self.model_dir = model_dir
        self.findings: list[Finding] = []
        self.external_data: list[str] = []
        self.code_on_load = False

    def add(self, rule: str, verdict: Verdict, message: str, member: str | None, offset: int | None = None,
            symbol: str | None = None) -> None:
        self.findings.append(Finding(rule, verdict, message, member, offset, symbol))

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def reads_external_data(self, paths: list[str]) -> None:
        self.external_data = paths

    def walk(self, stream: Stream) -> str:
        """Analyse one stream; its format name (``unknown`` when nothing recognises it)."""
        if stream.depth > self.options.max_depth:
            self.add("container-depth", Verdict.UNSAFE, f"not fully scanned: containers nested more than "
                     f"{self.options.max_depth} deep were not opened", stream.member)
            return "nested"
        member = stream.member
        try:
            stream, head, tail = _sniff(stream)
            guess = guess_format(head, stream.name, stream.size, tail)
            analyzer = ANALYZERS.get(guess.format) if guess is not None else None
            if guess is None or analyzer is None:
                return self._unrecognised(stream, head, None)
            try:
                return analyzer(self, stream, guess)
            except NotThisFormat as exc:
                return self._unrecognised(stream, head, str(exc))
        except DecompressionLimit as exc:
            self.add("container-bomb", Verdict.UNSAFE, f"not fully scanned: stopped unpacking, the stream {exc}",
                     member)
            return "compressed"
        except ScanLimit as exc:
            self.add("scan-limit", Verdict.UNSAFE, f"not fully scanned: stopped at a scan limit ({exc})", member)
            return "limited"
        except (RecursionError, MemoryError) as exc:
            self.add("scan-limit", Verdict.UNSAFE, f"not fully scanned: too complex to analyse "
                     f"({type(exc).__name__})", member)
            return "limited"
        except _BUGS as exc:
            self.add("scan-error", Verdict.ERROR, f"scanner bug ({type(exc).__name__}: {str(exc)[:200]}); "
                     "please report it", member)
            return "error"
        except Exception as exc:  # corrupt data deep in a library: report it, never crash
            self.add("scan-error", Verdict.ERROR, f"corrupt data: {type(exc).__name__}: {str(exc)[:200]}", member)
            return "error"

    def _unrecognised(self, stream: Stream, head: bytes, why: str | None) -> str:
        """No analyser takes the content. The artifact itself is then ``unsupported``, and says why."""
        found = identify(head, stream.size)
        if stream.whole:
            if not head:
                message = "the file is empty" if stream.member is None else "the compressed stream is empty"
            elif found is not None:
                message = f"the content is {found.description}, not a model format the scanner analyses"
            else:
                message = "no analyser recognises the content"
            self.add("not-a-model", Verdict.UNSUPPORTED, f"{message} ({why})" if why else message, stream.member)
        return found.name if found is not None else "unknown"


def _sniff(stream: Stream) -> tuple[Stream, bytes, bytes]:
    """The stream (rewound, or replaying what was read), its first bytes and, when it can seek, its last."""
    handle: BinaryIO = stream.handle
    if not is_seekable(handle):
        head = handle.read(HEAD)
        return replace(stream, handle=Prefixed(head, handle)), head, b""
    start = handle.tell()
    head = tail = handle.read(HEAD)
    if stream.size is not None and stream.size > HEAD:
        handle.seek(start + max(HEAD, stream.size - TAIL))
        tail = handle.read(TAIL)
    handle.seek(start)
    return stream, head, tail
