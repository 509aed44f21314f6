"""MS-4: models are robustness-tested before release (evasion, perturbation, membership, extraction)."""

from pathlib import Path

import pytest

from secplan.model.evaluate.evidence import EVALUATIONS, Evaluation, Evaluations, SuiteResult, VersionToJudge

from .cases import NA, NE, Case, N, P, at, days_ago

FILES = {"models/fraud.onnx": b"\x08\x07"}
WHEN = at(days_ago(3))


def evaluation(version: str, *suites: SuiteResult) -> Evaluation:
    return Evaluation("fraud", version, f"sha256:{version * 8}", suites, WHEN)


def robustness(passed: bool, drop: float, *failed: str) -> SuiteResult:
    return SuiteResult("robustness", passed, {"accuracy_drop": drop}, {"failed": list(failed)})


def staged(version: str) -> VersionToJudge:
    return VersionToJudge(f"fraud@{version}", f"sha256:{version * 8}", "models/fraud.onnx", ("production",))


CASES = [
    Case("robustness-evaluated", "passed its robustness evaluation", (P,), files=FILES,
         evidence={EVALUATIONS: Evaluations((evaluation("1", robustness(True, 0.02)),), (staged("1"),))},
         says=("fraud@1 passed its robustness evaluation of",)),
    Case("robustness-evaluated", "failed a threshold", (N,), files=FILES,
         evidence={EVALUATIONS: Evaluations((evaluation("2", robustness(False, 0.4, "accuracy_drop 0.4 > 0.1")),))},
         says=("fraud@2 failed its robustness evaluation", "accuracy_drop 0.4 > 0.1")),
    Case("robustness-evaluated", "membership inference succeeds", (N,), files=FILES,
         evidence={EVALUATIONS: Evaluations((evaluation("3", SuiteResult(
             "privacy", False, {"membership_advantage": 0.3}, {"failed": ["membership_advantage 0.3 > 0.1"]})),))},
         says=("fraud@3 failed its privacy evaluation", "membership_advantage")),
    Case("robustness-evaluated", "in production without a robustness evaluation", (N,), files=FILES,
         evidence={EVALUATIONS: Evaluations((), (staged("4"),))},
         says=("fraud@4 is in production without a robustness evaluation of its digest",)),
    Case("robustness-evaluated", "nothing evaluated", (NE,), files=FILES,
         evidence={EVALUATIONS: Evaluations()}, says=("no robustness evaluation is recorded",)),
    Case("robustness-evaluated", "no model in the project", (NA,), files={"data/train.csv": "a\n1\n"},
         evidence={EVALUATIONS: Evaluations()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
