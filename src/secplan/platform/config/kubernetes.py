"""Kubernetes manifests and docker-compose files: privileged or root containers, host namespaces,
missing limits and network policies, ML ports published publicly, ML servers in container commands."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from secplan.platform.config.mlservers import ML_PORTS, check_command, check_env
from secplan.platform.config.shapes import check_compose_shape, check_manifest_shape
from secplan.platform.findings import Finding, finding

WORKLOADS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "ReplicationController"}


def _line(text: str, needle: str, after: int = 0) -> int | None:
    index = text.find(needle, after)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    kind = doc.get("kind")
    spec = doc.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
    return ((spec.get("template") or {}).get("spec")) if isinstance(spec, dict) else None


def check_manifest(docs: list[Any], text: str, path: str) -> Iterator[Finding]:
    """One YAML file's documents. Project-wide checks (NetworkPolicy) are in :func:`check_network_policies`."""
    for index, doc in enumerate(docs):
        if not isinstance(doc, dict):
            continue
        check_manifest_shape(doc, path, index)
        kind, name = doc.get("kind"), (doc.get("metadata") or {}).get("name", "?")
        anchor = _line(text, f"name: {name}") or 1
        if kind in WORKLOADS:
            spec = pod_spec(doc) or {}
            yield from _check_pod(spec, f"{kind} {name}", path, anchor)
        elif kind == "Service":
            spec = doc.get("spec") or {}
            if spec.get("type") in ("LoadBalancer", "NodePort"):
                for port in spec.get("ports") or []:
                    number = port.get("port") if isinstance(port, dict) else None
                    target = port.get("targetPort") if isinstance(port, dict) else None
                    for p in (number, target):
                        if isinstance(p, int) and p in ML_PORTS:
                            rule = "ray-exposed" if p in (8265, 10001) else "ml-port-public"
                            yield finding(rule, path, _line(text, f"port: {number}") or anchor,
                                          f"Service {name} ({spec['type']}) publishes {ML_PORTS[p]} port {p}")
                            break


def _check_pod(spec: dict[str, Any], what: str, path: str, line: int) -> Iterator[Finding]:
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            yield finding("k8s-privileged", path, line, f"{what} uses {key}: true")
    pod_ctx = spec.get("securityContext") or {}
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if not isinstance(container, dict):
            continue
        cname = f"{what} container {container.get('name', '?')}"
        ctx = container.get("securityContext") or {}
        if ctx.get("privileged") is True:
            yield finding("k8s-privileged", path, line, f"{cname} is privileged")
        if ctx.get("allowPrivilegeEscalation") is True:
            yield finding("k8s-privileged", path, line, f"{cname} allows privilege escalation")
        non_root = ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot"))
        user = ctx.get("runAsUser", pod_ctx.get("runAsUser"))
        if user == 0 or (non_root is not True and not (isinstance(user, int) and user > 0)):
            yield finding("k8s-run-as-root", path, line, f"{cname} may run as root (runAsNonRoot not set)")
        limits = (container.get("resources") or {}).get("limits") or {}
        if not ({"cpu", "memory"} <= set(limits)):
            yield finding("k8s-no-resource-limits", path, line, f"{cname} has no cpu/memory limits")
        command = " ".join(str(x) for x in (container.get("command") or []) + (container.get("args") or []))
        if command:
            yield from check_command(command, path, line)
        for env in container.get("env") or []:
            if isinstance(env, dict) and "value" in env:
                yield from check_env(str(env.get("name")), str(env.get("value")), path, line)


def check_network_policies(workloads: list[tuple[str, int | None]], has_policy: bool) -> Iterator[Finding]:
    """Workloads exist but no manifest in the project declares a NetworkPolicy."""
    if workloads and not has_policy:
        path, line = workloads[0]
        yield finding("k8s-no-network-policy", path, line,
                      f"{len(workloads)} workload(s) and no NetworkPolicy in the project: all pod traffic is allowed")


def check_compose(doc: Any, text: str, path: str) -> Iterator[Finding]:
    check_compose_shape(doc, path)
    services = (doc or {}).get("services") if isinstance(doc, dict) else None
    for name, svc in (services or {}).items():
        if not isinstance(svc, dict):
            continue
        line = _line(text, f"{name}:") or 1
        if svc.get("privileged") is True or svc.get("network_mode") == "host":
            yield finding("compose-privileged", path, line,
                          f"service {name} is privileged or uses the host network")
        for port in svc.get("ports") or []:
            published = _published(port)
            if published and published[1] in ML_PORTS and published[0] in ("", "0.0.0.0", "::"):
                rule = "ray-exposed" if published[1] in (8265, 10001) else "ml-port-public"
                yield finding(rule, path, _line(text, str(published[1]), text.find(f"{name}:")) or line,
                              f"service {name} publishes {ML_PORTS[published[1]]} port {published[1]} on all interfaces")
        for key in ("command", "entrypoint"):
            value = svc.get(key)
            if value:
                command = " ".join(map(str, value)) if isinstance(value, list) else str(value)
                yield from check_command(command, path, _line(text, f"{key}:", text.find(f"{name}:")) or line)
        env = svc.get("environment") or {}
        items = env.items() if isinstance(env, dict) else (str(e).partition("=")[::2] for e in env)
        for key, value in items:
            yield from check_env(str(key), str(value or ""), path, line)


def _published(port: Any) -> tuple[str, int] | None:
    """(host ip, host port) a compose port entry publishes, or None."""
    if isinstance(port, dict):
        published = port.get("published")
        return (str(port.get("host_ip", "")), int(published)) if str(published or "").isdigit() else None
    parts = str(port).split("/")[0].rsplit(":", 2)
    if len(parts) < 2:
        return None  # a container port only: published on an ephemeral host port
    host = parts[-2].split("-")[0]
    return (parts[0].strip("[]") if len(parts) == 3 else ""), int(host) if host.isdigit() else -1
