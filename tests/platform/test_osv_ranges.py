"""OSV range evaluation against hand-computed cases, alias merging and severity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from secplan.platform.manifests import Dependency
from secplan.platform.osv.index import MemoryDatabase
from secplan.platform.osv.match import match, merge_aliases
from secplan.platform.osv.model import Affected, canonical_name, parse_record, severity_of
from secplan.platform.osv.ranges import is_affected
from secplan.vocabulary import Severity


def aff(*ranges: list[tuple[str, str]], versions: tuple[str, ...] = ()) -> Affected:
    return Affected("pkg", tuple(tuple(r) for r in ranges), versions)


TWO_RANGES = aff([("introduced", "0"), ("fixed", "1.0")], [("introduced", "1.5"), ("fixed", "2.0.1")])


@pytest.mark.parametrize(("version", "expected"), [
    ("0.1", True), ("0.9.9", True), ("1.0", False), ("1.0.0", False), ("1.2", False),
    ("1.5", True), ("1.5.0rc1", False), ("2.0", True), ("2.0.1", False), ("2.0.1.post1", False), ("3", False),
    ("1.0rc1", True), ("0!0.5", True),
])
def test_introduced_fixed_two_ranges(version: str, expected: bool) -> None:
    assert is_affected(version, TWO_RANGES) is expected


@pytest.mark.parametrize(("version", "expected"), [
    ("1.9", False), ("2.0", True), ("2.3.4", True), ("2.3.5", False), ("2.3.4.post1", False),
])
def test_last_affected_is_inclusive(version: str, expected: bool) -> None:
    assert is_affected(version, aff([("introduced", "2.0"), ("last_affected", "2.3.4")])) is expected


def test_events_out_of_order_are_sorted() -> None:
    rng = aff([("fixed", "2.0"), ("introduced", "1.0")])
    assert is_affected("1.5", rng) and not is_affected("0.5", rng) and not is_affected("2.0", rng)


def test_explicit_versions_match_normalised() -> None:
    only = aff(versions=("1.2.0", "2.0b1"))
    assert is_affected("1.2", only) and is_affected("2.0.b1", only) and not is_affected("1.3", only)


def test_introduced_only_means_every_later_version() -> None:
    assert is_affected("99.0", aff([("introduced", "3.1")])) and not is_affected("3.0", aff([("introduced", "3.1")]))


def test_unparseable_bound_is_reported_not_called_clean() -> None:
    """A bound that cannot be ordered cannot prove a version clean: the range counts as affecting."""
    assert is_affected("1.0", aff([("introduced", "0"), ("fixed", "not-a-version")]))
    assert not is_affected("weird version", aff([("introduced", "0")]))  # no order for the pin itself


@pytest.mark.parametrize(("version", "expected"), [
    ("0.5", True), ("1.9", True), ("2.0", False), ("2.5", False),
])
def test_limit_caps_a_range(version: str, expected: bool) -> None:
    # OSV: a range applies only below one of its limits, whatever its other events say.
    assert is_affected(version, aff([("introduced", "0"), ("limit", "2.0")])) is expected


def test_several_limits_and_infinity() -> None:
    two = aff([("introduced", "0"), ("limit", "1.0"), ("limit", "3.0")])
    assert is_affected("2.0", two) and not is_affected("3.0", two)
    assert is_affected("99", aff([("introduced", "1.0"), ("limit", "*")]))


def test_limit_with_fixed_inside() -> None:
    rng = aff([("introduced", "1.0"), ("fixed", "1.5"), ("introduced", "2.0"), ("limit", "2.5")])
    assert [is_affected(v, rng) for v in ("0.9", "1.2", "1.5", "2.1", "2.5", "3.0")] == \
        [False, True, False, True, False, False]


def test_parse_record_keeps_limit_events() -> None:
    rec = record("L", ranges=[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"limit": "2.0"}]}])
    adv = parse_record(rec)
    assert adv is not None and adv.affected[0].events == ((("introduced", "0"), ("limit", "2.0")),)


def record(id_: str, *, aliases=(), ranges=None, versions=(), severity=None, withdrawn=None, name="Py_Pkg", db=None):
    rec = {"id": id_, "aliases": list(aliases), "summary": f"summary of {id_}",
           "affected": [{"package": {"ecosystem": "PyPI", "name": name},
                         "ranges": ranges if ranges is not None else [{"type": "ECOSYSTEM",
                                                                       "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
                         "versions": list(versions)}]}
    if severity:
        rec["severity"] = severity
    if withdrawn:
        rec["withdrawn"] = withdrawn
    if db:
        rec["database_specific"] = db
    return rec


def test_parse_record_skips_withdrawn_git_and_other_ecosystems() -> None:
    assert parse_record(record("A", withdrawn="2024-01-01T00:00:00Z")) is None
    git_only = record("B", ranges=[{"type": "GIT", "repo": "x", "events": [{"introduced": "abc"}, {"fixed": "def"}]}])
    assert parse_record(git_only) is None
    npm = record("C")
    npm["affected"][0]["package"]["ecosystem"] = "npm"
    assert parse_record(npm) is None
    adv = parse_record(record("D"))
    assert adv is not None and adv.affected[0].package == "py-pkg" == canonical_name("Py_Pkg")


def test_severity_from_cvss_v3_v4_and_labels() -> None:
    v3 = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
    assert severity_of({"severity": v3}) == (Severity.CRITICAL, 9.8)
    v3_low = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}]
    assert severity_of({"severity": v3_low})[0] is Severity.LOW
    v4 = [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]
    assert severity_of({"severity": v4})[0] is Severity.CRITICAL
    assert severity_of({"database_specific": {"severity": "MODERATE"}}) == (Severity.MEDIUM, None)
    assert severity_of({"severity": [{"type": "CVSS_V3", "score": "garbage"}]}) == (None, None)


def test_alias_merge_and_match_message() -> None:
    db = MemoryDatabase([a for a in (
        parse_record(record("PYSEC-1", aliases=["CVE-2024-1"])),
        parse_record(record("GHSA-xxxx", aliases=["CVE-2024-1"], db={"severity": "HIGH"},
                            ranges=[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.9.3"}]}])),
        parse_record(record("PYSEC-2", ranges=[{"type": "ECOSYSTEM", "events": [{"introduced": "5.0"}]}])),
    ) if a], "test")
    groups = merge_aliases(db.advisories_for("py-pkg"))
    assert sorted(len(g) for g in groups) == [1, 2]
    found = match([Dependency("py-pkg", "1.5", "py-pkg==1.5", "requirements.txt", 3)], db)
    assert len(found) == 1
    f = found[0]
    assert f.advisories == ("GHSA-xxxx", "PYSEC-1", "CVE-2024-1")
    assert f.severity is Severity.HIGH and "CVE-2024-1" in f.message and "fixed in 1.9.3, 2.0" in f.message
    assert match([Dependency("py-pkg", "2.0", "py-pkg==2.0", "r.txt", 1)], db) == []


def test_unknown_severity_is_medium_and_says_so() -> None:
    db = MemoryDatabase([parse_record(record("PYSEC-9"))], "test")
    (f,) = match([Dependency("py-pkg", "1.0", "py-pkg==1.0", "r.txt", 1)], db)
    assert f.severity is Severity.MEDIUM and "medium assumed" in f.message


def test_unpinned_dependency_is_reported_not_guessed() -> None:
    db = MemoryDatabase([parse_record(record("PYSEC-9"))], "test")
    (f,) = match([Dependency("py-pkg", None, "py-pkg>=1.0", "r.txt", 1)], db)
    assert f.rule == "unpinned-requirement" and f.advisories == ()


# --- property: the evaluator agrees with interval membership computed independently -------------

_version = st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 3)).map(lambda t: ".".join(map(str, t)))


@settings(max_examples=300, deadline=None)
@given(bounds=st.lists(_version, min_size=1, max_size=6, unique_by=lambda v: Version(v)),
       from_zero=st.booleans(), last_inclusive=st.booleans(), probe=_version, order=st.randoms())
def test_matches_interval_membership(bounds, from_zero, last_inclusive, probe, order) -> None:
    ordered = sorted(bounds, key=Version)
    if from_zero:
        ordered = ["0", *ordered]
    pairs = [ordered[i:i + 2] for i in range(0, len(ordered), 2)]
    events, expected = [], False
    v = Version(probe)
    for n, pair in enumerate(pairs):
        low = Version("0") if pair[0] == "0" else Version(pair[0])
        events.append(("introduced", pair[0]))
        if len(pair) == 1:
            expected |= v >= low
        elif last_inclusive and n == len(pairs) - 1:
            events.append(("last_affected", pair[1]))
            expected |= low <= v <= Version(pair[1])
        else:
            events.append(("fixed", pair[1]))
            expected |= low <= v < Version(pair[1])
    order.shuffle(events)
    assert is_affected(probe, aff(events)) is expected
