import pytest

from secplan.crypto.evidence import KEYS, EncryptedFile
from secplan.crypto.files import encrypt_file
from secplan.filetypes import ENCRYPTED_MAGIC
from secplan.vocabulary import Outcome, Severity

from .cases import NA, Case, N, P
from .helpers import make_project, outcomes, run_probe
from .keyhelpers import key, keys_at, keys_evidence, project_keys

ID = "encrypted-with-managed-key"


def _encrypt(root, keys, name, key="ds"):
    plain = root / "data" / name
    plain.parent.mkdir(parents=True, exist_ok=True)
    plain.write_bytes(b"id,email\n1,a@example.com\n")
    encrypt_file(plain, plain.with_name(name + ".enc"), keys, key)
    plain.unlink()


def test_managed_destroyed_and_unknown_keys(project_dir, tmp_path, monkeypatch):
    make_project(project_dir)
    keys = project_keys(project_dir, monkeypatch)
    keys.create("ds")
    keys.create("gone")
    _encrypt(project_dir, keys, "a.csv")
    _encrypt(project_dir, keys, "b.csv", key="gone")
    foreign = keys_at(tmp_path / "foreign.json")
    foreign.create("theirs")
    _encrypt(project_dir, foreign, "c.csv", key="theirs")
    keys.destroy("gone")
    (project_dir / "data" / "d.csv.enc").write_bytes((project_dir / "data" / "a.csv.enc").read_bytes()[:100])

    by_path = {r.location.path: r for r in run_probe(ID, project_dir)}
    assert by_path["data/a.csv.enc"].outcome == Outcome.POSITIVE
    assert by_path["data/b.csv.enc"].outcome == Outcome.NEGATIVE
    assert by_path["data/b.csv.enc"].severity == Severity.LOW and "destroyed" in by_path["data/b.csv.enc"].message
    assert by_path["data/c.csv.enc"].outcome == Outcome.NEGATIVE and "does not know" in by_path["data/c.csv.enc"].message
    assert by_path["data/d.csv.enc"].outcome == Outcome.NEGATIVE and "truncated" in by_path["data/d.csv.enc"].message
    assert str(project_dir) not in by_path["data/d.csv.enc"].message


def test_no_encrypted_files(project_dir):
    make_project(project_dir, {"data/a.csv": "a\n1\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


ENC = {"data/a.csv.enc": ENCRYPTED_MAGIC + b"\0" * 64}

CASES = [
    Case(ID, "wrapped under a managed key", (P,), files=ENC,
         evidence={KEYS: keys_evidence(key("ds"), files=(EncryptedFile("data/a.csv.enc", "ds@v1"),))},
         says=("encrypted under managed key ds@v1 on local",)),
    Case(ID, "wrapped under a retired version", (P,), files=ENC,
         evidence={KEYS: keys_evidence(key("ds", state="retired"), files=(EncryptedFile("data/a.csv.enc", "ds@v1"),))},
         says=("a retired version: re-wrap it",)),
    Case(ID, "key unknown to the keystore", (N,), files=ENC,
         evidence={KEYS: keys_evidence(key("ds"), files=(EncryptedFile("data/a.csv.enc", "theirs@v3"),))},
         says=("theirs@v3, which the keystore does not know",)),
    Case(ID, "key destroyed", (N,), files=ENC,
         evidence={KEYS: keys_evidence(key("ds", state="destroyed"), files=(EncryptedFile("data/a.csv.enc", "ds@v1"),))},
         says=("the data is unrecoverable",)),
    Case(ID, "unreadable key slot", (N,), files=ENC,
         evidence={KEYS: keys_evidence(files=(EncryptedFile("data/a.csv.enc", None, "truncated header"),))},
         says=("cannot be read: truncated header",)),
    Case(ID, "nothing encrypted", (NA,), evidence={KEYS: keys_evidence(key("ds"))}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
