"""Scan a project: pick the right scanners for each file, collect findings and warnings.

Bad input never stops a scan: a file that cannot be read or parsed becomes a warning naming it,
and the other files are still scanned.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from secplan.assess.discover import discover
from secplan.documents import parse_yaml_all_with_nodes, yaml_line_index
from secplan.errors import InputError
from secplan.findings import normalise
from secplan.platform import archives, code, secrets
from secplan.platform.config import dockerfile, kubernetes, mlservers, terraform
from secplan.platform.config.locate import YamlLines
from secplan.platform.findings import Category, Finding
from secplan.platform.manifests import Dependency, ManifestError, read_manifest, reader_for
from secplan.platform.notebook import file_line, located_texts, read_notebook
from secplan.platform.osv.index import AdvisoryDatabase, DatabaseInfo, open_database
from secplan.platform.osv.match import by_package, match
from secplan.vocabulary import AssetKind

MAX_BYTES = 5 * 1024 * 1024
"""Files larger than this are not read (a warning names them)."""
SCRIPT_SUFFIXES = (".sh", ".bash", ".zsh")
SCRIPT_NAMES = {"makefile", "procfile", "entrypoint", "justfile"}


class Scanner(StrEnum):
    VULN = "vuln"
    SECRET = "secret"
    CONFIG = "config"
    CODE = "code"


ALL_SCANNERS = frozenset(Scanner)


@dataclass
class ScanResult:
    root: Path
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: int = 0
    dependencies: list[Dependency] = field(default_factory=list)
    database: DatabaseInfo | None = None
    """The advisory database the dependencies were matched against (None when none was needed)."""

    def to_json(self) -> dict:
        return {
            "findings": [f.to_json() for f in self.findings],
            "warnings": self.warnings,
            "files_scanned": self.files,
            "dependencies": len(self.dependencies),
            "packages": by_package(self.findings),
            "osv_database": self.database.describe() if self.database else None,
            "osv_database_info": self.database.to_json() if self.database else None,
        }


def _is_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def _is_k8s(docs: list) -> bool:
    return any(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs)


def scan_project(root: Path, *, scanners: Iterable[Scanner] = ALL_SCANNERS, osv_db: Path | None = None,
                 database: AdvisoryDatabase | None = None, exclude: list[str] | None = None,
                 on_progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Scan every file under ``root`` (``.git``, virtualenvs and ``.secplan`` excluded).

    ``on_progress(done, total)`` is called after each file, for progress bars."""
    root = root.resolve()
    enabled = set(scanners)
    result = ScanResult(root)
    workloads: list[tuple[str, int | None]] = []
    has_policy = False
    tf_files: list[tuple[str, str]] = []
    files = discover(root, exclude)
    for done, pf in enumerate(files, 1):
        if on_progress is not None:
            on_progress(done, len(files))
        if pf.kind in (AssetKind.MODEL, AssetKind.ENCRYPTED, AssetKind.DATASET):  # never loaded; see `model scan`
            continue
        name = pf.path.rsplit("/", 1)[-1]
        lower = name.lower()
        if pf.size > MAX_BYTES:
            result.warnings.append(f"{pf.path}: skipped, larger than {MAX_BYTES // (1024 * 1024)} MiB")
            continue
        path = root / pf.path
        try:
            data = path.read_bytes()
        except OSError as exc:
            result.warnings.append(f"{pf.path}: cannot read ({exc.strerror})")
            continue
        known = bool(reader_for(name)) or lower.endswith((".py", ".ipynb", ".tf", ".yml", ".yaml")) \
            or lower.startswith("dockerfile")
        if Scanner.SECRET in enabled and archives.kind_of(data) is not None:
            result.files += 1
            result.findings.extend(_archive_secrets(data, pf.path, result.warnings))
            continue
        if _is_binary(data):
            if known:
                result.warnings.append(f"{pf.path}: binary content where text was expected; skipped")
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if known:
                result.warnings.append(f"{pf.path}: not UTF-8 text; skipped")
            continue
        result.files += 1
        found: list[Finding] = []
        try:
            if Scanner.VULN in enabled and reader_for(name):
                result.dependencies.extend(read_manifest(path, root, result.warnings))
            notebook = read_notebook(text, pf.path) if lower.endswith(".ipynb") else None
            cells = list(located_texts(text, notebook)) if notebook is not None else []
            if Scanner.SECRET in enabled and not secrets.is_secrets_baseline(name, text):
                if notebook is not None:
                    for member, chunk, line_map in cells:
                        found.extend(in_cell(secrets.scan_text(chunk, pf.path, member=member), chunk, line_map))
                else:
                    found.extend(secrets.scan_text(text, pf.path))
            if Scanner.CONFIG in enabled:
                found.extend(_config(pf.path, lower, text, workloads, tf_files))
                has_policy = has_policy or (lower.endswith((".yml", ".yaml")) and "kind: NetworkPolicy" in text)
            if Scanner.CODE in enabled and lower.endswith(".py"):
                found.extend(code.check_python(text, pf.path))
            if notebook is not None and (Scanner.CODE in enabled or Scanner.CONFIG in enabled):
                found.extend(_notebook_code(cells, notebook.code_cells(), pf.path, enabled))
        except (ManifestError, InputError) as exc:
            result.warnings.append(f"{exc}; skipped")
        except SyntaxError as exc:
            result.warnings.append(f"{pf.path}:{exc.lineno}: Python syntax error ({exc.msg}); code checks skipped")
        except (RecursionError, MemoryError):
            result.warnings.append(f"{pf.path}: nested too deeply to analyse; skipped")
        except ValueError as exc:
            result.warnings.append(f"{pf.path}: cannot parse ({type(exc).__name__}: {str(exc).splitlines()[0][:160]})")
        result.findings.extend(_with_context(found, text))
    if Scanner.CONFIG in enabled:
        result.findings.extend(kubernetes.check_network_policies(workloads, has_policy))
        project_tf = "\n".join(t for _, t in tf_files)
        for tf_path, tf_text in tf_files:
            result.findings.extend(_terraform(tf_path, tf_text, project_tf, result.warnings))
    if Scanner.VULN in enabled and result.dependencies:
        db = database or open_database(osv_db, result.warnings)
        result.database = db.info
        unique = list(dict.fromkeys(result.dependencies))
        result.findings.extend(match(unique, db))
    result.findings = sorted(set(result.findings), key=lambda f: (-f.severity.rank, f.path, f.line or 0, f.rule,
                                                                   f.message))
    return result


