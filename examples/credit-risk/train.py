"""Train the credit-risk model: a scikit-learn pipeline on the application data.

Saves the fitted pipeline with pickle (models/credit_model.pkl: what many teams do, and what secplan
flags) and the model's parameters as safetensors (models/credit_model.safetensors: data only).
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
LABEL = "defaulted"


def main(data_path: str, models_dir: str) -> None:
    frame = pd.read_csv(data_path)
    x_train, x_test, y_train, y_test = train_test_split(
        frame[FEATURES], frame[LABEL], test_size=0.25, random_state=7, stratify=frame[LABEL]
    )
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


if __name__ == "__main__":
    main(*sys.argv[1:3])
