"""Benchmark: secplan's evaluation suites vs the libraries a user would run by hand, same model and data, one run.

    .venv/bin/python bench/bench_evaluate.py [--rows 10000] [--features 20] [--trees 50] [--budget 5000]

Three races, all on one random forest trained on ``--rows`` synthetic rows (``--features`` numeric
features, a binary sensitive attribute that is no model input) and tested on ``--rows`` more:

1. Overhead: secplan's robustness, fairness and explain suites in process (a plain Predictor, no
   worker) against ART's HopSkipJump (same rows, starts and parameters), fairlearn's ``MetricFrame``
   (same groups) and scikit-learn's ``permutation_importance`` (same rows and repeats) run by hand.
   secplan also runs perturbation checks, bootstrap intervals, the proxy search and local
   explanations; those are timed apart so that the like-for-like ratio is honest.
2. Membership inference: secplan's loss-threshold attack against ART's ``MembershipInferenceBlackBox``
   (a random-forest attack model trained on half of the members and non-members, scored on the
   other half): AUC and seconds.
3. The whole suite (quality, robustness, privacy, fairness, explain) through the real worker process
   on a registered model, as ``secplan model evaluate`` runs it.

Prints a table; not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from secplan.model.evaluate import explain, fairness, robustness  # noqa: E402
from secplan.model.evaluate.context import Context  # noqa: E402
from secplan.model.evaluate.engine import thresholds  # noqa: E402
from secplan.model.evaluate.privacy import membership  # noqa: E402
from secplan.model.worker.interface import ModelInfo  # noqa: E402


class InProcess:
    """The model itself behind the Predictor calls (what the hand-run libraries get too)."""

    def __init__(self, model, features: list[str]) -> None:
        self.model, self.queries = model, 0
        self.info = ModelInfo("sklearn", "classification", [0, 1], features, True)

    def predict(self, x):
        self.queries += len(x)
        return self.model.predict(x)

    def predict_proba(self, x):
        self.queries += len(x)
        return self.model.predict_proba(x)

    def close(self) -> None:
        pass


def make_data(rows: int, features: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=2 * rows, n_features=features, n_informative=features // 2,
                               random_state=seed, flip_y=0.05)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(features)])
    rng = np.random.default_rng(seed)
    frame["group"] = np.where(rng.random(2 * rows) < 0.4, "a", "b")
    frame["label"] = y
    return frame.iloc[:rows].reset_index(drop=True), frame.iloc[rows:].reset_index(drop=True)


def context(model, test: pd.DataFrame, train: pd.DataFrame, features: list[str], budget: int, seed: int) -> Context:
    return Context(model=model, test=test[features], y_test=test["label"].to_numpy(), train=train[features],
                   y_train=train["label"].to_numpy(), sensitive=test[["group"]], thresholds=thresholds(None),
                   rng=np.random.default_rng(seed), budget=budget, task="classification", classes=[0, 1])


def reseeded(ctx: Context, seed: int, forget: bool = False) -> Context:
    """``ctx`` with its generator reset (and, with ``forget``, no answers kept from earlier calls)."""
    ctx.rng = np.random.default_rng(seed)
    if forget:
        ctx._pred = ctx._proba = None
    return ctx


def best_of(times: int, fn):
    """The result and the fastest of ``times`` runs (the machine is shared: the minimum is the least noisy)."""
    runs = [timed(fn) for _ in range(times)]
    return runs[0][0], min(seconds for _, seconds in runs)


CLOCK = {"cpu": time.process_time, "wall": time.perf_counter}
clock = time.process_time
"""The clock of races 1 and 2 (``--clock``): this process's CPU seconds by default, which a machine
shared with other work inflates far less than wall-clock seconds (both sides run single-threaded)."""


def timed(fn, *args, **kwargs):
    start = clock()
    out = fn(*args, **kwargs)
    return out, clock() - start


def hand_run(model, test: pd.DataFrame, features: list[str], rows: np.ndarray, starts: np.ndarray,
             iterations: int, seed: int) -> dict[str, float]:
    """What a user would write with ART, fairlearn and scikit-learn for the same three answers."""
    from art.attacks.evasion import HopSkipJump
    from art.estimators.classification import BlackBoxClassifier
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import accuracy_score

    x_all = test[features].to_numpy()
    mean, std = x_all.mean(axis=0), x_all.std(axis=0)
    z = (x_all - mean) / std
    out = {}

    def predict(zz):
        labels = model.predict(pd.DataFrame(zz * std + mean, columns=features))
        return np.eye(2)[labels.astype(int)]

    start = clock()
    classifier = BlackBoxClassifier(predict, x_all.shape[1:], 2, clip_values=(z.min(axis=0), z.max(axis=0)))
    attack = HopSkipJump(classifier, targeted=False, norm=np.inf, max_iter=iterations,
                         max_eval=robustness.MAX_EVAL, init_eval=robustness.INIT_EVAL, init_size=20, verbose=False)
    np.random.seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        attack.generate(x=(rows - mean) / std, x_adv_init=(starts - mean) / std)
    out["hop_skip_jump"] = clock() - start

    start = clock()
    y, p = test["label"].to_numpy(), model.predict(test[features])
    frame = MetricFrame(metrics={"selection_rate": selection_rate, "tpr": true_positive_rate,
                                 "fpr": false_positive_rate, "accuracy": accuracy_score},
                        y_true=y, y_pred=p, sensitive_features=test["group"])
    frame.ratio()
    frame.difference()
    out["metric_frame"] = clock() - start

    start = clock()
    take = np.random.default_rng(seed).choice(len(test), min(explain.ROWS, len(test)), replace=False)
    permutation_importance(model, test[features].iloc[take], y[take], n_repeats=explain.REPEATS, random_state=seed,
                           n_jobs=1)
    out["permutation_importance"] = clock() - start
    return out


def secplan_parts(model, test, train, features, budget, seed) -> tuple[dict[str, float], dict[str, float], Context]:
    """secplan's same three answers (like for like) and its extras, each timed."""
    ctx = context(InProcess(model, features), test, train, features, budget, seed)
    like, extra = {}, {}
    ctx.predictions()  # the attack's starting points read the test rows' labels, asked before the clock (as the
    # quality suite has asked them in a full run, and as the hand-run attack gets its starts ready-made)
    _, like["hop_skip_jump"] = timed(robustness.hop_skip_jump, ctx)
    ctx._pred = None  # the fairness suite asks for predictions itself, as the hand-run code does
    start = clock()
    ctx.predictions()
    positive = ctx.positive()
    y = (ctx.y_test == positive).astype(int)
    p = (ctx.predictions() == positive).astype(int)
    fairness._summary(fairness.group_table(y, p, fairness.group_labels(ctx.sensitive["group"]).to_numpy()))
    like["metric_frame"] = clock() - start
    _, like["permutation_importance"] = timed(explain.importance, ctx)
    _, extra["perturbations"] = timed(robustness.perturbations, ctx)
    _, extra["fairness suite (bootstrap, proxies)"] = timed(fairness.run, ctx)
    _, extra["local explanations"] = timed(explain.local, ctx)
    return like, extra, ctx


