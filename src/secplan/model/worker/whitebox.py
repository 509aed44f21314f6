"""White-box attacks run inside the worker, next to the model, so the evaluating process never holds it.

Which attack a model gets is decided by what it honestly exposes:

* gradients of the loss with respect to the input (FGSM, PGD): scikit-learn estimators for which
  ART computes them exactly, the linear models (``LogisticRegression``, ``LinearSVC``) and ``SVC``,
  alone or after one ``StandardScaler`` or ``MinMaxScaler`` in a pipeline (an affine step, which
  ART's ``preprocessing`` applies and differentiates);
* its tree (ART's decision tree attack): a single ``DecisionTreeClassifier`` or ``ExtraTreeClassifier``.

Everything else (other pipelines, ensembles, MLPs, boosters, ONNX graphs) gets no white-box attack and
says why: onnxruntime's inference sessions compute no gradients, scikit-learn's MLPs and pipelines
have none that ART reads, and the tree attack is defined for one tree. Their robustness is still
measured by the black-box attack, which any model gets.

Each attack answers the adversarial rows and the rows of model calls it made (predictions and
gradients), which the parent reports as the attack's queries.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

GRADIENT_MODELS = ("LogisticRegression", "LinearSVC", "SVC")
TREE_MODELS = ("DecisionTreeClassifier", "ExtraTreeClassifier")
ATTACKS = ("fgsm", "pgd", "decision_tree")


SCALERS = ("StandardScaler", "MinMaxScaler")


def _scaled(model: Any) -> tuple[Any, tuple[np.ndarray, np.ndarray] | None]:
    """The final estimator and, for a pipeline of one scaler and it, the scaler as ART's
    ``(subtrahend, divisor)``; a pipeline of other steps comes back whole, with None."""
    steps = [step for _, step in getattr(model, "steps", [])]
    if len(steps) != 2 or type(steps[0]).__name__ not in SCALERS:
        return model, None
    scaler, final = steps
    if type(scaler).__name__ == "StandardScaler":
        width = len(scaler.scale_ if scaler.scale_ is not None else scaler.mean_)
        sub = scaler.mean_ if scaler.mean_ is not None else np.zeros(width)
        div = scaler.scale_ if scaler.scale_ is not None else np.ones(width)
    else:  # MinMaxScaler: x * scale_ + min_ = (x - (-min_ / scale_)) / (1 / scale_)
        sub, div = -scaler.min_ / scaler.scale_, 1 / scaler.scale_
    return final, (np.asarray(sub, dtype="float64"), np.asarray(div, dtype="float64"))


def available(model: Any) -> tuple[list[str], str | None]:
    """The white-box attacks ``model`` (the library object) supports, and why the others are not run."""
    final, scaling = _scaled(model)
    name = type(final).__name__ if scaling is not None else type(model).__name__
    if getattr(model, "classes_", None) is None or type(final).__module__.split(".")[0] != "sklearn":
        return [], f"a {type(model).__name__} exposes neither input gradients nor a single tree to ART"
    if scaling is not None and name not in GRADIENT_MODELS:
        return [], f"a pipeline ending in a {name} exposes neither input gradients nor a single tree to ART"
    if name in GRADIENT_MODELS:
        return ["fgsm", "pgd"], "the decision tree attack needs a single tree"
    if name in TREE_MODELS:
        return ["decision_tree"], "a tree has no input gradients (FGSM/PGD)"
    return [], f"a {name} exposes neither input gradients nor a single tree to ART"


class _Counted:
    """Counts the rows of every prediction and gradient call an ART estimator makes."""

    def __init__(self, estimator: Any) -> None:
        self.rows = 0
        for method in ("predict", "loss_gradient", "class_gradient"):
            if hasattr(estimator, method):
                setattr(estimator, method, self._wrap(getattr(estimator, method)))

    def _wrap(self, call: Any) -> Any:
        def counted(x: np.ndarray, *args: Any, **kwargs: Any) -> Any:
            self.rows += len(x)
            return call(x, *args, **kwargs)
        return counted


def run(model: Any, kind: str, x: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, int]:
    """Adversarial versions of ``x`` (rows in the model's feature order) and the rows of calls spent.

    ``params``: ``eps`` and ``eps_step`` (one value per feature, in the feature's units), ``max_iter``
    (PGD), ``low`` and ``high`` (per-feature clip bounds) and ``seed``.
    """
    from art.estimators.classification.scikitlearn import ScikitlearnDecisionTreeClassifier, SklearnClassifier

    supported, _ = available(model)
    if kind not in supported:
        raise ValueError(f"the {kind} attack does not apply to a {type(model).__name__}")
    clip = (np.asarray(params["low"], dtype="float64"), np.asarray(params["high"], dtype="float64"))
    eps = np.asarray(params["eps"], dtype="float64")
    np.random.seed(int(params.get("seed", 0)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "decision_tree":
            from art.attacks.evasion import DecisionTreeAttack

            estimator = ScikitlearnDecisionTreeClassifier(model, clip_values=clip)
            counter = _Counted(estimator)
            adversarial = DecisionTreeAttack(estimator, offset=float(params.get("offset", 1e-3)),
                                             verbose=False).generate(x)
            return np.clip(adversarial, *clip), counter.rows
        final, scaling = _scaled(model)
        estimator = SklearnClassifier(final, clip_values=clip, preprocessing=scaling or (0.0, 1.0))
        counter = _Counted(estimator)
        labels = np.eye(len(model.classes_))[np.searchsorted(model.classes_, model.predict(x))]
        counter.rows += len(x)
        if kind == "fgsm":
            from art.attacks.evasion import FastGradientMethod

            attack = FastGradientMethod(estimator, norm=np.inf, eps=eps, eps_step=eps, batch_size=len(x))
        else:
            from art.attacks.evasion import ProjectedGradientDescentNumpy

            attack = ProjectedGradientDescentNumpy(estimator, norm=np.inf, eps=eps,
                                                   eps_step=np.asarray(params["eps_step"], dtype="float64"),
                                                   max_iter=int(params.get("max_iter", 10)), batch_size=len(x),
                                                   verbose=False)
        return attack.generate(x, y=labels), counter.rows
