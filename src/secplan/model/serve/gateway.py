"""One request end to end: authenticate, limit, parse, validate, predict, minimise, audit, watch.

Everything a request needs runs in one call of :meth:`Gateway.handle` on a worker thread (the
event loop only moves bytes), and the response leaves only after its ledger entry is committed.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from secplan.model.serve import audit, protocol
from secplan.model.serve.output import OutputError, check_labels, minimise
from secplan.model.serve.validation import Validator

if TYPE_CHECKING:
    from secplan.model.serve.auth import Authenticator
    from secplan.model.serve.inputs import Inputs
    from secplan.model.serve.metrics import Metrics
    from secplan.model.serve.ratelimit import Limiter
    from secplan.model.serve.settings import Settings
    from secplan.model.serve.watch import Watch
    from secplan.model.worker.interface import Predictor
    from secplan.store.db import Store

PROBA_OUTPUTS = ("predict_proba", "probabilities", "probability")


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class Refused(Exception):
    """A request the gateway will not serve: its status, the caller's message, the metric reason."""

    def __init__(self, status: int, message: str, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.reason, self.headers = status, message, reason, headers or {}


def column(values: list[Any]) -> np.ndarray:
    """One feature's values as the array pandas would make of them: integers stay integers, numbers
    with missing values become floats with NaN, anything else an object array. (A DataFrame built
    from the rows costs a millisecond per request; the model worker takes the columns as they are.)"""
    kinds = {type(v) for v in values}
    try:
        if kinds <= {int} or kinds == {bool}:
            return np.array(values)
        if kinds <= {int, float, type(None)}:
            return np.array([np.nan if v is None else v for v in values], dtype="float64")
    except OverflowError:
        pass
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def table(rows: list[dict[str, Any]], features: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The request's rows as one array per feature, in the model's order (missing keys as None)."""
    return {name: column([row.get(name) for row in rows]) for name in features}


class Gateway:
    def __init__(self, *, settings: Settings, store: Store, predictor: Predictor, name: str, version: str,
                 digest: str, inputs: Inputs, authenticator: Authenticator, limiter: Limiter, metrics: Metrics,
                 watch: Watch | None) -> None:
        self.settings, self.store, self.predictor = settings, store, predictor
        self.name, self.version, self.digest, self.inputs = name, version, digest, inputs
        self.auth, self.limiter, self.metrics, self.watch = authenticator, limiter, metrics, watch
        self.validator = Validator(inputs.profile, inputs.features)
        self.classes = predictor.info.classes
        self._lock = threading.Lock() if predictor.info.format != "endpoint" else None
        self.ready = True
        self.withdrawn: str | None = None
        """Why the served version is no longer served (a failed re-check); None while it is."""

    def withdraw(self, reason: str) -> None:
        """Stop answering inference requests (503 with ``reason``) until the gateway is restarted."""
        self.withdrawn, self.ready = reason, False

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    # -- metadata -------------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        cols = self.inputs.profile.columns
        types = {"integer": "INT64", "float": "FP64", "boolean": "BOOL"}
        return {"name": self.name, "versions": [self.version], "platform": f"secplan-{self.predictor.info.format}",
                "inputs": [{"name": f, "datatype": types.get(cols[f].type, "BYTES"), "shape": [-1]}
                           for f in self.inputs.features],
                "outputs": [{"name": "predict", "datatype": "BYTES" if self._text_labels() else "INT64",
                             "shape": [-1]}],
                "parameters": {"digest": self.digest, "model": self.ref, "profile": self.inputs.source,
                               "validation": self.settings.on_invalid, "monitoring": self.watch is not None,
                               "outputs": "labels" + (" (probabilities for granted clients)"
                                                      if self.settings.probabilities_for else " only"),
                               **({"withdrawn": self.withdrawn} if self.withdrawn else {})}}

    def _text_labels(self) -> bool:
        return bool(self.classes) and not all(isinstance(c, int | bool) for c in self.classes)

    # -- one request ------------------------------------------------------------------------------
    def refuse_large(self, authorization: str | None, address: str) -> Reply:
        """A body over the size limit: refused (413) unread, and audited like any request."""
        return self.handle(b"", authorization, address, "too-large")

    def handle(self, body: bytes, authorization: str | None, address: str, form: str) -> Reply:
        """Serve one inference request (``form``: ``v2`` or ``plain``); blocking, run it off the loop."""
        start = time.perf_counter()
        state: dict[str, Any] = {"client": "anonymous", "rows": 0, "labels": [], "flagged": [], "model_s": 0.0,
                                 "request_id": None}
        try:
            reply = self._serve(body, authorization, address, form, state)
            decision, reason, status = ("flagged" if state["flagged"] else "served"), "", 200
        except Refused as exc:
            reply = Reply(exc.status, {"error": exc.message}, exc.headers)
            decision, reason, status = "refused", exc.reason, exc.status
            state["reason"] = exc.message
        elapsed = time.perf_counter() - start
        action = audit.entry(model=self.ref, digest=self.digest, client=state["client"], body=body, status=status,
                             decision=decision, latency_ms=elapsed * 1000, rows=state["rows"],
                             labels=state["labels"], reason=state.get("reason", ""),
                             request_id=state["request_id"], flagged=state["flagged"])
        audit.commit(self.store, action)
        total = time.perf_counter() - start
        overhead = total - state["model_s"]
        self.metrics.observe(status, reason or None, total, overhead)
        reply.headers["X-Secplan-Overhead-Ms"] = f"{overhead * 1000:.3f}"
        return reply

    def _serve(self, body: bytes, authorization: str | None, address: str, form: str,
               state: dict[str, Any]) -> Reply:
        caller = self.auth.check(authorization, address)
        state["client"] = caller.client
        if caller.status == 401:
            raise Refused(401, f"authentication required: {caller.reason}", "unauthenticated",
                          {"WWW-Authenticate": 'Bearer realm="secplan"'})
        if caller.status == 403:
            raise Refused(403, caller.reason, "forbidden")
        if self.withdrawn is not None:
            raise Refused(503, f"{self.ref} is withdrawn: {self.withdrawn}", "withdrawn")
        if self.watch is not None and caller.client in self.watch.blocked:
            raise Refused(403, f"client {caller.client!r} is cut off: an extraction alert is open", "cut-off")
        if form == "too-large":
            raise Refused(413, f"the body is over {self.settings.max_body} bytes", "body-size")
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "the body is not JSON", "bad-request") from None
        try:
            if form == "v2":
                request = protocol.parse(protocol.InferenceRequest, doc)
                state["request_id"] = request.id
                rows = protocol.rows_of(request, self.inputs.features)
                wanted = [o.name for o in request.outputs or []] or ["predict"]
            else:
                plain = protocol.parse(protocol.PlainRequest, doc)
                rows = plain.instances
                wanted = ["predict", "predict_proba"] if plain.probabilities else ["predict"]
        except protocol.ProtocolError as exc:
            raise Refused(400, str(exc), "bad-request") from None
        state["rows"] = len(rows)
        unknown = [w for w in wanted if w != "predict" and w not in PROBA_OUTPUTS]
        if unknown:
            raise Refused(400, f"unknown output {unknown[0]!r} (predict or predict_proba)", "bad-request")
        proba = any(w in PROBA_OUTPUTS for w in wanted)
        if proba and caller.client not in self.settings.probabilities_for:
            raise Refused(403, f"{caller.client} is not granted class probabilities (labels only)", "probabilities")
        if len(rows) > self.settings.max_batch:
            raise Refused(413, f"{len(rows)} rows in one request; at most {self.settings.max_batch}", "batch-size")
        verdict = self.limiter.check(caller.client, len(rows))
        if not verdict.allowed:
            raise Refused(429, verdict.reason, "rate-limit" if "rate" in verdict.reason else "budget",
                          {"Retry-After": str(verdict.retry_after)})
        policy = self.settings.on_invalid
        problems = self.validator.check(rows, limit=1 if policy == "reject" else 20) if policy != "off" else []
        if problems:
            if self.settings.on_invalid == "reject":
                p = problems[0]
                raise Refused(422, p.message, "invalid-input")
            state["flagged"] = [p.message for p in problems]
        labels, probabilities = self._predict(rows, proba, state)
        state["labels"] = labels
        if self.watch is not None:
            budget = (verdict.budget_used, verdict.budget_limit) if verdict.budget_limit else None
            self.watch.submit(rows, labels, caller.client, budget)
        return self._reply(form, labels, probabilities, state)

    def _predict(self, rows: list[dict[str, Any]], proba: bool, state: dict[str, Any]
                 ) -> tuple[list[Any], list[list[float]] | None]:
        from secplan.errors import SecplanError

        frame = table(rows, self.inputs.features)
        t0 = time.perf_counter()
        try:
            if self._lock is not None:
                with self._lock:
                    raw = self.predictor.predict(frame)
                    raw_p = self.predictor.predict_proba(frame) if proba else None
            else:
                raw = self.predictor.predict(frame)
                raw_p = self.predictor.predict_proba(frame) if proba else None
        except SecplanError as exc:
            raise Refused(502, f"the model failed: {exc.message}", "model-error") from None
        finally:
            state["model_s"] = time.perf_counter() - t0
        try:
            labels = check_labels(raw, len(rows), self.classes)
            probabilities = minimise(raw_p, len(rows), self.settings.round_to, self.settings.top_k) \
                if raw_p is not None else None
        except OutputError as exc:
            raise Refused(502, f"output check: {exc}", "output-check") from None
        return labels, probabilities

    def _reply(self, form: str, labels: list[Any], probabilities: list[list[float]] | None,
               state: dict[str, Any]) -> Reply:
        if form == "plain":
            body: dict[str, Any] = {"predictions": labels}
            if probabilities is not None:
                body["probabilities"] = probabilities
                body["classes"] = [c.item() if isinstance(c, np.generic) else c for c in self.classes or []]
            return Reply(200, body)
        outputs = [{"name": "predict", "shape": [len(labels)], "datatype": protocol.datatype_of(labels),
                    "data": labels}]
        if probabilities is not None:
            width = len(probabilities[0]) if probabilities else 0
            outputs.append({"name": "predict_proba", "shape": [len(probabilities), width], "datatype": "FP64",
                            "data": [v for row in probabilities for v in row]})
        body = {"model_name": self.name, "model_version": self.version,
                **({"id": state["request_id"]} if state["request_id"] is not None else {}),
                "parameters": {"digest": self.digest}, "outputs": outputs}
        if state["flagged"]:
            body["parameters"]["flagged"] = state["flagged"][:5]
        return Reply(200, body)

    def close(self) -> None:
        self.ready = False
        if self.watch is not None:
            self.watch.close()
        self.predictor.close()
