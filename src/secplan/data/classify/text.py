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

import bisect
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
_PERSON_RE2 = rf"[{_UPPER}][{_LOWER}]+\s+[{_UPPER}]|\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+[A-Z]"
_PLACE = re.compile(rf"\b(?:in|from|at|near|to|of|visited|moved to)\s+(?P<place>{_WORD}(?:[\s-]{_WORD}){{0,2}})")
_PLACE_RE2 = r"\b(?:in|from|at|near|to|of|visited)\s+[A-Z]"


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
            context = bool(entity.context) and _in_context(entity, line, match.start())
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
                if word.group().lower() in first and i + 1 < len(words):
                    # a known first name, then within two words a known last name, or else the
                    # capitalised word right after it (surnames are far more varied than first names)
                    for j in range(min(len(words) - 1, i + 2), i, -1):
                        if words[j].group().lower() in last or (j == i + 1 and _surname_shaped(words[j].group())):
                            start, end = words[i - 1 if title else i].start(), words[j].end()
                            yield "PERSON", offsets[row] + base + start, offsets[row] + base + end, \
                                line[base + start : base + end]
                            used = j
                            break
                elif title and word.group().lower() in last:
                    start, end = words[i - 1].start(), word.end()
                    yield "PERSON", offsets[row] + base + start, offsets[row] + base + end, line[base + start : base + end]
                    used = i


_NOT_SURNAMES = frozenset({"The", "And", "Street", "Road", "Avenue", "Inc", "Ltd", "Company", "University",
                           "Hospital", "Bank", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                           "Saturday", "Sunday", "January", "February", "March", "April", "May", "June",
                           "July", "August", "September", "October", "November", "December"})


def _surname_shaped(word: str) -> bool:
    return word not in _NOT_SURNAMES and not word.endswith(".") and len(word) >= 2


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
    number is not also reported as a phone number). Kept spans never overlap, so checking the two
    neighbours of a new span in a sorted list is enough."""
    priority = {e.name: n for n, e in enumerate(ENTITIES)}
    priority.update({"PERSON": len(priority), "LOCATION": len(priority) + 1})
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
    return sorted(kept, key=lambda f: (f[1], f[2], f[0]))


def find_in_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Findings of every entity in a batch of text lines (columns ``text`` and ``offset``)."""
    texts = batch.column("text")
    lines = texts.to_pylist()
    offsets = batch.column("offset").to_pylist()
    valid: dict[tuple[str, bool, str], bool] = {}
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
