"""The layers docs/architecture.md states, checked on the import graph read from the source.

A module may import modules of its own layer and of the layers below it, never above: the kernel
knows nothing of secplan's mechanisms, the mechanisms nothing of the engines, the assessment
pipeline finds engines by name (``ENGINE_MODULES``) instead of importing them, and nothing but an
entry point imports an entry point. Imports inside functions count too: they are for start-up
speed, not a way around a layer.
"""

from __future__ import annotations

from tests.imports import import_graph

# Layer of a module: the entry with the longest matching prefix. Keep in step with docs/architecture.md.
LAYERS: dict[str, int] = {
    # 0 kernel: vocabulary, errors, files and documents, findings, the probe contract, who is acting.
    "secplan": 0, "secplan.vocabulary": 0, "secplan.errors": 0, "secplan.fsutil": 0,
    "secplan.filetypes": 0, "secplan.documents": 0, "secplan.yamlfile": 0, "secplan.findings": 0,
    "secplan.identity": 0, "secplan.assess.interface": 0, "secplan.assess.discover": 0, "secplan.archive": 0,
    # 1 mechanisms: the store, projects, the plan, the ledger, keys and encryption, access.
    "secplan.store": 1, "secplan.projects": 1, "secplan.plan": 1, "secplan.ledger": 1,
    "secplan.crypto": 1, "secplan.access": 1,
    # 2 assessment and reports: the pipeline, evidence collection, scoring, every report writer.
    "secplan.assess": 2, "secplan.report": 2,
    # 3 engines, one per area of the plan, with their collectors and probes.
    "secplan.data": 3, "secplan.model": 3, "secplan.platform": 3, "secplan.compliance": 3,
    "secplan.human": 3, "secplan.crypto.collect": 3, "secplan.crypto.evidence": 3, "secplan.evidence": 3,
    # 4 entry points: the command line, the control-plane server, the model gateway.
    "secplan.cli": 4, "secplan.__main__": 4, "secplan.server": 4, "secplan.model.serve": 4,
    "secplan.web": 4,
}
NAMES = {0: "kernel", 1: "mechanisms", 2: "assessment and reports", 3: "engines", 4: "entry points"}


def layer_of(module: str) -> int:
    """The layer of ``module``: its longest prefix in ``LAYERS``."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in LAYERS:
            return LAYERS[prefix]
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and to docs/architecture.md")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a module from a higher layer than the importer's, as readable lines."""
    return sorted(f"{module} ({NAMES[layer_of(module)]}) imports {target} ({NAMES[layer_of(target)]})"
                  for module, targets in graph.items() for target in targets
                  if layer_of(target) > layer_of(module))


def test_every_module_has_a_layer() -> None:
    for module in import_graph():
        layer_of(module)


def test_no_module_imports_a_layer_above_its_own() -> None:
    found = upward_imports(import_graph(lazy=True))
    assert found == [], "imports against the layers:\n" + "\n".join(found)


def test_the_rule_catches_an_upward_import() -> None:
    graph = {"secplan.ledger.append": {"secplan.model.registry"}, "secplan.cli.app": {"secplan.ledger"},
             "secplan.crypto.collect": {"secplan.assess.evidence"}}
    assert upward_imports(graph) == [
        "secplan.ledger.append (mechanisms) imports secplan.model.registry (engines)"]
