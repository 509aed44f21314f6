"""``secplan data classify`` as a user runs it: JSON shape, masking, bad input, plan overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.cli.app import main

CARD = "4111 1111 1111 1111"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "people.csv").write_text(
        "full_name,email,birth_date\n" + "".join(f"Anna Schmidt,anna{i}@example.org,1984-01-{i % 28 + 1:02d}\n"
                                              for i in range(50)), encoding="utf-8")
    (tmp_path / "notes.txt").write_text(f"héllo\nPaid with card {CARD} by anna@example.org\n", encoding="utf-8")
    return tmp_path


def test_json_document_shape_and_masking(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["data", "classify", str(files / "people.csv"), str(files / "notes.txt"), "-f", "json"], capsys)
    assert code == 0
    document = json.loads(out)
    assert list(document) == ["datasets"]
    people, notes = document["datasets"]
    assert set(people) == {"path", "format", "classification", "columns", "text_findings"}
    assert people["format"] == "csv" and people["classification"] == "confidential"
    columns = {c["name"]: c for c in people["columns"]}
    assert set(columns["email"]) == {"name", "entities", "classification"}
    assert columns["email"]["entities"][0]["type"] == "EMAIL_ADDRESS"
    assert set(columns["email"]["entities"][0]) == {"type", "match_ratio", "confidence"}
    assert columns["birth_date"]["classification"] == "internal"
    assert notes["classification"] == "restricted"
    card = next(f for f in notes["text_findings"] if f["type"] == "CREDIT_CARD")
    text = (files / "notes.txt").read_text(encoding="utf-8")
    assert text[card["start"] : card["end"]] == CARD  # character offsets, after a non-ASCII character
    assert card["text"] == "*" * (len(CARD) - 4) + "1111"
    assert "anna@example.org" not in out


def test_show_values(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["data", "classify", str(files / "notes.txt"), "-f", "json", "--show-values"], capsys)
    assert code == 0
    assert {f["text"] for f in json.loads(out)["datasets"][0]["text_findings"]} == {CARD, "anna@example.org"}


def test_bad_file_is_reported_and_others_go_on(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "broken.jsonl").write_bytes(b'{"a": 1}\n{"a": \n')
    code, out, err = run(["data", "classify", str(files), "-f", "json"], capsys)
    assert code == 2
    assert "broken.jsonl: line 2" in err
    assert "Traceback" not in err
    assert len(json.loads(out)["datasets"]) == 2


def test_directory_walk_skips_binary_files(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "model.pkl").write_bytes(b"\x80\x04\x95\x00\x00 binary")
    code, out, _ = run(["data", "classify", str(files), "-f", "json"], capsys)
    assert code == 0
    assert sorted(Path(d["path"]).name for d in json.loads(out)["datasets"]) == ["notes.txt", "people.csv"]
    code, _, err = run(["data", "classify", str(files / "model.pkl")], capsys)
    assert code == 2 and "binary content" in err


def test_output_file_and_table(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = files / "out" / "report.json"
    code, _, _ = run(["data", "classify", str(files / "people.csv"), "-f", "json", "-o", str(target)], capsys)
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["datasets"][0]["classification"] == "confidential"
    code, out, _ = run(["data", "classify", str(files / "people.csv")], capsys)
    assert code == 0 and "EMAIL_ADDRESS" in out


def test_full_and_sample_rows_exclude_each_other(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["data", "classify", str(files), "--full", "--sample-rows", "10"], capsys)
    assert code == 2 and "exclude each other" in err


def test_plan_overrides_entity_level(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "secplan.yaml").write_text(
        "version: 1\nproject:\n  name: demo\npolicy:\n  classification:\n    entity_overrides:\n"
        "      EMAIL_ADDRESS: restricted\n      PERSON: internal\n", encoding="utf-8")
    code, out, _ = run(["data", "classify", str(files / "people.csv"), "-f", "json", "-C", str(files)], capsys)
    assert code == 0
    assert json.loads(out)["datasets"][0]["classification"] == "restricted"
