import pytest

from secplan.assess.result import FindingDoc
from secplan.assess.score import control_status, mean
from secplan.vocabulary import Outcome, Severity, Status


def f(probe, outcome, severity="medium", state=None):
    if outcome == Outcome.NEGATIVE and state is None:
        state = "open"
    return FindingDoc(id=f"{probe}/x", probe=probe, control="DS-1", severity=severity, outcome=outcome,
                      message=f"{probe} {outcome}", state=state)


P, N, E, X, NA = Outcome.POSITIVE, Outcome.NEGATIVE, Outcome.NO_EVIDENCE, Outcome.ERROR, Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("findings", "status", "score"),
    [
        ([f("a", P), f("b", P, "high")], Status.PASS, 10.0),
        ([f("a", P), f("a", N, "high")], Status.FAIL, 0.0),              # one violation fails the probe
        ([f("a", P, "high"), f("b", N, "medium")], Status.PARTIAL, 7.0),  # 7 / (7 + 3)
        ([f("a", N, "low")], Status.FAIL, 0.0),                           # nothing passes
        ([f("a", P), f("b", N, "critical", "waived")], Status.WAIVED, 10.0),
        ([f("a", N, "high", "baseline")], Status.FAIL, 0.0),              # known is not fixed
        ([f("a", E)], Status.MANUAL, None),
        ([f("a", NA), f("b", NA)], Status.NOT_APPLICABLE, None),
        ([f("a", X)], Status.ERROR, None),
        ([f("a", P), f("b", X)], Status.PARTIAL, 10.0),
        ([f("a", P), f("b", E)], Status.PARTIAL, 10.0),
        ([], Status.MANUAL, None),
    ],
)
def test_control_status(findings, status, score):
    verdict = control_status(findings)
    assert (verdict.status, verdict.score) == (status, score)


def test_a_control_never_passes_without_positive_evidence():
    for outcomes in ([NA], [E], [NA, E], [X]):
        assert control_status([f(str(i), o) for i, o in enumerate(outcomes)]).status != Status.PASS


def test_mean_ignores_missing_scores():
    assert mean([10.0, None, 5.0]) == 7.5
    assert mean([None]) is None


def test_severity_order_and_weights():
    assert Severity.CRITICAL.at_least(Severity.HIGH) and not Severity.LOW.at_least(Severity.MEDIUM)
    assert [s.weight for s in Severity] == sorted((s.weight for s in Severity), reverse=True)