def art_membership(model, train, test, features, seed) -> float:
    """ART's attack AUC: a random-forest attack model fit on half of each side, scored on the other half."""
    from art.attacks.inference.membership_inference import MembershipInferenceBlackBox
    from art.estimators.classification import SklearnClassifier
    from sklearn.metrics import roc_auc_score

    n = min(2000, len(train), len(test))
    rng = np.random.default_rng(seed)
    members = train.iloc[rng.choice(len(train), n, replace=False)]
    others = test.iloc[rng.choice(len(test), n, replace=False)]
    half = n // 2
    attack = MembershipInferenceBlackBox(SklearnClassifier(model), attack_model_type="rf")
    attack.fit(members[features].to_numpy()[:half], members["label"].to_numpy()[:half],
               others[features].to_numpy()[:half], others["label"].to_numpy()[:half])
    x = np.vstack([members[features].to_numpy()[half:], others[features].to_numpy()[half:]])
    y = np.concatenate([members["label"].to_numpy()[half:], others["label"].to_numpy()[half:]])
    scores = attack.infer(x, y, probabilities=True)
    truth = np.concatenate([np.ones(n - half), np.zeros(n - half)])
    scores = np.asarray(scores)
    return float(roc_auc_score(truth, scores[:, -1] if scores.ndim == 2 else scores))


