"""Kubernetes manifests as plain data: the documents of a project and the containers they run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.documents import parse_yaml_all
from secplan.errors import InputError
from secplan.platform.config.kubernetes import WORKLOADS
from secplan.platform.config.runtime import containers, pod_specs
from secplan.platform.config.shapes import check_manifest_shape

WORKLOAD_KINDS = WORKLOADS


def kubernetes_documents(ev: Evidence) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, document) for every YAML document with apiVersion and kind; unparsable files are skipped."""
    for f in ev.files:
        if not f.path.endswith((".yml", ".yaml")):
            continue
        text = read_text(ev.root / f.path)
        if not text or "apiVersion" not in text:
            continue
        try:
            docs = parse_yaml_all(text, f.path)
        except InputError:  # the platform scan reports the file; probes judge the others
            continue
        for index, doc in enumerate(docs):
            if not (isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc):
                continue
            items = doc.get("items") if doc["kind"] == "List" else [doc]
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and _well_shaped(item, f.path, index):
                    yield f.path, item


def _well_shaped(doc: dict[str, Any], path: str, index: int) -> bool:
    """Wrongly typed documents are reported by the platform scan; the probes judge the others."""
    try:
        check_manifest_shape(doc, path, index)
    except InputError:
        return False
    return True


def iter_containers(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(container name, pod securityContext, container securityContext) for each container, init and
    ephemeral container of every pod spec in the document (custom resources' templates included)."""
    for _, spec in pod_specs(doc):
        pod_ctx = spec.get("securityContext") if isinstance(spec.get("securityContext"), dict) else {}
        for _, container in containers(spec):
            ctx = container.get("securityContext")
            yield str(container.get("name", "?")), pod_ctx, ctx if isinstance(ctx, dict) else {}
