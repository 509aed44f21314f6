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
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from secplan.data.classify import lexicon
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
from secplan.data.io.nested import flatten_batch
from secplan.vocabulary import Classification

SHORT_CHARS = 40
NON_EMPTY = "__values__"
"""Pseudo-entity: how many non-empty values the column had (the ratio's denominator)."""
CHECKED = "#checked"
VALID = "#valid"
LONG = "__long__"
"""Pseudo-entity: how many of them were longer than ``SHORT_CHARS`` (free text)."""
COUNTS_SCHEMA = pa.schema([("column", pa.string()), ("entity", pa.string()), ("matches", pa.int64())])

_STREET = (r"(?i)^(?:(?:apt\.?|unit|suite|flat)\s*\w+,?\s+)?\d+[a-z]?(?:/\d+)?,?\s+(?:[^\d\s]+\s+){0,4}(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|"
           r"blvd|court|ct|way|place|pl|square|sq|terrace|crescent|close|parkway|highway|straße|strasse|weg|"
           r"gasse|rue|via|calle|ulica|laan|plein|vej|gatan|katu|mall|run|circuit|parade|grove|rise|row|walk|view|"
           r"track|trail|loop|esplanade|hill|gardens|green|heights|mews|park|point|ridge|vale|alley|plaza)\.?(?:\s|,|$)")
_PLACE_SHAPE = r"^[A-ZÀ-Þ][^\d@/\\:;|_=+<>\[\]{}()#$%&*!?]{1,60}$"
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
    return rf"^\s*(?P<m>{pattern})\s*$"


@functools.cache
def _search(pattern: str) -> str:
    return rf"(?P<m>{pattern})"


_VALID_CACHE: dict[tuple[str, bool, str], bool] = {}
_CACHE_LIMIT = 500_000


def _validated(entity: Entity, candidates: pa.Array, hint: bool, one_in: int) -> tuple[int, int]:
    """``(checked, valid)``: how many candidates were checked by the entity's validator and how many
    passed. Each distinct value is checked once; with ``one_in > 1`` only the distinct values whose
    CRC-32 falls in one bucket of ``one_in`` are checked (a sample that depends on the value alone,
    so every engine and every split of the data checks the same values)."""
    validate = entity.validator(hint)
    if validate is None or len(candidates) == 0:
        return len(candidates), len(candidates)
    distinct = pc.unique(candidates).to_pylist()
    if one_in > 1:
        distinct = [v for v in distinct if zlib.crc32(v.encode("utf-8")) % one_in == 0]
    good = []
    for value in distinct:
        key = (entity.name, hint, value)
        ok = _VALID_CACHE.get(key)
        if ok is None:
            ok = bool(validate(value))
            if len(_VALID_CACHE) < _CACHE_LIMIT:
                _VALID_CACHE[key] = ok
        if ok:
            good.append(value)
    checked = len(candidates) if one_in == 1 else _count_in(candidates, distinct)
    valid = checked if len(good) == len(distinct) else _count_in(candidates, good)
    return checked, valid


def _count_in(values: pa.Array, members: list[str]) -> int:
    if not members:
        return 0
    return int(pc.sum(pc.is_in(values, value_set=pa.array(members, pa.string()))).as_py() or 0)


def _pattern_matches(entity: Entity, short: pa.Array, long: pa.Array, hint: bool,
                     one_in: int) -> tuple[int, int, int]:
    """``(candidates, checked, valid)`` over the short (anchored) and long (searched) values."""
    totals = [0, 0, 0]
    for values, regex in ((short, _anchored(entity.pattern or "")), (long, _search(entity.pattern or ""))):
        if len(values) == 0:
            continue
        found = pc.extract_regex(values, regex)
        hits = found.filter(pc.is_valid(found))
        if len(hits):
            checked, valid = _validated(entity, pc.struct_field(hits, [0]), hint, one_in)
            totals[0] += len(hits)
            totals[1] += checked
            totals[2] += valid
    return totals[0], totals[1], totals[2]


