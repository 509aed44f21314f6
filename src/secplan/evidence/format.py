"""The evidence bundle's format: its members, its manifest, and what the export's ledger entry seals.

A bundle is a zip of JSON and text files (docs/evidence.md). ``manifest.json`` lists every member
with its SHA-256 and, part by part, which files and which ledger entries make up each piece of
evidence. Its ``sealed`` member is what the ``evidence.export`` ledger entry commits to (the SHA-256
of its canonical JSON): the manifest itself carries no signature, the ledger's checkpoint does.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from secplan.errors import InputError
from secplan.ledger.entry import canonical_json

FORMAT = "secplan-evidence"
VERSION = 1
EXPORT_ACTION = "evidence.export"

MANIFEST = "manifest.json"
CHECKPOINT = "ledger/checkpoint"
ENTRIES = "ledger/entries.jsonl"
LEDGER_KEY = "keys/ledger.vkey"
MODEL_KEY = "keys/model-signing.pem"
VERSION_FILE = "model/version.json"
SIGNATURE_FILE = "model/signature.sigstore.json"
LINEAGE_FILE = "model/lineage.json"
LINEAGE_SIGNATURE_FILE = "model/lineage.sigstore.json"
SCAN_FILE = "model/scan.json"

PART_ORDER = ("keys", "model", "signature", "lineage", "scan", "evaluation", "attestation", "approval",
              "promotion", "served", "incident")
"""The order parts appear in a manifest (and are verified in): keys first, then what depends on them."""
KEY_ROLES = ("ledger", "model", "attestation")

Part = Literal["keys", "model", "signature", "lineage", "scan", "evaluation", "attestation", "approval",
               "promotion", "served", "incident"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartEntry(_Strict):
    """One piece of evidence: its files in the bundle and the ledger entries that recorded it."""

    part: Part
    id: str = Field(min_length=1, max_length=200)
    files: list[str]
    entries: list[int] = []

    @property
    def label(self) -> str:
        return self.part if self.part in ("keys", "model", "signature", "lineage", "scan") else f"{self.part} {self.id}"


class Project(_Strict):
    id: str
    name: str


class Sealed(_Strict):
    """What the export's ledger entry commits to: the subject, the parts and every part file's digest."""

    model: str
    digest: str
    project: Project
    origin: str
    parts: list[PartEntry]
    files: dict[str, str]


class Manifest(_Strict):
    format: Literal["secplan-evidence"]
    version: Literal[1]
    sealed: Sealed
    export_entry: int = Field(ge=1)
    ledger: dict[str, str]
    """SHA-256 of the ledger files (checkpoint, entries with proofs): checked by their signatures, not sealed."""

    def all_files(self) -> dict[str, str]:
        return {**self.sealed.files, **self.ledger}


SINGLE = ("keys", "model", "lineage", "scan", "signature")
"""Parts a bundle has at most once (all but ``signature`` exactly once)."""


def expected_files(part: PartEntry) -> tuple[set[str], set[str]]:
    """The files a part must list, and those it may list, by kind: what the checks read."""
    fixed: dict[str, tuple[set[str], set[str]]] = {
        "model": ({VERSION_FILE, "model/card.json"}, set()),
        "signature": ({SIGNATURE_FILE}, {LINEAGE_SIGNATURE_FILE}),
        "lineage": ({LINEAGE_FILE}, set()),
        "scan": ({SCAN_FILE}, set()),
        "evaluation": ({f"evaluations/{part.id}.json"}, {f"evaluations/{part.id}.sigstore.json"}),
        "attestation": ({f"attestations/{part.id}.json"}, set()),
        "approval": ({f"approvals/{part.id}.json"}, set()),
        "promotion": ({f"promotions/{part.id}.json"}, set()),
        "served": ({f"served/{part.id}.json"}, set()),
        "incident": ({f"incidents/{part.id}.json"}, set()),
    }
    if part.part == "keys":
        return {LEDGER_KEY}, {f for f in part.files if f.startswith("keys/") and f.endswith(".pem")}
    return fixed[part.part]


def sealed_digest(sealed: Sealed | dict[str, Any]) -> str:
    """SHA-256 (hex) of the sealed member's canonical JSON (sorted keys, no spaces, UTF-8)."""
    data = sealed.model_dump(mode="json") if isinstance(sealed, Sealed) else sealed
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def part_labels(parts: list[PartEntry]) -> list[str]:
    return [p.label for p in parts]


def parse_manifest(raw: bytes) -> Manifest:
    """The manifest, or InputError (exit 2) naming what is wrong with its shape."""
    import json

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{MANIFEST} is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"{MANIFEST} does not describe a {FORMAT} bundle")
    if data.get("version") != VERSION:
        raise InputError(f"{MANIFEST}: bundle format version {data.get('version')!r} is not supported (only {VERSION})")
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{MANIFEST}: {where}: {first['msg']}") from None
