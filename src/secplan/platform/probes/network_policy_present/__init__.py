"""Workloads are segmented by network policies (PS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.platform.k8s import WORKLOAD_KINDS, kubernetes_documents

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    workloads: dict[str, str] = {}
    policies: set[str] = set()
    for path, doc in kubernetes_documents(ev):
        namespace = (doc.get("metadata") or {}).get("namespace") or "default"
        if doc.get("kind") == "NetworkPolicy":
            policies.add(namespace)
        elif doc.get("kind") in WORKLOAD_KINDS:
            workloads.setdefault(namespace, path)
    if not workloads:
        yield not_applicable("no Kubernetes workloads in the project (firewall and intrusion-detection "
                             "reviews are judged from attestations)")
        return
    for namespace, path in sorted(workloads.items()):
        if namespace in policies:
            yield positive(f"namespace {namespace} has a NetworkPolicy", Location(path))
        else:
            yield negative(f"namespace {namespace} runs workloads without any NetworkPolicy", Location(path),
                           key=namespace)
