"""The commands end to end, in process: exit codes, messages, files, and the audit ledger on both stores."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.ledger.query import find
from secplan.store.db import Store

from .conftest import make_manager


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def project(project_dir: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_dir)
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    (project_dir / "data").mkdir()
    (project_dir / "data" / "train.csv").write_bytes(b"id,email\n" + b"1,a@example.com\n" * 5000)
    (project_dir / "data" / "model.bin").write_bytes(os.urandom(300_000))
    return project_dir


def test_encrypt_rotate_destroy_decrypt_with_ledger(store: Store, project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    original = (project / "data" / "train.csv").read_bytes()
    code, out, err = run(capsys, "keys", "create", "datasets", "-f", "json")
    assert code == 0 and json.loads(out)["id"] == "datasets@v1"
    assert "add .secplan/ to .gitignore" in " ".join(err.split())
    code, out, _ = run(capsys, "encrypt", "data", "-f", "json")
    assert code == 0 and sorted(d["output"] for d in json.loads(out)) == ["data/model.bin.enc", "data/train.csv.enc"]
    assert (project / "data" / "train.csv").read_bytes() == original  # input untouched
    code, _, err = run(capsys, "decrypt", "data/train.csv.enc")
    assert code == 2 and "already exists" in err
    code, out, _ = run(capsys, "keys", "rotate", "datasets", "--path", "data", "-f", "json")
    assert code == 0
    assert json.loads(out)["paths"]["data"]["rewrapped"] == 2 and json.loads(out)["current"] == "datasets@v2"
    code, _, _ = run(capsys, "keys", "destroy", "datasets@v1", "--yes")
    assert code == 0
    (project / "data" / "train.csv").unlink()
    code, _, err = run(capsys, "decrypt", "data/train.csv.enc")
    assert code == 0 and (project / "data" / "train.csv").read_bytes() == original
    assert (project / "data" / "train.csv").stat().st_mode & 0o777 == 0o600

    code, out, _ = run(capsys, "keys", "list", "-f", "json")
    listed = json.loads(out)
    assert [(k["id"], k["state"]) for k in listed] == [("datasets@v1", "destroyed"), ("datasets@v2", "active")]
    assert "sealed" not in out
    actions = [(e.action, e.object, e.outcome) for e in find(store)]
    assert ("keys.create", "key:datasets@v1", "success") in actions
    assert ("keys.rotate", "key:datasets@v2", "success") in actions
    assert ("keys.rewrap", "key:datasets@v2", "success") in actions
    assert ("keys.destroy", "key:datasets@v1", "success") in actions
    assert sum(1 for a in actions if a[0] == "crypto.encrypt") == 2
    assert ("crypto.decrypt", "file:data/train.csv.enc", "success") in actions
    secret = make_manager(project / ".secplan" / "keys" / "keystore.json").keystore.load()
    sealed = secret["keys"]["datasets"]["versions"][1]["ref"]["sealed"]
    assert all(sealed not in e.details for e in find(store))


def test_errors_are_clear_and_leave_nothing(store: Store, project: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    make_manager(project / ".secplan" / "keys" / "keystore.json").create("k")
    assert run(capsys, "encrypt", "data/train.csv", "-o", "data/t.enc")[0] == 0
    raw = bytearray((project / "data" / "t.enc").read_bytes())
    raw[2000] ^= 0x40
    (project / "data" / "bad.enc").write_bytes(bytes(raw))
    code, out, err = run(capsys, "decrypt", "data/bad.enc")
    assert code == 1 and "chunk 0" in err and "Traceback" not in err + out
    assert not (project / "data" / "bad").exists()
    assert ("crypto.decrypt", "file:data/bad.enc", "failure") in [(e.action, e.object, e.outcome) for e in find(store)]

    code, _, err = run(capsys, "decrypt", "data/model.bin")
    assert code == 2 and "does not end in .enc" in err
    (project / "data" / "model.bin.enc").write_bytes(b"someone else's file")
    code, _, err = run(capsys, "encrypt", "data/train.csv", "data/model.bin")
    assert code == 2 and "nothing was encrypted" in err and not (project / "data" / "train.csv.enc").exists()
    assert (project / "data" / "model.bin.enc").read_bytes() == b"someone else's file"
    (project / "data" / "model.bin.enc").unlink()
    code, _, err = run(capsys, "encrypt", "data/model.bin", "--key", "missing")
    assert code == 2 and "no key named 'missing'" in err and not (project / "data" / "model.bin.enc").exists()
    code, _, err = run(capsys, "keys", "export-public", "k")
    assert code == 2 and "no public key" in err
    monkeypatch.setenv("SECPLAN_PASSPHRASE", "wrong passphrase!")
    code, _, err = run(capsys, "decrypt", "data/t.enc", "-o", "data/t.out")
    assert code == 2 and "wrong passphrase" in err and not (project / "data" / "t.out").exists()
    assert "wrong passphrase!" not in err


def test_in_place_and_asymmetric_export(store: Store, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_manager(project / ".secplan" / "keys" / "keystore.json").create("k")
    original = (project / "data" / "model.bin").read_bytes()
    assert run(capsys, "encrypt", "data/model.bin", "--in-place")[0] == 0
    assert (project / "data" / "model.bin").read_bytes()[:12] != original[:12]
    assert not (project / "data" / "model.bin.enc").exists()
    assert run(capsys, "decrypt", "data/model.bin", "--in-place")[0] == 0
    assert (project / "data" / "model.bin").read_bytes() == original
    assert run(capsys, "keys", "create", "registry", "--type", "ecdsa-p256")[0] == 0
    code, out, _ = run(capsys, "keys", "export-public", "registry")
    assert code == 0 and out.startswith("-----BEGIN PUBLIC KEY-----") and "PRIVATE" not in out
    code, out, _ = run(capsys, "keys", "show", "registry", "-f", "json")
    assert code == 0 and set(json.loads(out)["locator"]) == {"public_pem"}
    code, _, err = run(capsys, "keys", "create", "x", "--type", "rsa")
    assert code == 2 and "unknown key type" in err


def test_decrypt_in_place_never_leaves_plaintext_under_an_enc_name(
        store: Store, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_manager(project / ".secplan" / "keys" / "keystore.json").create("k")
    original = (project / "data" / "train.csv").read_bytes()
    assert run(capsys, "encrypt", "data/train.csv", "data/model.bin")[0] == 0
    (project / "data" / "train.csv").unlink()
    code, out, _ = run(capsys, "decrypt", "data/train.csv.enc", "--in-place", "-f", "json")
    assert code == 0 and json.loads(out)[0]["output"] == "data/train.csv"
    assert (project / "data" / "train.csv").read_bytes() == original
    assert not (project / "data" / "train.csv.enc").exists()
    # one input is gone: nothing is decrypted, not even the other file
    code, _, err = run(capsys, "decrypt", "data/model.bin.enc", "data/train.csv.enc", "--in-place")
    assert code == 2 and "data/train.csv.enc: no such file" in err
    assert (project / "data" / "model.bin.enc").exists()
    (project / "data" / "model.bin.enc").rename(project / "data" / "model.bin.enc.keep")
    assert run(capsys, "encrypt", "data/train.csv")[0] == 0
    code, _, err = run(capsys, "decrypt", "data/train.csv.enc", "--in-place")
    assert code == 2 and "data/train.csv: already exists" in err and "nothing was decrypted" in err
    assert (project / "data" / "train.csv.enc").exists()
    entry = [e for e in find(store) if e.action == "crypto.decrypt"][-1]
    assert entry.object == "file:data/train.csv.enc" and json.loads(entry.details)["in_place"] is True


@pytest.mark.parametrize("argv", [("encrypt", "data/train.csv", "-o", "data"),
                                  ("decrypt", "data/x.enc", "-o", "data"),
                                  ("assess", ".", "-o", "data"),
                                  ("assess", ".", "--report", "data"),
                                  ("plan", "schema", "-o", "data")])
def test_an_existing_directory_as_output_is_a_usage_error_before_any_work(
        store: Store, project: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    before = sorted(p.name for p in (project / "data").iterdir())
    code, out, err = run(capsys, *argv)
    assert code == 2 and "is a directory" in err and "Traceback" not in out + err
    assert sorted(p.name for p in (project / "data").iterdir()) == before


def test_an_action_the_ledger_cannot_record_is_not_done(
        store: Store, project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.errors import SecplanError

    make_manager(project / ".secplan" / "keys" / "keystore.json").create("k")
    assert run(capsys, "encrypt", "data/model.bin")[0] == 0
    (project / "data" / "model.bin").unlink()

    def broken(self, action, obj, details, outcome="success"):
        if outcome == "success":
            raise SecplanError("the audit ledger cannot be written: disk full")

    monkeypatch.setattr(KeyManager, "record_event", broken)
    code, _, err = run(capsys, "encrypt", "data/train.csv")
    assert code == 2 and "audit ledger" in err and not (project / "data" / "train.csv.enc").exists()
    code, _, err = run(capsys, "decrypt", "data/model.bin.enc")
    assert code == 2 and "audit ledger" in err and not (project / "data" / "model.bin").exists()
    assert (project / "data" / "model.bin.enc").exists()
    assert sorted(p.name for p in (project / "data").iterdir()) == ["model.bin.enc", "train.csv"]  # no temp file


def test_confirmation_without_a_terminal_says_use_yes(store: Store, project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    make_manager(project / ".secplan" / "keys" / "keystore.json").create("k")
    code, _, err = run(capsys, "keys", "destroy", "k@v1")
    assert code == 2 and "use --yes" in err and "nothing destroyed" in err
    code, out, _ = run(capsys, "keys", "list", "-f", "json")
    assert [k["state"] for k in json.loads(out)] == ["active"]


def test_encrypt_says_the_clear_copy_is_left(store: Store, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_manager(project / ".secplan" / "keys" / "keystore.json").create("k")
    code, out, err = run(capsys, "encrypt", "data/train.csv", "-f", "json")
    assert code == 0 and json.loads(out)[0]["output"] == "data/train.csv.enc"  # stdout stays a document
    assert "the clear copy is still there (data/train.csv)" in err and "--in-place" in err
    code, _, err = run(capsys, "encrypt", "data/model.bin", "--in-place")
    assert code == 0 and "clear copy" not in err
