"""The keystore file is private to its owner (DS-2)."""

import stat
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.crypto.evidence import KEYS

NEEDS = (KEYS,)


def run(ev: Evidence) -> Iterator[Result]:
    keys = ev.get(KEYS)
    if not keys.exists or keys.file_mode is None:
        yield not_applicable("no keystore file")
        return
    where = keys.keystore.relative_to(ev.root).as_posix() if keys.in_project else str(keys.keystore)
    location = Location(where)
    loose_file = keys.file_mode & 0o077
    loose_dir = (keys.dir_mode or 0) & 0o022
    if loose_file:
        yield negative(f"keystore mode is {stat.filemode(stat.S_IFREG | keys.file_mode)}: other users can "
                       f"{'write' if keys.file_mode & 0o022 else 'read'} it", location, key="file")
    if loose_dir:
        yield negative(f"keystore folder mode is {stat.filemode(stat.S_IFDIR | (keys.dir_mode or 0))}: other "
                       "users can replace the keystore", location, key="folder")
    if not loose_file and not loose_dir:
        yield positive("keystore is readable and writable by its owner only", location)
