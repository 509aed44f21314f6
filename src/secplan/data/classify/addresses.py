"""Street addresses per locale, as the postal conventions write them.

One pattern per family of conventions, each valid in RE2 (``pyarrow.compute``, to select values and
lines over a whole column) and in Python's ``re`` (to recover positions on the selected lines):

- English (US, UK, Ireland, Canada, Australia, India): a house number, capitalised words and a
  street suffix of USPS Publication 28 / Royal Mail usage (``221B Baker Street``,
  ``17066 Heather Grove Apt. 915``), or a US "City, ST 12345" line, or a UK postcode.
- German, Dutch, Scandinavian, Finnish: the street type written into the name, then the number
  (``Hauptstraße 5``, ``Kerkstraat 12``, ``Storgatan 7``, ``Mannerheimintie 3``).
- French: number, street type, name (``8, rue de la Paix``), or name then number (Switzerland).
- Spanish, Italian, Portuguese, Romanian, Polish: street type, name, number
  (``Calle Mayor 5``, ``Via Roma, 10``, ``Rua Augusta, 80``, ``Strada Lipscani Nr. 5``, ``ul. Długa 4``).
"""

from __future__ import annotations

import functools
import re

_U = "A-ZÀ-ÖØ-ÞĀ-ž"
_L = "a-zß-öø-ÿĀ-ž"
_CAP = f"[{_U}0-9][{_U}{_L}'’.-]*"
"""A capitalised word (or an ordinal such as ``5th``)."""
_NAME = f"[{_U}][{_U}{_L}'’.-]*"

#: Street suffixes of USPS Publication 28 (appendix C1) and British, Irish, Australian and Indian usage.
EN_SUFFIXES = (
    "alley", "alleyway", "aly", "annex", "arcade", "avenue", "ave", "av", "bayou", "beach", "bend", "bluffs?", "bottom",
    "boulevard", "blvd", "branch", "bridge", "brooks?", "burgs?", "bypass", "byway", "camp", "canyon", "cape",
    "causeway", "center", "centre", "chase", "chowk", "circles?", "cir", "circuit", "cliffs?", "close", "club",
    "commons?", "concourse", "corners?", "course", "courts?", "ct", "coves?", "creek", "crescent", "cres", "crest",
    "crossing", "crossroads?", "curve", "dale", "dam", "divide", "drives?", "dr", "drove", "end", "esplanade",
    "estates?", "expressway", "extensions?", "falls?", "ferry", "fields?", "flats?", "fords?", "forest", "forges?",
    "forks?", "fort", "freeway", "ganj", "gardens?", "gate", "gateway", "glens?", "greens?", "groves?", "harbou?rs?",
    "haven", "heights", "highway", "hwy", "hills?", "hollow", "inlet", "islands?", "isle", "junctions?", "keys?",
    "knolls?", "lakes?", "landing", "lanes?", "ln", "lights?", "loaf", "locks?", "lodge", "loop", "mall", "manors?",
    "marg", "meadows?", "mews", "mills?", "mission", "motorway", "mount", "mountains?", "nagar", "neck", "orchard",
    "oval", "overpass", "parade", "parks?", "parkways?", "pkwy", "pass", "passage", "path", "pike", "pines?",
    "place", "pl", "plains?", "plaza", "points?", "ports?", "prairie", "promenade", "quay", "radial", "ramp",
    "ranch", "rapids?", "rest", "ridges?", "rise", "river", "roads?", "rd", "route", "row", "run", "shoals?",
    "shores?", "skyway", "springs?", "spurs?", "squares?", "sq", "station", "stravenue", "stream", "streets?", "st",
    "summit", "terrace", "ter", "throughway", "trace", "track", "trafficway", "trail", "tunnel", "turnpike",
    "underpass", "unions?", "valleys?", "viaduct", "views?", "villages?", "ville", "vista", "wade", "walks?", "wall",
    "ways?", "wells?", "wharf", "wynd", "via", "land", "line", "quays?", "sound", "top",
)
#: Street types written into one word with the name (German, Dutch, Danish, Swedish, Norwegian, Finnish).
COMPOUND_SUFFIXES = (
    "straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "steig", "pfad",
    "chaussee", "markt", "graben", "straat", "laan", "plein", "singel", "kade", "gracht", "hof", "baan", "dijk",
    "dreef", "gade", "vej", "allé", "gatan", "vägen", "gränd", "gata", "veien", "gaten", "katu", "tie", "kuja",
    "polku", "väylä", "steeg", "stigen", "torget", "bulevardi", "boulevard", "plassen", "gränden",
)
#: Street types written before the name (Romance languages, Romanian, Polish), case as in use.
PREFIX_TYPES = (
    "calle", "c/", "avenida", "avda.?", "av.?", "plaza", "paseo", "camino", "carretera", "ronda", "travesía",
    "pasaje", "callejón", "cuesta", "glorieta", "urbanización", "via", "viale", "piazza", "piazzale", "corso",
    "largo", "vicolo", "contrada", "strada", "rotonda", "stretto", "borgo", "rua", "travessa", "praça", "alameda",
    "estrada", "bulevardul", "calea", "drumul", "aleea", "șoseaua", "soseaua", "splaiul", "ul.", "ulica", "al.",
    "aleja", "pl.", "plac", "os.", "r.", "c.", "acceso", "vial", "cañada", "canale", "incrocio", "campo", "corredor",
    "calzada", "privada", "cerrada", "circuito", "diagonal", "periférico", "circunvalación", "peatonal",
)
FRENCH_TYPES = ("rue", "avenue", "av.", "boulevard", "bd", "place", "chemin", "allée", "impasse", "quai", "route",
                "cours", "square", "passage", "voie", "sentier")
