"""Fuzzing the dataset readers and the classifier: any bytes under a dataset's name are classified
or refused with an InputError that names the file; never a crash, a signal or a hang."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given

from secplan.data.classify.engine import ClassifyOptions, classify_dataset
from secplan.errors import InputError
from tests.fuzz.mutate import FUZZ, mutated


def _parquet() -> bytes:
    table = pa.table({"email": ["ana@example.org", "bo@example.com"], "age": [31, 42],
                      "user": [{"phone": "+44 20 7946 0958"}, {"phone": None}]})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=1)
    return sink.getvalue()


SEEDS = {
    "data.csv": [b"name,email,iban\nAna Lopez,ana@example.org,DE89370400440532013000\n\"Bo, Jr\",bo@x.io,\n"],
    "data.tsv": [b"name\tphone\nAna\t+44 20 7946 0958\n"],
    "data.jsonl": [b"\n".join(json.dumps(r).encode() for r in (
        {"email": "ana@example.org", "user": {"ip": "10.0.0.1", "tags": ["a"]}},
        {"email": None, "user": {"ip": "2001:db8::1"}})),
                   # lists of objects, looked into by path (sessions.client.addr)
                   b"\n".join(json.dumps(r).encode() for r in (
                       {"sessions": [{"client": {"addr": "10.0.0.2"}}, {"client": {"addr": "10.0.0.3"}}]},
                       {"sessions": [], "ips": ["192.0.2.1", "2001:db8::2"]}))],
    "data.parquet": [_parquet()],
    "notes.txt": [b"Call Ana Lopez on +44 20 7946 0958 or mail ana@example.org\n",
                  b"Hans Meier wohnt in der Hauptstrasse 12, 10115 Berlin; geboren am 03.04.1981\n"],
}
OPTIONS = ClassifyOptions(sample_rows=1000)


def _classify(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            result = classify_dataset(path, OPTIONS)
        except InputError as exc:
            assert str(path) in exc.message, exc.message
            return
        json.dumps(result.to_dict())


def _fuzz(name: str):
    @FUZZ
    @given(mutated(SEEDS[name]))
    def test(data: bytes) -> None:
        _classify(name, data)

    test.__name__ = f"test_fuzz_{name.replace('.', '_')}"
    return test


for _name in SEEDS:
    _test = _fuzz(_name)
    globals()[_test.__name__] = _test
