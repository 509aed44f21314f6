"""Serve the credit-risk model over HTTP, validating every request against a schema."""

from __future__ import annotations

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel, Field
from safetensors.numpy import load_file

app = FastAPI(title="credit-risk")
params = load_file("models/credit_model.safetensors")


class Application(BaseModel):
    age: int = Field(ge=18, le=100)
    annual_income: float = Field(gt=0, le=10_000_000)
    loan_amount: float = Field(gt=0, le=1_000_000)
    loan_term_months: int = Field(ge=6, le=360)
    credit_history_years: int = Field(ge=0, le=80)
    open_credit_lines: int = Field(ge=0, le=100)
    delinquencies: int = Field(ge=0, le=100)


class LinearModel:
    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        z = ((x - params["scaler.mean"]) / params["scaler.scale"]) @ params["coef"].T + params["intercept"]
        return 1 / (1 + np.exp(-z))


model = LinearModel()


@app.post("/score")
def score(application: Application) -> dict[str, float]:
    x = np.array([[getattr(application, f) for f in Application.model_fields]], dtype=np.float64)
    probability = float(model.predict_proba(x)[0, 0])
    return {"default_probability": round(min(max(probability, 0.0), 1.0), 4)}
