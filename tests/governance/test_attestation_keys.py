"""Attestations signed by the key file, by a managed key the plan names, and by keys from before."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from secplan.compliance import attestations
from secplan.compliance.records import Attestation
from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import PublicKey
from secplan.projects import project_of
from secplan.store.base import utcnow
from secplan.store.db import Store
from tests.crypto.conftest import PASSPHRASE, make_manager

TODAY = dt.date.today()


def plan(root: Path, attestation_key: str | None) -> None:
    signing = f"\n  keys:\n    signing:\n      attestations: {attestation_key}" if attestation_key else ""
    (root / "secplan.yaml").write_text(f"project:\n  name: keys-demo\npolicy:{signing or ' {}'}\n")


@pytest.fixture
def keystore(project_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    return make_manager(project_dir / ".secplan" / "keys" / "keystore.json")


def attest(store: Store, control: str = "PS-6") -> int:
    return attestations.attest(store, control, statement="cage inspected", evidence="https://wiki/cage",
                               expires=TODAY + dt.timedelta(days=30))


def states(store: Store) -> dict[int, str]:
    return {row["id"]: row["state"] for row in attestations.list_attestations(store)}


def test_an_attestation_signed_by_the_old_raw_key_file_still_verifies(store: Store, project_dir: Path) -> None:
    """Before the signer API the key file held 32 raw bytes and rows were signed with them directly."""
    plan(project_dir, None)
    legacy = Ed25519PrivateKey.generate()
    raw = legacy.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                               serialization.NoEncryption())
    key_file = store.home / attestations.KEY_FILE
    key_file.write_bytes(raw)
    key_file.chmod(0o600)
    public = legacy.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    row = Attestation(project_id=project_of(store).id, control="PS-1", statement="pentest, no criticals",
                      evidence="https://reports/1", evidence_sha256=None, attester="auditor",
                      created_at=utcnow().replace(microsecond=0), expires=TODAY + dt.timedelta(days=10),
                      public_key=base64.b64encode(public).decode(), signature="")
    row.signature = base64.b64encode(legacy.sign(attestations.payload(row))).decode()
    with store.session() as session:
        session.add(row)
    new_id = attest(store)
    listed = {r["id"]: r for r in attestations.list_attestations(store)}
    assert [r["state"] for r in listed.values()] == ["current", "current"]
    assert listed[new_id]["public_key"] == row.public_key  # the same key file signs on
    assert key_file.read_bytes() == raw  # and it was not rewritten


def test_a_managed_key_named_in_the_plan_signs_and_old_signatures_keep_verifying(
        store: Store, project_dir: Path, keystore) -> None:
    plan(project_dir, None)
    by_file = attest(store)
    keystore.create("attest", KeyType.ED25519)
    plan(project_dir, "attest")
    by_v1 = attest(store)
    rows = {r["id"]: r for r in attestations.list_attestations(store)}
    v1 = PublicKey.from_pem(keystore.export_public("attest@v1"))
    assert rows[by_v1]["public_key"] == base64.b64encode(v1.raw).decode()
    assert rows[by_file]["public_key"] != rows[by_v1]["public_key"]
    keystore.rotate("attest")
    by_v2 = attest(store)
    assert states(store) == {by_file: "current", by_v1: "current", by_v2: "current"}
    keystore.destroy("attest@v1")  # destroying a version revokes what it signed
    assert states(store) == {by_file: "current", by_v1: "invalid", by_v2: "current"}


def test_a_managed_key_that_cannot_sign_or_is_missing_is_a_clear_error(store: Store, project_dir: Path,
                                                                       keystore) -> None:
    keystore.create("wrap-only")
    plan(project_dir, "wrap-only")
    with pytest.raises(Exception, match="signing needs an ed25519 or ecdsa-p256 key"):
        attest(store)
    plan(project_dir, None)
    made = attest(store)
    plan(project_dir, "gone")
    (row,) = attestations.list_attestations(store)
    assert row["id"] == made and row["state"] == "current"  # the file key still vouches for it
    with pytest.raises(Exception, match="no key named 'gone'"):
        attest(store)


def test_attestations_signed_in_a_pkcs11_token_verify_without_the_pin(
        store: Store, project_dir: Path, keystore, softhsm, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore.create("attest-hsm", KeyType.ECDSA_P256, provider="pkcs11")
    plan(project_dir, "attest-hsm")
    made = attest(store)
    (row,) = attestations.list_attestations(store)
    assert row["state"] == "current" and len(base64.b64decode(row["public_key"])) == 65
    monkeypatch.delenv("SECPLAN_PKCS11_PIN")
    assert states(store) == {made: "current"}
    with store.session() as session:
        session.get(Attestation, made).statement = "cage never inspected"
    assert states(store) == {made: "invalid"}
