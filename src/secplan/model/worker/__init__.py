"""The model worker: a verified model loaded and queried in its own limited process.

``open_worker(version, root)`` checks the exact bytes it will load (scan, digest, signature) and
starts a :class:`ModelWorker`; :class:`EndpointModel` asks a model behind an HTTP endpoint the
same questions. Both are :class:`Predictor`\\ s: evaluation and the gateway use nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from secplan.model.worker.interface import Features, Limits, ModelInfo, Predictor
from secplan.model.worker.process import ModelWorker, WorkerError

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.model.registry.versions import ModelVersion

__all__ = ["EndpointModel", "Features", "Limits", "ModelInfo", "ModelWorker", "Predictor", "WorkerError",
           "open_worker"]


def open_worker(version: ModelVersion, root: Path, *, manager: KeyManager | None = None,
                limits: Limits = Limits()) -> ModelWorker:
    """Verify ``version`` (scan, registered digest, signature when signed) and start its worker."""
    from secplan.model.worker.prepare import prepare

    prepared = prepare(version, root, manager)
    try:
        return ModelWorker(prepared, limits)
    except BaseException:
        prepared.cleanup()
        raise


def __getattr__(name: str) -> object:
    if name == "EndpointModel":  # httpx is imported only when an endpoint is used
        from secplan.model.worker.endpoint import EndpointModel

        return EndpointModel
    raise AttributeError(name)
