"""Encrypted files point at a key the keystore manages and has not destroyed (DS-1)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.crypto.evidence import KEYS
from secplan.crypto.keys.interface import KeyState
from secplan.vocabulary import Severity

NEEDS = (KEYS,)


def run(ev: Evidence) -> Iterator[Result]:
    keys = ev.get(KEYS)
    if not keys.files:
        yield not_applicable("no files in secplan's encrypted format")
        return
    for f in keys.files:
        where = Location(f.path)
        if f.kek_id is None:
            yield negative(f"encrypted file cannot be read: {f.problem}", where, key=f.path)
            continue
        key = keys.version(f.kek_id)
        if key is None:
            yield negative(f"encrypted under key {f.kek_id}, which the keystore does not know", where, key=f.path,
                           details={"key": f.kek_id})
        elif key.state is KeyState.DESTROYED:
            yield negative(f"encrypted under key {f.kek_id}, destroyed on {key.destroyed_at:%Y-%m-%d}: the data "
                           "is unrecoverable", where, key=f.path, severity=Severity.LOW, details={"key": f.kek_id})
        else:
            note = " (a retired version: re-wrap it)" if key.state is KeyState.RETIRED else ""
            yield positive(f"encrypted under managed key {key.id} on {key.provider}{note}", where, key=f.path,
                           details={"key": key.id, "state": str(key.state)})
