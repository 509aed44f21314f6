"""Private keys do not belong next to the data (DS-2)."""

import re
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Location, Result, negative, not_applicable
from secplan.vocabulary import AssetKind

NEEDS = ()

KEY_BLOCK = re.compile(
    r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d"
)
SKIP = (AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED)


def run(ev: Evidence) -> Iterator[Result]:
    found = 0
    for f in ev.files:
        if f.kind in SKIP:
            continue
        text = read_text(ev.root / f.path)
        if not text or ("PRIVATE KEY" not in text and "PuTTY" not in text):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if KEY_BLOCK.search(line):
                found += 1
                yield negative("private key material in the project", Location(f.path, number), key=f.path)
                break
    if not found:
        yield not_applicable("no private key material found in the project's text files")
