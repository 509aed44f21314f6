"""Hostile datasets: deep JSON Lines never reach Arrow's recursive parser, wide files are refused
by name, and the other files of a directory are still classified."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from secplan.data.io.depth import MAX_RECORD_DEPTH, nesting_bound
from secplan.data.io.open import MAX_COLUMNS, open_dataset
from secplan.errors import InputError

GOOD = json.dumps({"email": "ana@example.org", "note": "[" * 200 + "brackets in a string are fine"})
CRASHING_DEPTH = 100_000  # Arrow's JSON parser overflows its stack well below this


def deep_record(depth: int, kind: str = "object") -> str:
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    return '{"a":' + "[" * depth + "1" + "]" * depth + "}"


@pytest.mark.parametrize("kind", ["object", "array"])
def test_deep_record_is_refused_with_its_line(tmp_path, kind):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([GOOD, GOOD, deep_record(CRASHING_DEPTH, kind), GOOD]) + "\n")
    with pytest.raises(InputError, match=r"events\.jsonl: line 3: record nested deeper than 64 levels"):
        list(open_dataset(path).iter_batches())


def test_deep_record_in_a_sampled_piece_names_the_real_line(tmp_path):
    path = tmp_path / "big.jsonl"
    lines = [GOOD] * 60_000
    lines[45_000] = deep_record(CRASHING_DEPTH)
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 8 << 20  # sampled reads take pieces, not the whole file
    with pytest.raises(InputError, match=r"line 45001: record nested deeper"):
        list(open_dataset(path).iter_batches(sample_rows=10_000))


def test_nesting_at_the_limit_is_read(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text(deep_record(MAX_RECORD_DEPTH - 1) + "\n" + GOOD + "\n")
    assert sum(b.num_rows for b in open_dataset(path).iter_batches()) == 2


def test_brackets_inside_strings_are_not_nesting(tmp_path):
    path = tmp_path / "strings.jsonl"
    path.write_text("\n".join([GOOD] * 10) + "\n")
    assert nesting_bound(path.read_bytes()) > MAX_RECORD_DEPTH  # the cheap bound is fooled ...
    assert sum(b.num_rows for b in open_dataset(path).iter_batches()) == 10  # ... the exact check is not


def test_wide_csv_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    n = MAX_COLUMNS + 1
    path.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("x" for _ in range(n)) + "\n")
    with pytest.raises(InputError, match=f"{n} columns, more than the {MAX_COLUMNS}"):
        open_dataset(path)


def test_classify_directory_reports_bad_files_and_classifies_the_rest(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "deep.jsonl").write_text(deep_record(CRASHING_DEPTH) + "\n")
    n = MAX_COLUMNS + 10
    (data / "wide.csv").write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" * n) + "\n")
    (data / "people.csv").write_text("email\nana@example.org\nbo@example.com\n")
    env = {**os.environ, "SECPLAN_DATABASE_URL": ""}
    proc = subprocess.run([sys.executable, "-m", "secplan", "data", "classify", str(data), "--format", "json"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "deep.jsonl: line 1: record nested deeper" in proc.stderr
    assert "wide.csv" in proc.stderr and "columns, more than" in proc.stderr
    report = json.loads(proc.stdout)
    people = [d for d in report["datasets"] if d["path"].endswith("people.csv")]
    assert people and people[0]["columns"][0]["entities"][0]["type"] == "EMAIL_ADDRESS"


@pytest.mark.parametrize("suffix", ["csv", "tsv"])
def test_a_ragged_row_that_is_not_utf8_is_one_line_naming_its_place(tmp_path, suffix):
    sep = b"\t" if suffix == "tsv" else b","
    path = tmp_path / f"orders.{suffix}"
    path.write_bytes(sep.join([b"a", b"b"]) + b"\n1" + sep + b"2\n5" + sep + b"6" + sep + b"\xb5\xff7\n8" + sep + b"9\n")
    result = subprocess.run([sys.executable, "-m", "secplan", "data", "classify", path.name], cwd=tmp_path,
                            capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "default"})
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {path.name}: line 3 (byte 12): bytes that are not valid UTF-8 (wrong encoding?)"


@pytest.mark.parametrize("record", [b'{"\x80a": 1}', b'{"sessions": [{"\x80lient": {"addr": "10.0.0.2"}}]}',
                                    b'{"user": {"geo": {"\xffcity": "Lyon"}}}'])
def test_a_json_key_that_is_not_utf8_is_one_line_naming_its_place(tmp_path, record):
    path = tmp_path / "events.jsonl"
    path.write_bytes(b'{"ok": 1}\n' + record + b"\n")
    result = subprocess.run([sys.executable, "-m", "secplan", "data", "classify", path.name], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {path.name}: line 2 (byte ") and result.stderr.count("\n") == 1
    assert "not valid UTF-8" in result.stderr
