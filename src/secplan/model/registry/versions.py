"""Registering model and dataset versions, and reading them back.

A registration hashes every file, runs the artifact scanner (static: nothing is loaded), records the
lineage and writes one row; the ledger gets a ``model.register`` (or ``data.register``) entry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from secplan.errors import InputError
from secplan.model.registry.hashing import FileDigest, TreeDigest, hash_tree
from secplan.model.registry.lineage import check_commit, digest, environment, read_document
from secplan.model.registry.records import DatasetVersionRow, ModelVersionRow, PromotionRow
from secplan.model.registry.refs import check_name, check_version, parse_ref
from secplan.projects import project_of
from secplan.vocabulary import Classification

if TYPE_CHECKING:
    from secplan.store.db import Store


def _shown_path(root: Path, path: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return str(resolved)


def resolve_path(root: Path, stored: str) -> Path:
    path = Path(stored)
    return path if path.is_absolute() else root / path


@dataclass(frozen=True)
class ModelVersion:
    """A registered model version, as read from the store."""

    name: str
    version: str
    seq: int
    path: str
    tree: TreeDigest
    root_digest: str
    lineage: dict[str, Any]
    scan: dict[str, Any]
    scan_verdict: str
    card_info: dict[str, Any]
    created: str
    created_by: str
    bundle: str | None
    lineage_bundle: str | None
    signing_key: str | None
    signed_at: str | None
    signed_by: str | None
    card_digest: str | None

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "path": self.path, "files": len(self.tree.files),
                "size": self.tree.total_size, "digest": f"sha256:{self.root_digest}",
                "scan": self.scan_verdict, "signed": self.bundle is not None, "signing_key": self.signing_key,
                "created": self.created, "created_by": self.created_by}

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary(), "method": self.tree.method, "shard_size": self.tree.shard_size,
                "file_digests": self.tree.files_dict(), "lineage": self.lineage, "scan_report": self.scan,
                "signed_at": self.signed_at, "signed_by": self.signed_by, "card_digest": self.card_digest}


def _view(row: ModelVersionRow) -> ModelVersion:
    files = {n: FileDigest.from_dict(n, raw) for n, raw in json.loads(row.files).items()}
    tree = TreeDigest(Path(row.path).name or row.path, row.method, row.shard_size, files)
    return ModelVersion(row.name, row.version, row.seq, row.path, tree, row.root_digest, json.loads(row.lineage),
                        json.loads(row.scan), row.scan_verdict, json.loads(row.card_info or "{}"),
                        row.created.isoformat(), row.created_by, row.bundle, row.lineage_bundle, row.signing_key,
                        row.signed_at.isoformat() if row.signed_at else None, row.signed_by, row.card_digest)


def _next_seq(session: Any, table: type, project: str, name: str) -> int:
    current = session.scalar(select(func.max(table.seq)).where(table.project_id == project, table.name == name))
    return (current or 0) + 1


def _scan(path: Path) -> tuple[str, dict[str, Any]]:
    """The artifact scanner's verdict on the version's files: the worst file decides."""
    from secplan.model.scan import ScanOptions, Verdict, scan_paths

    report = scan_paths([path], ScanOptions())
    if not report.files:
        return "none", {"summary": {}, "files": []}
    worst = max((f.verdict for f in report.files), key=lambda v: Verdict(v).rank)
    files = [{"path": _shown_path(path if path.is_dir() else path.parent, Path(f.path)), "format": f.format,
              "verdict": str(f.verdict), "rules": sorted({x.rule for x in f.findings})} for f in report.files]
    return str(worst), {"summary": report.summary(), "files": files}


# -- datasets ------------------------------------------------------------------------------------------
def register_dataset(store: Store, root: Path, path: Path, name: str | None = None, version: str | None = None,
                     classification: str | None = None) -> dict[str, Any]:
    """Record a dataset version (digests of its files); the same content is not registered twice."""
    from secplan.identity import current_actor
    from secplan.ledger import record

    name = check_name(name or path.stem, "dataset")
    if classification is not None:
        try:
            classification = str(Classification(classification))
        except ValueError:
            allowed = ", ".join(c.value for c in Classification)
            raise InputError(f"unknown classification {classification!r} (choose from {allowed})") from None
    tree = hash_tree(path)
    if not tree.files:
        raise InputError(f"{path}: the dataset has no files")
    classification = classification or _planned_classification(store, root, path)
    root_digest = tree.root_digest()
    project = project_of(store).id
    with store.session() as session:
        same = session.scalars(select(DatasetVersionRow).where(
            DatasetVersionRow.project_id == project, DatasetVersionRow.name == name,
            DatasetVersionRow.root_digest == root_digest)).first()
        if same is not None and version in (None, same.version):
            return _dataset_dict(same) | {"existing": True}
        seq = _next_seq(session, DatasetVersionRow, project, name)
        version = check_version(version) if version else str(seq)
        if session.scalars(select(DatasetVersionRow).where(
                DatasetVersionRow.project_id == project, DatasetVersionRow.name == name,
                DatasetVersionRow.version == version)).first():
            raise InputError(f"dataset {name}@{version} is already registered with other content")
        row = DatasetVersionRow(project_id=project, name=name, version=version, seq=seq, path=_shown_path(root, path),
                                files=json.dumps(tree.files_dict()), root_digest=root_digest,
                                total_size=tree.total_size, classification=classification,
                                created_by=current_actor())
        session.add(row)
        session.flush()
        result = _dataset_dict(row)
    record(store, action="data.register", obj=f"dataset:{name}@{version}",
           details={"digest": result["digest"], "files": len(tree.files), "size": tree.total_size})
    return result | {"existing": False}


def _planned_classification(store: Store, root: Path, path: Path) -> str | None:
    """The classification the plan declares for the asset holding ``path`` (nearest declared folder)."""
    from secplan.human.domain import project_plan

    plan = project_plan(store)
    rel = _shown_path(root, path)
    best: tuple[int, str] | None = None
    for asset in plan.assets if plan else []:
        declared = asset.path.strip("/")
        covers = rel == declared or rel.startswith(declared + "/")
        if asset.classification and covers and (best is None or len(declared) > best[0]):
            best = (len(declared), str(asset.classification))
    return best[1] if best else None


def _dataset_dict(row: DatasetVersionRow) -> dict[str, Any]:
    return {"name": row.name, "version": row.version, "path": row.path, "digest": f"sha256:{row.root_digest}",
            "files": len(json.loads(row.files)), "size": row.total_size, "classification": row.classification}


def get_dataset(store: Store, name: str, version: str) -> dict[str, Any]:
    with store.session() as session:
        row = session.scalars(select(DatasetVersionRow).where(
            DatasetVersionRow.project_id == project_of(store).id, DatasetVersionRow.name == name,
            DatasetVersionRow.version == version)).first()
        if row is None:
            raise InputError(f"no dataset {name}@{version} is registered (see `secplan data register`)")
        return _dataset_dict(row)


def resolve_dataset(store: Store, root: Path, spec: str) -> dict[str, Any]:
    """``NAME@VERSION`` of a registered dataset, or a PATH (registered now when its content is new)."""
    candidate = Path(spec)
    if not candidate.is_absolute():
        candidate = (Path.cwd() / candidate)
    if candidate.exists():
        return register_dataset(store, root, candidate)
    if "@" in spec:
        name, version = parse_ref(spec, "dataset")
        return get_dataset(store, name, version or "")
    raise InputError(f"--dataset {spec!r}: no such file or folder, and not a NAME@VERSION")


# -- models --------------------------------------------------------------------------------------------
def register_model(store: Store, root: Path, path: Path, name: str, *, version: str | None = None,
                   datasets: Sequence[str] = (), code_ref: str | None = None, params: Path | None = None,
                   metrics: Path | None = None, card: Path | None = None) -> ModelVersion:
    """Hash, scan and record a model version with its lineage; returns the stored version."""
    from secplan.access import require
    from secplan.identity import current_actor
    from secplan.ledger import record

    name = check_name(name)
    if version is not None:
        check_version(version)
    require(store, "write", f"model:{name}")
    # Read every input first: a bad file stops the registration before anything is written.
    lineage: dict[str, Any] = {
        "code_ref": check_commit(code_ref) if code_ref else None,
        "params": read_document(params, "parameters") if params else {},
        "metrics": read_document(metrics, "metrics") if metrics else {},
        "environment": environment(),
    }
    card_info = read_document(card, "model card") if card else {}
    tree = hash_tree(path)
    if not tree.files:
        raise InputError(f"{path}: the model has no files")
    verdict, scan = _scan(path)
    for spec in datasets:  # every reference must resolve before any dataset path is registered
        if not Path(spec).exists():
            resolve_dataset(store, root, spec)
    lineage["datasets"] = [resolve_dataset(store, root, spec) for spec in datasets]
    for ds in lineage["datasets"]:
        ds.pop("existing", None)
    project = project_of(store).id
    with store.session() as session:
        seq = _next_seq(session, ModelVersionRow, project, name)
        version = version or str(seq)
        if session.scalars(select(ModelVersionRow).where(
                ModelVersionRow.project_id == project, ModelVersionRow.name == name,
                ModelVersionRow.version == version)).first():
            raise InputError(f"model {name}@{version} is already registered; versions never change "
                             "(register a new version)")
        row = ModelVersionRow(project_id=project, name=name, version=version, seq=seq, path=_shown_path(root, path),
                              method=tree.method, shard_size=tree.shard_size, files=json.dumps(tree.files_dict()),
                              root_digest=tree.root_digest(), total_size=tree.total_size,
                              lineage=json.dumps(lineage, default=str), scan=json.dumps(scan),
                              scan_verdict=verdict, card_info=json.dumps(card_info, default=str),
                              created_by=current_actor())
        session.add(row)
        session.flush()
        view = _view(row)
    record(store, action="model.register", obj=f"model:{view.ref}",
           details={"digest": f"sha256:{view.root_digest}", "files": len(tree.files), "scan": verdict,
                    "datasets": [f"{d['name']}@{d['version']}" for d in lineage["datasets"]],
                    "code_ref": lineage["code_ref"], "lineage_digest": digest(lineage)})
    return view


def get_version(store: Store, ref: str, *, exact: bool = False) -> ModelVersion:
    """The version ``NAME@VERSION`` names (``NAME`` alone: the latest, unless ``exact``)."""
    name, version = parse_ref(ref, need_version=exact)
    with store.session() as session:
        query = select(ModelVersionRow).where(ModelVersionRow.project_id == project_of(store).id,
                                              ModelVersionRow.name == name)
        if version is not None:
            query = query.where(ModelVersionRow.version == version)
        row = session.scalars(query.order_by(ModelVersionRow.seq.desc())).first()
        if row is None:
            raise InputError(f"no model {ref} is registered (see `secplan model list`)")
        return _view(row)


def all_versions(store: Store, name: str | None = None) -> list[ModelVersion]:
    with store.session() as session:
        query = select(ModelVersionRow).where(ModelVersionRow.project_id == project_of(store).id)
        if name is not None:
            query = query.where(ModelVersionRow.name == check_name(name))
        return [_view(r) for r in session.scalars(query.order_by(ModelVersionRow.name, ModelVersionRow.seq))]


def promotions(store: Store, name: str | None = None) -> list[dict[str, Any]]:
    """Every accepted promotion, oldest first."""
    with store.session() as session:
        query = select(PromotionRow).where(PromotionRow.project_id == project_of(store).id)
        if name is not None:
            query = query.where(PromotionRow.name == name)
        return [{"name": r.name, "version": r.version, "stage": r.stage, "promoted_at": r.promoted_at.isoformat(),
                 "promoted_by": r.promoted_by, "gates": json.loads(r.gates), "approval": r.approval_id}
                for r in session.scalars(query.order_by(PromotionRow.id))]


def stages(store: Store, name: str | None = None) -> dict[tuple[str, str], str]:
    """(model, stage) -> the version the stage points at now (the latest promotion wins)."""
    current: dict[tuple[str, str], str] = {}
    for p in promotions(store, name):
        current[(p["name"], p["stage"])] = p["version"]
    return current
