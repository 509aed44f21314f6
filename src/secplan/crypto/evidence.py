"""The ``keys`` evidence: the keystore (where, what mode), its keys' metadata, and which key each
encrypted file of the project is wrapped under. Nothing secret is in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secplan.assess.interface import EvidenceKey

if TYPE_CHECKING:
    from secplan.crypto.keys.interface import KeyVersion


@dataclass(frozen=True)
class EncryptedFile:
    path: str
    """Relative to the project root."""
    kek_id: str | None
    """The KEK id of the file's current key slot; ``None`` when no slot could be read."""
    problem: str | None = None


@dataclass(frozen=True)
class KeysEvidence:
    keystore: Path
    exists: bool
    file_mode: int | None
    dir_mode: int | None
    in_project: bool
    """True when the keystore lies inside the project tree."""
    keys: tuple[KeyVersion, ...]
    files: tuple[EncryptedFile, ...]

    def version(self, kek_id: str) -> KeyVersion | None:
        return next((k for k in self.keys if k.id == kek_id), None)


KEYS: EvidenceKey[KeysEvidence] = EvidenceKey(
    "keys", KeysEvidence, "the project's keystore and the keys of its encrypted files (`secplan keys`)")
