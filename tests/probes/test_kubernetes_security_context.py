import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "kubernetes-security-context"
MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: good
          securityContext: {allowPrivilegeEscalation: false}
        - name: priv
          securityContext: {privileged: true, allowPrivilegeEscalation: false}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: retrain}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              securityContext: {runAsUser: 0, allowPrivilegeEscalation: false}
"""


def test_each_container_judged(project_dir):
    make_project(project_dir, {"k8s/app.yaml": MANIFEST})
    results = run_probe(ID, project_dir)
    bad = {r.location.member: r.message for r in negatives(results)}
    assert set(bad) == {"Deployment/api/priv", "CronJob/retrain/job"}
    assert "privileged" in bad["Deployment/api/priv"]
    assert "root" in bad["CronJob/retrain/job"]
    assert [r.location.member for r in results if r.outcome == Outcome.POSITIVE] == ["Deployment/api/good"]


def test_no_kubernetes(project_dir):
    make_project(project_dir, {"conf.yaml": "a: 1\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


def pod(security: str) -> str:
    return f"apiVersion: v1\nkind: Pod\nmetadata: {{name: api}}\nspec:\n  containers:\n  - name: app\n    image: x\n{security}"


HARDENED = "    securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}\n"

CASES = [
    Case(ID, "non-root without escalation", (P,), files={"k8s/pod.yaml": pod(HARDENED)},
         says=("container app runs as non-root without privilege escalation",)),
    Case(ID, "no security context", (N,), files={"k8s/pod.yaml": pod("")},
         says=("container app: may run as root, allows privilege escalation",)),
    Case(ID, "privileged", (N,), files={"k8s/pod.yaml": pod(HARDENED.replace("}", ", privileged: true}"))},
         says=("container app: privileged",)),
    Case(ID, "no workloads", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
