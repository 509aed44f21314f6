from secplan.vocabulary import Outcome

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
