"""What a validation run reports: findings with the project's severities, and the thresholds behind them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from secplan.vocabulary import Severity


@dataclass(frozen=True)
class Finding:
    check: str
    """Which check fired: schema, nulls, range, categories, duplicates, near_duplicates, leakage,
    label_noise, outliers, poisoning, drift, rule."""
    severity: Severity
    message: str
    column: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


class Thresholds(BaseModel):
    """When a measured quantity becomes a finding. Defaults are quiet on a fresh sample of the same
    distribution and loud on the planted problems the tests use; the rules file may override them."""

    model_config = ConfigDict(extra="forbid")

    null_rate_increase: float = Field(0.05, ge=0, le=1)
    out_of_range_share: float = Field(0.01, ge=0, le=1)
    new_category_share: float = Field(0.005, ge=0, le=1)
    duplicate_share: float = Field(0.001, ge=0, le=1)
    leakage_share: float = Field(0.0, ge=0, le=1)
    label_noise_share: float = Field(0.05, ge=0, le=1)
    outlier_z: float = Field(6.0, gt=0, description="Robust z-score (median/MAD) beyond which a value is an outlier.")
    outlier_share: float = Field(0.01, ge=0, le=1)
    conflicting_label_share: float = Field(0.005, ge=0, le=1)
    burst_rows: int = Field(5, ge=2, description="Copies of one row that count as a burst, at least ...")
    burst_share: float = Field(0.005, ge=0, le=1, description="... and at least this share of the rows.")
    label_shift_tvd: float = Field(0.1, ge=0, le=1)
    drift_alpha: float = Field(0.05, gt=0, lt=1)
    drift_correction: Literal["bh", "holm"] = "bh"
    drift_psi: float = Field(0.1, ge=0, description="Least PSI for a significant test to count as drift ...")
    drift_wasserstein: float = Field(0.1, ge=0, description="... or least normalised Wasserstein distance.")