def _archive_secrets(data: bytes, path: str, warnings: list[str]) -> list[Finding]:
    """Secrets in the text files inside an archive, each found at its member and line; what the
    archive's limits or format kept from being read is a warning."""
    budget = archives.Budget()
    found: list[Finding] = []
    for member, content in archives.members(data, path, budget):
        inner = member.rsplit("!/", 1)[-1]
        if _is_binary(content):
            continue
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if secrets.is_secrets_baseline(inner.rsplit("/", 1)[-1], text):
            continue
        found.extend(secrets.scan_text(text, inner, member=member.split("!/", 1)[1]))
    warnings.extend(f"{note} (secrets scan)" for note in budget.skipped)
    return [replace(f, path=path) for f in found]


def _with_context(found: list[Finding], text: str) -> list[Finding]:
    """Findings with the text of their line, so fingerprints survive edits above them. Not for
    secrets (their fingerprint is a hash of the value) nor notebook cells (lines count inside a cell)."""
    lines = text.splitlines()
    out = []
    for f in found:
        if (f.line and f.line <= len(lines) and f.category is not Category.SECRET
                and not (f.member or "").startswith("cell ")):
            f = replace(f, context=normalise(lines[f.line - 1]))
        out.append(f)
    return out


def _config(path: str, lower: str, text: str, workloads: list, tf_files: list) -> list[Finding]:
    out: list[Finding] = []
    base = lower.rsplit("/", 1)[-1]
    if base.startswith("dockerfile") or base.endswith(".dockerfile"):
        out.extend(dockerfile.check_dockerfile(text, path))
    elif base.endswith((".yml", ".yaml")):
        if "{{" in text and "/templates/" in f"/{path}":
            raise ValueError("Helm template; render it (helm template) to check it")
        located = [(doc, YamlLines(yaml_line_index(node))) for doc, node in parse_yaml_all_with_nodes(text, path)]
        docs = [doc for doc, _ in located]
        if base.startswith(("docker-compose", "compose")):
            out.extend(kubernetes.check_compose(docs[0] if docs else None, located[0][1] if located else YamlLines(),
                                                path))
        elif _is_k8s(docs):
            out.extend(kubernetes.check_manifest(located, path))
            first = next((lines.at("kind") for doc, lines in located if kubernetes.is_workload(doc)), None)
            if first is not None:
                workloads.append((path, first))
    elif base.endswith(".tf"):
        tf_files.append((path, text))
    elif base.endswith(SCRIPT_SUFFIXES) or base in SCRIPT_NAMES:
        out.extend(mlservers.check_script(text, path))
    elif base.startswith(("jupyter_server_config", "jupyter_notebook_config", "jupyter_lab_config")):
        out.extend(mlservers.check_jupyter_config(text, path))
    elif base == "config.properties" or base.endswith("torchserve.properties"):
        out.extend(mlservers.check_torchserve_properties(text, path))
    elif base == "config.toml" and ".streamlit/" in f"/{path.lower()}":
        out.extend(mlservers.check_streamlit_toml(text, path))
    if base.endswith(".py"):
        out.extend(mlservers.check_python_calls(text, path))
    return out


