"""Feed the assessment: registered versions, which artifacts they cover, and whether they verify.

Verification is offline: files are re-hashed and signatures checked with the public key from the
project's keystore (no passphrase needed). Nothing is loaded.
"""

from __future__ import annotations

from typing import Any

from secplan.assess.evidence import Evidence, collector
from secplan.errors import SecplanError
from secplan.model.registry.evidence import MODEL_REGISTRY, ArtifactStatus, RegistryEvidence
from secplan.model.registry.hashing import compare, hash_tree
from secplan.vocabulary import AssetKind


def _covers(version_path: str, artifact: str) -> str | None:
    """The artifact's name inside the version (``.`` for a single-file version), or None."""
    if artifact == version_path:
        return "."
    if version_path in ("", "."):
        return artifact
    if artifact.startswith(version_path.rstrip("/") + "/"):
        return artifact[len(version_path.rstrip("/")) + 1:]
    return None


@collector(MODEL_REGISTRY)
def collect_registry(ev: Evidence) -> RegistryEvidence:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.model.registry.signatures import check_version
    from secplan.model.registry.versions import all_versions, promotions

    artifacts = [a.path for a in ev.assets_of(AssetKind.MODEL) if a.exists]
    if not ev.has_store:
        return RegistryEvidence([ArtifactStatus(p) for p in artifacts])
    store = ev.store
    versions = all_versions(store)
    manager = KeyManager.for_project(ev.root, audit=False)
    checks = {}
    for v in versions:
        try:
            checks[v.ref] = check_version(ev.root, manager, v).problems
        except SecplanError as exc:
            checks[v.ref] = [exc.message]
    statuses = []
    for path in artifacts:
        covering = [(v, name) for v in reversed(versions) if (name := _covers(v.path, path)) is not None
                    and (name in v.tree.files or name == ".")]  # "." for a declared folder: the whole version
        if not covering:
            statuses.append(ArtifactStatus(path))
            continue
        version, name = covering[0]
        try:
            actual = hash_tree(ev.root / path, method=version.tree.method, shard_size=version.tree.shard_size or 1)
            if name in version.tree.files:
                matches = [f.content for f in actual.files.values()] == [version.tree.files[name].content]
            else:
                matches = not compare(version.tree.files, actual.files)
        except SecplanError:
            matches = False
        problems = tuple(checks[version.ref])
        statuses.append(ArtifactStatus(path, version.ref, matches, version.bundle is not None,
                                       version.bundle is not None and not problems, problems))
    by_ref = {v.ref: v for v in versions}
    summaries = [{**v.summary(), "ref": v.ref, "datasets": v.lineage.get("datasets", []),
                  "problems": checks[v.ref], "card_info": v.card_info, "card_digest": v.card_digest}
                 for v in versions]
    current: dict[str, dict[str, Any]] = {}
    for p in promotions(store):
        if p["stage"] == "production":
            current[p["name"]] = p
    production = []
    for name, p in sorted(current.items()):
        ref = f"{name}@{p['version']}"
        v = by_ref.get(ref)
        production.append({"ref": ref, "path": v.path if v else None, "gates": p["gates"],
                           "problems": checks.get(ref, [f"{ref} is no longer registered"]),
                           "card_info": v.card_info if v else {}, "card_digest": v.card_digest if v else None})
    return RegistryEvidence(statuses, summaries, production)