def full_suite(model, train: pd.DataFrame, test: pd.DataFrame, budget: int, seed: int) -> tuple[float, float, dict]:
    """The whole suite through a real worker on a registered model, as the command runs it."""
    import joblib

    from secplan.model.evaluate.engine import evaluate
    from secplan.model.registry.versions import register_model
    from secplan.model.worker import open_worker
    from secplan.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "secplan.yaml").write_text("version: 1\nproject: {name: bench}\n")
        joblib.dump(model, root / "model.joblib")
        train.to_csv(root / "train.csv", index=False)
        test.to_csv(root / "test.csv", index=False)
        os.environ.pop("SECPLAN_DATABASE_URL", None)
        store = Store.for_project(root)
        version = register_model(store, root, root / "model.joblib", "bench")
        import resource

        def cpu() -> float:
            own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

        start, cpu_start = time.perf_counter(), cpu()
        with open_worker(version, root) as worker:
            result = evaluate(worker, ref=version.ref, digest=version.root_digest, data=root / "test.csv",
                              train=root / "train.csv", target="label", sensitive=["group"], budget=budget, seed=seed)
        seconds, cpu_seconds = time.perf_counter() - start, cpu() - cpu_start  # the worker is reaped by now
        store.dispose()
    return seconds, cpu_seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--trees", type=int, default=50)
    parser.add_argument("--budget", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clock", choices=sorted(CLOCK), default="cpu", help="clock of races 1 and 2")
    args = parser.parse_args()
    global clock
    clock = CLOCK[args.clock]
    from sklearn.ensemble import RandomForestClassifier

    train, test = make_data(args.rows, args.features, args.seed)
    features = [c for c in train.columns if c.startswith("f")]
    model = RandomForestClassifier(n_estimators=args.trees, random_state=args.seed, n_jobs=1)
    model.fit(train[features], train["label"])
    print(f"data: {args.rows} training + {args.rows} test rows, {args.features} features; "
          f"random forest of {args.trees} trees; budget {args.budget}")

    import art.attacks.evasion
    import art.attacks.inference.membership_inference
    import art.estimators.classification  # noqa: F401
    import fairlearn.metrics  # noqa: F401
    import sklearn.inspection  # noqa: F401

    warnings.filterwarnings("ignore", message="X does not have valid feature names")
    warnings.filterwarnings("ignore", message=".*has no project id")
    like, extra, _ = secplan_parts(model, test, train, features, args.budget, args.seed)
    # the same rows, starts and iterations for the hand-run attack
    attack_ctx = context(InProcess(model, features), test, train, features, args.budget, args.seed)
    x_all = attack_ctx.test.to_numpy(dtype="float64")
    n_rows = int(max(1, min(robustness.ATTACK_ROWS, args.budget // 200, len(x_all))))
    rows = x_all[attack_ctx.rng.choice(len(x_all), n_rows, replace=False)]
    std = x_all.std(axis=0)
    starts = robustness._starting_points(attack_ctx, x_all, rows, model.predict(pd.DataFrame(rows, columns=features)),
                                         std)
    hand = hand_run(model, test, features, rows, starts, robustness._iterations(args.budget // n_rows), args.seed)
    print(f"\n1. like for like ({args.clock} seconds)      secplan   by hand   ratio")
    for key in like:
        print(f"   {key:32s} {like[key]:8.2f}  {hand[key]:8.2f}  {like[key] / hand[key]:6.2f}x")
    total_s, total_h = sum(like.values()), sum(hand.values())
    print(f"   {'total':32s} {total_s:8.2f}  {total_h:8.2f}  {total_s / total_h:6.2f}x")
    print("   secplan's extras: " + ", ".join(f"{k} {v:.2f} s" for k, v in extra.items()))

    cold = context(InProcess(model, features), test, train, features, args.budget, args.seed)
    ours, cold_s = best_of(3, lambda: membership(reseeded(cold, args.seed, forget=True)))
    warm = context(InProcess(model, features), test, train, features, args.budget, args.seed)
    warm.probabilities()  # what the quality suite has asked before the privacy suite runs
    warm_auc, warm_s = best_of(3, lambda: membership(reseeded(warm, args.seed))["membership_auc"])
    art_auc, art_s = best_of(3, lambda: art_membership(model, train, test, features, args.seed))
    print(f"\n2. membership inference (best of 3)        AUC   {args.clock} s   ART / secplan")
    print(f"   secplan, every row queried         {ours['membership_auc']:8.3f}  {cold_s:8.3f}  {art_s / cold_s:6.1f}x")
    print(f"   secplan, test answers reused       {warm_auc:8.3f}  {warm_s:8.3f}  {art_s / warm_s:6.1f}x")
    print(f"   ART MembershipInferenceBlackBox    {art_auc:8.3f}  {art_s:8.3f}")
    print(f"   AUC difference {abs(ours['membership_auc'] - art_auc):.3f}")

    seconds, cpu_seconds, result = full_suite(model, train, test, args.budget, args.seed)
    print(f"\n3. full suite through the worker: {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU (evaluator and "
          f"worker), {result['queries']} queries; "
          + "; ".join(f"{k} {'-' if v.get('passed') is None else ('pass' if v['passed'] else 'fail')}"
                      for k, v in result["suites"].items()))


if __name__ == "__main__":
    main()
