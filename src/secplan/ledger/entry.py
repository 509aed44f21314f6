"""One ledger entry and its canonical bytes: the exact thing that is hashed, chained and proved."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from secplan.errors import InputError
from secplan.fsutil import document_safe, safe_text
from secplan.ledger.merkle import leaf_hash

FORMAT_VERSION = 1
GENESIS_PREV = "0" * 64
"""``prev_hash`` of entry 1: there is nothing before it."""

_ACTION = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$")
# Detail keys that name a secret: the ledger is read by auditors, so such values never go in.
_SECRET_KEYS = re.compile(r"(^|_)(password|passphrase|secret|token|private_key|api_key|credential)s?$", re.I)


class ActionOutcome(StrEnum):
    """How a recorded action ended."""

    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Action:
    """What a caller asks the ledger to record (``record_many`` takes a list of these)."""

    action: str
    obj: str
    details: dict[str, Any] | None = None
    outcome: str = ActionOutcome.SUCCESS
    actor: str | None = None

    def __post_init__(self) -> None:
        # A file name the OS allows but that is not UTF-8 is recorded escaped (secplan.fsutil), never
        # refused: an action that cannot be ledgered is not done, so refusing here would undo it.
        # (``details`` get the same treatment in ``validate``, only when they need it.)
        if isinstance(self.obj, str):
            object.__setattr__(self, "obj", safe_text(self.obj))


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored entry. ``details`` is canonical JSON text, kept verbatim so that it rehashes exactly."""

    seq: int
    timestamp: str
    actor: str
    action: str
    object: str
    details: str
    outcome: str
    prev_hash: str
    entry_hash: str

    def canonical_with(self, prev_hash: str) -> bytes:
        """The bytes this entry hashes to when it follows an entry whose hash is ``prev_hash``."""
        return canonical_bytes(
            self.seq, self.timestamp, self.actor, self.action, self.object, self.details, self.outcome, prev_hash
        )

    def computed_hash(self) -> str:
        """The hash of the entry as stored (with its stored ``prev_hash``)."""
        return leaf_hash(self.canonical_with(self.prev_hash)).hex()

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "timestamp": self.timestamp,
            "actor": self.actor,
            "action": self.action,
            "object": self.object,
            "details": json.loads(self.details),
            "outcome": self.outcome,
            "prev_hash": self.prev_hash,
            "entry_hash": self.entry_hash,
        }


_quote = json.encoder.encode_basestring  # what the encoder below uses for strings (ensure_ascii=False)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8, no NaN: one text per value, on every machine.

    One shared encoder: building one per call was a third of ``verify``'s time."""
    return _CANONICAL.encode(value)


def canonical_bytes(
    seq: int, timestamp: str, actor: str, action: str, obj: str, details: str, outcome: str, prev_hash: str
) -> bytes:
    """The entry as hashed. A JSON array (not an object) so that field order is fixed by position.

    ``details`` is embedded as the already-canonical text, so the hash covers its exact bytes.
    """
    # The same text as canonical_json([FORMAT_VERSION, seq, ...]) would give, written out: the
    # encoder's own string escaper (C) without its generic machinery, which was most of verify's time.
    if type(seq) is not int:
        raise TypeError(f"seq must be an int, not {type(seq).__name__}")
    q = _quote
    return (f"[{FORMAT_VERSION},{seq},{q(timestamp)},{q(actor)},{q(action)},{q(obj)},{q(outcome)},{q(prev_hash)},"
            f"{details}]").encode()


def format_timestamp(moment: dt.datetime) -> str:
    """UTC, microseconds, ``Z``: fixed width, so text order is time order (``--since`` compares text)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def validate(item: Action, actor: str) -> tuple[str, str]:
    """Check an action before it is written; returns (canonical details, outcome). Bad input is refused."""
    if not isinstance(item.action, str) or not _ACTION.match(item.action):
        raise InputError(f"ledger action {item.action!r} is not of the form <area>.<verb> (lowercase)")
    if not isinstance(item.obj, str) or not item.obj or len(item.obj) > 1000:
        raise InputError(f"ledger object for {item.action} must be a non-empty string of at most 1000 characters")
    if not actor or len(actor) > 200:
        raise InputError(f"ledger actor for {item.action} must be a non-empty string of at most 200 characters")
    try:
        outcome = ActionOutcome(item.outcome).value
    except ValueError:
        allowed = ", ".join(o.value for o in ActionOutcome)
        raise InputError(f"ledger outcome {item.outcome!r} for {item.action} is not one of {allowed}") from None
    details = {} if item.details is None else item.details
    if not isinstance(details, dict):
        raise InputError(f"ledger details for {item.action} must be a JSON object")
    text = _details_text(details, item.action)
    if _SECRET_KEY_TEXT.search(text):  # a prefilter in C: the exact walk only when a key may name a secret
        _refuse_secrets(details, item.action)
    return text, outcome


# A key naming a secret, as it appears in canonical JSON text. It can also match inside a string
# value, never miss a key: only a match sends the details to the exact check.
_SECRET_KEY_TEXT = re.compile(r'(?:"|_)(?:password|passphrase|secret|token|private_key|api_key|credential)s?(?:\\n)?":', re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _details_text(details: dict, action: str) -> str:
    """Canonical JSON of ``details``; paths and text that is not UTF-8 written as secplan.fsutil does.

    Straight to the encoder first: the walk that makes a document safe is needed only when the
    encoder refuses (a path) or the text holds a lone surrogate (an OS byte that is not UTF-8)."""
    try:
        text = canonical_json(details)
    except TypeError:
        text = None
    except ValueError as exc:
        raise InputError(f"ledger details for {action} are not JSON: {exc}") from None
    if text is not None and (text.isascii() or not _SURROGATE.search(text)):
        return text
    try:
        return canonical_json(document_safe(details))
    except (TypeError, ValueError) as exc:
        raise InputError(f"ledger details for {action} are not JSON: {exc}") from None


def _refuse_secrets(value: Any, action: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str) and _SECRET_KEYS.search(key) and inner not in (None, ""):
                raise InputError(
                    f"ledger details for {action} contain a field named {key!r}: secrets never go in the ledger",
                    hint="record an identifier or a fingerprint of the secret instead",
                )
            _refuse_secrets(inner, action)
    elif isinstance(value, list):
        for inner in value:
            _refuse_secrets(inner, action)