def _terraform(path: str, text: str, project_text: str, warnings: list[str]) -> list[Finding]:
    import hcl2

    try:
        doc = hcl2.loads(text)
    except Exception as exc:  # python-hcl2 raises lark errors of many types for invalid HCL
        warnings.append(f"{path}: invalid HCL ({type(exc).__name__}); Terraform checks skipped")
        return []
    return list(terraform.check_terraform(doc, text, path, project_text=project_text))


def in_cell(found: Iterable[Finding], chunk: str, line_map: list[int | None]) -> list[Finding]:
    """Findings whose line counts inside a notebook cell's text, moved to the line of the ``.ipynb``
    file (what code scanning shows) with the line inside the cell kept in ``cell_line``."""
    lines = chunk.splitlines()
    out = []
    for f in found:
        context = f.context
        if f.category is not Category.SECRET and f.line and f.line <= len(lines):
            context = normalise(lines[f.line - 1])
        out.append(replace(f, line=file_line(line_map, f.line), cell_line=f.line, context=context))
    return out


def _notebook_code(cells: list[tuple[str, str, list[int | None]]], code_cells: Iterable[tuple[int, str]], path: str,
                   enabled: set[Scanner]) -> list[Finding]:
    """Code cells: shell escapes (``!cmd``) as commands, the rest through the AST checks."""
    maps = {member: line_map for member, _, line_map in cells}
    out: list[Finding] = []
    for index, source in code_cells:
        member = f"cell {index}"
        found: list[Finding] = []
        python_lines = []
        for number, line in enumerate(source.splitlines(), 1):
            stripped = line.lstrip()
            if stripped.startswith("!") and Scanner.CONFIG in enabled:
                found.extend(replace(f, member=member) for f in mlservers.check_command(stripped[1:], path, number))
            python_lines.append("" if stripped.startswith(("!", "%")) else line)
        if Scanner.CODE in enabled:
            with contextlib.suppress(SyntaxError):  # reported for the cell by nothing else: code checks skip it
                found.extend(code.check_python("\n".join(python_lines), path, member=member))
        if Scanner.CONFIG in enabled:
            found.extend(replace(f, member=member) for f in mlservers.check_python_calls("\n".join(python_lines), path))
        out.extend(in_cell(found, source, maps.get(member, [])))
    return out
