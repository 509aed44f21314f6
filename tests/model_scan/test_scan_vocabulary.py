"""One vocabulary in ``model scan`` and ``assess``: a pickle with nothing off the allowlist is
``no-unsafe-code``, never plain ``safe``, because its format executes code on load (which is what the
assessment's pickle-model-artifact probe says of it); a data-only format is ``safe``."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from secplan.cli.app import main
from secplan.model.scan import Verdict, scan_file

from .corpus import safetensors_bytes


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.fixture
def models(tmp_path: Path) -> Path:
    from sklearn.linear_model import LogisticRegression

    root = tmp_path / "models"
    root.mkdir()
    x = np.random.RandomState(0).rand(20, 2)
    (root / "clf.pkl").write_bytes(pickle.dumps(LogisticRegression().fit(x, x[:, 0] > 0.5)))
    header = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    (root / "w.safetensors").write_bytes(safetensors_bytes(header, b"\x00" * 8))
    return root


def test_the_json_report_says_no_unsafe_code_and_that_the_format_runs_code(
        models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["model", "scan", str(models), "-f", "json", "--no-store"], capsys)
    doc = json.loads(out)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert code == 0
    assert (by_name["clf.pkl"]["verdict"], by_name["clf.pkl"]["assurance"], by_name["clf.pkl"]["code_on_load"]) \
        == ("safe", "no-unsafe-code", True)
    assert (by_name["w.safetensors"]["assurance"], by_name["w.safetensors"]["code_on_load"]) == ("safe", False)
    assert doc["summary"]["safe"] == 2 and doc["summary"]["no-unsafe-code"] == 1


def test_the_table_shows_the_same_word(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["model", "scan", str(models / "clf.pkl"), "--no-store"], capsys)
    assert "no-unsafe-code" in out and "execute" in out  # the note may wrap inside its column


def test_a_torchscript_archive_and_a_joblib_file_run_code_on_load_too(tmp_path: Path) -> None:
    import joblib
    import torch

    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), str(tmp_path / "ts.pt"))
    joblib.dump({"w": np.ones(3)}, tmp_path / "m.joblib")
    for name in ("ts.pt", "m.joblib"):
        result = scan_file(tmp_path / name)
        assert (result.verdict, result.assurance) == (Verdict.SAFE, "no-unsafe-code")
    np.save(tmp_path / "a.npy", np.ones(3))
    assert scan_file(tmp_path / "a.npy").assurance == "safe"


def test_assess_uses_the_same_words(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.probes.helpers import make_project

    project = make_project(models.parent / "project", {
        "models/clf.pkl": (models / "clf.pkl").read_bytes(), "models/w.safetensors": (models / "w.safetensors").read_bytes()})
    _, out, _ = run(["assess", str(project), "-f", "json", "--no-store"], capsys)
    said = [f["message"] for c in json.loads(out)["controls"] for f in c["findings"]
            if f["location"] and f["location"]["path"] == "models/clf.pkl"]
    assert any(m.startswith("no-unsafe-code pickle artifact") and "can execute code on load" in m for m in said)
    assert any("executes code when loaded" in m for m in said)
    assert not any("nothing in it runs code on load" in m for m in said)
