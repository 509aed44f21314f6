"""Every request in the ledger (CS-4): who, which digest, a hash of the input, the decision, the
output classes, the latency and why a refusal happened; never the raw input.

Entries go through the ledger's batched path (:func:`secplan.ledger.record_many`, group-committed
across concurrent requests) and the response is sent only after its entry is committed, so a
request a client saw answered is in the ledger even if the gateway is killed the next instant.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from secplan.ledger import Action, record_many

if TYPE_CHECKING:
    from secplan.store.db import Store

ACTION = "model.infer"


def input_hash(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def entry(*, model: str, digest: str, client: str, body: bytes, status: int, decision: str,
          latency_ms: float, rows: int = 0, labels: Sequence[Any] = (), reason: str = "",
          request_id: str | None = None, flagged: Sequence[str] = ()) -> Action:
    """The ledger action for one request (``decision``: served, flagged or refused)."""
    details: dict[str, Any] = {"client": client, "digest": digest, "input_sha256": input_hash(body),
                               "rows": rows, "status": status, "decision": decision,
                               "latency_ms": round(latency_ms, 3)}
    if labels:
        details["output"] = {str(k): v for k, v in sorted(Counter(map(str, labels)).items())[:50]}
    if reason:
        details["reason"] = reason[:500]
    if request_id:
        details["request_id"] = request_id[:256]
    if flagged:
        details["flagged"] = list(flagged)[:20]
    outcome = "success" if decision != "refused" else ("denied" if status in (401, 403, 429) else "failure")
    return Action(ACTION, f"model:{model}", details, outcome, actor=client)


def commit(store: Store, action: Action) -> int:
    """Record one request's entry; returns once it is durable (blocking: run it off the event loop)."""
    return record_many(store, [action])[0]
