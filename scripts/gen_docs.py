"""Generate the reference pages that come from data: docs/controls.md (the catalogue and its probes)
and docs/plan-file.md (the plan file's fields). `python scripts/gen_docs.py` rewrites them;
tests/test_docs.py fails when they are stale."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def controls_md() -> str:
    from secplan.assess.registry import all_probes
    from secplan.plan.catalogue import FRAMEWORK_TITLES, load_catalogue
    from secplan.vocabulary import Pillar

    probes = all_probes()
    out = ["# Controls reference", "",
           "Generated from the control catalogue (`src/secplan/plan/controls.yml`, `crosswalk.csv`) and the probes'",
           "`def.yml` files by `scripts/gen_docs.py`. Do not edit by hand.", "",
           "`~` marks a partial fit; `27k:` an ISO/IEC 27001:2022 Annex A control used where ISO/IEC 42001 has none.", ""]
    for pillar in Pillar:
        out += [f"## {pillar.value}: {pillar.title}", ""]
        for control in (c for c in load_catalogue() if c.pillar == pillar):
            out += [f"### {control.id}: {control.title}", "",
                    f"- **Asks:** {control.asks}", f"- **Why:** {control.why}", f"- **secplan checks:** {control.checks}",
                    ""]
            out += ["| framework | items |", "|---|---|"]
            for fw, items in control.frameworks.items():
                out.append(f"| {FRAMEWORK_TITLES[fw]} | {', '.join(items) or '—'} |")
            out += ["", "| probe | severity | what it checks | remediation |", "|---|---|---|---|"]
            for probe in (p for p in probes if p.definition.control == control.id):
                d = probe.definition
                out.append(f"| `{d.id}` | {d.severity} | {d.implementation} | {d.remediation} |")
            out.append("")
    return "\n".join(out)


def _type_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type_name(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " \\| ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type_name(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return f"map to {_type_name(schema['additionalProperties'])}"
    return str(kind)


def plan_md() -> str:
    from secplan.plan.model import Plan

    schema = Plan.model_json_schema()
    defs = schema.get("$defs", {})
    out = ["# The plan file (`secplan.yaml`)", "",
           "Generated from the pydantic model (`src/secplan/plan/model.py`) by `scripts/gen_docs.py`.",
           "Unknown keys are errors. `secplan plan schema` prints the JSON Schema for editors;",
           "`secplan plan check DIR` validates a plan and names file, line and field on an error.", ""]

    def section(title: str, node: dict[str, Any]) -> None:
        out.extend([f"## {title}", "", "| field | type | default | description |", "|---|---|---|---|"])
        required = set(node.get("required", []))
        for name, prop in node.get("properties", {}).items():
            default = "required" if name in required else f"`{prop['default']}`" if "default" in prop else ""
            out.append(f"| `{name}` | {_type_name(prop)} | {default} | {prop.get('description', '')} |")
        out.append("")

    section("Plan (top level)", schema)
    for name, node in defs.items():
        if node.get("type") == "object":
            section(name, node)
    return "\n".join(out)


PAGES = {"docs/controls.md": controls_md, "docs/plan-file.md": plan_md}


def main() -> int:
    for rel, render in PAGES.items():
        (ROOT / rel).write_text(render() + "\n", encoding="utf-8")
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
