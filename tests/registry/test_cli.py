"""The registry commands end to end, in process: exit codes, messages, files, JSON and the ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.ledger.query import find
from secplan.store.db import Store
from tests.registry.conftest import write_model


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


@pytest.fixture
def project(project_dir: Path, signer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_dir)
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    write_model(project_dir / "m")
    (project_dir / "train.csv").write_text("a,b\n1,2\n")
    (project_dir / "params.yaml").write_text("lr: 0.01\nepochs: 3\n")
    (project_dir / "metrics.json").write_text(json.dumps({"accuracy": 0.93, "fairness": {"dp_ratio": 0.91}}))
    (project_dir / "card.yml").write_text("intended_use: flag card fraud for review\nlimitations: not for credit\n"
                                         "owner: <script>alert(1)</script>\n")
    return project_dir


def test_register_sign_verify_show_card(project, capsys):
    code, out, _ = run(capsys, "data", "register", "train.csv", "--classification", "confidential",
                       "--format", "json")
    assert code == 0 and json.loads(out)["version"] == "1"
    code, out, err = run(capsys, "model", "register", "m", "--name", "fraud", "--dataset", "train@1",
                         "--code-ref", "0123abcd", "--params", "params.yaml", "--metrics", "metrics.json",
                         "--card", "card.yml", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["scan"] == "safe"
    code, _, err = run(capsys, "model", "sign", "fraud@1", "--signature", "fraud.sig")
    assert code == 0, err
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig")
    assert code == 0 and "3 files match" in err
    code, out, _ = run(capsys, "model", "show", "fraud@1", "--format", "json")
    shown = json.loads(out)
    assert shown["lineage"]["params"] == {"lr": 0.01, "epochs": 3}
    assert shown["lineage"]["datasets"][0]["classification"] == "confidential"
    code, out, _ = run(capsys, "model", "card", "fraud@1", "--format", "markdown")
    assert "flag card fraud for review" in out and "| train | 1 | confidential |" in out and "dp_ratio" in out
    code, out, _ = run(capsys, "model", "card", "fraud@1", "--format", "json")
    card = json.loads(out)
    assert card["status"]["card digest signed"] == "yes"
    code, _, _ = run(capsys, "model", "card", "fraud@1", "--format", "html", "--output", "card.html")
    page = (project / "card.html").read_text()
    assert "flag card fraud for review" in page and "<td>confidential</td>" in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    actions = [e.action for e in find(Store.for_project(project))]
    assert {"data.register", "model.register", "model.sign"} <= set(actions)


def test_verify_names_the_tampered_file(project, capsys):
    run(capsys, "model", "register", "m", "--name", "fraud")
    run(capsys, "model", "sign", "fraud@1", "--signature", "fraud.sig")
    (project / "m" / "tok" / "vocab.txt").unlink()
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig")
    assert code == 1 and "removed: tok/vocab.txt" in err and "Traceback" not in err


def test_diff_list_history_promote(project, capsys):
    run(capsys, "model", "register", "m", "--name", "fraud", "--metrics", "metrics.json")
    (project / "m" / "config.json").write_text("{}")
    (project / "metrics.json").write_text(json.dumps({"accuracy": 0.95}))
    run(capsys, "model", "register", "m", "--name", "fraud", "--metrics", "metrics.json", "--code-ref", "abcdef0")
    code, out, _ = run(capsys, "model", "diff", "fraud@1", "fraud@2", "--format", "json")
    doc = json.loads(out)
    assert doc["files"]["changed"] == ["config.json"]
    assert doc["metrics"]["accuracy"] == {"from": 0.93, "to": 0.95}
    assert doc["code_ref"] == {"from": None, "to": "abcdef0"}
    code, out, _ = run(capsys, "model", "promote", "fraud@2", "--to", "production", "--format", "json")
    assert code == 1
    assert [g["gate"] for g in json.loads(out)["unmet"]] == ["signature", "approval"]
    code, _, _ = run(capsys, "model", "promote", "fraud@2", "--to", "candidate")
    assert code == 0
    code, out, _ = run(capsys, "model", "list", "--format", "json")
    assert json.loads(out)[0]["stages"] == {"candidate": "2"} and json.loads(out)[0]["versions"] == 2
    code, out, _ = run(capsys, "model", "history", "fraud", "--format", "json")
    assert [e["event"] for e in json.loads(out)] == ["registered", "registered", "promoted to candidate"]


@pytest.mark.parametrize(("args", "message"), [
    (("model", "register", "m", "--name", "fraud", "--params", "nope.yaml"), "nope.yaml: cannot read parameters"),
    (("model", "register", "m", "--name", "bad name"), "invalid model name"),
    (("model", "register", "m", "--name", "fraud", "--code-ref", "main"), "is not a git commit id"),
    (("model", "register", "missing", "--name", "fraud"), "missing: no such file or directory"),
    (("model", "register", "m", "--name", "fraud", "--dataset", "ghost@3"), "no dataset ghost@3"),
    (("model", "sign", "fraud", "--signature", "x.sig"), "NAME@VERSION"),
    (("model", "card", "fraud@9"), "no model fraud@9"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(project, capsys, args, message):
    (project / "broken.yaml").write_text("a: [")
    code, out, err = run(capsys, *args)
    assert code == 2 and message in " ".join(err.split()) and "Traceback" not in err
    assert not (project / "x.sig").exists()
    code, out, _ = run(capsys, "model", "list", "--format", "json")
    assert json.loads(out) == []


def test_invalid_yaml_names_the_file(project, capsys):
    (project / "broken.yaml").write_text("a: [")
    code, _, err = run(capsys, "model", "register", "m", "--name", "fraud", "--metrics", "broken.yaml")
    assert code == 2 and re.search(r"broken.yaml:1: metrics file is not valid YAML", err)


def test_dataset_classification_defaults_to_the_plan(project, capsys):
    from tests.probes.helpers import make_project

    make_project(project, assets=[{"path": "train.csv", "classification": "restricted"}])
    code, out, err = run(capsys, "data", "register", "train.csv", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["classification"] == "restricted"
    code, out, _ = run(capsys, "data", "register", "train.csv", "--format", "json")
    assert json.loads(out)["existing"] is True and json.loads(out)["version"] == "1"


def test_custom_version_labels_never_change(project, capsys):
    code, out, _ = run(capsys, "model", "register", "m", "--name", "fraud", "--version", "2024.1", "--format", "json")
    assert code == 0 and json.loads(out)["version"] == "2024.1"
    code, _, err = run(capsys, "model", "register", "m", "--name", "fraud", "--version", "2024.1")
    assert code == 2 and "already registered" in err
    code, out, _ = run(capsys, "model", "register", "m", "--name", "fraud", "--format", "json")
    assert json.loads(out)["version"] == "2"  # numbering counts registrations of the name
    run(capsys, "model", "sign", "fraud@2024.1", "--signature", "a.sig")
    code, out, _ = run(capsys, "model", "history", "fraud", "--format", "json")
    assert [e["event"] for e in json.loads(out)] == ["registered", "registered", "signed (model-signing@v1)"]


def test_verify_finds_the_key_the_bundle_names(project, signer, capsys, tmp_path, monkeypatch):
    from secplan.crypto.keys.interface import KeyType
    from tests.crypto.conftest import make_manager

    signer.create("release-signing", KeyType.ECDSA_P256)
    run(capsys, "model", "register", "m", "--name", "fraud")
    code, _, err = run(capsys, "model", "sign", "fraud@1", "--key", "release-signing", "--signature", "fraud.sig")
    assert code == 0, err
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig")  # not the default key's name
    assert code == 0 and "3 files match the signed manifest fraud@1" in err
    signer.rotate("release-signing")  # an old signature still finds its own, now retired, version
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig")
    assert code == 0, err
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig", "--key", "model-signing")
    assert code == 1  # an explicit key is used as given: the wrong one fails the signature
    foreign = tmp_path / "foreign.json"  # a keystore without the signer's key
    make_manager(foreign).create("model-signing", KeyType.ECDSA_P256)
    monkeypatch.setenv("SECPLAN_KEYSTORE", str(foreign))
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig")
    assert code == 2 and "no key in this project's keystore matches" in err and "--public-key" in err


def test_the_plan_points_model_signing_at_a_token_key(project, capsys, signer, softhsm, monkeypatch):
    """``policy.keys.signing.model`` is the default of --key: a team keeps its signing key in an HSM."""
    from secplan.crypto.keys.interface import KeyType

    signer.create("hsm-models", KeyType.ECDSA_P256, provider="pkcs11")
    (project / "secplan.yaml").write_text("project:\n  name: fraud\npolicy:\n  keys:\n    signing:\n"
                                          "      model: hsm-models\n")
    code, _, err = run(capsys, "model", "register", "m", "--name", "fraud")
    assert code == 0, err
    code, _, err = run(capsys, "model", "sign", "fraud@1", "--signature", "fraud.sig")
    assert code == 0 and "with hsm-models@v1" in err, err
    monkeypatch.delenv("SECPLAN_PKCS11_PIN")  # verifying needs only the public key from the index
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig")
    assert code == 0 and "3 files match" in err, err
    code, _, err = run(capsys, "model", "verify", "m", "--signature", "fraud.sig", "--key", "model-signing")
    assert code == 1 and "does not verify" in err
    (project / "secplan.yaml").write_text("project:\n  name: fraud\npolicy:\n  keys:\n    signing:\n"
                                          "      model: 'bad ref!'\n")
    code, _, err = run(capsys, "model", "sign", "fraud@1", "--signature", "other.sig")
    assert code == 2 and "policy.keys.signing.model" in err and not (project / "other.sig").exists()
