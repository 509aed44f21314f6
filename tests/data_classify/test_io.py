"""The shared readers: formats, sampling spread, nested paths and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from secplan.data.io import Format, open_dataset
from secplan.errors import InputError


def _rows(path: Path, **kw) -> list[dict]:
    return [row for batch in open_dataset(path).iter_batches(**kw) for row in batch.to_pylist()]


def test_csv_strings_keep_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("phone,n\n07700900123,1\n", encoding="utf-8")
    assert _rows(path, strings=True) == [{"phone": "07700900123", "n": "1"}]
    assert _rows(path) == [{"phone": 7700900123, "n": 1}]


def test_tsv_and_format_detection(tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    path.write_text("a\tb\nx\ty\n", encoding="utf-8")
    dataset = open_dataset(path)
    assert dataset.format is Format.TSV
    assert _rows(path) == [{"a": "x", "b": "y"}]


def test_parquet_sample_is_spread_over_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"id": list(range(100_000))}), path, row_group_size=10_000)
    rows = _rows(path, sample_rows=8_000)
    ids = [r["id"] for r in rows]
    assert len(ids) == 8_000
    assert max(ids) >= 70_000, "a sample must not be only the head of the file"
    assert len(_rows(path)) == 100_000


def test_csv_sample_is_spread_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    n = 400_000
    pacsv.write_csv(pa.table({"id": list(range(n)), "v": [f"value-{i}" for i in range(n)]}), path)
    ids = [int(r["id"]) for r in _rows(path, sample_rows=4_000, strings=True)]
    assert 3_000 <= len(ids) <= 4_000
    assert max(ids) > n // 2


def test_jsonl_nested_fields_become_paths(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    records = [{"id": i, "user": {"contact": {"email": f"a{i}@example.org"}}} for i in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    dataset = open_dataset(path)
    assert "user.contact.email" in dataset.schema.names
    assert _rows(path)[2]["user.contact.email"] == "a2@example.org"


def test_text_offsets_are_character_offsets(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    text = "héllo wörld\nsecond line\n\nlast"
    path.write_text(text, encoding="utf-8")
    rows = _rows(path)
    for row in rows:
        assert text[row["offset"] : row["offset"] + len(row["text"])] == row["text"]
    assert [r["text"] for r in rows] == ["héllo wörld", "second line", "", "last"]


def test_huge_text_line_is_cut_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    text = "x" * 200_000 + " tail"
    path.write_text(text, encoding="utf-8")
    rows = _rows(path)
    assert len(rows) > 1
    assert "".join(r["text"] for r in rows) == text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("ragged.csv", b"a,b,c\n1,2,3\n4,5\n", "ragged.csv: line 3: ragged row"),
        ("latin1.csv", b"name,v\nok,1\n\xe9t\xe9,2\n", "latin1.csv: line 3"),
        ("utf16.csv", "a,b\n1,2\n".encode("utf-16"), "UTF-16"),
        ("empty.csv", b"", "empty.csv: file is empty"),
        ("dup.csv", b"a,a\n1,2\n", "appears twice"),
        ("mixed.jsonl", b'{"a": 1}\n{"a": "x"}\n', "mixed.jsonl: line 2: mixed types"),
        ("broken.jsonl", b'{"a": 1}\n{"a": \n', "broken.jsonl: line 2"),
        ("array.jsonl", b'{"a": 1}\n[1, 2]\n', "line 2"),
        ("corrupt.parquet", b"PAR1 not really parquet", "corrupt.parquet: footer"),
        ("bad.txt", b"fine\nbad \xff here\n", "bad.txt: line 2"),
        ("nul.txt", b"abc\x00def", "binary content"),
    ],
)
def test_bad_input_names_file_and_position(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        for _batch in open_dataset(path).iter_batches():
            pass
    assert expected in str(info.value)
    assert str(tmp_path) in str(info.value)


def test_truncated_parquet_row_group(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"s": [f"row {i}" for i in range(50_000)]}), path, row_group_size=10_000)
    data = bytearray(path.read_bytes())
    data[200:4000] = b"\x00" * 3800  # damage the first column chunk, keep the footer
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="row group 0"):
        for _batch in open_dataset(path).iter_batches():
            pass


def test_missing_and_unsupported(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        open_dataset(tmp_path / "nope.csv")
    (tmp_path / "x.csv.gz").write_bytes(b"\x1f\x8b")
    with pytest.raises(InputError, match="not supported"):
        open_dataset(tmp_path / "x.csv.gz")


def test_parquet_row_groups_cover_the_file(tmp_path: Path) -> None:
    path = tmp_path / "g.parquet"
    pq.write_table(pa.table({"id": list(range(25_000))}), path, row_group_size=10_000)
    dataset = open_dataset(path)
    assert dataset.num_row_groups == 3
    ids = [r["id"] for g in ([0, 2], [1]) for b in dataset.iter_row_groups(g) for r in b.to_pylist()]
    assert sorted(ids) == list(range(25_000))
