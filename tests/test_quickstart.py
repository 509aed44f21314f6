"""docs/quickstart.md is copy-paste ready: every secplan command in its shell blocks runs, in order,
on a small ML project (personal data in a CSV, a pickled scikit-learn model), with the exit code
the page says."""

from __future__ import annotations

import os
import pickle
import re
import shlex
import shutil
from pathlib import Path

import pytest

from secplan.cli.app import main

QUICKSTART = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"
#: Commands the page runs before secplan is installed, or that need a shell rather than secplan.
NOT_SECPLAN = ("make", "export", "cd", "chmod")


def commands() -> list[str]:
    """The secplan command lines of the page's ``sh`` blocks, continuations joined, comments dropped."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", QUICKSTART.read_text(encoding="utf-8"), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] not in NOT_SECPLAN:
                assert words[0] == "secplan", f"docs/quickstart.md: {line!r} is neither secplan nor a shell step"
                lines.append(words)
    return lines


def make_project(root: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    (root / "data").mkdir()
    (root / "models").mkdir()
    rows = [f"{i},user{i}@example.com,{20 + i % 50},{30000 + 97 * i},{i % 2}" for i in range(200)]
    (root / "data" / "customers.csv").write_text("customer_id,email,age,income,defaulted\n" + "\n".join(rows) + "\n")
    model = LogisticRegression().fit([[0, 0], [1, 1], [0, 1], [1, 0]], [0, 1, 0, 1])
    (root / "models" / "model.pkl").write_bytes(pickle.dumps(model))


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code or 0


def test_every_quickstart_command_runs(project_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    make_project(project_dir)
    monkeypatch.chdir(project_dir)
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    monkeypatch.setenv("SECPLAN_PASSPHRASE", "a quickstart passphrase")
    ran = []
    for words in commands():
        argv = [project_dir.as_posix() if w == "path/to/your-ml-project" else w for w in words[1:]]
        if "main-report.json" in argv:  # the main branch's report, as CI would download it
            shutil.copy(project_dir / "report.json", project_dir / "main-report.json")
        gate = argv[:1] == ["assess"] or argv[:2] == ["model", "scan"]
        expected = {0, 1} if gate else {0}  # a gate's answer depends on the project; 2 is a broken command
        code = run(argv)
        out, err = capsys.readouterr()
        assert code in expected, f"secplan {shlex.join(argv)} exited {code}: {err[-2000:]}"
        assert "Traceback" not in out + err
        if argv[:2] == ["encrypt", "data/customers.csv"]:
            os.chmod(project_dir / "data" / "customers.csv", 0o600)  # the page's chmod line
        ran.append(" ".join(argv[:2]))
    assert {"assess .", "init .", "encrypt data/customers.csv", "model sign", "model verify", "history ."} <= set(ran)
    assert (project_dir / "report.html").is_file() and (project_dir / "secplan.sarif").is_file()
