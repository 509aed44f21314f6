"""OSV ranges as the OSV schema defines them (ossf.github.io/osv-schema, "Evaluation"), SemVer 2.0.0
precedence as semver.org states it, the one version that fixes every advisory of a package, and
dependency results grouped by package in every output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.platform.manifests import Dependency
from secplan.platform.osv.index import MemoryDatabase, SqliteIndex, build_index
from secplan.platform.osv.index import info_for as info_of
from secplan.platform.osv.match import by_package, fixing_all, match
from secplan.platform.osv.model import Affected, parse_record
from secplan.platform.osv.ranges import is_affected, parse_semver


def semver(*ranges: list[tuple[str, str]], ecosystem=(), versions=()) -> Affected:
    return Affected("pkg", tuple(tuple(r) for r in ecosystem), tuple(versions), tuple(tuple(r) for r in ranges))


def test_semver_precedence_is_the_specs_example_chain() -> None:
    # semver.org, item 11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
    # < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0, and 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1.
    chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
             "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"]
    keys = [parse_semver(v) for v in chain]
    assert all(k is not None for k in keys)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert parse_semver("1.0.0+build.7") == parse_semver("1.0.0")  # build metadata has no precedence
    for invalid in ("1.0", "v1.0.0", "01.0.0", "1.0.0-01", "1.0.0-", "1.2.3.4"):
        assert parse_semver(invalid) is None, invalid


@pytest.mark.parametrize(("version", "expected"), [
    ("0.9.0", False), ("1.0.0-alpha", True), ("1.0.0b11", True), ("1.0.0-beta.11", True), ("1.0.0rc1", False),
    ("1.0.0", False), ("1.4.0", False), ("1.5.0", True), ("1.5.0-rc.2", False), ("1.9", True), ("2.0.0", True),
    ("2.0.1", False),
])
def test_semver_range_introduced_fixed_last_affected(version: str, expected: bool) -> None:
    # Two SEMVER ranges: [1.0.0-alpha, 1.0.0-rc.1) and [1.5.0, 2.0.0] (last_affected is inclusive).
    affected = semver([("introduced", "1.0.0-alpha"), ("fixed", "1.0.0-rc.1")],
                      [("introduced", "1.5.0"), ("last_affected", "2.0.0")])
    assert is_affected(version, affected) is expected


def test_semver_limit_and_unorderable_versions() -> None:
    limited = semver([("introduced", "0"), ("limit", "3.0.0")])
    assert is_affected("2.9.9", limited) and not is_affected("3.0.0", limited)
    assert is_affected("5.0.0", semver([("introduced", "0"), ("limit", "*")]))
    # A version SemVer cannot place (a post release) is reported rather than called clean.
    assert is_affected("1.0.post1", semver([("introduced", "2.0.0")]))
    # A bound that is not SemVer makes the range affect the version (reviewable, never silently clean).
    assert is_affected("9.0.0", semver([("introduced", "0"), ("fixed", "1.x")]))


def test_ecosystem_semver_and_versions_list_are_each_enough() -> None:
    mixed = semver([("introduced", "3.0.0"), ("fixed", "3.1.0")], ecosystem=[[("introduced", "1.0"), ("fixed", "1.1")]],
                   versions=["0.5"])
    assert [is_affected(v, mixed) for v in ("0.5", "0.6", "1.0.5", "1.1", "3.0.2", "3.1.0")] == \
        [True, False, True, False, True, False]


def test_semver_ranges_survive_parsing_and_the_index(tmp_path: Path) -> None:
    record = {"id": "GHSA-semv-er00-0001", "modified": "2026-01-01T00:00:00Z",
              "affected": [{"package": {"ecosystem": "PyPI", "name": "Sem_Pkg"},
                            "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.0"}]},
                                       {"type": "GIT", "repo": "https://example.org/r",
                                        "events": [{"introduced": "abc"}]}]}]}
    adv = parse_record(record)
    assert adv is not None and adv.affected[0].semver == ((("introduced", "1.0.0"), ("fixed", "1.2.0")),)
    assert adv.fixed_versions("sem-pkg") == ["1.2.0"]
    source = tmp_path / "osv.jsonl"
    source.write_text(json.dumps(record) + "\n")
    build_index(source, tmp_path / "osv.db")
    index = SqliteIndex(tmp_path / "osv.db")
    try:
        found = match([Dependency("sem-pkg", "1.1.0", "sem-pkg==1.1.0", "requirements.txt", 1)], index)
    finally:
        index.close()
    assert [(f.package, f.version, f.extra["upgrade_to"]) for f in found] == [("sem-pkg", "1.1.0", "1.2.0")]


def rec(id_: str, *ranges: list[dict], name: str = "pkg") -> dict:
    return {"id": id_, "summary": f"summary of {id_}",
            "affected": [{"package": {"ecosystem": "PyPI", "name": name},
                          "ranges": [{"type": "ECOSYSTEM", "events": events} for events in ranges]}]}


def db_of(*records: dict) -> MemoryDatabase:
    advisories = [a for a in map(parse_record, records) if a]
    return MemoryDatabase(advisories, info_of("test", advisories))


def test_the_one_fix_is_checked_against_every_advisory() -> None:
    # A is fixed in 1.2; B affects [0, 1.1) and again [1.2, 1.5): 1.1 is still affected by A and 1.2 by
    # B, so the one version that fixes both is 1.5 (the highest first fix, 1.2, would not do).
    a = rec("PYSEC-A", [{"introduced": "0"}, {"fixed": "1.2"}])
    b = rec("PYSEC-B", [{"introduced": "0"}, {"fixed": "1.1"}], [{"introduced": "1.2"}, {"fixed": "1.5"}])
    db = db_of(a, b)
    found = match([Dependency("pkg", "1.0", "pkg==1.0", "requirements.txt", 4)], db)
    assert {f.extra["upgrade_to"] for f in found} == {"1.5"}
    assert all(f.package == "pkg" and f.version == "1.0" for f in found)
    assert all("`pkg==1.5`" in f.fix and "all 2 known advisories" in f.fix for f in found)
    assert fixing_all("pkg", "1.3", db.advisories_for("pkg")) == "1.5"
    (group,) = by_package(found)
    assert group["advisories"] == ["PYSEC-A", "PYSEC-B"] and group["upgrade_to"] == "1.5"
    assert group["advisory_urls"] == ["https://osv.dev/vulnerability/PYSEC-A", "https://osv.dev/vulnerability/PYSEC-B"]


def test_no_single_fix_says_so() -> None:
    db = db_of(rec("PYSEC-A", [{"introduced": "0"}, {"fixed": "1.2"}]), rec("PYSEC-C", [{"introduced": "1.0"}]))
    found = match([Dependency("pkg", "1.0", "pkg==1.0", "requirements.txt", 1)], db)
    assert len(found) == 2 and {f.extra["upgrade_to"] for f in found} == {None}
    assert all(f.fix.startswith("No release of `pkg` fixes every advisory") for f in found)
    only_a = next(f for f in found if "PYSEC-A" in f.advisories)
    assert only_a.extra["fixed"] == ["1.2"]  # each advisory still names its own fix


def test_outputs_group_by_package_and_state_the_database(tmp_path: Path, cli) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("pkg==1.0\nother==2.0\nclean==1.0\n")
    source = tmp_path / "osv.jsonl"
    source.write_text("\n".join(json.dumps({**r, "modified": "2026-11-30T00:00:00Z"}) for r in (
        rec("PYSEC-A", [{"introduced": "0"}, {"fixed": "1.2"}]),
        rec("PYSEC-B", [{"introduced": "0"}, {"fixed": "1.1"}], [{"introduced": "1.2"}, {"fixed": "1.5"}]),
        rec("PYSEC-O", [{"introduced": "0"}, {"fixed": "2.1"}], name="other"))) + "\n")
    doc = cli("platform", "scan", project, "--scanners", "vuln", "-f", "json", "--osv-db", source, "--no-store").json()
    assert [(g["package"], g["upgrade_to"], g["advisories"]) for g in doc["packages"]] == [
        ("pkg", "1.5", ["PYSEC-A", "PYSEC-B"]), ("other", "2.1", ["PYSEC-O"])]
    assert all(f["package"] and f["version"] and f["remediation"].startswith("Upgrade") for f in doc["findings"])
    assert doc["osv_database_info"]["advisories"] == 3 and doc["osv_database_info"]["bundled"] is False
    table = cli("platform", "scan", project, "--scanners", "vuln", "--osv-db", source, "--no-store").out
    assert "2 vulnerable package(s)" in table and "PYSEC-A, PYSEC-B" in table and "1.5" in table
    assert f"advisory database: {source}: 3 advisories for 2 packages, newest record 2026-11-30" in table
    sarif = json.loads(cli("platform", "scan", project, "--scanners", "vuln", "-f", "sarif", "--osv-db", source,
                           "--no-store").out)
    run = sarif["runs"][0]
    assert run["properties"]["osv_database"]["advisories"] == 3
    props = [r["properties"] for r in run["results"]]
    assert {(p["package"], p["version"]) for p in props} == {("pkg", "1.0"), ("other", "2.0")}
    assert all(url.startswith("https://osv.dev/vulnerability/") for p in props for url in p["advisory_urls"])
