"""A model behind an HTTP endpoint, queried as a :class:`~.interface.Predictor` (a true black box).

Two request forms:

* Open Inference Protocol V2 (KServe, MLServer, Triton): ``POST URL`` where URL ends in
  ``/v2/models/NAME/infer`` (or ``/v2/models/NAME``, completed). Features go as one input per
  column with ``content_type: pd`` (MLServer's pandas codec); the ``predict`` output holds labels,
  ``predict_proba`` the class probabilities (asked for through ``outputs``, as MLServer's
  scikit-learn runtime names them).
* plain JSON: ``POST URL`` with ``{"instances": [{column: value}, ...]}`` answered by
  ``{"predictions": [...]}`` and, when the service gives them, ``"probabilities": [[...]]``.

Bearer tokens come from the environment (never a command-line argument) and are never printed.

The digest a V2 endpoint reports (``parameters.digest`` of its model metadata, as secplan's gateway
gives it, and of each inference answer) is read so that an evaluation can be bound to a registered
version; it is the endpoint's own claim, and answers that report another digest mid-run say so.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from secplan.errors import InputError
from secplan.model.worker.interface import Features, ModelInfo
from secplan.model.worker.process import WorkerError, columns_of

_DATATYPES = {"f": "FP64", "i": "INT64", "u": "INT64", "b": "BOOL"}
MAX_RESPONSE = 256 * 1024 * 1024
_DIGEST = re.compile(r"(?:sha256:)?([0-9a-f]{64})")


def normal_digest(value: Any) -> str | None:
    """``sha256:<hex>`` for a reported SHA-256 digest (with or without the prefix), else None."""
    found = _DIGEST.fullmatch(value.strip().lower()) if isinstance(value, str) else None
    return f"sha256:{found.group(1)}" if found else None


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


class EndpointModel:
    """A remote model; ``queries`` counts the rows sent, as an attacker's budget would."""

    def __init__(self, url: str, *, task: str = "classification", token: str | None = None,
                 timeout_s: float = 60.0, batch_rows: int = 1000) -> None:
        import httpx

        if not url.startswith(("http://", "https://")):
            raise InputError(f"--endpoint {url!r}: give an http:// or https:// URL")
        self.url = url.rstrip("/")
        self.v2 = "/v2/models/" in self.url
        if self.v2 and not self.url.endswith("/infer"):
            self.url += "/infer"
        self.queries = 0
        self.batch_rows = batch_rows
        self.answered_digests: set[str | None] = set()
        """Digests the inference answers reported (None: an answer without one)."""
        self.info = ModelInfo(format="endpoint", task=task, classes=None, features=None, has_proba=True,
                              details={"protocol": "open-inference-v2" if self.v2 else "json"})
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(timeout=timeout_s, headers=headers, follow_redirects=False)

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        try:
            response = self._client.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise WorkerError(f"endpoint {self.url}: {type(exc).__name__}: {exc}") from None
        if len(response.content) > MAX_RESPONSE:
            raise WorkerError(f"endpoint {self.url}: answer over {MAX_RESPONSE} bytes")
        if response.status_code >= 400:
            raise WorkerError(f"endpoint {self.url}: HTTP {response.status_code}: {response.text[:300]}")
        try:
            doc = response.json()
        except ValueError:
            raise WorkerError(f"endpoint {self.url}: the answer is not JSON") from None
        if not isinstance(doc, dict):
            raise WorkerError(f"endpoint {self.url}: the answer is not a JSON object")
        return doc

    def metadata_digest(self) -> str | None:
        """The digest the V2 model metadata (``GET /v2/models/NAME``) reports, None when it reports none.

        Metadata that cannot be read is an error only when the endpoint is V2 and answers but not JSON."""
        import httpx

        if not self.v2:
            return None
        try:
            response = self._client.get(self.url.removesuffix("/infer"))
        except httpx.HTTPError as exc:
            raise WorkerError(f"endpoint {self.url}: model metadata: {type(exc).__name__}: {exc}") from None
        if response.status_code >= 400 or len(response.content) > MAX_RESPONSE:
            return None
        try:
            doc = response.json()
        except ValueError:
            return None
        parameters = doc.get("parameters") if isinstance(doc, dict) else None
        return normal_digest(parameters.get("digest")) if isinstance(parameters, dict) else None

    def _v2_body(self, columns: list[Any] | None, arrays: list[np.ndarray], output: str) -> dict[str, Any]:
        names = columns or [f"input-{i}" for i in range(len(arrays))]
        inputs = []
        for name, values in zip(names, arrays, strict=True):
            datatype = _DATATYPES.get(values.dtype.kind, "BYTES")
            data = [_plain(v) if datatype != "BYTES" else (None if _plain(v) is None else str(v)) for v in values]
            inputs.append({"name": str(name), "shape": [len(values)], "datatype": datatype, "data": data})
        return {"inputs": inputs, "parameters": {"content_type": "pd"}, "outputs": [{"name": output}]}

    def _v2_output(self, doc: dict[str, Any], wanted: str) -> np.ndarray | None:
        outputs = doc.get("outputs")
        if not isinstance(outputs, list) or not outputs:
            raise WorkerError(f"endpoint {self.url}: the answer has no 'outputs'")
        by_name = {o.get("name"): o for o in outputs if isinstance(o, dict)}
        aliases = {"predict": ("predict", "label", "labels", "output-0"),
                   "predict_proba": ("predict_proba", "probabilities", "probability")}[wanted]
        chosen = next((by_name[a] for a in aliases if a in by_name), None)
        if chosen is None and wanted == "predict" and len(outputs) == 1:
            chosen = outputs[0]
        if chosen is None:
            return None
        data = np.asarray(chosen.get("data", []))
        shape = chosen.get("shape")
        if isinstance(shape, list) and all(isinstance(s, int) for s in shape) and data.size == math.prod(shape):
            data = data.reshape(shape)
        return data

    def _ask(self, features: Features, wanted: str) -> np.ndarray:
        columns, arrays = columns_of(features, None)
        rows = len(arrays[0]) if arrays else 0
        parts = []
        for start in range(0, rows, self.batch_rows):
            chunk = [a[start:start + self.batch_rows] for a in arrays]
            self.queries += len(chunk[0])
            if self.v2:
                doc = self._post(self._v2_body(columns, chunk, wanted))
                parameters = doc.get("parameters")
                self.answered_digests.add(normal_digest(parameters.get("digest"))
                                          if isinstance(parameters, dict) else None)
                out = self._v2_output(doc, wanted)
            else:
                names = columns or [f"x{i}" for i in range(len(chunk))]
                instances = [{str(n): _plain(v) for n, v in zip(names, row, strict=True)}
                             for row in zip(*chunk, strict=True)]
                doc = self._post({"instances": instances})
                key = "predictions" if wanted == "predict" else "probabilities"
                out = np.asarray(doc[key]) if key in doc else None
            if out is None:
                if wanted == "predict_proba":
                    self.info = ModelInfo(**{**self.info.to_dict(), "has_proba": False})
                    raise InputError(f"endpoint {self.url}: the model gives no class probabilities")
                raise WorkerError(f"endpoint {self.url}: the answer has no predictions")
            if len(out) != len(chunk[0]):
                raise WorkerError(f"endpoint {self.url}: {len(out)} answers for {len(chunk[0])} rows")
            parts.append(out)
        return np.concatenate(parts) if parts else np.empty(0)

    def predict(self, features: Features) -> np.ndarray:
        out = self._ask(features, "predict")
        return out.ravel() if out.ndim == 2 and out.shape[1] == 1 else out

    def predict_proba(self, features: Features) -> np.ndarray:
        if not self.info.has_proba:
            raise InputError(f"endpoint {self.url}: the model gives no class probabilities")
        return np.asarray(self._ask(features, "predict_proba"), dtype="float64")

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> EndpointModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
