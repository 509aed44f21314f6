"""GitHub's limits: at most 25,000 results per run and 10 MB gzipped; the worst findings are kept and
the run says what was dropped."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import jsonschema

from secplan.findings import Finding, Location
from secplan.report.sarif import GITHUB, Limits, build_log
from secplan.vocabulary import Severity

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
SEVERITIES = list(Severity)


def findings(n: int, *, message: callable = lambda i: f"finding {i}") -> list[Finding]:
    rng = random.Random(7)
    return [Finding("dockerfile-add-url", "PS-7", rng.choice(SEVERITIES), message(i), Location(f"f{i % 97}.txt", i + 1))
            for i in range(n)]


def severities(log: dict) -> list[str]:
    return [r["properties"]["severity"] for r in log["runs"][0]["results"]]


def notes(log: dict) -> list[str]:
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    return [n["message"]["text"] for n in invocation.get("toolExecutionNotifications", [])]


def test_within_the_limits_nothing_is_dropped_or_said() -> None:
    built = build_log(findings(200))
    assert len(built.log["runs"][0]["results"]) == 200
    assert built.notices == () and notes(built.log) == []


def test_more_results_than_githubs_limit_keeps_the_worst_25000() -> None:
    many = findings(GITHUB.max_results + 40)
    built = build_log(many)
    kept = severities(built.log)
    assert len(kept) == GITHUB.max_results
    ranks = [Severity(s).rank for s in kept]
    assert ranks == sorted(ranks, reverse=True)
    dropped_worst = sorted((f.severity.rank for f in many), reverse=True)[GITHUB.max_results:][0]
    assert min(ranks) >= dropped_worst
    (notice,) = built.notices
    assert "40 of 25,040 results dropped" in notice and "25,000" in notice
    assert notes(built.log) == [notice]
    sample = json.loads(json.dumps(built.log))
    sample["runs"][0]["results"] = sample["runs"][0]["results"][:100]  # the schema check is slow on 25,000
    assert jsonschema.Draft4Validator(SCHEMA).is_valid(sample)


def test_a_log_over_the_gzip_limit_is_cut_to_fit_worst_first() -> None:
    rng = random.Random(3)
    noisy = findings(600, message=lambda i: "".join(rng.choice("0123456789abcdef") for _ in range(200)))
    limit = 40_000
    built = build_log(noisy, limits=Limits(max_gzip_bytes=limit))
    text = built.text()
    assert len(gzip.compress(text.encode())) <= limit
    kept = severities(built.log)
    assert 0 < len(kept) < 600
    worst = sorted((f.severity for f in noisy), key=lambda s: -s.rank)[: len(kept)]
    assert kept == [s.value for s in worst]
    assert any("gzipped" in n for n in notes(built.log))
    assert built.notices and "dropped" in built.notices[-1]
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(built.log))
    assert errors == []
    # The cut is as small as it can be: one more result would not have fitted.
    more = build_log(noisy, limits=Limits(max_results=len(kept) + 1))  # only the count limit applies
    assert len(more.log["runs"][0]["results"]) == len(kept) + 1
    assert len(gzip.compress(more.text().encode())) > limit - 400  # (its notice is shorter than the cut's)


def test_rules_carry_help_uri_tags_and_security_severity() -> None:
    log = build_log(findings(30)).log
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"].endswith("docs/rules.md#dockerfile-add-url")
    assert rule["properties"]["tags"][:2] == ["security", "PS-7"]
    assert len(rule["properties"]["tags"]) <= GITHUB.max_tags
    assert rule["properties"]["security-severity"] == "9.5"  # the worst result of the run
    assert "Remediation:" in rule["help"]["text"] and "docs/rules.md#" in rule["help"]["markdown"]
    result = log["runs"][0]["results"][0]
    assert set(result["partialFingerprints"]) == {"secplanFinding/v1", "secplanFindingId/v1"}
