import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "network-policy-present"
POD = "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: {ns}}}\nspec: {{containers: [{{name: c}}]}}\n"
POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec: {}\n"


def test_namespaces_without_policy(project_dir):
    make_project(project_dir, {"a.yaml": POD.format(ns="a"), "b.yaml": POD.format(ns="b"), "np.yaml": POLICY})
    results = run_probe(ID, project_dir)
    assert [r.key for r in negatives(results)] == ["b"]
    assert any(r.outcome == Outcome.POSITIVE and "namespace a" in r.message for r in results)


def test_without_kubernetes_the_attestation_probe_decides(project_dir):
    make_project(project_dir, {"x.py": "pass\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: ml}\nspec: {}\n"
ML_POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: ml}\nspec: {}\n"

CASES = [
    Case(ID, "namespace with a NetworkPolicy", (P,), files={"k8s/api.yaml": DEPLOY, "k8s/policy.yaml": ML_POLICY},
         says=("namespace ml has a NetworkPolicy",)),
    Case(ID, "workloads without a policy", (N,), files={"k8s/api.yaml": DEPLOY},
         says=("namespace ml runs workloads without any NetworkPolicy",)),
    Case(ID, "no workloads", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
