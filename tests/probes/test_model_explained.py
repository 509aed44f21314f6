"""MS-3: every registered model version is explained by a current evaluation its card shows."""

from pathlib import Path

import pytest

from secplan.model.evaluate.evidence import EVALUATIONS, Evaluation, Evaluations, SuiteResult, VersionToJudge

from .cases import NA, NE, Case, N, P, at, days_ago

FILES = {"models/fraud.onnx": b"\x08\x07"}
VERSION = VersionToJudge("fraud@1", "sha256:" + "a" * 64, "models/fraud.onnx")
EXPLAIN = SuiteResult("explain", None, {"amount": 0.31, "country": 0.12},
                      {"top_features": ["amount", "country", "hour"]})


def evaluated(*suites: SuiteResult) -> Evaluations:
    return Evaluations((Evaluation("fraud", "1", VERSION.digest, suites, at(days_ago(2))),), (VERSION,))


CASES = [
    Case("model-explained", "explained by permutation importance", (P,), files=FILES,
         evidence={EVALUATIONS: evaluated(EXPLAIN)}, says=("fraud@1 is explained: top features amount, country",)),
    Case("model-explained", "registered but never evaluated", (N,), files=FILES,
         evidence={EVALUATIONS: Evaluations((), (VERSION,))},
         says=("fraud@1 has no evaluation of its digest", "secplan model evaluate fraud@1")),
    Case("model-explained", "evaluated without the explain suite", (N,), files=FILES,
         evidence={EVALUATIONS: evaluated(SuiteResult("robustness", True, {"accuracy_drop": 0.01}))},
         says=("has no explanation", "--suite explain")),
    Case("model-explained", "an explain suite that found no features explains nothing", (N,), files=FILES,
         evidence={EVALUATIONS: evaluated(SuiteResult("explain", None, {}, {"top_features": []}))},
         says=("has no explanation",)),
    Case("model-explained", "nothing registered", (NE,), files=FILES,
         evidence={EVALUATIONS: Evaluations()}, says=("no model version is registered",)),
    Case("model-explained", "no model in the project", (NA,), files={"data/train.csv": "a\n1\n"},
         evidence={EVALUATIONS: Evaluations()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
