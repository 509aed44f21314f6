"""Build the name and place lexicons that `secplan data classify` ships as package data.

Run at build time (not at run time: classification works offline and without Faker installed):
    .venv/bin/python scripts/build-classify-lexicons.py
It reads the real name and place lists that Faker keeps per locale, lower-cases them and writes
sorted, de-duplicated, gzip-compressed word lists under src/secplan/data/classify/lexicon/.
Tests generate their people with *other* locales than the ones listed here, so recall is not measured
on the very lists the lexicon was built from.
"""

from __future__ import annotations

import gzip
import importlib
import sys
from pathlib import Path

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_PT", "sv_SE", "da_DK",
           "fi_FI", "cs_CZ")
FIRST = ("first_names", "first_names_male", "first_names_female")
LAST = ("last_names",)
PLACES = ("cities", "city_names", "states", "countries", "regions", "provinces", "departments", "land")
OUT = Path(__file__).resolve().parent.parent / "src" / "secplan" / "data" / "classify" / "lexicon"


def _words(module: str, attributes: tuple[str, ...]) -> set[str]:
    try:
        provider = importlib.import_module(module).Provider
    except ImportError:
        return set()
    found: set[str] = set()
    for attribute in attributes:
        values = getattr(provider, attribute, None)
        if isinstance(values, dict):
            values = list(values)
        if not isinstance(values, (list, tuple)):
            continue
        for value in values:
            if isinstance(value, tuple):  # (code, name) pairs in some address providers
                value = value[-1]
            if isinstance(value, str) and len(value.strip()) >= 2 and "{" not in value:
                found.add(" ".join(value.lower().split()))
    return found


def main() -> int:
    first: set[str] = set()
    last: set[str] = set()
    places: set[str] = set()
    for locale in LOCALES:
        first |= _words(f"faker.providers.person.{locale}", FIRST)
        last |= _words(f"faker.providers.person.{locale}", LAST)
        places |= _words(f"faker.providers.address.{locale}", PLACES)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, words in (("first_names", first), ("last_names", last), ("locations", places)):
        data = ("\n".join(sorted(words)) + "\n").encode("utf-8")
        (OUT / f"{name}.txt.gz").write_bytes(gzip.compress(data, mtime=0))
        print(f"{name}: {len(words)} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