def _person_matches(values: pa.Array, hint: bool) -> int:
    """Values of one to five words, no digits or symbols, at least half of them known names."""
    shaped = values.filter(pc.match_substring_regex(values, _NAME_SHAPE))
    if len(shaped) == 0:
        return 0
    tokens = pc.split_pattern_regex(pc.utf8_lower(shaped), r"[\s,]+")
    flat = pc.list_flatten(tokens)
    parents = pc.list_parent_indices(tokens)
    known = pc.is_in(pc.utf8_trim(flat, ".'"), value_set=lexicon.array("names"))
    table = pa.table({"row": parents, "known": pc.cast(known, pa.int64())})
    per_row = table.group_by("row").aggregate([("known", "sum"), ("known", "count")])
    sums, counts = per_row["known_sum"], per_row["known_count"]
    ok = pc.and_(pc.and_(pc.greater_equal(sums, 1), pc.less_equal(counts, 5)),
                 pc.greater_equal(pc.multiply(sums, 2), counts))
    return int(pc.sum(pc.cast(ok, pa.int64())).as_py() or 0)


def _location_matches(values: pa.Array, hint: bool) -> int:
    """Known places, street addresses, and, in a column whose name says it holds places, any
    capitalised value shaped like a place name (no lexicon knows every village)."""
    lowered = pc.utf8_lower(values)
    found = pc.or_(pc.is_in(lowered, value_set=lexicon.array("locations")),
                   pc.match_substring_regex(values, _STREET))
    if hint:
        found = pc.or_(found, pc.match_substring_regex(values, _PLACE_SHAPE))
    return int(pc.sum(pc.cast(found, pa.int64())).as_py() or 0)


def count_column(name: str, array: pa.Array | pa.ChunkedArray, one_in: int = 1) -> dict[str, int]:
    """Match counts of every entity in one column of one batch, plus the pseudo-entities: for a
    validated entity ``E``, ``E`` counts candidates, ``E#checked`` and ``E#valid`` the validator's
    sample (all candidates when ``one_in`` is 1)."""
    is_temporal = pa.types.is_temporal(array.type)
    values = text_values(array)
    if values is None or len(values) == 0:
        return {}
    counts = {NON_EMPTY: len(values)}
    if is_temporal:
        counts["DATE_TIME"] = len(values)
        return counts
    lengths = pc.utf8_length(values)
    is_short = pc.less_equal(lengths, SHORT_CHARS)
    short, long = values.filter(is_short), values.filter(pc.invert(is_short))
    counts[LONG] = len(long)
    tokens = name_tokens(name)
    for entity in ENTITIES:
        hint = hinted(entity, tokens)
        if entity.pattern is None or (entity.needs_hint and not hint):
            continue
        candidates, checked, valid = _pattern_matches(entity, short, long, hint, one_in)
        if valid or (candidates and checked < candidates):
            counts[entity.name] = candidates
            counts[entity.name + CHECKED] = checked
            counts[entity.name + VALID] = valid
    if len(short):
        for entity_name, func in (("PERSON", _person_matches), ("LOCATION", _location_matches)):
            found = func(short, hinted(BY_NAME[entity_name], tokens))
            if found:
                counts[entity_name] = found
    return counts


def count_batch(batch: pa.RecordBatch, one_in: int = 1) -> pa.RecordBatch:
    """The engine-neutral unit of work: counts for every column of ``batch``."""
    batch = flatten_batch(batch)
    columns, entities, matches = [], [], []
    for field, array in zip(batch.schema, batch.columns, strict=True):
        for entity, count in count_column(field.name, array, one_in).items():
            columns.append(field.name)
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
    for column, entity, matches in zip(counts.column("column").to_pylist(), counts.column("entity").to_pylist(),
                                       counts.column("matches").to_pylist(), strict=True):
        totals[(column, entity)] = totals.get((column, entity), 0) + int(matches)
    return totals


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
        if entity is None or not total:
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
        confidence = _confidence(entity, ratio, hint, neg)
        if ratio >= minimum and confidence >= MIN_CONFIDENCE:
            hits.append((hint, EntityHit(entity_name, round(ratio, 4), confidence), entity))
    if not free_text:
        hits = _one_per_group(hits)
    hits.sort(key=lambda h: (-h[1].confidence, -h[1].match_ratio, h[1].type))
    entities = tuple(h[1] for h in hits)
    return ColumnResult(name, entities, levels.highest(e.type for e in entities))


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
