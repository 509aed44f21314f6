"""One SoftHSM2 token per test process.

SoftHSM reads its configuration once per process and does not see tokens initialised after that, so
every test of the process shares one token (keys get unique labels, so tests do not collide).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

LABEL = "secplan-tests"
PIN = "1234"
_MARK = "SECPLAN_TEST_SOFTHSM2_READY"


def softhsm_token(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make sure the process's token exists and point the pkcs11 provider at it; returns its label."""
    util = shutil.which("softhsm2-util")
    if util is None:
        pytest.skip("softhsm2 is not installed (Debian package softhsm2; `make test` installs it)")
    if not os.environ.get(_MARK):
        folder = Path(tempfile.mkdtemp(prefix="secplan-softhsm-"))
        atexit.register(shutil.rmtree, folder, True)
        (folder / "tokens").mkdir()
        conf = folder / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
        os.environ["SOFTHSM2_CONF"] = str(conf)
        subprocess.run([util, "--init-token", "--free", "--label", LABEL, "--pin", PIN, "--so-pin", "5678"],
                       check=True, capture_output=True)
        os.environ[_MARK] = "1"
    monkeypatch.setenv("SECPLAN_PKCS11_TOKEN", LABEL)
    monkeypatch.setenv("SECPLAN_PKCS11_PIN", PIN)
    return LABEL
