"""Fixtures for the crypto tests: a cheap local keystore, a real SoftHSM2 token, a real moto KMS server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from secplan.crypto.keys.keystore import KdfParams, Keystore
from secplan.crypto.keys.local import LocalProvider
from secplan.crypto.keys.manager import KeyManager
from tests.crypto.softhsm import softhsm_token

PASSPHRASE = "test passphrase, not a secret"
TEST_KDF = KdfParams(memory_kib=8192, iterations=1, lanes=1)
"""Cheap Argon2id for tests; the keystore records its own cost, so the CLI reads it back."""


@pytest.fixture
def passphrase(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("SECPLAN_PASSPHRASE_FILE", raising=False)
    return PASSPHRASE


def make_manager(path: Path) -> KeyManager:
    keystore = Keystore(path)
    return KeyManager(keystore, local=LocalProvider(keystore, TEST_KDF))


@pytest.fixture
def manager_factory() -> Callable[[Path], KeyManager]:
    """Open (or start) a keystore at a path, with the tests' cheap KDF."""
    return make_manager


@pytest.fixture
def keys(tmp_path: Path, passphrase: str) -> KeyManager:
    """A keystore with one local KEK, ``k``."""
    manager = make_manager(tmp_path / "keys" / "keystore.json")
    manager.create("k")
    return manager


@pytest.fixture
def softhsm(monkeypatch: pytest.MonkeyPatch) -> str:
    """The process's SoftHSM2 token (see :mod:`tests.crypto.softhsm`); returns its label."""
    return softhsm_token(monkeypatch)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's KMS in server mode on 127.0.0.1 (a real HTTP endpoint boto3 talks to)."""
    exe = Path(sys.executable).with_name("moto_server")
    if not exe.exists():
        pytest.skip("moto[server] is not installed")
    port = _free_port()
    proc = subprocess.Popen([str(exe), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    from secplan.crypto.keys import awskms

    awskms._client.cache_clear()
    return moto_endpoint
