"""Which key signs for a purpose (attestations, model versions, ...) and which keys verifiers trust.

A purpose signs with an unattended :class:`~secplan.crypto.keys.signer.FileSigner` by default; a
team points it at a managed key instead (a local keystore key, a PKCS#11 token key, an AWS KMS key),
so that the key can live in an HSM. Switching must not invalidate what was signed before, so a
verifier trusts every version of the configured key that is not destroyed (signatures survive
rotation) and the file key when one exists (signatures made before the switch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from secplan.crypto.keys.interface import KeyState
from secplan.crypto.keys.signer import FileSigner, ManagedSigner, PublicKey, Signer
from secplan.errors import SecplanError

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager

ManagerFactory = Callable[[], "KeyManager"]
"""Opens the keystore only when a managed key is configured (most commands never need it)."""


def signer_for(key_ref: str | None, *, file: Path, manager: ManagerFactory) -> Signer:
    """The managed key ``key_ref`` when one is configured, else the file key (created on first use)."""
    if key_ref:
        return ManagedSigner(manager(), key_ref)
    return FileSigner(file)


@dataclass
class TrustedKeys:
    """The public keys a verifier accepts for one purpose; ``problem`` says why some are missing."""

    keys: list[PublicKey] = field(default_factory=list)
    problem: str | None = None

    def __contains__(self, key: object) -> bool:
        return key in self.keys


def trusted_keys(key_ref: str | None, *, file: Path, manager: ManagerFactory) -> TrustedKeys:
    """The file key (when it exists) and every live version of the configured managed key.

    Never creates a key. A configured key that cannot be read (missing, wrong PIN, no module) is
    reported in ``problem`` rather than raised, so that an assessment still judges what it can.
    """
    trusted = TrustedKeys()
    existing = FileSigner.existing(file)
    if existing is not None:
        trusted.keys.append(existing.public_key)
    if not key_ref:
        return trusted
    try:
        keys = manager()
        named = keys.get(key_ref)
        for version in keys.list():
            if version.name == named.name and version.state is not KeyState.DESTROYED:
                pem = keys.provider_for(version).public_key_pem(version)
                trusted.keys.append(PublicKey.from_pem(pem, f"key {version.id}"))
    except SecplanError as exc:
        trusted.problem = f"the configured key {key_ref!r} cannot be read: {exc.message}"
    return trusted
