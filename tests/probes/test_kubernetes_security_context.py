from secplan.vocabulary import Outcome

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
