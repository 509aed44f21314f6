"""Benchmark: secplan's report writers against the libraries a Python user would reach for instead.

Same input, one run: an assessment document of all 32 controls carrying N findings (a large
monorepo: dependency CVEs, config findings, some waived or baselined), rendered by
  * SARIF: secplan's writer vs Microsoft's ``sarif-om`` object model serialised by
    ``jschema-to-python`` (what Bandit's SARIF formatter uses);
  * JUnit: secplan's writer vs the ``junit-xml`` package;
and secplan's other formats timed alone (no common alternative renders this document).
Both SARIF outputs are checked against the official 2.1.0 schema, so the race is between
equivalent, valid logs. Prints the best of R repeats and the ratio (alternative / secplan).

    .venv/bin/pip install -e '.[report-bench]'
    .venv/bin/python bench/report_bench.py --findings 20000 --repeats 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
import junit_xml
import sarif_om as om
from jschema_to_python.to_json import to_json

from secplan.assess.result import AssessmentDoc, ControlDoc, FindingDoc, LocationDoc, PillarDoc
from secplan.plan.catalogue import load_catalogue
from secplan.report import view
from secplan.report.sarif import LEVEL, SECURITY_SEVERITY, SarifWriter, artifact_uri, rule_name
from secplan.report.writers import FORMATS, get_writer
from secplan.vocabulary import Outcome, Pillar, Severity, Status

SCHEMA = Path(__file__).resolve().parents[1] / "tests" / "report" / "data" / "sarif-2.1.0-rtm.5.json"


def build_doc(findings: int, seed: int = 7) -> AssessmentDoc:
    """A deterministic document: ``findings`` negative findings spread over the 32 controls."""
    rng = random.Random(seed)
    catalogue = load_catalogue()
    per_control: dict[str, list[FindingDoc]] = {c.id: [] for c in catalogue}
    severities = list(Severity)
    for n in range(findings):
        control = rng.choice(catalogue)
        probe = f"{control.id.lower()}-probe-{rng.randrange(4)}"
        state = rng.choices(["open", "waived", "baseline"], weights=[8, 1, 1])[0]
        has_file = rng.random() < 0.85
        per_control[control.id].append(
            FindingDoc(
                id=f"{probe}/{n:012x}",
                probe=probe,
                control=control.id,
                severity=rng.choice(severities),
                outcome=Outcome.NEGATIVE,
                message=f"package-{n} 1.{n % 17}.0 has advisory GHSA-{n:04x}-<{n % 7}> & needs an upgrade",
                location=LocationDoc(path=f"services/svc-{n % 50}/requirements.txt", line=1 + n % 300)
                if has_file
                else None,
                state=state,
                waiver="PS-1" if state == "waived" else None,
                remediation="Upgrade to a fixed version or record a waiver with an expiry.",
            )
        )
    controls = [
        ControlDoc(
            id=c.id,
            pillar=c.pillar,
            title=c.title,
            status=Status.FAIL if per_control[c.id] else Status.MANUAL,
            score=2.0 if per_control[c.id] else None,
            summary="Open findings.",
            asks=c.asks,
            checks=c.checks,
            frameworks={k: list(v) for k, v in c.frameworks.items()},
            findings=per_control[c.id],
        )
        for c in catalogue
    ]
    every = [f for c in controls for f in c.findings]
    return AssessmentDoc(
        tool={"name": "secplan", "version": "0.1.0"},
        project={"name": "bench-monorepo"},
        generated_at=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
        today=dt.date(2026, 11, 25),
        score=2.0,
        coverage=1.0,
        counts={s: sum(c.status == s for c in controls) for s in Status},
        severity_counts={s: sum(f.severity == s and f.state == "open" for f in every) for s in Severity},
        fail_on=Severity.HIGH,
        failed=True,
        pillars=[PillarDoc(id=p, title=p.title, score=2.0, counts={}) for p in Pillar],
        controls=controls,
        waivers=[],
    )


def sarif_with_sarif_om(doc: AssessmentDoc) -> str:
    """The same log built with sarif-om objects and serialised by jschema-to-python."""
    rules: list[om.ReportingDescriptor] = []
    index: dict[str, int] = {}
    results: list[om.Result] = []
    for control in doc.controls:
        for f in view.negative_findings(control):
            if f.probe not in index:
                index[f.probe] = len(rules)
                rules.append(
                    om.ReportingDescriptor(
                        id=f.probe,
                        name=rule_name(f.probe),
                        short_description=om.MultiformatMessageString(text=f"{control.id}: {f.probe}"),
                        full_description=om.MultiformatMessageString(text=control.asks),
                        help=om.MultiformatMessageString(text=f"Remediation: {f.remediation}"),
                        default_configuration=om.ReportingConfiguration(level=LEVEL[f.severity]),
                        properties={
                            "tags": ["security", control.id],
                            "security-severity": SECURITY_SEVERITY[f.severity],
                        },
                    )
                )
            path = f.location.path if f.location else view.PLAN_FILE
            line = f.location.line if f.location and f.location.line else 1
            results.append(
                om.Result(
                    rule_id=f.probe,
                    rule_index=index[f.probe],
                    level=LEVEL[f.severity],
                    message=om.Message(text=f"{f.message} ({control.id})"),
                    locations=[
                        om.Location(
                            physical_location=om.PhysicalLocation(
                                artifact_location=om.ArtifactLocation(
                                    uri=artifact_uri(path), uri_base_id="%SRCROOT%"
                                ),
                                region=om.Region(start_line=line),
                            )
                        )
                    ],
                    partial_fingerprints={"secplanFindingId/v1": f.id},
                    suppressions=None
                    if f.state == "open"
                    else [om.Suppression(kind="external", justification=f"{f.state}")],
                )
            )
    driver = om.ToolComponent(
        name="secplan", version="0.1.0", information_uri="https://github.com/secplan/secplan", rules=rules
    )
    log = om.SarifLog(
        schema_uri="https://json.schemastore.org/sarif-2.1.0.json",
        version="2.1.0",
        runs=[om.Run(tool=om.Tool(driver=driver), results=results)],
    )
    return to_json(log)


def junit_with_junit_xml(doc: AssessmentDoc) -> str:
    """A suite per pillar, a case per control, failures listing open findings, via junit-xml."""
    suites = []
    for pillar in doc.pillars:
        cases = []
        for control in (c for c in doc.controls if c.pillar == pillar.id):
            case = junit_xml.TestCase(f"{control.id} {control.title}", classname=f"secplan.{pillar.id.value}")
            found = view.open_findings(control)
            if control.status in (Status.FAIL, Status.PARTIAL):
                text = "\n".join(f"[{f.severity.value}] {f.id}: {f.message}" for f in found)
                case.add_failure_info(message=f"{len(found)} open findings", output=text, failure_type="fail")
            elif control.status == Status.MANUAL:
                case.add_skipped_info(message=control.summary)
            cases.append(case)
        suites.append(junit_xml.TestSuite(f"{pillar.id.value} {pillar.title}", cases))
    return junit_xml.to_xml_report_string(suites)


def best_of(repeats: int, fn: Callable[[], str]) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    doc = build_doc(args.findings)
    print(f"document: 32 controls, {args.findings} findings, best of {args.repeats}")

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    ours_s, ours = best_of(args.repeats, lambda: SarifWriter(probe_lookup=None).render(doc))
    alt_s, alt = best_of(args.repeats, lambda: sarif_with_sarif_om(doc))
    for label, text in (("secplan", ours), ("sarif-om", alt)):
        log = json.loads(text)
        jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
        assert len(log["runs"][0]["results"]) == args.findings, label
    print(
        f"sarif    secplan {ours_s:8.3f} s   sarif-om+jschema-to-python {alt_s:8.3f} s   ratio {alt_s / ours_s:6.1f}x"
    )

    ours_j, ours = best_of(args.repeats, lambda: get_writer("junit").render(doc))
    alt_j, alt = best_of(args.repeats, lambda: junit_with_junit_xml(doc))
    assert ours.count("<testcase") == alt.count("<testcase") == 32
    print(
        f"junit    secplan {ours_j:8.3f} s   junit-xml                  {alt_j:8.3f} s   ratio {alt_j / ours_j:6.1f}x"
    )

    for name in FORMATS:
        if name in ("sarif", "junit"):
            continue
        seconds, text = best_of(args.repeats, lambda name=name: get_writer(name).render(doc))
        print(
            f"{name:8} secplan {seconds:8.3f} s   ({len(text.encode()) / 1e6:.1f} MB, no common alternative)"
        )


if __name__ == "__main__":
    main()
