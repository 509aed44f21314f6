"""Share packages with real age (pyrage) and Ed25519: round trips, every tamper and misuse refused
before any output appears, records in the store and the ledger, and the DS-8 probe."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from pyrage import x25519 as age_x25519

from secplan.data.share import bech32
from secplan.data.share.package import open_package
from secplan.errors import InputError, IntegrityError
from secplan.ledger.query import find
from secplan.store.db import Store
from secplan.vocabulary import Outcome
from tests.probes.helpers import run_probe

from .conftest import run

FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def recipient(tmp_path: Path) -> tuple[str, Path]:
    """An age identity file of the third party and its recipient string."""
    identity = age_x25519.Identity.generate()
    path = tmp_path / "partner.key"
    path.write_text(f"# partner\n{identity}\n", encoding="ascii")
    return str(identity.to_public()), path


def _share(capsys, recipient: str, *extra: str) -> dict:
    code, out, err = run(capsys, "share", "create", "models/model.bin", "--recipient", recipient,
                         "--expires", FUTURE, *extra, "-o", "out.share.tar", "-f", "json")
    assert code == 0, err
    return json.loads(out)


def _rewrite(package: Path, change) -> None:
    """Rebuild the tar with ``change(name, data) -> data`` applied to each member."""
    with tarfile.open(package) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(package, "w") as tar:
        for name, data in members:
            data = change(name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_create_open_round_trip_recorded(store: Store, project: Path, recipient, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    age_recipient, identity = recipient
    share = _share(capsys, age_recipient, "--agreement", "DSA-2026-07")
    assert (share["file"], share["recipient"], share["agreement"]) == ("models/model.bin", age_recipient,
                                                                     "DSA-2026-07")
    package = project / "out.share.tar"
    with tarfile.open(package) as tar:
        assert sorted(tar.getnames()) == ["manifest.json", "manifest.sig", "payload.age"]
        manifest = json.loads(tar.extractfile("manifest.json").read())
    original = (project / "models" / "model.bin").read_bytes()
    assert manifest["size"] == len(original) and manifest["sender"] == "alice"
    assert original not in package.read_bytes()

    code, _, err = run(capsys, "keys", "export-public", "share-signing", "-o", str(tmp_path / "sender.pem"))
    assert code == 0, err
    out = tmp_path / "received.bin"
    code, opened, err = run(capsys, "share", "open", str(package), "--identity", str(identity),
                            "--sender-key", str(tmp_path / "sender.pem"), "-o", str(out), "-f", "json")
    assert code == 0, err
    assert out.read_bytes() == original and out.stat().st_mode & 0o777 == 0o600
    assert json.loads(opened)["sender_verified"] is True and "warning" not in err

    code, listed, _ = run(capsys, "share", "list", "-f", "json")
    assert [s["id"] for s in json.loads(listed)] == [share["id"]]
    code, _, err = run(capsys, "share", "revoke", share["id"][:8], "--reason", "contract ended")
    assert code == 0, err
    code, listed, _ = run(capsys, "share", "list", "-f", "json")
    assert json.loads(listed)[0]["revoked_at"] and json.loads(listed)[0]["revoke_reason"] == "contract ended"
    code, _, err = run(capsys, "share", "revoke", share["id"], "--reason", "again")
    assert code == 2 and "already revoked" in err
    actions = [(e.action, e.object) for e in find(store, action="share.")]
    assert actions == [("share.create", f"share:{share['id']}"), ("share.revoke", f"share:{share['id']}")]
    assert ("keys.create", "key:share-signing@v1") in [(e.action, e.object) for e in find(store, action="keys.")]


def test_pem_x25519_keys_work_as_recipient_and_identity(sqlite_store: Store, project: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    private = x25519.X25519PrivateKey.generate()
    (tmp_path / "r.pem").write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    (tmp_path / "r.key").write_bytes(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    share = _share(capsys, str(tmp_path / "r.pem"), "--agreement", "DSA-1")
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert share["recipient"] == bech32.encode("age", raw)
    code, _, err = run(capsys, "share", "open", "out.share.tar", "--identity", str(tmp_path / "r.key"),
                       "-o", str(tmp_path / "got.bin"))
    assert code == 0, err
    assert "proves the package is intact, not who sent it" in " ".join(err.split())
    assert (tmp_path / "got.bin").read_bytes() == (project / "models" / "model.bin").read_bytes()

    # the PEM secplan exports for a managed x25519 key is accepted the same way
    code, _, err = run(capsys, "keys", "create", "partner", "--type", "x25519")
    assert code == 0, err
    code, pem, _ = run(capsys, "keys", "export-public", "partner")
    public = serialization.load_pem_public_key(pem.encode())
    (tmp_path / "partner.pem").write_text(pem)
    code, out, err = run(capsys, "share", "create", "data/train.csv", "--recipient", str(tmp_path / "partner.pem"),
                         "--expires", FUTURE, "--agreement", "DSA-2", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["recipient"] == bech32.encode(
        "age", public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    assert (project / "data" / "train.csv.share.tar").is_file()


@pytest.mark.parametrize("case", ["manifest", "signature", "payload", "extra-member", "missing-member",
                                  "expired", "wrong-identity", "wrong-sender", "not-a-tar"])
def test_every_failure_is_refused_before_output(sqlite_store: Store, project: Path, recipient, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str], case: str) -> None:
    age_recipient, identity = recipient
    _share(capsys, age_recipient, "--agreement", "DSA-1")
    package = project / "out.share.tar"
    today = dt.date.today()
    sender = None
    expected: type[Exception] = IntegrityError
    if case == "manifest":
        _rewrite(package, lambda n, d: d.replace(FUTURE.encode(), b"2099-12-31") if n == "manifest.json" else d)
    elif case == "signature":
        _rewrite(package, lambda n, d: bytes([d[0] ^ 1]) + d[1:] if n == "manifest.sig" else d)
    elif case == "payload":
        _rewrite(package, lambda n, d: d[:-20] + bytes([d[-20] ^ 1]) + d[-19:] if n == "payload.age" else d)
    elif case == "extra-member":
        _rewrite(package, lambda n, d: d)
        with tarfile.open(package, "a") as tar:
            info = tarfile.TarInfo("../evil")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
        expected = InputError
    elif case == "missing-member":
        _rewrite(package, lambda n, d: None if n == "manifest.sig" else d)
        expected = InputError
    elif case == "expired":
        today = dt.date.fromisoformat(FUTURE) + dt.timedelta(days=1)
        expected = InputError
    elif case == "wrong-identity":
        other = age_x25519.Identity.generate()
        identity = tmp_path / "other.key"
        identity.write_text(str(other))
        expected = InputError
    elif case == "wrong-sender":
        sender = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    elif case == "not-a-tar":
        package.write_bytes(b"not a tar at all" * 100)
        expected = InputError
    out = tmp_path / "never.bin"
    with pytest.raises(expected) as info:
        open_package(package, identity, out, today=today, sender_key_pem=sender)
    assert str(package) in info.value.message
    assert not out.exists() and not list(tmp_path.glob(".never.bin.*"))
    assert "AGE-SECRET-KEY" not in info.value.message


def test_payload_swapped_for_another_valid_age_file_is_caught(sqlite_store: Store, project: Path, recipient,
                                                              tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import pyrage

    age_recipient, identity = recipient
    _share(capsys, age_recipient, "--agreement", "DSA-1")
    forged = pyrage.encrypt(b"forged data", [age_x25519.Recipient.from_str(age_recipient)])
    _rewrite(project / "out.share.tar", lambda n, d: forged if n == "payload.age" else d)
    with pytest.raises(IntegrityError, match="payload tampered"):
        open_package(project / "out.share.tar", identity, tmp_path / "x", today=dt.date.today())
    assert not (tmp_path / "x").exists()


def test_create_refuses_bad_input(sqlite_store: Store, project: Path, recipient,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    age_recipient, _ = recipient
    # A changed last character breaks the bech32 checksum; it must differ from the real one (1 in 32).
    broken = age_recipient[:-1] + ("q" if age_recipient[-1] != "q" else "p")
    cases = [
        (["models/model.bin", "--recipient", age_recipient, "--expires", FUTURE], "--agreement REF is required"),
        (["models/model.bin", "--recipient", broken, "--expires", FUTURE, "--agreement", "A"],
         "checksum"),
        (["models/model.bin", "--recipient", "nope", "--expires", FUTURE, "--agreement", "A"], "neither"),
        (["models/model.bin", "--recipient", age_recipient, "--expires", "2020-01-01", "--agreement", "A"],
         "must be after today"),
        (["models/model.bin", "--recipient", age_recipient, "--expires", "soon", "--agreement", "A"], "not a date"),
        (["models", "--recipient", age_recipient, "--expires", FUTURE, "--agreement", "A"], "not a file"),
        (["models/model.bin", "--recipient", age_recipient, "--expires", FUTURE, "--agreement", "A",
          "--signing-key", "datasets"], "ed25519"),
    ]
    for argv, message in cases:
        code, _, err = run(capsys, "share", "create", *argv)
        assert code == 2 and message in err, (argv, err)
    assert not list(project.rglob("*.share.tar"))


def test_probe_judges_agreements_expiry_and_revocation(store: Store, project: Path, recipient,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    age_recipient, _ = recipient
    results = run_probe("share-agreements", project)
    assert [r.outcome for r in results] == [Outcome.NO_EVIDENCE]  # models/model.bin is declared shared
    good = _share(capsys, age_recipient, "--agreement", "DSA-9")
    code, out, err = run(capsys, "share", "create", "data/train.csv", "--recipient", age_recipient, "--expires",
                         FUTURE, "--no-agreement", "-f", "json")
    assert code == 0, err
    bare = json.loads(out)
    results = run_probe("share-agreements", project)
    assert sorted(r.outcome for r in results) == sorted([Outcome.POSITIVE, Outcome.NEGATIVE])
    assert "names no data-sharing agreement" in next(r for r in results if r.outcome == Outcome.NEGATIVE).message
    after_expiry = dt.date.fromisoformat(FUTURE) + dt.timedelta(days=1)
    results = run_probe("share-agreements", project, today=after_expiry)
    assert [r.outcome for r in results].count(Outcome.NEGATIVE) == 3
    for share in (good, bare):
        assert run(capsys, "share", "revoke", share["id"], "--reason", "done")[0] == 0
    assert [r.outcome for r in run_probe("share-agreements", project, today=after_expiry)] == [
        Outcome.NOT_APPLICABLE]
    assert run_probe("sharing-governed", project) == []  # the foundation probe defers to this one


def test_bech32_matches_age_and_rejects_damage() -> None:
    for _ in range(20):
        identity = age_x25519.Identity.generate()
        recipient = str(identity.to_public())
        raw = bech32.decode(recipient, "age", "r")
        assert bech32.encode("age", raw) == recipient
        assert bech32.encode("age-secret-key-", bech32.decode(str(identity), "AGE-SECRET-KEY-", "i")).upper() \
            == str(identity)
    recipient = str(age_x25519.Identity.generate().to_public())
    flipped = recipient[:10] + ("q" if recipient[10] != "q" else "p") + recipient[11:]
    with pytest.raises(InputError, match="checksum"):
        bech32.decode(flipped, "age", "r")
    with pytest.raises(InputError, match="not an age key"):
        bech32.decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "age", "r")


def test_open_errors_through_the_cli(sqlite_store: Store, project: Path, recipient, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    age_recipient, identity = recipient
    code, _, err = run(capsys, "share", "open", "missing.tar", "--identity", str(identity))
    assert code == 2 and "missing.tar: no such file" in err
    _share(capsys, age_recipient, "--agreement", "DSA-1")
    (tmp_path / "bad.key").write_text("AGE-SECRET-KEY-1NOTAKEY\n")
    code, _, err = run(capsys, "share", "open", "out.share.tar", "--identity", str(tmp_path / "bad.key"),
                       "-o", str(tmp_path / "o"))
    assert code == 2 and "bad.key" in err and "NOTAKEY" not in err
    code, _, err = run(capsys, "share", "open", "out.share.tar", "--identity", str(identity), "-o",
                       str(project / "models" / "model.bin"))
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "share", "revoke", "ffffffff", "--reason", "x")
    assert code == 2 and "no such share" in err
    assert not (tmp_path / "o").exists()


def test_manifest_signatures_are_plain_ed25519_both_ways(sqlite_store: Store, project: Path, recipient,
                                                        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Packages written before the signer API (and by other tools) carry a plain Ed25519 signature over
    the domain tag and the manifest bytes: ours verify that way, and such a signature verifies here."""
    from secplan.data.share.manifest import SIGNING_DOMAIN

    age_recipient, identity = recipient
    _share(capsys, age_recipient, "--agreement", "DSA-1")
    package = project / "out.share.tar"
    with tarfile.open(package) as tar:
        body, signature = tar.extractfile("manifest.json").read(), tar.extractfile("manifest.sig").read()
    sender = serialization.load_pem_public_key(json.loads(body)["signing_public_key"].encode())
    sender.verify(signature, SIGNING_DOMAIN + body)  # raises when it does not verify

    outside = ed25519.Ed25519PrivateKey.generate()
    outside_pem = outside.public_key().public_bytes(serialization.Encoding.PEM,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    doc = json.loads(body)
    doc["signing_public_key"] = outside_pem.decode()
    resigned = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    _rewrite(package, lambda n, d: resigned if n == "manifest.json" else
             outside.sign(SIGNING_DOMAIN + resigned) if n == "manifest.sig" else d)
    opened = open_package(package, identity, tmp_path / "got.bin", today=dt.date.today(), sender_key_pem=outside_pem)
    assert opened.sender_verified and (tmp_path / "got.bin").read_bytes() == (project / "models" / "model.bin").read_bytes()
