"""The shapes of the Kubernetes and compose documents the configuration checks read.

Validated before any check looks inside, so a string where a pod spec belongs or a number where a
command list belongs is a warning naming the file and the field, never an ``AttributeError``.
Only what the checks read is modelled, and typed as loosely as Kubernetes and Compose accept it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from secplan.documents import validate_shape

Scalar = str | int | float | bool | None


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Capabilities(_Open):
    add: list[Scalar] | None = None


class SecurityContext(_Open):
    capabilities: Capabilities | None = None
    privileged: bool | None = None
    allowPrivilegeEscalation: bool | None = None
    runAsNonRoot: bool | None = None
    runAsUser: int | None = None


class EnvVar(_Open):
    name: Scalar = None
    value: Scalar = None


class Resources(_Open):
    limits: dict[str, Scalar] | None = None


class Container(_Open):
    name: Scalar = None
    securityContext: SecurityContext | None = None
    resources: Resources | None = None
    command: list[Scalar] | None = None
    args: list[Scalar] | None = None
    env: list[EnvVar | Scalar] | None = None


class HostPath(_Open):
    path: Scalar = None


class Volume(_Open):
    hostPath: HostPath | None = None


class PodSpec(_Open):
    volumes: list[Volume | Scalar] | None = None
    ephemeralContainers: list[Container | Scalar] | None = None
    hostNetwork: bool | None = None
    hostPID: bool | None = None
    hostIPC: bool | None = None
    securityContext: SecurityContext | None = None
    containers: list[Container | Scalar] | None = None
    initContainers: list[Container | Scalar] | None = None


class PodTemplate(_Open):
    spec: PodSpec | None = None


class JobSpec(_Open):
    template: PodTemplate | None = None


class JobTemplate(_Open):
    spec: JobSpec | None = None


class WorkloadSpec(_Open):
    template: PodTemplate | None = None
    jobTemplate: JobTemplate | None = None


class Metadata(_Open):
    name: Scalar = None


class ServicePort(_Open):
    port: int | str | None = None
    targetPort: int | str | None = None


class ServiceSpec(_Open):
    type: str | None = None
    ports: list[ServicePort | Scalar] | None = None


class Manifest(_Open):
    apiVersion: Scalar = None
    kind: Scalar = None
    metadata: Metadata | None = None
    spec: dict[str, Any] | None = None


class ComposePort(_Open):
    published: int | str | None = None
    host_ip: str | None = None


class ComposeVolume(_Open):
    type: str | None = None
    source: Scalar = None


class ComposeService(_Open):
    privileged: bool | None = None
    network_mode: str | None = None
    pid: str | None = None
    ipc: str | None = None
    user: Scalar = None
    cap_add: list[Scalar] | None = None
    security_opt: list[Scalar] | None = None
    volumes: list[ComposeVolume | Scalar] | None = None
    ports: list[ComposePort | Scalar] | None = None
    command: str | list[Scalar] | None = None
    entrypoint: str | list[Scalar] | None = None
    environment: dict[str, Scalar] | list[Scalar] | None = None


class Compose(_Open):
    services: dict[str, ComposeService | None] | None = None


_SPEC_BY_KIND: dict[str, type[BaseModel]] = {"Pod": PodSpec, "Service": ServiceSpec}


def check_manifest_shape(doc: dict[str, Any], path: str, index: int) -> None:
    """Raise :class:`~secplan.documents.DocumentError` when a manifest's fields that the checks read
    have the wrong types. ``index`` (0-based) names the document inside a multi-document file."""
    source = f"{path} (document {index + 1})"
    manifest = validate_shape(Manifest, doc, source)
    if manifest.spec is not None:
        validate_shape(_SPEC_BY_KIND.get(str(manifest.kind), WorkloadSpec), manifest.spec, f"{source} spec")


def check_pod_spec_shape(spec: dict[str, Any], source: str) -> None:
    """A pod spec found anywhere in a document (templates of custom resources included)."""
    validate_shape(PodSpec, spec, source)


def check_compose_shape(doc: Any, path: str) -> None:
    validate_shape(Compose, doc if doc is not None else {}, path)
