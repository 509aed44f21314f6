"""Finding a key and its provider: what signing and unwrapping need, and nothing that changes a key.

Kept apart from :class:`~secplan.crypto.keys.manager.KeyManager` (which records every change in the
audit ledger) so that the ledger itself can sign its checkpoints with a managed key without the two
importing each other. A key reference is ``NAME`` (its active version) or ``NAME@vN`` (one version).
"""

from __future__ import annotations

import re
from pathlib import Path

from secplan.crypto.keys.interface import KeyProvider, KeyState, KeyVersion
from secplan.crypto.keys.keystore import Keystore, default_keystore_path
from secplan.crypto.keys.local import LocalProvider
from secplan.errors import InputError, IntegrityError

PROVIDERS = ("local", "pkcs11", "aws-kms")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_REF = re.compile(r"^(?P<name>[^@]+?)(?:@v(?P<version>[0-9]+))?$")


def parse_ref(ref: str) -> tuple[str, int | None]:
    match = _REF.match(ref.strip())
    if not match or not _NAME.match(match["name"]):
        raise InputError(f"invalid key reference {ref!r}: use NAME or NAME@vN (letters, digits, . _ -)")
    return match["name"], int(match["version"]) if match["version"] else None


class KeyResolver:
    """Looks keys up in one keystore and opens their providers."""

    def __init__(self, keystore: Keystore, *, local: LocalProvider | None = None) -> None:
        self.keystore = keystore
        self._providers: dict[str, KeyProvider] = {"local": local or LocalProvider(keystore)}

    @classmethod
    def for_root(cls, root: Path) -> KeyResolver:
        """The project's keystore (or ``$SECPLAN_KEYSTORE``), for lookups only."""
        return cls(Keystore(default_keystore_path(root)))

    # -- providers ------------------------------------------------------------------------------------
    def provider(self, name: str) -> KeyProvider:
        if name not in self._providers:
            try:
                if name == "pkcs11":
                    from secplan.crypto.keys.pkcs11 import Pkcs11Provider

                    self._providers[name] = Pkcs11Provider()
                elif name == "aws-kms":
                    import boto3  # noqa: F401 - checked here so that a missing extra is a clear error

                    from secplan.crypto.keys.awskms import AwsKmsProvider

                    self._providers[name] = AwsKmsProvider()
                else:
                    raise InputError(f"unknown key provider {name!r} (choose from {', '.join(PROVIDERS)})")
            except ImportError as exc:
                raise InputError(f"the {name} key provider needs the Python package {exc.name!r}",
                                 hint="install secplan's crypto extra: pip install 'secplan[crypto]'") from None
        return self._providers[name]

    def provider_for(self, key: KeyVersion) -> KeyProvider:
        if key.state is KeyState.DESTROYED:
            raise IntegrityError(f"key {key.id} was destroyed on {key.destroyed_at:%Y-%m-%d}: "
                                 "what it protected cannot be recovered")
        return self.provider(key.provider)

    # -- queries --------------------------------------------------------------------------------------
    def list(self) -> list[KeyVersion]:
        return self.keystore.versions()

    def get(self, ref: str) -> KeyVersion:
        """The version ``ref`` names; ``NAME`` means the active version."""
        name, version = parse_ref(ref)
        versions = [k for k in self.list() if k.name == name]
        if not versions:
            raise InputError(f"no key named {name!r} in {self.keystore.path}",
                             hint="see `secplan keys list`, or create one with `secplan keys create`")
        if version is None:
            active = [k for k in versions if k.state is KeyState.ACTIVE]
            if not active:
                raise InputError(f"key {name!r} has no active version (all destroyed or retired)")
            return active[-1]
        for k in versions:
            if k.version == version:
                return k
        raise InputError(f"key {name!r} has no version {version} (versions: "
                         f"{', '.join(str(k.version) for k in versions)})")
