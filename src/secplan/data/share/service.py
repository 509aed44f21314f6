"""Shares as records: create (package + store row + ledger), list, revoke.

Revoking cannot recall data already delivered; it records that the share must no longer be used and
stops it counting as current for DS-8.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.manager import KeyManager
from secplan.data.share.package import create_package, signing_key
from secplan.data.share.records import ShareRow
from secplan.errors import InputError
from secplan.projects import project_of
from secplan.store.base import utcnow
from secplan.store.db import Store

DEFAULT_SIGNING_KEY = "share-signing"


@dataclass(frozen=True)
class ShareView:
    id: str
    file: str
    sha256: str
    size: int
    recipient: str
    agreement: str | None
    expires: dt.date
    sender: str
    signing_key: str
    package: str
    created: dt.datetime
    revoked_at: dt.datetime | None
    revoke_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        for k in ("expires", "created", "revoked_at"):
            doc[k] = doc[k].isoformat() if doc[k] else None
        return doc

    def expired(self, today: dt.date) -> bool:
        return self.expires < today


def _view(row: ShareRow) -> ShareView:
    return ShareView(row.id, row.file, row.sha256, row.size, row.recipient, row.agreement, row.expires,
                     row.sender, row.signing_key, row.package, row.created, row.revoked_at, row.revoke_reason)


def create_share(root: Path, store: Store, keys: KeyManager, src: Path, out: Path, *, recipient: str,
                 expires: dt.date, agreement: str | None, sender: str, key_ref: str = DEFAULT_SIGNING_KEY,
                 today: dt.date | None = None) -> ShareView:
    """Make the package, then record it; a package that cannot be recorded is removed again."""
    from secplan.ledger import record

    today = today or dt.date.today()
    if expires <= today:
        raise InputError(f"--expires {expires}: must be after today ({today})")
    if agreement is not None and not agreement.strip():
        raise InputError("--agreement: empty reference (name the data-sharing agreement)")
    try:
        signer = signing_key(keys, key_ref)
    except InputError:
        if key_ref != DEFAULT_SIGNING_KEY or any(k.name == key_ref for k in keys.list()):
            raise
        signer = signing_key(keys, keys.create(DEFAULT_SIGNING_KEY, KeyType.ED25519).id)
    manifest = create_package(src, out, recipient=recipient, expires=expires, agreement=agreement,
                              sender=sender, signer=signer)
    try:
        rel = str(src.resolve().relative_to(root.resolve())) if src.resolve().is_relative_to(root.resolve()) \
            else str(src.resolve())
        row = ShareRow(id=manifest.id, project_id=project_of(store).id, file=rel, sha256=manifest.sha256,
                       size=manifest.size, recipient=recipient, agreement=agreement, expires=expires,
                       sender=sender, signing_key=signer.key_ref, package=str(out), created=manifest.created)
        with store.session() as session:
            session.add(row)
        record(store, action="share.create", obj=f"share:{manifest.id}",
               details={"file": rel, "sha256": manifest.sha256, "size": manifest.size, "recipient": recipient,
                        "expires": expires.isoformat(), "agreement": agreement, "signing_key": signer.key_ref})
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return _view(row)


def list_shares(root: Path, store: Store) -> list[ShareView]:
    with store.session() as session:
        rows = session.scalars(select(ShareRow).where(ShareRow.project_id == project_of(store).id)
                               .order_by(ShareRow.created, ShareRow.id)).all()
        return [_view(r) for r in rows]


def revoke_share(root: Path, store: Store, share_id: str, reason: str) -> ShareView:
    from secplan.ledger import record

    with store.session() as session:
        row = session.scalars(select(ShareRow).where(ShareRow.project_id == project_of(store).id,
                                                     ShareRow.id == share_id)).first()
        if row is None:
            raise InputError(f"no share {share_id!r} in this project (see `secplan share list`)")
        if row.revoked_at is not None:
            raise InputError(f"share {share_id} was already revoked on {row.revoked_at:%Y-%m-%d}")
        row.revoked_at = utcnow()
        row.revoke_reason = reason
        view = _view(row)
    record(store, action="share.revoke", obj=f"share:{share_id}", details={"reason": reason})
    return view
