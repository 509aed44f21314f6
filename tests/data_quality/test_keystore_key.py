"""Pseudonymisation keyed from the project keystore: wrapped secret, stable tokens, crypto-shredding."""

import json
import stat

import pandas as pd
import pytest

from secplan.cli.app import main
from secplan.crypto.keys.keystore import KdfParams, Keystore
from secplan.crypto.keys.local import LocalProvider
from secplan.crypto.keys.manager import KeyManager
from secplan.data.anonymize.keys import secret_path

from .generate import people

CHEAP_KDF = KdfParams(memory_kib=8192, iterations=1, lanes=1)  # the keystore records its cost


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    return info.value.code


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SECPLAN_PASSPHRASE", "test passphrase, not a secret")
    monkeypatch.delenv("SECPLAN_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("SECPLAN_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    monkeypatch.setenv("SECPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    keystore = Keystore(tmp_path / ".secplan" / "keys" / "keystore.json")
    KeyManager(keystore, local=LocalProvider(keystore, CHEAP_KDF)).create("pseudo")
    people(200, seed=5).to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "p.yaml").write_text("columns: {email: {op: pseudonymize}, name: {op: redact}}\n")
    return tmp_path


def anonymise(project, out: str, *extra: str) -> int:
    return run("data", "anonymize", str(project / "in.csv"), str(project / out), "--policy",
               str(project / "p.yaml"), "-C", str(project), *extra)


def test_tokens_are_stable_and_the_secret_is_stored_wrapped(project):
    assert anonymise(project, "a.csv", "--key", "pseudo") == 0
    assert anonymise(project, "b.csv", "--key", "pseudo") == 0
    first, second = pd.read_csv(project / "a.csv"), pd.read_csv(project / "b.csv")
    assert first["email"].tolist() == second["email"].tolist()
    assert first["email"].nunique() == pd.read_csv(project / "in.csv")["email"].nunique()
    wrapped = secret_path(project, "pseudo")
    assert stat.S_IMODE(wrapped.stat().st_mode) == 0o600
    doc = json.loads(wrapped.read_text())
    assert doc["kek"] == "pseudo@v1" and len(doc["wrapped"]) > 40


def test_policy_names_the_key_and_destroying_it_shreds_the_mapping(project, capsys):
    (project / "p.yaml").write_text("key: pseudo\ncolumns: {email: {op: pseudonymize}}\n")
    assert anonymise(project, "a.csv") == 0
    assert run("keys", "destroy", "pseudo", "--yes", "-C", str(project)) == 0
    capsys.readouterr()
    assert anonymise(project, "c.csv") == 1  # the wrapped secret can no longer be unwrapped
    assert "destroyed" in " ".join(capsys.readouterr().err.split())
    assert not (project / "c.csv").exists()


def test_unknown_key_is_a_clear_error(project, capsys):
    assert anonymise(project, "a.csv", "--key", "nope") == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "nope" in err and "Traceback" not in err
    assert not (project / "a.csv").exists()
