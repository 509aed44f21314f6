"""Train the credit-risk models: scikit-learn pipelines on the application data.

Saves the fitted pipeline with pickle (models/credit_model.pkl: what many teams do, and what secplan
flags) and the model's parameters as safetensors (models/credit_model.safetensors: data only).
Two more models, in formats that load without running code, are there to be evaluated:
models/credit_model_v2.skops adds the applicant's branch, which raises the AUC, but the branch is a
proxy of gender, so the model fails the four-fifths rule; models/credit_gbm.txt (LightGBM's text
format) is a boosted ensemble of deep trees without regularisation that memorises its training
rows, so it is brittle and leaks membership. The
training and test rows of the split (no direct identifiers) go to data/eval/ for
`secplan model evaluate`.
Usage: python train.py DATA.csv MODELS_DIR
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["age", "annual_income", "loan_amount", "loan_term_months", "credit_history_years",
            "open_credit_lines", "delinquencies"]
FEATURES_V2 = [*FEATURES, "branch"]
LABEL = "defaulted"
SENSITIVE = ["gender"]


def main(data_path: str, models_dir: str) -> None:
    frame = pd.read_csv(data_path)
    train_rows, test_rows = train_test_split(frame, test_size=0.25, random_state=7, stratify=frame[LABEL])
    x_train, x_test, y_train, y_test = train_rows[FEATURES], test_rows[FEATURES], train_rows[LABEL], test_rows[LABEL]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=7))
    model.fit(x_train, y_train)
    proba = model.predict_proba(x_test)[:, 1]
    metrics = {"accuracy": round(float(accuracy_score(y_test, proba > 0.5)), 4),
               "roc_auc": round(float(roc_auc_score(y_test, proba)), 4), "test_rows": len(y_test)}

    out = Path(models_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "credit_model.pkl").open("wb") as handle:
        pickle.dump(model, handle, protocol=4)

    from safetensors.numpy import save_file

    scaler, classifier = model[0], model[1]
    save_file({"scaler.mean": scaler.mean_.astype(np.float64), "scaler.scale": scaler.scale_.astype(np.float64),
               "coef": classifier.coef_.astype(np.float64), "intercept": classifier.intercept_.astype(np.float64)},
              str(out / "credit_model.safetensors"), metadata={"features": ",".join(FEATURES)})
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(f"trained: accuracy {metrics['accuracy']}, ROC AUC {metrics['roc_auc']}")
    _train_for_evaluation(train_rows, test_rows, out, Path(data_path).parent / "eval")


def _train_for_evaluation(train_rows: pd.DataFrame, test_rows: pd.DataFrame, out: Path, eval_dir: Path) -> None:
    import lightgbm
    import skops.io

    v2 = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=7))
    v2.fit(train_rows[FEATURES_V2], train_rows[LABEL])
    gbm = lightgbm.LGBMClassifier(n_estimators=300, num_leaves=255, min_child_samples=1, min_split_gain=0.0,
                                  reg_lambda=0.0, learning_rate=0.3, random_state=7, n_jobs=1, verbose=-1)
    gbm.fit(train_rows[FEATURES], train_rows[LABEL])
    skops.io.dump(v2, out / "credit_model_v2.skops")
    gbm.booster_.save_model(str(out / "credit_gbm.txt"))
    auc = roc_auc_score(test_rows[LABEL], v2.predict_proba(test_rows[FEATURES_V2])[:, 1])
    (out / "metrics_v2.json").write_text(json.dumps({"roc_auc": round(float(auc), 4)}, indent=2) + "\n",
                                         encoding="utf-8")
    eval_dir.mkdir(parents=True, exist_ok=True)
    columns = [*FEATURES_V2, *SENSITIVE, LABEL]
    train_rows[columns].to_csv(eval_dir / "train.csv", index=False)
    test_rows[columns].to_csv(eval_dir / "test.csv", index=False)
    print(f"trained for evaluation: v2 (with branch) ROC AUC {auc:.4f}, an unregularised boosted ensemble")


if __name__ == "__main__":
    main(*sys.argv[1:3])
