"""Every part of a bundle, tampered with: verify names the part, the entry and what did not match.

Most edits are made as a careful attacker would: the edited member's SHA-256 is put back into the
manifest, so that what catches the edit is the signature or ledger entry over it, not the digest
list (which carries no signature of its own). One test also shows the digest list catching a
careless edit.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from secplan.archive import write_zip
from secplan.crypto.keys.interface import KeyType
from secplan.errors import InputError
from secplan.evidence import Pin, read_key_file, verify_file
from secplan.evidence.checks import Fail
from secplan.ledger.entry import canonical_bytes, canonical_json
from secplan.ledger.merkle import leaf_hash

SIGNATURE = "model/signature.sigstore.json"
ENTRIES = "ledger/entries.jsonl"
CHECKPOINT = "ledger/checkpoint"


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def manifest(files: dict[str, bytes]) -> dict:
    return json.loads(files["manifest.json"])


def pack(files: dict[str, bytes], path: Path, *, fix_digests: bool = True) -> Path:
    """Write ``files`` as a bundle; with ``fix_digests`` the manifest's SHA-256 of every member is recomputed."""
    if fix_digests:
        doc = manifest(files)
        for table in (doc["sealed"]["files"], doc["ledger"]):
            for name in table:
                if name in files:
                    table[name] = hashlib.sha256(files[name]).hexdigest()
        files = {**files, "manifest.json": json.dumps(doc, indent=2).encode()}
    write_zip(path, files)
    return path


def failure(files: dict[str, bytes], tmp_path: Path, *, fix_digests: bool = True, pins: list[Pin] | None = None) -> Fail:
    report = verify_file(pack(files, tmp_path / "tampered.zip", fix_digests=fix_digests), pins)
    assert not report.ok, "the tampered bundle verified"
    return report.failure


def edit_json(files: dict[str, bytes], name: str, change: Callable[[dict], None]) -> dict[str, bytes]:
    doc = json.loads(files[name])
    change(doc)
    return {**files, name: json.dumps(doc, indent=2).encode()}


def entry_lines(files: dict[str, bytes]) -> list[dict]:
    return [json.loads(line) for line in files[ENTRIES].decode().splitlines()]


def with_lines(files: dict[str, bytes], lines: list[dict]) -> dict[str, bytes]:
    return {**files, ENTRIES: ("\n".join(json.dumps(line) for line in lines) + "\n").encode()}


def entry_of(files: dict[str, bytes], action: str) -> dict:
    return next(line for line in entry_lines(files) if line["action"] == action)


@pytest.fixture
def files(bundle_bytes: bytes) -> dict[str, bytes]:
    return unpack(bundle_bytes)


def test_the_untouched_bundle_verifies(files, tmp_path):
    report = verify_file(pack(files, tmp_path / "same.zip"))
    assert report.ok, report.failure
    assert report.verified[:5] == ["keys", "model", "signature", "lineage", "scan"]
    assert {"evaluation 1", "attestation 1", "approval 1", "promotion 1", "served 1", "incident 1"} <= set(report.verified)
    assert "incident 2" not in report.verified  # the unrelated incident is not in the bundle
    assert all(not k.pinned and k.source.startswith("bundle ") for k in report.keys)


