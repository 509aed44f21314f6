"""Kubernetes workloads run with least privilege (PS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.platform.k8s import iter_containers, kubernetes_documents

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    seen = False
    for path, doc in kubernetes_documents(ev):
        for name, pod_ctx, ctx in iter_containers(doc):
            seen = True
            merged = {**pod_ctx, **ctx}
            problems = []
            if ctx.get("privileged"):
                problems.append("privileged")
            non_root = merged.get("runAsNonRoot") is True or (merged.get("runAsUser") not in (None, 0))
            if not non_root or merged.get("runAsUser") == 0:
                problems.append("may run as root")
            if ctx.get("allowPrivilegeEscalation") is not False:
                problems.append("allows privilege escalation")
            where = Location(path, member=f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}/{name}")
            if problems:
                yield negative(f"container {name}: {', '.join(problems)}", where, key=f"{where.path}|{where.member}")
            else:
                yield positive(f"container {name} runs as non-root without privilege escalation", where)
    if not seen:
        yield not_applicable("no Kubernetes workloads in the project")
