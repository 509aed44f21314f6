"""Requests for the gateway tests: V2 bodies from frames, and rows drawn from the training data."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tests.monitor.synthetic import FEATURES


def v2_body(frame: pd.DataFrame, request_id: str | None = None, outputs: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"inputs": [{"name": f, "shape": [len(frame)], "datatype": "FP64",
                                        "data": [float(v) for v in frame[f]]} for f in FEATURES]}
    if request_id is not None:
        body["id"] = request_id
    if outputs is not None:
        body["outputs"] = [{"name": o} for o in outputs]
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
