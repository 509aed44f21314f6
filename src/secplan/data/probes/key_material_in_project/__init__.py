"""Key material is not kept in the project tree beside the data (DS-2)."""

import json
from collections.abc import Iterator
from pathlib import Path

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.crypto.evidence import KEYS
from secplan.crypto.keys.interface import KeyState
from secplan.vocabulary import Severity

NEEDS = (KEYS,)

CONTAINER_SUFFIXES = {".jks", ".jceks", ".p12", ".pfx", ".keystore", ".kek", ".bks"}
MAX_JSON = 1 << 20


def _json_kind(path: Path) -> str | None:
    """``keystore`` for a secplan keystore, ``jwk`` for a private JWK (set); else None."""
    try:
        if path.stat().st_size > MAX_JSON:
            return None
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(doc, dict) and doc.get("format") == "secplan-keystore":
        return "keystore"
    jwks = doc.get("keys") if isinstance(doc, dict) and isinstance(doc.get("keys"), list) else [doc]
    if any(isinstance(k, dict) and "kty" in k and "d" in k for k in jwks):
        return "jwk"
    return None


def _ignored(root: Path, name: str) -> bool:
    try:
        lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    return any(line.strip().strip("/") in {name, f"{name}/*", f"/{name}"} for line in lines)


def run(ev: Evidence) -> Iterator[Result]:
    keys = ev.get(KEYS)
    found = 0
    for f in ev.files:
        suffix = Path(f.path).suffix.lower()
        kind = None
        if suffix in CONTAINER_SUFFIXES:
            kind = f"{suffix[1:]} key container"
        elif suffix in {".json", ".jwk", ".jwks"}:
            kind = {"keystore": "secplan keystore", "jwk": "private JWK"}.get(_json_kind(ev.root / f.path) or "")
        if kind:
            found += 1
            yield negative(f"{kind} stored in the project tree", Location(f.path), key=f.path)
    local = [k for k in keys.keys if k.provider == "local" and k.state is not KeyState.DESTROYED]
    in_state_dir = keys.in_project and ".secplan" in keys.keystore.relative_to(ev.root).parts
    if local and in_state_dir and not _ignored(ev.root, ".secplan"):
        found += 1
        rel = keys.keystore.relative_to(ev.root).as_posix()
        # Medium, not high: the material is sealed under the passphrase, but travels with every copy.
        yield negative(f"the project keystore holds {len(local)} local key version(s) inside the project tree "
                       "and .gitignore does not exclude .secplan", Location(rel), key="project-keystore",
                       severity=Severity.MEDIUM)
    if found:
        return
    live = [k for k in keys.keys if k.state is not KeyState.DESTROYED]
    if not live:
        yield not_applicable("no managed keys and no key files in the project")
        return
    where = sorted({k.provider for k in live})
    yield positive(f"{len(live)} managed key version(s) on {', '.join(where)}; no key material among the "
                   "project's files", key="clean")
