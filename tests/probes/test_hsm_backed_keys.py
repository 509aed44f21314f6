import shutil
import subprocess

import pytest

from secplan.vocabulary import Outcome

from .helpers import make_project, outcomes, run_probe
from .keyhelpers import project_keys

ID = "hsm-backed-keys"


def test_software_keys_are_no_evidence(project_dir, monkeypatch):
    make_project(project_dir)
    project_keys(project_dir, monkeypatch).create("ds")
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]


def test_pkcs11_key_is_positive_evidence(project_dir, tmp_path, monkeypatch):
    util = shutil.which("softhsm2-util")
    if util is None:
        pytest.skip("softhsm2 is not installed (`make test` installs it)")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run([util, "--init-token", "--free", "--label", "probe", "--pin", "1234", "--so-pin", "5678"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SECPLAN_PKCS11_TOKEN", "probe")
    monkeypatch.setenv("SECPLAN_PKCS11_PIN", "1234")
    make_project(project_dir)
    keys = project_keys(project_dir, monkeypatch)
    keys.create("ds")
    keys.create("hsm", provider="pkcs11")
    results = run_probe(ID, project_dir)
    assert [(r.outcome, r.key) for r in results] == [(Outcome.POSITIVE, "hsm@v1")]
    assert "probe" in results[0].message


def test_no_keys(project_dir):
    make_project(project_dir)
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]
