"""Kubernetes manifests and docker-compose files: privileged or root containers, host namespaces,
missing limits and network policies, ML ports published publicly, ML servers in container commands."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from secplan.platform.config.locate import YamlLines, items_locator
from secplan.platform.config.mlservers import ML_PORTS, check_command, check_env
from secplan.platform.config.runtime import check_compose_service, check_pod_spec, containers, pod_specs
from secplan.platform.config.shapes import check_compose_shape, check_manifest_shape, check_pod_spec_shape
from secplan.platform.findings import Finding, finding

WORKLOADS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "ReplicationController",
             "PodTemplate"}
"""Built-in kinds that run pods; custom resources with a pod template (KServe, Ray, Kubeflow) are
recognised by the template itself (:func:`~secplan.platform.config.runtime.pod_specs`)."""


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The first pod spec of a document, wherever it sits."""
    return next((spec for _, spec in pod_specs(doc)), None)


def is_workload(doc: Any) -> bool:
    return isinstance(doc, dict) and (doc.get("kind") in WORKLOADS or pod_spec(doc) is not None)


def check_manifest(docs: list[tuple[Any, YamlLines]], path: str) -> Iterator[Finding]:
    """One YAML file's documents, each with its lines. Project-wide checks (NetworkPolicy) are in
    :func:`check_network_policies`."""
    for index, (doc, lines) in enumerate(docs):
        if not isinstance(doc, dict):
            continue
        check_manifest_shape(doc, path, index)
        items = doc.get("items") if doc.get("kind") == "List" and isinstance(doc.get("items"), list) else None
        for base, item in ([(("items", i), it) for i, it in enumerate(items)] if items is not None else [((), doc)]):
            if isinstance(item, dict):
                yield from _check_resource(item, base, lines, path, index)


def _check_resource(doc: dict[str, Any], base: tuple[Any, ...], lines: YamlLines, path: str,
                    index: int) -> Iterator[Finding]:
    kind, name = doc.get("kind"), (doc.get("metadata") or {}).get("name", "?")
    for where, spec in pod_specs(doc, base):
        check_pod_spec_shape(spec, f"{path} (document {index + 1}) {'.'.join(map(str, where))}")
        what = f"{kind} {name}"
        yield from check_pod_spec(spec, where, lines, what, path)
        yield from _containers(spec, where, lines, what, path)
    if kind == "Service":
        yield from _service(doc, base, lines, name, path)


def _containers(spec: dict[str, Any], base: tuple[Any, ...], lines: YamlLines, what: str,
                path: str) -> Iterator[Finding]:
    for rel, container in containers(spec):
        here = (*base, *rel)
        cname = f"{what} container {container.get('name', '?')}"
        limits = (container.get("resources") or {}).get("limits") or {}
        if rel[0] != "ephemeralContainers" and not ({"cpu", "memory"} <= set(limits)):
            # the limits block when it is written, else the container: the nearest written key
            yield finding("k8s-no-resource-limits", path, lines.at(*here, "resources", "limits"),
                          f"{cname} has no cpu/memory limits")
        words = [(key, i, str(x)) for key in ("command", "args") for i, x in enumerate(container.get(key) or [])]
        if words:
            at = items_locator(((text, lines.at(*here, key, i)) for key, i, text in words),
                               lines.at(*here, words[0][0]))
            yield from check_command(" ".join(text for _, _, text in words), path, at(None), where=at)
        for i, env in enumerate(container.get("env") or []):
            if isinstance(env, dict) and "value" in env:
                yield from check_env(str(env.get("name")), str(env.get("value")), path, lines.at(*here, "env", i))


def _service(doc: dict[str, Any], base: tuple[Any, ...], lines: YamlLines, name: Any, path: str) -> Iterator[Finding]:
    spec = doc.get("spec") or {}
    if spec.get("type") not in ("LoadBalancer", "NodePort"):
        return
    for i, port in enumerate(spec.get("ports") or []):
        if not isinstance(port, dict):
            continue
        for key in ("port", "targetPort"):
            p = port.get(key)
            if isinstance(p, int) and p in ML_PORTS:
                rule = "ray-exposed" if p in (8265, 10001) else "ml-port-public"
                yield finding(rule, path, lines.at(*base, "spec", "ports", i, key),
                              f"Service {name} ({spec['type']}) publishes {ML_PORTS[p]} port {p}")
                break


def check_network_policies(workloads: list[tuple[str, int | None]], has_policy: bool) -> Iterator[Finding]:
    """Workloads exist but no manifest in the project declares a NetworkPolicy."""
    if workloads and not has_policy:
        path, line = workloads[0]
        yield finding("k8s-no-network-policy", path, line,
                      f"{len(workloads)} workload(s) and no NetworkPolicy in the project: all pod traffic is allowed")


def check_compose(doc: Any, lines: YamlLines, path: str) -> Iterator[Finding]:
    check_compose_shape(doc, path)
    services = (doc or {}).get("services") if isinstance(doc, dict) else None
    for name, svc in (services or {}).items():
        if not isinstance(svc, dict):
            continue
        yield from check_compose_service(name, svc, lines, path)
        for i, port in enumerate(svc.get("ports") or []):
            published = _published(port)
            if published and published[1] in ML_PORTS and published[0] in ("", "0.0.0.0", "::"):
                rule = "ray-exposed" if published[1] in (8265, 10001) else "ml-port-public"
                yield finding(rule, path, lines.at("services", name, "ports", i),
                              f"service {name} publishes {ML_PORTS[published[1]]} port {published[1]} on all interfaces")
        for key in ("command", "entrypoint"):
            value = svc.get(key)
            if not value:
                continue
            if isinstance(value, list):
                at = items_locator(((str(x), lines.at("services", name, key, i)) for i, x in enumerate(value)),
                                   lines.at("services", name, key))
                yield from check_command(" ".join(map(str, value)), path, at(None), where=at)
            else:
                yield from check_command(str(value), path, lines.at("services", name, key))
        env = svc.get("environment") or {}
        if isinstance(env, dict):
            items = [(str(k), str(v if v is not None else ""), lines.at("services", name, "environment", k))
                     for k, v in env.items()]
        else:
            items = [(*str(e).partition("=")[::2], lines.at("services", name, "environment", i)) for i, e in enumerate(env)]
        for key, value, line in items:
            yield from check_env(key, value, path, line)


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
