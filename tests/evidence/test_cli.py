"""``secplan evidence export`` and ``verify`` end to end: exit 0 / 1 / 2, what the output says about
the keys it trusted, messages without tracebacks, and the auditor's script from docs/evidence.md run
on the same bundles."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from secplan.cli.app import main
from tests.evidence.conftest import REF
from tests.evidence.test_tamper import entry_lines, pack, unpack, with_lines

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


@pytest.fixture
def bundle(bundle_bytes: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "fraud-1.zip"
    path.write_bytes(bundle_bytes)
    return path


def test_export_then_verify(history, project_dir, capsys):
    code, out, err = run(capsys, "evidence", "export", REF, "-o", "out.zip", "--format", "json", "-C", str(project_dir))
    assert code == 0, err
    summary = json.loads(out)
    assert summary["model"] == REF and (project_dir / "out.zip").is_file()
    code, out, err = run(capsys, "evidence", "verify", str(project_dir / "out.zip"))
    assert code == 0, err
    assert f"verified {REF}" in out and f"{summary['entries']} ledger entries" in out
    assert "ledger key sha256:" in out and "from the bundle (keys/ledger.vkey; not pinned" in out


def test_verify_json_and_pinned_keys(bundle, tmp_path, capsys):
    files = unpack(bundle.read_bytes())
    (tmp_path / "ledger.vkey").write_bytes(files["keys/ledger.vkey"])
    code, out, err = run(capsys, "evidence", "verify", str(bundle), "--key", f"ledger={tmp_path / 'ledger.vkey'}",
                         "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["verified"] is True and doc["failure"] is None and doc["model"] == REF
    assert doc["exported_by"] == "alice" and doc["exported_at"].endswith("Z")
    roles = {k["role"]: k for k in doc["keys"]}
    assert roles["ledger"]["pinned"] and roles["ledger"]["source"] == f"--key {tmp_path / 'ledger.vkey'}"
    assert not roles["model"]["pinned"] and roles["model"]["source"] == "bundle keys/model-signing.pem"


def test_a_tampered_bundle_exits_1_naming_the_part(bundle, tmp_path, capsys):
    files = unpack(bundle.read_bytes())
    lines = entry_lines(files)
    lines[2]["outcome"] = "failure"
    bad = pack(with_lines(files, lines), tmp_path / "bad.zip")
    code, out, err = run(capsys, "evidence", "verify", str(bad))
    assert code == 1 and f"ledger (ledger entry {lines[2]['seq']})" in err and "edited" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "evidence", "verify", str(bad), "--format", "json")
    assert code == 1 and json.loads(out)["failure"]["entry"] == lines[2]["seq"]


@pytest.mark.parametrize("content, args, message", [
    (b"not a zip", (), "not a zip archive"),
    ("half", (), "not a zip archive, or a damaged or truncated one"),
    (None, ("--key", "ledger"), "ROLE=FILE"),
    (None, ("--key", "witness=k.pem"), "the role is one of"),
    (None, ("--key", "ledger=missing.vkey"), "cannot read"),
    (None, ("--key", "ledger=forged.vkey"), "or a verifier key line"),
])
def test_unusable_input_exits_2(bundle, tmp_path, capsys, monkeypatch, content, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.pem").write_text("-----BEGIN PUBLIC KEY-----\n")
    name, _, key = unpack(bundle.read_bytes())["keys/ledger.vkey"].decode().strip().split("+", 2)
    (tmp_path / "forged.vkey").write_text(f"{name}+{'0' * 8}+{key}\n")  # a key id that is not this key's
    target = bundle
    if content is not None:
        target = tmp_path / "junk.zip"
        target.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2] if content == "half" else content)
    code, out, err = run(capsys, "evidence", "verify", str(target), *args)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_a_zip_without_a_manifest_or_with_a_traversal_exits_2(tmp_path, capsys):
    from secplan.archive import write_zip

    write_zip(tmp_path / "other.zip", {"readme.txt": b"hello\n"})
    code, _, err = run(capsys, "evidence", "verify", str(tmp_path / "other.zip"))
    assert code == 2 and "no manifest.json" in err
    import zipfile

    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as zf:
        zf.writestr("../../etc/cron.d/evil", b"* * * * * root true\n")
    code, _, err = run(capsys, "evidence", "verify", str(tmp_path / "evil.zip"))
    assert code == 2 and "leaves the archive" in err and not (tmp_path.parent / "etc").exists()


def test_export_errors(history, project_dir, capsys, tmp_path, monkeypatch):
    code, out, err = run(capsys, "evidence", "export", "fraud@7", "-o", "x.zip", "-C", str(project_dir))
    assert code == 2 and out == "" and "no model fraud@7" in err and not (project_dir / "x.zip").exists()
    monkeypatch.delenv("SECPLAN_DATABASE_URL")
    code, _, err = run(capsys, "evidence", "export", REF, "-o", "x.zip", "-C", str(tmp_path / "empty"))
    assert code == 2 and "no secplan store" in err


def auditor_script(tmp_path: Path) -> Path:
    page = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    [code] = re.findall(r"```python\n(.*?)```", page, re.S)
    path = tmp_path / "check_evidence.py"
    path.write_text(code, encoding="utf-8")
    return path


def test_the_documented_script_checks_a_bundle(bundle, tmp_path):
    script = auditor_script(tmp_path)
    ok = subprocess.run([sys.executable, str(script), str(bundle)], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"OK: {REF}:")
    files = unpack(bundle.read_bytes())
    lines = entry_lines(files)
    lines[0]["audit_path"][-1] = "00" * 32
    tampered = subprocess.run([sys.executable, str(script), str(pack(with_lines(files, lines), tmp_path / "t.zip"))],
                              capture_output=True, text=True, timeout=60)
    assert tampered.returncode != 0 and f"entry {lines[0]['seq']}: proof" in tampered.stderr
    resealed = json.loads(files["manifest.json"])
    resealed["sealed"]["model"] = "fraud@2"
    forged = pack({**files, "manifest.json": json.dumps(resealed).encode()}, tmp_path / "f.zip")
    sealed = subprocess.run([sys.executable, str(script), str(forged)], capture_output=True, text=True, timeout=60)
    assert sealed.returncode != 0 and "sealed" in sealed.stderr
