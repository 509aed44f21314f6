"""Column scanning: one Arrow record batch in, additive match counts out.

:func:`count_batch` is the function both engines run (locally per batch, on Spark inside
``mapInArrow``). Its output is a small batch of ``(column, entity, matches)`` counts; counts add
up across batches, so any split of the data into batches gives the same totals, and the local and
Spark engines agree exactly. :func:`decide` then turns totals into entities per column.

Per value, short values (at most ``SHORT_CHARS`` characters) must *be* the entity (anchored
match), longer ones are free text searched for it. Candidates come from RE2 over the whole column
(``pyarrow.compute.extract_regex``); validators see each distinct candidate once.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from secplan.data.classify import addresses, lexicon
from secplan.data.classify.entities import (
    BY_NAME,
    DIGITS,
    ENTITIES,
    Entity,
    hinted,
    name_tokens,
    negatively_hinted,
)
from secplan.data.classify.levels import Levels
from secplan.data.classify.text import ORGANISATION_WORDS
from secplan.data.io.nested import leaf_arrays
from secplan.vocabulary import Classification

SHORT_CHARS = 40
NON_EMPTY = "__values__"
"""Pseudo-entity: how many non-empty values the column had (the ratio's denominator)."""
CHECKED = "#checked"
VALID = "#valid"
BUCKET = "#b"
LONG = "__long__"
"""Pseudo-entity: how many of them were longer than ``SHORT_CHARS`` (free text)."""
COUNTS_SCHEMA = pa.schema([("column", pa.string()), ("entity", pa.string()), ("matches", pa.int64())])

_STREET = (r"(?i)^(?:(?:apt\.?|unit|suite|flat)\s*\w+,?\s+)?\d+[a-z]?(?:/\d+)?,?\s+(?:[^\d\s]+\s+){0,4}(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|"
           r"blvd|court|ct|way|place|pl|square|sq|terrace|crescent|close|parkway|highway|straße|strasse|weg|"
           r"gasse|rue|via|calle|ulica|laan|plein|vej|gatan|katu|mall|run|circuit|parade|grove|rise|row|walk|view|"
           r"track|trail|loop|esplanade|hill|gardens|green|heights|mews|park|point|ridge|vale|alley|plaza)\.?(?:\s|,|$)")
_PLACE_SHAPE = r"^[A-ZÀ-Þ][^\d@/\\:;|_=+<>\[\]{}()#$%&*!?]{1,60}$"
#: With an address hint: a house number and capitalised words (``8104 Alicia Divide Apt. 597``), or
#: words and a house number (``Hauptstraße 5``).
_ADDRESS_SHAPE = (r"^(?:\d{1,6}[A-Za-z]?,?\s+[A-ZÀ-Þ][^@|;=<>{}\[\]]{1,80}"
                  r"|[A-ZÀ-Þ][^\d@|;=<>{}\[\]]{2,60}\s\d{1,5}[A-Za-z]?(?:[,\s].{0,40})?)$")
_ADDRESS_ANY = rf"^(?:{addresses.ANY})"
_NAME_SHAPE = r"^[^\d@/\\:;|_=+<>\[\]{}()#$%&*!?]{2,64}$"


def text_values(array: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """The column's values as non-empty strings (lists flattened), or ``None`` for columns that
    cannot hold identifiers (floats, booleans, binary)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    while pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        array = pc.list_flatten(array)
        kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.dictionary_decode()
        kind = array.type
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        array = array.cast(pa.string())
    elif pa.types.is_temporal(kind):
        array = pc.cast(array, pa.string())
    elif not pa.types.is_string(kind):
        return None
    array = pc.utf8_trim_whitespace(array)
    return array.filter(pc.and_kleene(pc.is_valid(array), pc.not_equal(array, "")))


@functools.cache
def _anchored(pattern: str) -> str:
    return rf"^(?:{pattern})$"


@functools.cache
def _search(pattern: str) -> str:
    return rf"(?P<m>{pattern})"


_VALID_CACHE: dict[tuple[str, bool, str], bool] = {}
_CACHE_LIMIT = 500_000


_HASH_WEIGHTS = np.random.default_rng(20240611).integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)


def value_hash(values: pa.Array) -> np.ndarray:
    """A 64-bit hash of each string, computed over Arrow's buffers with numpy (no Python loop):
    position-weighted byte sum, then the murmur3 finaliser. Depends on the value alone."""
    if values.offset or values.null_count:
        values = pa.concat_arrays([values.fill_null("")])
    lengths = pc.binary_length(values).to_numpy(zero_copy_only=False).astype(np.int64)
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[: n + 1].astype(np.int64)
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]].astype(np.uint64)
    starts = offsets[:-1] - offsets[0]
    position = np.arange(len(data), dtype=np.int64) - np.repeat(starts, lengths)
    weighted = data * _HASH_WEIGHTS[position % 64]
    hashed = np.zeros(n, dtype=np.uint64)
    nonempty = lengths > 0
    if len(data):
        hashed[nonempty] = np.add.reduceat(weighted, starts[nonempty])
    hashed ^= lengths.astype(np.uint64)
    for shift, factor in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53), (33, None)):
        hashed ^= hashed >> np.uint64(shift)
        if factor is not None:
            hashed *= np.uint64(factor)
    return hashed


def _validated(entity: Entity, candidates: pa.Array, hint: bool, one_in: int) -> tuple[int, int, pa.Array]:
    """``(checked, valid, open)``: how many candidates the entity's validator checked, how many
    passed, and a mask of the candidates that may still be another entity (checked and failed, or
    not checked). Each distinct value is
    checked once; with ``one_in > 1`` only values whose :func:`value_hash` falls in one bucket of
    ``one_in`` are checked (a sample that depends on the value alone, so every engine and every
    split of the data checks the same values)."""
    validate = entity.validator(hint)
    no_failures = pa.array(np.zeros(len(candidates), dtype=bool))
    if validate is None or len(candidates) == 0:
        return len(candidates), len(candidates), no_failures
    if one_in > 1:
        selected = pa.array(value_hash(candidates) % np.uint64(one_in) == 0)
        checked_values = candidates.filter(selected)
    else:
        selected = None
        checked_values = candidates
    good = []
    distinct = pc.unique(checked_values).to_pylist()
    for value in distinct:
        key = (entity.name, hint, value)
        ok = _VALID_CACHE.get(key)
        if ok is None:
            ok = bool(validate(value))
            if len(_VALID_CACHE) < _CACHE_LIMIT:
                _VALID_CACHE[key] = ok
        if ok:
            good.append(value)
    checked = len(checked_values)
    if len(good) == len(distinct):
        return checked, checked, no_failures if selected is None else pc.invert(selected)
    passed = pc.is_in(candidates, value_set=pa.array(good, pa.string()))
    failed = pc.invert(passed) if selected is None else pc.invert(pc.and_(selected, passed))
    valid = int(pc.sum(pc.cast(passed, pa.int64())).as_py() or 0) if selected is None else \
        int(pc.sum(pc.cast(pc.and_(selected, passed), pa.int64())).as_py() or 0)
    return checked, valid, failed


Tally = dict[str, list[int]]


def _tally(tally: Tally, entity: str, candidates: int, checked: int, valid: int) -> None:
    row = tally.setdefault(entity, [0, 0, 0])
    row[0] += candidates
    row[1] += checked
    row[2] += valid


def _short_matches(values: pa.Array, active: list[tuple[Entity, bool]], one_in: int, tally: Tally) -> pa.Array:
    """Values that *are* an entity (whitespace is already trimmed). RE2 match-only passes (a DFA,
    no capture groups): first one pass with every pattern to drop values that match none, then one
    pass per entity, in :data:`ENTITIES` order, over the values no earlier entity claimed. A value
    that matches an entity's pattern but fails its validator stays for the entities after it: an
    SSN look-alike in a never-issued range may still be a phone number.

    Returns the values that matched no pattern: only those can be names or places."""
    if not active or len(values) == 0:
        return values
    any_match = pc.match_substring_regex(values, _anchored_any(tuple(e.pattern for e, _ in active)))
    unmatched = values.filter(pc.invert(any_match))
    remaining = values.filter(any_match)
    for entity, hint in active:
        if len(remaining) == 0:
            return unmatched
        mask = pc.match_substring_regex(remaining, _anchored(entity.pattern or ""))
        candidates = remaining.filter(mask)
        if len(candidates) == 0:
            continue
        checked, valid, failed = _validated(entity, candidates, hint, one_in)
        _tally(tally, entity.name, len(candidates), checked, valid)
        remaining = pa.concat_arrays([remaining.filter(pc.invert(mask)), candidates.filter(failed)])
    return unmatched


@functools.cache
def _anchored_any(patterns: tuple[str | None, ...]) -> str:
    return "^(?:" + "|".join(f"(?:{p})" for p in patterns if p) + ")$"


def _long_matches(values: pa.Array, active: list[tuple[Entity, bool]], one_in: int, tally: Tally) -> None:
    """Free-text values: each entity searched on its own (a sentence may hold several)."""
    if len(values) == 0:
        return
    for entity, hint in active:
        found = pc.extract_regex(values, _search(entity.pattern or ""))
        hits = found.filter(pc.is_valid(found))
        if len(hits):
            checked, valid, _ = _validated(entity, pc.struct_field(hits, [0]), hint, one_in)
            _tally(tally, entity.name, len(hits), checked, valid)


def _person_matches(values: pa.Array, hint: bool) -> pa.Array:
    """Values of one to five words, no digits or symbols, at least half of them known names, and
    no word of an organisation (``Meyer GmbH``, ``Smith & Sons``). Without a column name that says
    "name", a single word is not enough: category labels (``Gold``, ``Rose``) are single words."""
    shaped = values.filter(pc.match_substring_regex(values, _NAME_SHAPE))
    if len(shaped) == 0:
        return shaped
    tokens = pc.split_pattern_regex(pc.utf8_lower(shaped), r"[\s,]+")
    flat = pc.utf8_trim(pc.list_flatten(tokens), ".'")
    parents = pc.list_parent_indices(tokens).to_numpy(zero_copy_only=False)
    rows = len(shaped)
    known = np.bincount(parents, weights=pc.is_in(flat, value_set=lexicon.array("names"))
                        .to_numpy(zero_copy_only=False), minlength=rows)
    words = np.bincount(parents, minlength=rows)
    organisation = np.bincount(parents, weights=pc.is_in(flat, value_set=_ORGANISATION)
                               .to_numpy(zero_copy_only=False), minlength=rows)
    ok = (known >= 1) & (words <= 5) & (known * 2 >= words) & (organisation == 0)
    if not hint:
        ok &= words >= 2
    return shaped.filter(pa.array(ok))


#: Words of holidays and calendars: ``Labour Day``, ``Christmas Eve`` are no people, though Day and
#: Eve are names.
CALENDAR_WORDS = frozenset({"day", "eve", "christmas", "easter", "year", "year's", "new", "holiday", "festival",
                            "week", "month", "national", "independence", "memorial", "labour", "labor", "boxing",
                            "whit", "whitsun", "pentecost", "ascension", "assumption", "saints", "good",
                            "thanksgiving", "veterans", "remembrance", "mother's", "father's", "monday", "tuesday",
                            "wednesday", "thursday", "friday", "saturday", "sunday", "tag", "jour", "día", "giorno"})
_ORGANISATION = pa.array(sorted(ORGANISATION_WORDS | CALENDAR_WORDS), pa.string())


def _location_matches(values: pa.Array, hint: bool) -> pa.Array:
    """Known places, street addresses, and, in a column whose name says it holds places, any
    capitalised value shaped like a place name (no lexicon knows every village). Place names have
    no digits and addresses have one: each value meets only the tests that can pass."""
    has_digit = pc.match_substring_regex(values, r"\d")
    words, numbered = values.filter(pc.invert(has_digit)), values.filter(has_digit)
    found = pc.is_in(pc.utf8_lower(words), value_set=lexicon.array("locations"))
    if hint:
        found = pc.or_(found, pc.match_substring_regex(words, _PLACE_SHAPE))
    parts = [words.filter(found)]
    if len(numbered):
        street = pc.match_substring_regex(numbered, _STREET)
        if hint:
            street = pc.or_(street, pc.match_substring_regex(numbered, _ADDRESS_SHAPE))
        parts.append(numbered.filter(street))
        rest = numbered.filter(pc.invert(street))
        rest = rest.filter(pc.match_substring_regex(rest, r"\s"))
        if len(rest):
            parts.append(rest.filter(pc.match_substring_regex(rest, _ADDRESS_ANY)))
    return pa.concat_arrays(parts)


DISTINCT_BUCKETS = 64
"""Matched values are hashed into this many buckets; a bucket that any batch saw is reported once
(``E#b<n>``), so the number of occupied buckets is the same for every split of the data (local,
pooled, Spark) and estimates how many distinct values matched (linear counting)."""


def _buckets(values: pa.Array) -> list[int]:
    return sorted({int(b) for b in np.unique(value_hash(values) % np.uint64(DISTINCT_BUCKETS))})


def count_column(name: str, array: pa.Array | pa.ChunkedArray, one_in: int = 1) -> dict[str, int]:
    """Match counts of every entity in one column of one batch, plus the pseudo-entities: for a
    validated entity ``E``, ``E`` counts candidates, ``E#checked`` and ``E#valid`` the validator's
    sample (all candidates when ``one_in`` is 1)."""
    is_temporal = pa.types.is_temporal(array.type)
    values = text_values(array)
    if values is None or len(values) == 0:
        return {}
    counts = {NON_EMPTY: len(values)}
    if is_temporal:  # a date column is personal data only when its name says whose date it is
        if hinted(BY_NAME["DATE_TIME"], name_tokens(name)):
            counts["DATE_TIME"] = len(values)
        return counts
    lengths = pc.utf8_length(values)
    is_short = pc.less_equal(lengths, SHORT_CHARS)
    short, long = values.filter(is_short), values.filter(pc.invert(is_short))
    counts[LONG] = len(long)
    tokens = name_tokens(name)
    active = [(e, hinted(e, tokens)) for e in ENTITIES
              if e.pattern is not None and (not e.needs_hint or hinted(e, tokens))]
    tally: Tally = {}
    plain = _short_matches(short, active, one_in, tally)
    _long_matches(long, active, one_in, tally)
    for entity_name, (candidates, checked, valid) in tally.items():
        if valid or (candidates and checked < candidates):
            counts[entity_name] = candidates
            counts[entity_name + CHECKED] = checked
            counts[entity_name + VALID] = valid
    if len(plain):
        for entity_name, func in (("PERSON", _person_matches), ("LOCATION", _location_matches)):
            hint = hinted(BY_NAME[entity_name], tokens)
            found = func(plain, hint)
            if len(found):
                counts[entity_name] = len(found)
                if not hint:
                    counts.update({f"{entity_name}{BUCKET}{b}": 1 for b in _buckets(found)})
    return counts


def count_batch(batch: pa.RecordBatch, one_in: int = 1) -> pa.RecordBatch:
    """The engine-neutral unit of work: counts for every column of ``batch``."""
    columns, entities, matches = [], [], []
    for name, array in leaf_arrays(batch):
        for entity, count in count_column(name, array, one_in).items():
            columns.append(name)
            entities.append(entity)
            matches.append(count)
    return pa.record_batch([pa.array(columns, pa.string()), pa.array(entities, pa.string()),
                            pa.array(matches, pa.int64())], schema=COUNTS_SCHEMA)


def count_batches(batches: Iterator[pa.RecordBatch], one_in: int = 1) -> Iterator[pa.RecordBatch]:
    """``mapInArrow``-shaped: an iterator of batches in, an iterator of count batches out."""
    for batch in batches:
        yield count_batch(batch, one_in)


Totals = dict[tuple[str, str], int]


def add_counts(totals: Totals, counts: pa.RecordBatch | pa.Table) -> Totals:
    """Sum counts; bucket pseudo-entities (``E#b<n>``) are a set: present or not."""
    for column, entity, matches in zip(counts.column("column").to_pylist(), counts.column("entity").to_pylist(),
                                       counts.column("matches").to_pylist(), strict=True):
        if BUCKET in entity:
            totals[(column, entity)] = 1
        else:
            totals[(column, entity)] = totals.get((column, entity), 0) + int(matches)
    return totals


def distinct_estimate(counts: Mapping[str, int], entity: str) -> float | None:
    """Distinct matched values of ``entity``, estimated from the occupied buckets (``None``: no buckets)."""
    occupied = sum(1 for key in counts if key.startswith(entity + BUCKET))
    if not occupied:
        return None
    if occupied >= DISTINCT_BUCKETS:
        return float("inf")
    return -DISTINCT_BUCKETS * math.log(1 - occupied / DISTINCT_BUCKETS)


CATEGORICAL_MAX_DISTINCT = 8
"""A column whose name/place matches take at most this many distinct values, each repeated many
times, holds category labels (``Male``/``Female``, ``Gold``/``Silver``), not people or places."""


@dataclass(frozen=True)
class EntityHit:
    type: str
    match_ratio: float
    confidence: float


@dataclass(frozen=True)
class ColumnResult:
    name: str
    entities: tuple[EntityHit, ...]
    classification: Classification


MIN_RATIO = 0.3
MIN_RATIO_HINTED = 0.1
MIN_RATIO_FREE_TEXT = 0.01
MIN_CONFIDENCE = 0.35


def _confidence(entity: Entity, ratio: float, hint: bool, negative: bool) -> float:
    score = entity.base + (0.15 if hint else 0.0) - (0.25 if negative else 0.0)
    return round(max(0.0, min(1.0, score)) * (0.6 + 0.4 * min(1.0, ratio)), 2)


def decide(name: str, counts: Mapping[str, int], levels: Levels) -> ColumnResult:
    """Entities a column holds, from its totals: ratio thresholds, hints, and one winner per group."""
    total = counts.get(NON_EMPTY, 0)
    tokens = name_tokens(name)
    free_text = total > 0 and counts.get(LONG, 0) * 2 >= total
    negative = negatively_hinted(tokens)
    hits: list[tuple[bool, EntityHit, Entity]] = []
    for entity_name, candidates in counts.items():
        entity = BY_NAME.get(entity_name)
        if entity is None or not total or "#" in entity_name:
            continue
        checked = counts.get(entity_name + CHECKED, candidates)
        valid = counts.get(entity_name + VALID, candidates)
        matches = candidates * valid / checked if checked else 0
        ratio = matches / total
        hint = hinted(entity, tokens)
        minimum = MIN_RATIO_HINTED if hint else MIN_RATIO
        if free_text and (entity.checksum or hint):
            minimum = MIN_RATIO_FREE_TEXT
        neg = negative and not hint
        if entity_name == "LOCATION" and not hint and _categorical(counts, entity_name, candidates):
            continue
        confidence = _confidence(entity, ratio, hint, neg)
        if ratio >= minimum and confidence >= MIN_CONFIDENCE:
            hits.append((hint, EntityHit(entity_name, round(ratio, 4), confidence), entity))
    if not free_text:
        hits = _one_per_group(hits)
    hits.sort(key=lambda h: (-h[1].confidence, -h[1].match_ratio, h[1].type))
    entities = tuple(h[1] for h in hits)
    return ColumnResult(name, entities, levels.highest(e.type for e in entities))


def _categorical(counts: Mapping[str, int], entity: str, matches: int) -> bool:
    distinct = distinct_estimate(counts, entity)
    return distinct is not None and distinct <= CATEGORICAL_MAX_DISTINCT and matches >= 10 * max(1.0, distinct)


def _one_per_group(hits: list[tuple[bool, EntityHit, Entity]]) -> list[tuple[bool, EntityHit, Entity]]:
    """A column of single values holds one kind of identifier: a 16-digit card number also looks
    like a phone number; keep the hinted, then the checksum-validated, then the most frequent."""
    best: dict[str, tuple[bool, EntityHit, Entity]] = {}
    kept = []
    for hit in hits:
        group = hit[2].group
        if group is None:
            kept.append(hit)
            continue
        rank = (hit[0], hit[1].match_ratio >= 0.5 and hit[2].checksum, hit[1].match_ratio, hit[1].confidence)
        current = best.get(group)
        if current is None or rank > (current[0], current[1].match_ratio >= 0.5 and current[2].checksum,
                                      current[1].match_ratio, current[1].confidence):
            best[group] = hit
    return kept + list(best.values())


__all__ = ["COUNTS_SCHEMA", "DIGITS", "ColumnResult", "EntityHit", "add_counts", "count_batch", "count_batches",
           "decide"]
