"""`secplan keys unlock` / `lock`: the Argon2id paid once, kept privately, forgotten on lock or expiry.

Both places are tested for real: the kernel keyring (where this machine allows its system calls) and
the 0600 file under a private ``$XDG_RUNTIME_DIR``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest
from argon2.low_level import Type, hash_secret_raw

from secplan.crypto.keys import keyring, unlock
from secplan.crypto.keys.keystore import Keystore
from secplan.ledger.query import find
from secplan.store.db import Store

from .conftest import PASSPHRASE, TEST_KDF, make_manager
from .test_cli import run

BACKENDS = ["keyring", "file"]


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run-user"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, runtime: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "keyring" and not keyring.available():
        pytest.skip("the kernel keyring's system calls are not allowed here")
    monkeypatch.setenv(unlock.CACHE_ENV, request.param)
    return request.param


@pytest.fixture
def project(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose keystore holds one local KEK; the passphrase is NOT in the environment."""
    monkeypatch.chdir(project_dir)
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("SECPLAN_PASSPHRASE_FILE", raising=False)
    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    make_manager(keystore_path(project_dir)).create("k")
    monkeypatch.delenv("SECPLAN_PASSPHRASE")
    (project_dir / "data.csv").write_bytes(b"id,email\n" + b"7,a@example.com\n" * 100)
    yield project_dir
    kdf = Keystore(keystore_path(project_dir)).load()["kdf"]
    unlock.forget(kdf)  # nothing of a test stays in the keyring


def keystore_path(root: Path) -> Path:
    return root / ".secplan" / "keys" / "keystore.json"


def kdf_of(root: Path) -> dict:
    return Keystore(keystore_path(root)).load()["kdf"]


def unlock_with_passphrase(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    try:
        return run(capsys, "keys", "unlock", *args)
    finally:
        monkeypatch.delenv("SECPLAN_PASSPHRASE")


def encrypt(capsys, name: str = "data.csv") -> tuple[int, str, str]:
    return run(capsys, "encrypt", name, "-o", f"{name}.{time.monotonic_ns()}.enc")


def test_unlock_then_encrypt_without_passphrase_until_lock(project, backend, capsys, monkeypatch) -> None:
    code, _, err = encrypt(capsys)
    assert code == 2 and "needs a passphrase" in err and "secplan keys unlock" in " ".join(err.split())
    code, out, err = unlock_with_passphrase(capsys, monkeypatch, "--ttl", "10m", "-f", "json")
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["where"] == "kernel keyring (session)") == (backend == "keyring")
    code, _, err = encrypt(capsys)
    assert code == 0, err
    code, _, err = run(capsys, "decrypt", next(project.glob("data.csv.*.enc")).name, "-o", "back.csv")
    assert code == 0 and (project / "back.csv").read_bytes() == (project / "data.csv").read_bytes()
    code, _, err = run(capsys, "keys", "lock")
    assert code == 0 and "locked" in err
    code, _, err = encrypt(capsys)
    assert code == 2 and "needs a passphrase" in err
    code, _, err = run(capsys, "keys", "lock")
    assert code == 0 and "was not unlocked" in err
    actions = [(e.action, e.outcome) for e in find(Store.for_project(project), action="keys.")]
    assert ("keys.unlock", "success") in actions and actions.count(("keys.lock", "success")) == 2


def test_after_expiry_it_asks_again(project, backend, capsys, monkeypatch, runtime) -> None:
    assert unlock_with_passphrase(capsys, monkeypatch, "--ttl", "1s")[0] == 0
    time.sleep(1.5)
    code, _, err = encrypt(capsys)
    assert code == 2 and "needs a passphrase" in err
    if backend == "file":
        assert not list((runtime / "secplan").glob("unlock-*"))  # an expired file is removed when read


def test_cache_file_is_private_and_holds_no_secret_in_clear(project, runtime, capsys, monkeypatch) -> None:
    monkeypatch.setenv(unlock.CACHE_ENV, "file")
    assert unlock_with_passphrase(capsys, monkeypatch)[0] == 0
    (cache,) = (runtime / "secplan").glob("unlock-*.json")
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    kdf = kdf_of(project)
    derived = hash_secret_raw(PASSPHRASE.encode(), base64.b64decode(kdf["salt"]), TEST_KDF.iterations,
                              TEST_KDF.memory_kib, TEST_KDF.lanes, 32, Type.ID)
    content = cache.read_bytes()
    for secret in (PASSPHRASE.encode(), derived, derived.hex().encode(), base64.b64encode(derived)):
        assert secret not in content
    assert json.loads(content)["format"] == unlock.FORMAT
    assert PASSPHRASE.encode() not in keystore_path(project).read_bytes()


