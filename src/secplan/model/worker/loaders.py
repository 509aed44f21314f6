"""Loading a verified model inside the worker process, one adapter per format.

Runs only in the child (:mod:`.child`), after the parent checked scan, digest and signature of the
exact bytes it copied. Each adapter turns the library's model into the same three calls: ``info``,
``predict`` and ``predict_proba`` over a ``pandas.DataFrame``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np


class Loaded:
    """A loaded model behind the worker's calls."""

    format = ""

    def __init__(self, model: Any) -> None:
        self.model = model

    def info(self) -> dict[str, Any]:
        raise NotImplementedError

    def predict(self, frame: Any) -> np.ndarray:
        raise NotImplementedError

    def predict_proba(self, frame: Any) -> np.ndarray:
        raise NotImplementedError

    def attack(self, kind: str, frame: Any, params: dict[str, Any]) -> tuple[np.ndarray, int]:
        """A white-box attack next to the model (:mod:`.whitebox`); most formats expose none."""
        raise ValueError(f"a {self.format} model offers no white-box attack")


def _numeric(frame: Any, dtype: str = "float64") -> np.ndarray:
    try:
        return frame.to_numpy(dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError("the model needs numeric features; some columns hold text") from None


class SklearnModel(Loaded):
    """scikit-learn estimators and pipelines (joblib or skops); DataFrames keep column names."""

    format = "sklearn"

    def info(self) -> dict[str, Any]:
        m = self.model
        if not hasattr(m, "predict"):
            raise ValueError(f"the file holds a {type(m).__name__}, not a model with predict()")
        classes = getattr(m, "classes_", None)
        names = getattr(m, "feature_names_in_", None)
        return {"format": self.format, "task": "classification" if classes is not None else "regression",
                "classes": [c.item() if isinstance(c, np.generic) else c for c in classes] if classes is not None
                else None, "features": [str(n) for n in names] if names is not None else None,
                "has_proba": classes is not None and hasattr(m, "predict_proba"),
                "details": {"estimator": type(m).__name__, "white_box": self._white_box()}}

    def _white_box(self) -> dict[str, Any]:
        from secplan.model.worker import whitebox

        attacks, reason = whitebox.available(self.model)
        return {"attacks": attacks, "not_run": reason}

    def attack(self, kind: str, frame: Any, params: dict[str, Any]) -> tuple[np.ndarray, int]:
        from secplan.model.worker import whitebox

        names = getattr(self.model, "feature_names_in_", None)
        if names is not None and [str(n) for n in names] != [str(c) for c in frame.columns]:
            raise ValueError("the attack needs the model's feature columns in the model's order")
        return whitebox.run(self.model, kind, _numeric(frame), params)

    def _input(self, frame: Any) -> Any:
        return frame if getattr(self.model, "feature_names_in_", None) is not None else _numeric(frame)

    def predict(self, frame: Any) -> np.ndarray:
        return np.asarray(self.model.predict(self._input(frame)))

    def predict_proba(self, frame: Any) -> np.ndarray:
        return np.asarray(self.model.predict_proba(self._input(frame)), dtype="float64")


class SkopsModel(SklearnModel):
    format = "skops"


class XGBoostModel(Loaded):
    """A native XGBoost booster; its objective says classification or regression."""

    format = "xgboost"

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        config = json.loads(model.save_config())
        self.objective = config["learner"]["objective"]["name"]
        self.n_classes = int(config["learner"]["learner_model_param"].get("num_class", "0") or 0)

    def _classes(self) -> list[int] | None:
        if self.objective.startswith("binary:"):
            return [0, 1]
        if self.objective.startswith("multi:"):
            return list(range(self.n_classes))
        return None

    def info(self) -> dict[str, Any]:
        classes = self._classes()
        return {"format": self.format, "task": "classification" if classes else "regression", "classes": classes,
                "features": list(self.model.feature_names) if self.model.feature_names else None,
                "has_proba": classes is not None and self.objective != "multi:softmax",
                "details": {"objective": self.objective}}

    def _raw(self, frame: Any) -> np.ndarray:
        import xgboost

        names = list(self.model.feature_names) if self.model.feature_names else None
        data = _numeric(frame[names] if names and set(names) <= set(frame.columns) else frame)
        return np.asarray(self.model.predict(xgboost.DMatrix(data, feature_names=names)))

    def predict_proba(self, frame: Any) -> np.ndarray:
        out = self._raw(frame)
        return np.column_stack([1 - out, out]) if out.ndim == 1 and self._classes() == [0, 1] else out

    def predict(self, frame: Any) -> np.ndarray:
        if self._classes() is None:
            return self._raw(frame)
        if self.objective == "multi:softmax":
            return self._raw(frame).astype("int64")
        return np.argmax(self.predict_proba(frame), axis=1)


class LightGBMModel(Loaded):
    """A native LightGBM booster (text format)."""

    format = "lightgbm"

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        self.objective = str(model.dump_model(num_iteration=0).get("objective", "regression")).split()[0]
        self.n_classes = int(model.dump_model(num_iteration=0).get("num_class", 1))

    def _classes(self) -> list[int] | None:
        if self.objective in ("binary", "cross_entropy"):
            return [0, 1]
        if self.objective.startswith("multiclass"):
            return list(range(self.n_classes))
        return None

    def info(self) -> dict[str, Any]:
        classes = self._classes()
        return {"format": self.format, "task": "classification" if classes else "regression", "classes": classes,
                "features": list(self.model.feature_name()), "has_proba": classes is not None,
                "details": {"objective": self.objective}}

    def _raw(self, frame: Any) -> np.ndarray:
        names = list(self.model.feature_name())
        data = frame[names] if set(names) <= set(frame.columns) else frame
        return np.asarray(self.model.predict(_numeric(data)))

    def predict_proba(self, frame: Any) -> np.ndarray:
        out = self._raw(frame)
        return np.column_stack([1 - out, out]) if out.ndim == 1 else out

    def predict(self, frame: Any) -> np.ndarray:
        return self._raw(frame) if self._classes() is None else np.argmax(self.predict_proba(frame), axis=1)


class OnnxModel(Loaded):
    """An ONNX graph in onnxruntime (CPU); one tensor input, a label output and optional probabilities."""

    format = "onnx"

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        inputs = model.get_inputs()
        if len(inputs) != 1:
            raise ValueError(f"the ONNX graph has {len(inputs)} inputs; evaluation needs one tensor input")
        self.input = inputs[0]
        self.outputs = [o.name for o in model.get_outputs()]
        self.dtype = "float64" if "double" in self.input.type else "float32"
        self._classes: list[Any] | None = None

    def _run(self, frame: Any) -> list[Any]:
        return self.model.run(None, {self.input.name: _numeric(frame, self.dtype)})

    def _proba(self, raw: Any) -> np.ndarray | None:
        if len(raw) < 2:
            return None
        probs = raw[1]
        if isinstance(probs, list) and probs and isinstance(probs[0], dict):  # skl2onnx's ZipMap
            self._classes = sorted(probs[0])
            return np.array([[row[c] for c in self._classes] for row in probs], dtype="float64")
        return np.asarray(probs, dtype="float64")

    def info(self) -> dict[str, Any]:
        shape = self.input.shape
        width = shape[1] if len(shape) == 2 and isinstance(shape[1], int) else 1
        probe = self.model.run(None, {self.input.name: np.zeros((1, width), dtype=self.dtype)})
        proba = self._proba(probe)
        label = np.asarray(probe[0])
        classification = proba is not None or label.dtype.kind in "iubOUS"
        if proba is not None and self._classes is None:
            self._classes = list(range(proba.shape[1]))
        return {"format": self.format, "task": "classification" if classification else "regression",
                "classes": self._classes, "features": None, "has_proba": proba is not None,
                "details": {"outputs": self.outputs, "input_width": width}}

    def predict(self, frame: Any) -> np.ndarray:
        label = np.asarray(self._run(frame)[0])
        return label.ravel() if label.ndim == 2 and label.shape[1] == 1 else label

    def predict_proba(self, frame: Any) -> np.ndarray:
        proba = self._proba(self._run(frame))
        if proba is None:
            raise ValueError("the ONNX graph has no probability output")
        return proba


def load(fmt: str, path: Path) -> Loaded:
    """Load the verified copy at ``path`` with the library of ``fmt``."""
    if fmt == "sklearn":
        import joblib

        return SklearnModel(joblib.load(path))
    if fmt == "skops":
        import skops.io

        # Only the types skops trusts by default: any other type in the file refuses the load.
        return SkopsModel(skops.io.load(path))
    if fmt == "xgboost":
        import xgboost

        booster = xgboost.Booster()
        booster.load_model(str(path))
        return XGBoostModel(booster)
    if fmt == "lightgbm":
        import lightgbm

        return LightGBMModel(lightgbm.Booster(model_file=str(path)))
    if fmt == "onnx":
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        return OnnxModel(onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"]))
    raise ValueError(f"cannot evaluate {fmt}")
