from secplan.crypto.files import encrypt_file
from secplan.vocabulary import Outcome, Severity

from .helpers import make_project, outcomes, run_probe
from .keyhelpers import keys_at, project_keys

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