def test_signature(files, tmp_path):
    bundle = json.loads(files[SIGNATURE])
    sig = bytearray(base64.b64decode(bundle["dsseEnvelope"]["signatures"][0]["sig"]))
    sig[-1] ^= 1
    bundle["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    fail = failure({**files, SIGNATURE: json.dumps(bundle).encode()}, tmp_path)
    assert fail.part == "signature" and "does not verify" in fail.message


def test_signed_payload_swapped(files, tmp_path):
    bundle = json.loads(files[SIGNATURE])
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    statement["predicate"]["secplan"]["registry"] = "fraud@2"
    bundle["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    fail = failure({**files, SIGNATURE: json.dumps(bundle).encode()}, tmp_path)
    assert fail.part == "signature" and "does not verify" in fail.message


def test_registered_digests(files, tmp_path):
    def change(doc):
        name = next(iter(doc["file_digests"]))
        doc["file_digests"][name]["sha256"] = "0" * 64

    fail = failure(edit_json(files, "model/version.json", change), tmp_path)
    assert fail.part == "model" and "root digest" in fail.message


def test_lineage(files, tmp_path):
    fail = failure(edit_json(files, "model/lineage.json", lambda d: d.update(code_ref="b" * 40)), tmp_path)
    assert fail.part == "lineage" and "lineage's SHA-256" in fail.message and "signature" in fail.message


def test_scan_verdict(files, tmp_path):
    fail = failure(edit_json(files, "model/scan.json", lambda d: d.update(verdict="unsafe")), tmp_path)
    assert fail.part == "scan" and "scan verdict" in fail.message
    assert fail.entry == entry_of(files, "model.register")["seq"]


def test_scan_report_detail_is_caught_by_the_seal(files, tmp_path):
    fail = failure(edit_json(files, "model/scan.json", lambda d: d["report"].update(files=[])), tmp_path)
    assert fail.part == "manifest" and "sealed" in fail.message
    assert fail.entry == manifest(files)["export_entry"]


def test_evaluation_result(files, tmp_path):
    def change(doc):
        doc["result"]["suites"]["quality"]["metrics"]["accuracy"] = 0.999

    fail = failure(edit_json(files, "evaluations/1.json", change), tmp_path)
    assert fail.part == "evaluation 1" and "result's SHA-256" in fail.message
    assert fail.entry == entry_of(files, "model.evaluate")["seq"]


def test_evaluation_attestation(files, tmp_path):
    name = "evaluations/1.sigstore.json"
    bundle = json.loads(files[name])
    sig = bytearray(base64.b64decode(bundle["dsseEnvelope"]["signatures"][0]["sig"]))
    sig[10] ^= 0xFF
    bundle["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    fail = failure({**files, name: json.dumps(bundle).encode()}, tmp_path)
    assert fail.part == "evaluation 1" and name in fail.message and "does not verify" in fail.message


def test_signed_attestation(files, tmp_path):
    fail = failure(edit_json(files, "attestations/1.json", lambda d: d.update(statement="no pentest")), tmp_path)
    assert fail.part == "attestation 1" and "signature does not match" in fail.message


def test_approval(files, tmp_path):
    fail = failure(edit_json(files, "approvals/1.json", lambda d: d.update(decided_by="mallory")), tmp_path)
    assert fail.part == "approval 1" and "decider" in fail.message and "mallory" in fail.message
    assert fail.entry == entry_of(files, "approval.approve")["seq"]


def test_promotion(files, tmp_path):
    fail = failure(edit_json(files, "promotions/1.json", lambda d: d.update(gates=[])), tmp_path)
    assert fail.part == "promotion 1" and "gates" in fail.message


def test_served_digest(files, tmp_path):
    fail = failure(edit_json(files, "served/1.json", lambda d: d.update(digest="sha256:" + "1" * 64)), tmp_path)
    assert fail.part == "served 1" and "served digest" in fail.message


def test_incident(files, tmp_path):
    fail = failure(edit_json(files, "incidents/1.json", lambda d: d.update(severity="low")), tmp_path)
    assert fail.part == "incident 1" and "severity" in fail.message


def test_entry_edited(files, tmp_path):
    lines = entry_lines(files)
    target = next(line for line in lines if line["action"] == "approval.approve")
    target["actor"] = "mallory"
    fail = failure(with_lines(files, lines), tmp_path)
    assert (fail.part, fail.entry) == ("ledger", target["seq"]) and "edited" in fail.message


def test_entry_edited_and_rehashed(files, tmp_path):
    """The hash recomputed after the edit: now the entry no longer leads to the signed root."""
    lines = entry_lines(files)
    target = next(line for line in lines if line["action"] == "approval.approve")
    target["actor"] = "mallory"
    target["entry_hash"] = leaf_hash(canonical_bytes(target["seq"], target["timestamp"], target["actor"],
                                                     target["action"], target["object"],
                                                     canonical_json(target["details"]), target["outcome"],
                                                     target["prev_hash"])).hex()
    fail = failure(with_lines(files, lines), tmp_path)
    assert (fail.part, fail.entry) == ("ledger", target["seq"]) and "inclusion proof" in fail.message


def test_proof_hash(files, tmp_path):
    lines = entry_lines(files)
    lines[0]["audit_path"][0] = "ab" * 32
    fail = failure(with_lines(files, lines), tmp_path)
    assert (fail.part, fail.entry) == ("ledger", lines[0]["seq"]) and "inclusion proof" in fail.message


def test_tree_size_of_a_proof(files, tmp_path):
    lines = entry_lines(files)
    lines[1]["tree_size"] -= 1
    fail = failure(with_lines(files, lines), tmp_path)
    assert (fail.part, fail.entry) == ("ledger", lines[1]["seq"]) and "tree of" in fail.message


def test_tree_size_of_the_checkpoint(files, tmp_path):
    origin, size, rest = files[CHECKPOINT].decode().split("\n", 2)
    fail = failure({**files, CHECKPOINT: f"{origin}\n{int(size) + 1}\n{rest}".encode()}, tmp_path)
    assert fail.part == "checkpoint" and "signature does not verify" in fail.message


def test_checkpoint_signature(files, tmp_path):
    text = files[CHECKPOINT].decode()
    head, blob = text.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1
    fail = failure({**files, CHECKPOINT: f"{head} {base64.b64encode(bytes(raw)).decode()}\n".encode()}, tmp_path)
    assert fail.part == "checkpoint" and "signature does not verify" in fail.message


def test_a_member_removed(files, tmp_path):
    fail = failure({k: v for k, v in files.items() if k != "approvals/1.json"}, tmp_path)
    assert fail.part == "approval 1" and "approvals/1.json is missing" in fail.message


def test_a_part_removed_from_the_manifest(files, tmp_path):
    def drop(doc):
        doc["sealed"]["parts"] = [p for p in doc["sealed"]["parts"] if p["part"] != "incident"]
        del doc["sealed"]["files"]["incidents/1.json"]

    edited = edit_json(files, "manifest.json", drop)
    del edited["incidents/1.json"]
    lines = [line for line in entry_lines(files) if not line["object"].startswith("incident:")]
    fail = failure(with_lines(edited, lines), tmp_path)
    assert fail.part == "export entry" and "incident 1 is missing" in fail.message


def test_a_part_added_to_the_manifest(files, tmp_path):
    fake = json.dumps({"id": 9, "assets": ["model:fraud@1"], "severity": "low"}).encode()

    def add(doc):
        doc["sealed"]["parts"].append({"part": "incident", "id": "9", "files": ["incidents/9.json"], "entries": []})
        doc["sealed"]["files"]["incidents/9.json"] = hashlib.sha256(fake).hexdigest()

    fail = failure({**edit_json(files, "manifest.json", add), "incidents/9.json": fake}, tmp_path)
    assert fail.part == "export entry" and "incident 9 was added" in fail.message


def test_an_unlisted_file_added(files, tmp_path):
    fail = failure({**files, "model/extra.txt": b"trust me"}, tmp_path)
    assert fail.part == "bundle" and "model/extra.txt" in fail.message and "not listed" in fail.message


def test_entries_reordered(files, tmp_path):
    lines = entry_lines(files)
    lines[0], lines[1] = lines[1], lines[0]
    fail = failure(with_lines(files, lines), tmp_path)
    assert fail.part == "ledger" and "out of order" in fail.message and fail.entry == lines[1]["seq"]


def test_parts_reordered(files, tmp_path):
    def swap(doc):
        parts = doc["sealed"]["parts"]
        parts[-1], parts[-2] = parts[-2], parts[-1]

    fail = failure(edit_json(files, "manifest.json", swap), tmp_path)
    assert fail.part == "manifest" and "out of order" in fail.message


def test_a_careless_edit_is_caught_by_the_digest_list(files, tmp_path):
    edited = edit_json(files, "model/lineage.json", lambda d: d.update(code_ref="c" * 40))
    fail = failure(edited, tmp_path, fix_digests=False)
    assert fail.part == "lineage" and "model/lineage.json does not match its SHA-256" in fail.message


def test_pinned_keys(files, tmp_path):
    (tmp_path / "ledger.vkey").write_bytes(files["keys/ledger.vkey"])
    (tmp_path / "model.pem").write_bytes(files["keys/model-signing.pem"])
    pins = [read_key_file("ledger", tmp_path / "ledger.vkey"), read_key_file("model", tmp_path / "model.pem")]
    report = verify_file(pack(files, tmp_path / "same.zip"), pins)
    assert report.ok, report.failure
    sources = {k.role: (k.pinned, k.source) for k in report.keys}
    assert sources["ledger"] == (True, f"--key {tmp_path / 'ledger.vkey'}")
    assert sources["model"][0] and not sources["attestation"][0]


def test_a_pinned_key_that_did_not_sign(files, tmp_path):
    """A bundle whose keys were swapped for an attacker's verifies only against its own keys: pinning catches it."""
    from secplan.crypto.keys.signer import FileSigner

    other = FileSigner(tmp_path / "other.key").public_key
    (tmp_path / "other.pem").write_bytes(other.pem())
    fail = failure(files, tmp_path, pins=[read_key_file("ledger", tmp_path / "other.pem")])
    assert fail.part == "checkpoint" and f"--key {tmp_path / 'other.pem'}" in fail.message
    with pytest.raises(InputError, match="ecdsa-p256"):  # model signatures are P-256: an Ed25519 pin is a usage error
        read_key_file("model", tmp_path / "other.pem")


def test_a_pinned_model_key_that_did_not_sign(files, tmp_path, signer):
    signer.create("another-signing", KeyType.ECDSA_P256)
    (tmp_path / "model.pem").write_bytes(signer.export_public("another-signing"))
    fail = failure(files, tmp_path, pins=[read_key_file("model", tmp_path / "model.pem")])
    assert fail.part == "signature" and "does not verify" in fail.message


def test_several_pinned_model_keys_one_of_them_signed(files, tmp_path, signer):
    signer.create("retired-signing", KeyType.ECDSA_P256)
    (tmp_path / "retired.pem").write_bytes(signer.export_public("retired-signing"))
    (tmp_path / "model.pem").write_bytes(files["keys/model-signing.pem"])
    pins = [read_key_file("model", tmp_path / "retired.pem"), read_key_file("model", tmp_path / "model.pem")]
    report = verify_file(pack(files, tmp_path / "same.zip"), pins)
    assert report.ok, report.failure
    assert [k.source for k in report.keys if k.role == "model"] == [f"--key {tmp_path / 'retired.pem'}",
                                                                     f"--key {tmp_path / 'model.pem'}"]
