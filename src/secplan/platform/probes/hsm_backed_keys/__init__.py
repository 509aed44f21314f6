"""Managed keys live in an HSM (PS-6): positive evidence per PKCS#11 key."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, not_applicable, positive
from secplan.crypto.evidence import KEYS
from secplan.crypto.keys.interface import KeyState

NEEDS = (KEYS,)


def run(ev: Evidence) -> Iterator[Result]:
    keys = ev.get(KEYS)
    active = [k for k in keys.keys if k.state is KeyState.ACTIVE]
    if not active:
        yield not_applicable("no managed keys")
        return
    hsm = [k for k in active if k.provider == "pkcs11"]
    for key in hsm:
        yield positive(f"key {key.id} ({key.type}) is held in PKCS#11 token {key.ref.get('token')!r}",
                       key=key.id, details={"key": key.id, "token": key.ref.get("token")})
    if not hsm:
        providers = ", ".join(sorted({k.provider for k in active}))
        # Software keys are no evidence either way: the attestation probe asks for hardware evidence.
        yield not_applicable(f"{len(active)} active key(s) on {providers}, none in an HSM")
