"""Sensitive files must not be readable by every local user (DS-3)."""

import stat
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, positive
from secplan.vocabulary import AssetKind, Classification

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    sensitive = [a for a in ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED)
                 if a.classification and a.classification.at_least(Classification.CONFIDENTIAL) and a.exists]
    if not sensitive:
        yield no_evidence("no asset is classified confidential or restricted; access to them cannot be judged")
        return
    for asset in sensitive:
        base = ev.root / asset.path
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        if not base.exists():
            paths = [base.with_name(base.name + ".enc")]
        loose = []
        for path in paths:
            try:
                mode = path.stat().st_mode
            except OSError:
                continue
            if mode & (stat.S_IROTH | stat.S_IWOTH):
                loose.append((path, mode))
        if loose:
            path, mode = loose[0]
            rel = path.relative_to(ev.root).as_posix()
            yield negative(f"{asset.classification} {asset.kind} is readable by all users "
                           f"(mode {stat.filemode(mode)}{f', and {len(loose) - 1} more file(s)' if len(loose) > 1 else ''})",
                           Location(rel), key=asset.path)
        else:
            yield positive(f"{asset.classification} {asset.kind} is not accessible to other users", Location(asset.path))