def test_a_cache_from_another_keystore_is_ignored(project, backend, capsys, monkeypatch, runtime) -> None:
    """Same passphrase, another keystore (another salt): its cache, even put under our name, opens nothing."""
    other = project / "other-keystore.json"
    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    make_manager(other).create("k2")
    monkeypatch.setenv("SECPLAN_KEYSTORE", str(other))
    assert run(capsys, "keys", "unlock")[0] == 0
    monkeypatch.delenv("SECPLAN_PASSPHRASE")
    ours, theirs = kdf_of(project), Keystore(other).load()["kdf"]
    assert ours["salt"] != theirs["salt"]
    if backend == "file":
        (cache,) = (runtime / "secplan").glob(f"unlock-{unlock.cache_id(theirs)}.json")
        shutil.copy2(cache, cache.with_name(f"unlock-{unlock.cache_id(ours)}.json"))
    else:
        payload = keyring.read(f"secplan:keystore:{unlock.cache_id(theirs)}")
        keyring.add(f"secplan:keystore:{unlock.cache_id(ours)}", payload, 60)
    if backend == "file":
        assert unlock.recall(ours) is None  # the wrap is bound to the keystore's salt and verifier
    else:  # the keyring holds the bare key: the keystore's passphrase verifier refuses it
        assert unlock.recall(ours) == unlock.recall(theirs)
    monkeypatch.delenv("SECPLAN_KEYSTORE")
    code, _, err = encrypt(capsys)
    assert code == 2 and "needs a passphrase" in err
    monkeypatch.setenv("SECPLAN_KEYSTORE", str(other))
    assert encrypt(capsys)[0] == 0  # the other keystore's own cache still works
    unlock.forget(theirs)


def test_an_edited_or_exposed_cache_file_is_not_trusted(project, runtime, capsys, monkeypatch) -> None:
    monkeypatch.setenv(unlock.CACHE_ENV, "file")
    assert unlock_with_passphrase(capsys, monkeypatch, "--ttl", "1m")[0] == 0
    kdf = kdf_of(project)
    (cache,) = (runtime / "secplan").glob("unlock-*.json")
    assert unlock.recall(kdf) is not None
    doc = json.loads(cache.read_text())
    original = cache.read_text()
    doc["expires"] += 3600  # a longer life is not granted by editing the file
    cache.write_text(json.dumps(doc))
    assert unlock.recall(kdf) is None
    cache.write_text(original)
    os.chmod(cache, 0o644)
    assert unlock.recall(kdf) is None
    os.chmod(cache, 0o600)
    assert unlock.recall(kdf) is not None


def test_unlock_refuses_bad_input_and_caches_nothing(project, runtime, capsys, monkeypatch) -> None:
    monkeypatch.setenv(unlock.CACHE_ENV, "file")
    for ttl, message in (("0s", "between 1s and 24h"), ("25h", "between 1s and 24h"), ("forever", "15m, 1h")):
        code, out, err = unlock_with_passphrase(capsys, monkeypatch, "--ttl", ttl)
        assert code == 2 and message in err and "Traceback" not in out + err
    monkeypatch.setenv("SECPLAN_PASSPHRASE", "not the passphrase at all")
    code, _, err = run(capsys, "keys", "unlock")
    assert code == 2 and "wrong passphrase" in err
    monkeypatch.delenv("SECPLAN_PASSPHRASE")
    code, _, err = run(capsys, "keys", "unlock")
    assert code == 2 and "needs a passphrase" in err
    assert not (runtime / "secplan").exists() or not list((runtime / "secplan").iterdir())
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    code, _, err = unlock_with_passphrase(capsys, monkeypatch)
    assert code == 2 and "nowhere private" in err
    monkeypatch.setenv(unlock.CACHE_ENV, "sometimes")
    code, _, err = unlock_with_passphrase(capsys, monkeypatch)
    assert code == 2 and "SECPLAN_UNLOCK_CACHE='sometimes'" in err


def test_a_runtime_folder_open_to_others_is_not_used(project, runtime, capsys, monkeypatch) -> None:
    monkeypatch.setenv(unlock.CACHE_ENV, "file")
    os.chmod(runtime, 0o755)
    code, _, err = unlock_with_passphrase(capsys, monkeypatch)
    assert code == 2 and "nowhere private" in err


def test_unlock_without_local_keys_is_a_clear_error(tmp_path, capsys, monkeypatch, runtime) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    code, _, err = unlock_with_passphrase(capsys, monkeypatch)
    assert code == 2 and "holds no local keys yet" in err
