"""Checking an exported ledger (``secplan audit export``) with nothing but the file and a public key.

An auditor gets the JSON lines file and the ledger's public key through separate channels and runs
``secplan audit verify --export FILE --key KEY``: no store, no key folder, no network. The file is
read as a stream (a million entries never sit in memory) and is treated as hostile: every line is
bounded in size, parsed and checked for shape before use, and a malformed one is named by its line
number. Its entries and checkpoints then go through the same walk as ``audit verify`` on a store.

The key in the file's header is what the exporter claims; only a key given by the auditor proves
anything, so without ``--key`` the report says which key was trusted, and from where.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import PublicKey
from secplan.errors import InputError
from secplan.ledger import note
from secplan.ledger.entry import FORMAT_VERSION, Entry, canonical_json
from secplan.ledger.export import FORMAT
from secplan.ledger.signing import Checkpoint, key_id, public_hex
from secplan.ledger.verify import Found, VerifyReport, fail, walk

MAX_LINE = 16 * 1024 * 1024
"""Longest line accepted (an entry's details are at most a few kilobytes in practice)."""

_ENTRY_TEXT = ("timestamp", "actor", "action", "object", "outcome", "prev_hash", "entry_hash")


def read_key(given: str) -> PublicKey:
    """The auditor's key: a PEM file, 64 hex digits of an Ed25519 key, or a note verifier key
    (``<name>+<hex id>+<base64>``, as ``audit export --tiles`` prints it)."""
    path = Path(given).expanduser()
    if path.is_file():
        try:
            return PublicKey.from_pem(path.read_bytes(), str(path))
        except OSError as exc:
            raise InputError(f"cannot read the public key {path}: {exc.strerror or exc}") from None
    if _hex(given.lower(), 64):
        return PublicKey(KeyType.ED25519, bytes.fromhex(given))
    public = note.parse_vkey(given)
    if public is None:
        raise InputError("--key must be a PEM file, 64 hexadecimal digits of an Ed25519 key, or a verifier key "
                         "NAME+ID+KEY (no such file either)")
    return public


def verify_export(path: Path, public: PublicKey | None = None,
                  on_progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Check the export at ``path`` against ``public`` (else the key its header names, with a warning).

    Tampering is reported in the returned report (``ok`` False); a file that is not a usable export
    raises :class:`InputError` naming the line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read the ledger export {path}: {exc.strerror or exc}") from None
    with handle:
        lines = _Lines(handle, path)
        header = _header(lines)
        report = VerifyReport(ok=True)
        trusted = _trusted_key(header, public, path, report)
        if isinstance(trusted, VerifyReport):
            return trusted
        parser = _Records(lines)
        try:
            walk(parser.entries(), 0, trusted, parser.checkpoints(), report, on_progress)
        except Found as found:
            return fail(report, found.seq, found.kind, found.message)
        if report.entries and report.checkpoints == 0:
            return fail(report, 1, "unsigned", "the export has no signed checkpoint: nothing in it can be trusted")
        return report


class _Lines:
    """Numbered, size-bounded lines of the export, decoded as UTF-8 JSON objects."""

    def __init__(self, handle: IO[bytes], path: Path) -> None:
        self.handle, self.path, self.number = handle, path, 0

    def next(self) -> dict[str, Any] | None:
        raw = self.handle.readline(MAX_LINE + 1)
        if not raw:
            return None
        self.number += 1
        if len(raw) > MAX_LINE:
            raise self.error(f"is longer than {MAX_LINE // (1024 * 1024)} MiB")
        if not raw.endswith(b"\n"):
            raise self.error("is cut short (no newline at the end of the file): the export is truncated")
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise self.error("is not UTF-8") from None
        except RecursionError:
            raise self.error("is nested too deeply") from None
        except ValueError as exc:
            raise self.error(f"is not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise self.error(f"is a JSON {type(record).__name__}, not an object")
        return record

    def error(self, problem: str) -> InputError:
        return InputError(f"ledger export {self.path}, line {self.number} {problem}")


def _header(lines: _Lines) -> dict[str, Any]:
    header = lines.next()
    if header is None:
        raise InputError(f"ledger export {lines.path} is empty")
    if header.get("type") != FORMAT:
        raise lines.error(f"is not a secplan ledger export header (type {header.get('type')!r}, expected {FORMAT!r})")
    if header.get("version") != FORMAT_VERSION:
        raise lines.error(f"has format version {header.get('version')!r}; this secplan reads version {FORMAT_VERSION}")
    key = header.get("public_key")
    if key is not None and not (isinstance(key, str) and _hex(key, 64)):
        raise lines.error("has a public_key that is not 64 hexadecimal digits")
    return header


def _trusted_key(header: dict[str, Any], given: PublicKey | None, path: Path,
                 report: VerifyReport) -> PublicKey | VerifyReport:
    named = header.get("public_key")
    if given is not None:
        if named is not None and named != public_hex(given):
            return fail(report, None, "key", f"the export names key {named[:16]}..., not the key given "
                        f"({key_id(given)}): it was signed by another ledger's key, or its header was edited")
        return given
    if named is None:
        raise InputError(f"ledger export {path} names no public key: give the ledger's key with --key")
    report.warnings.append(f"the public key was taken from the export itself ({named[:16]}...): this shows the "
                           "file is consistent, not that it is the ledger's; pin the key with --key")
    return PublicKey(KeyType.ED25519, bytes.fromhex(named))


class _Records:
    """Splits the stream into entries and the checkpoints that follow them, reading one line ahead so
    that the checkpoint completing an entry is known when the walk reaches that entry."""

    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.queue: deque[tuple[Checkpoint, str]] = deque()
        self.last_seq = 0
        self.last_size = 0

    def entries(self) -> Iterator[Entry]:
        record = self.lines.next()
        while record is not None:
            kind = record.get("type")
            if kind == "entry":
                entry = self._entry(record)
                record = self.lines.next()
                while record is not None and record.get("type") == "checkpoint":
                    self.queue.append(self._checkpoint(record))
                    record = self.lines.next()
                yield entry
            elif kind == "checkpoint":  # before any entry, or beyond the last one
                self.queue.append(self._checkpoint(record))
                record = self.lines.next()
            else:
                raise self.lines.error(f"has type {kind!r}; an export holds only entries and checkpoints")

    def checkpoints(self) -> Iterator[tuple[Checkpoint, str]]:
        return _Queue(self.queue)

    def _entry(self, record: dict[str, Any]) -> Entry:
        seq = record.get("seq")
        if type(seq) is not int or seq < 1:
            raise self.lines.error(f"is an entry whose seq is not a whole number of at least 1: {seq!r}")
        for name in _ENTRY_TEXT:
            if not isinstance(record.get(name), str):
                raise self.lines.error(f"is entry {seq}, whose {name} is not a string")
        if not isinstance(record.get("details"), dict):
            raise self.lines.error(f"is entry {seq}, whose details are not a JSON object")
        try:
            details = canonical_json(record["details"])
        except (TypeError, ValueError, RecursionError):
            raise self.lines.error(f"is entry {seq}, whose details cannot be written canonically") from None
        self.last_seq = seq
        return Entry(seq, record["timestamp"], record["actor"], record["action"], record["object"], details,
                     record["outcome"], record["prev_hash"], record["entry_hash"])

    def _checkpoint(self, record: dict[str, Any]) -> tuple[Checkpoint, str]:
        size = record.get("tree_size")
        if type(size) is not int or size < 1:
            raise self.lines.error(f"is a checkpoint whose tree_size is not a whole number of at least 1: {size!r}")
        if size <= self.last_size or (self.last_seq and size < self.last_seq):
            raise self.lines.error(f"is a checkpoint at size {size} out of place (after entry {self.last_seq} and "
                                   f"the checkpoint at size {self.last_size}): the export was reordered")
        for name in ("root_hash", "timestamp", "key_id", "signature"):
            if not isinstance(record.get(name), str):
                raise self.lines.error(f"is the checkpoint at size {size}, whose {name} is not a string")
        note = record.get("note")
        if note is not None and not isinstance(note, str):
            raise self.lines.error(f"is the checkpoint at size {size}, whose note is not a string")
        self.last_size = size
        checkpoint = Checkpoint(size, record["root_hash"], record["timestamp"], record["key_id"], record["signature"],
                                note)
        return checkpoint, f"export (line {self.lines.number})"


class _Queue:
    """The checkpoints read so far: empty now does not mean none later (unlike an exhausted generator)."""

    def __init__(self, queue: deque[tuple[Checkpoint, str]]) -> None:
        self.queue = queue

    def __iter__(self) -> _Queue:
        return self

    def __next__(self) -> tuple[Checkpoint, str]:
        if not self.queue:
            raise StopIteration
        return self.queue.popleft()


def _hex(value: str, length: int) -> bool:
    return len(value) == length and all(c in "0123456789abcdef" for c in value)