US_STATES = ("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
             "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
             "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
             "PR", "GU", "VI")


def _alternatives(words: tuple[str, ...]) -> str:
    """Entries are literal but for a trailing ``?`` (``streets?``): longest first, dots escaped."""
    return "|".join(w.replace(".", r"\.") for w in sorted(words, key=len, reverse=True))


_NOT_YEAR = r"(?:\d{1,3}|[03-9]\d{3}|1[0-8]\d{2}|2[1-9]\d{2})"
"""A house number of up to four digits that is not a year (``Spring 2024`` is no street)."""
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_UNIT = r"(?:,?\s+(?i:apt|apartment|suite|ste|unit|flat|room|floor|fl|puerta|piso|interior|appartamento|ap|bl)\.?\s*#?\d{1,5}[A-Za-z]?)?"
_LINKS = r"(?:(?i:de|del|de la|de las|de los|du|des|d'|l'|la|le|di|da|do|dos|das|della|delle|dei|degli)\s*)*"

ENGLISH = (rf"\b\d{{1,6}}[A-Za-z]?(?:/\d{{1,5}})?,?\s+(?:[NSEW]\.?\s+)?(?:{_CAP}\s+){{1,3}}"
           rf"(?i:{_alternatives(EN_SUFFIXES)})\b\.?{_UNIT}")
US_CITY_LINE = rf"\b{_NAME}(?:\s{_NAME}){{0,2}},\s(?:{'|'.join(US_STATES)})\s\d{{5}}(?:-\d{{4}})?\b"
UK_POSTCODE = r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s\d[ABD-HJLNP-UW-Z]{2}\b"
COMPOUND = (rf"(?:^|[\s,;:(]){_NAME}\s?(?i:{_alternatives(COMPOUND_SUFFIXES)})\s(?:{_NAME}\s)?{_NOT_YEAR}[a-zA-Z]?"
            rf"(?:[-/]\d{{1,4}}[a-zA-Z]?)?\b")
FRENCH = (rf"\b\d{{1,4}}(?:\s?(?i:bis|ter))?,?\s+(?i:{_alternatives(FRENCH_TYPES)})\s+{_LINKS}{_NAME}"
          rf"(?:\s+{_LINKS}{_NAME}){{0,3}}"
          rf"|\b(?i:{_alternatives(FRENCH_TYPES)})\s+{_LINKS}{_NAME}(?:\s+{_LINKS}{_NAME}){{0,3}}\s\d{{1,4}}\b"
          rf"|\b(?i:rue|avenue|boulevard|impasse|allée)\s+{_LINKS}{_NAME}(?:\s+{_LINKS}{_NAME}){{0,2}}")
PREFIXED = (rf"(?:^|\s)(?i:{_alternatives(PREFIX_TYPES)})\s*{_LINKS}{_NAME}(?:\s+{_LINKS}{_NAME}){{0,3}},?\s+"
            rf"(?:(?i:n[º°o]|nr|no)\.?\s*)?{_NUMBER}\b{_UNIT}")

PATTERNS: tuple[str, ...] = (ENGLISH, COMPOUND, FRENCH, PREFIXED, US_CITY_LINE, UK_POSTCODE)
ANY = "|".join(f"(?:{p})" for p in PATTERNS)


@functools.cache
def regex() -> re.Pattern[str]:
    return re.compile(ANY)


def spans(line: str) -> list[tuple[int, int]]:
    """Address spans in one line; the boundary character that a pattern starts with is dropped."""
    found = []
    for match in regex().finditer(line):
        start = match.start()
        while start < match.end() and not line[start].isalnum():
            start += 1
        end = match.end()
        while end > start and line[end - 1] in ".,":
            end -= 1
        found.append((start, end))
    return found
