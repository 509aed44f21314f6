"""JUnit XML parses back and its counts match the controls' statuses."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from secplan.assess.result import AssessmentDoc
from secplan.report.junit import JunitWriter
from secplan.vocabulary import Status

from .conftest import HOSTILE


def parse(doc: AssessmentDoc) -> ET.Element:
    return ET.fromstring(JunitWriter().render(doc).encode("utf-8"))


def test_a_suite_per_pillar_and_a_case_per_control(doc: AssessmentDoc) -> None:
    root = parse(doc)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name").split()[0] for s in suites] == ["DS", "MS", "PS", "CS", "HS"]
    cases = root.iter("testcase")
    assert [c.get("name").split()[0] for c in cases] == [c.id for c in doc.controls]
    assert root.get("tests") == "32"


def test_counts_match_statuses(doc: AssessmentDoc) -> None:
    root = parse(doc)
    failed = doc.counts[Status.FAIL] + doc.counts[Status.PARTIAL]
    skipped = doc.counts[Status.MANUAL] + doc.counts[Status.NOT_APPLICABLE] + doc.counts[Status.WAIVED]
    assert int(root.get("failures")) == failed == len(list(root.iter("failure")))
    assert int(root.get("errors")) == doc.counts[Status.ERROR] == len(list(root.iter("error")))
    assert int(root.get("skipped")) == skipped == len(list(root.iter("skipped")))
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)


def test_failures_list_the_open_findings(doc: AssessmentDoc) -> None:
    root = parse(doc)
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("DS-1 "))
    failure = case.find("failure")
    assert failure.get("type") == "fail"
    assert "2 open findings" in failure.get("message")
    assert "sensitive-data-in-clear/000000000001" in failure.text
    assert HOSTILE in failure.text  # escaped in XML, intact after parsing
    assert "sensitive-data-in-clear/000000000003" not in failure.text  # waived: not an open finding


def test_error_and_skipped(doc: AssessmentDoc) -> None:
    root = parse(doc)
    cases = {c.get("name").split()[0]: c for c in root.iter("testcase")}
    assert "probe crashed" in cases["MS-4"].find("error").text
    assert cases["DS-5"].find("skipped").get("message").startswith("manual:")
    assert cases["DS-6"].find("skipped").get("message").startswith("not applicable:")
    assert cases["DS-8"].find("skipped").get("message").startswith("waived:")
    assert len(list(cases["DS-2"])) == 1  # pass: only its system-out


def test_characters_xml_cannot_carry_are_dropped(doc: AssessmentDoc) -> None:
    doc.controls[0].findings[0].message = "bad\x00byte\x1b[31m and \ufffe"
    root = parse(doc)
    failure = next(root.iter("failure"))
    assert "badbyte[31m and " in failure.text
