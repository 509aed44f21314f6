"""``secplan serve`` refuses to start, with a clear message and no traceback, for every version it
must not serve; a stage is served only while its gates hold."""

from __future__ import annotations

import shutil

import httpx
import pytest

from tests.registry.conftest import unsafe_pickle
from tests.serve.conftest import Gateway, inside, manager, run_cli


@pytest.fixture(scope="module")
def versions(project):
    """unsigned@1, tampered@1 (signed, then changed), blob@1 (signed, not a model the scanner can
    judge), evil@1 (an unsafe pickle, promoted to a gate-less stage), fraud@1 in staging."""
    from secplan.model.registry.gates import promote
    from secplan.model.registry.signatures import sign_version
    from secplan.model.registry.versions import register_model

    root = project.root
    models = root / "models"
    with inside(root, project.env) as store:
        keys = manager(project)
        for name in ("unsigned", "tampered"):
            shutil.copyfile(models / "fraud.joblib", models / f"{name}.joblib")
            register_model(store, root, models / f"{name}.joblib", name)
        sign_version(store, root, keys, "tampered@1", "model-signing")
        data = bytearray((models / "tampered.joblib").read_bytes())
        data[len(data) // 2] ^= 0x01
        (models / "tampered.joblib").write_bytes(bytes(data))
        (models / "blob.bin").write_bytes(bytes(range(256)) * 64)
        register_model(store, root, models / "blob.bin", "blob")
        sign_version(store, root, keys, "blob@1", "model-signing")
        unsafe_pickle(models / "evil.pkl")
        register_model(store, root, models / "evil.pkl", "evil")
        promote(store, root, keys, "evil@1", "candidate")
        promote(store, root, keys, "fraud@1", "staging")
    return project


def _refused(project, *args: str) -> tuple[int, str]:
    result = run_cli(project, "serve", *args, "--port", "1", "-C", str(project.root))
    assert "Traceback" not in result.stderr and "listening on" not in result.stdout
    return result.returncode, result.stderr


@pytest.mark.parametrize(("ref", "fragment"), [
    ("unsigned@1", "unsigned@1 is not signed"),
    ("tampered@1", "does not match"),
    ("blob@1", "artifact scan says"),
    ("evil@1", "artifact scan says unsafe"),
    ("evil@candidate", "artifact scan says unsafe"),
])
def test_refuses_versions_it_must_not_serve(versions, ref: str, fragment: str) -> None:
    code, err = _refused(versions, ref)
    assert code == 1, err
    assert "refusing to serve" in err and fragment in " ".join(err.split())


def test_unknown_stage_or_version_is_a_usage_error(versions) -> None:
    code, err = _refused(versions, "fraud@production")
    assert code == 2 and "no stage 'production'" in err


def test_no_auth_beyond_loopback_is_refused(versions) -> None:
    code, err = _refused(versions, "fraud@1", "--host", "0.0.0.0", "--no-auth")
    assert code == 2 and "loopback only" in err


def test_a_stage_whose_gates_hold_is_served_with_its_digest(versions) -> None:
    from secplan.model.registry.versions import get_version

    with inside(versions.root, versions.env) as store:
        digest = f"sha256:{get_version(store, 'fraud@1', exact=True).root_digest}"
    gw = Gateway(versions, "fraud@staging")
    try:
        assert gw.wait() == f"listening on http://127.0.0.1:{gw.port}"
        doc = httpx.get(f"{gw.url}/v2/models/fraud", headers={"Authorization": f"Bearer {versions.tokens['mia']}"}).json()
        assert doc["parameters"]["digest"] == digest and doc["versions"] == ["1"]
    finally:
        gw.stop()
