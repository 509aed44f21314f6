"""Findings in free text, with character offsets into the file's text.

Like :mod:`columns`, the work is a pure function of one Arrow batch (``text``, ``offset`` per line)
so both engines run it. RE2 selects the lines that hold a candidate over the whole batch
(``pyarrow.compute.match_substring_regex``); only those lines are walked with Python's ``re`` to
recover positions, and only those candidates are validated.

Names and places in free text work offline: a person is two or three capitalised words whose first
is a known first name and last a known last name (or a title such as "Dr." and a known last name);
a place is a capitalised word group after "in", "from", "at", "near" that the place lexicon knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from secplan.data.classify import lexicon
from secplan.data.classify.entities import ENTITIES, Entity

FINDINGS_SCHEMA = pa.schema([("type", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                             ("text", pa.string())])
CONTEXT_CHARS = 48
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD = f"[{_UPPER}][{_LOWER}'’-]+"
_TITLES = {"Mr", "Mrs", "Ms", "Miss", "Dr", "Prof"}
_WORD_RE = re.compile(rf"{_WORD}\.?")
_RUN = re.compile(rf"\b{_WORD}\.?(?:\s+{_WORD}\.?)*")
_PERSON_RE2 = f"[{_UPPER}][{_LOWER}]+"
_PLACE = re.compile(rf"\b(?:in|from|at|near|to|of|visited|moved to)\s+(?P<place>{_WORD}(?:[\s-]{_WORD}){{0,2}})")
_PLACE_RE2 = r"\b(?:in|from|at|near|to|of|visited)\s+[A-Z]"


def _context_ok(entity: Entity, line: str, start: int) -> bool:
    if not entity.needs_hint:
        return True
    before = line[max(0, start - CONTEXT_CHARS) : start].lower()
    return any(word in before for word in entity.context)


def _candidate_rows(texts: pa.Array, pattern: str) -> list[int]:
    mask = pc.match_substring_regex(texts, pattern)
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def _entity_findings(entity: Entity, texts: pa.Array, lines: list[str | None], offsets: list[int],
                     valid: dict[tuple[str, str], bool]) -> Iterator[tuple[str, int, int, str]]:
    for row in _candidate_rows(texts, entity.pattern or ""):
        line = lines[row] or ""
        for match in entity.regex.finditer(line):
            value = match.group()
            if not _context_ok(entity, line, match.start()):
                continue
            if entity.validate is not None:
                key = (entity.name, value)
                if key not in valid:
                    valid[key] = bool(entity.validate(value))
                if not valid[key]:
                    continue
            yield entity.name, offsets[row] + match.start(), offsets[row] + match.end(), value


def _people(texts: pa.Array, lines: list[str | None], offsets: list[int]) -> Iterator[tuple[str, int, int, str]]:
    first, last = lexicon.words("first_names"), lexicon.words("last_names")
    for row in _candidate_rows(texts, _PERSON_RE2):
        line = lines[row] or ""
        for run in _RUN.finditer(line):
            words = list(_WORD_RE.finditer(run.group()))
            base = run.start()
            used = -1
            for i, word in enumerate(words):
                if i <= used:
                    continue
                title = i > 0 and words[i - 1].group().rstrip(".") in _TITLES
                if word.group().lower() in first:
                    # a known first name followed within two words by a known last name
                    for j in range(min(len(words) - 1, i + 2), i, -1):
                        if words[j].group().lower() in last:
                            start, end = words[i - 1 if title else i].start(), words[j].end()
                            yield "PERSON", offsets[row] + base + start, offsets[row] + base + end, \
                                line[base + start : base + end]
                            used = j
                            break
                elif title and word.group().lower() in last:
                    start, end = words[i - 1].start(), word.end()
                    yield "PERSON", offsets[row] + base + start, offsets[row] + base + end, line[base + start : base + end]
                    used = i


def _places(texts: pa.Array, lines: list[str | None], offsets: list[int]) -> Iterator[tuple[str, int, int, str]]:
    places = lexicon.words("locations")
    for row in _candidate_rows(texts, _PLACE_RE2):
        line = lines[row] or ""
        for match in _PLACE.finditer(line):
            words = match["place"].split()
            # the longest known prefix: "Paris France" -> "Paris"
            for size in range(len(words), 0, -1):
                candidate = " ".join(words[:size])
                if candidate.lower() in places:
                    start = match.start("place")
                    yield "LOCATION", offsets[row] + start, offsets[row] + start + len(candidate), candidate
                    break


def _resolve(found: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    """Overlapping findings: the entity listed first in :data:`ENTITIES` wins (a checksum-valid card
    number is not also reported as a phone number)."""
    priority = {e.name: n for n, e in enumerate(ENTITIES)}
    kept: list[tuple[str, int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for item in sorted(found, key=lambda f: (priority[f[0]], f[1], -f[2])):
        if any(item[1] < end and start < item[2] for start, end in taken):
            continue
        kept.append(item)
        taken.append((item[1], item[2]))
    return sorted(kept, key=lambda f: (f[1], f[2], f[0]))


def find_in_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Findings of every entity in a batch of text lines (columns ``text`` and ``offset``)."""
    texts = batch.column("text")
    lines = texts.to_pylist()
    offsets = batch.column("offset").to_pylist()
    valid: dict[tuple[str, str], bool] = {}
    found: list[tuple[str, int, int, str]] = []
    for entity in ENTITIES:
        if entity.pattern is not None:
            found.extend(_entity_findings(entity, texts, lines, offsets, valid))
    found.extend(_people(texts, lines, offsets))
    found.extend(_places(texts, lines, offsets))
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
