"""Training-data validation (DS-7): profiles as baselines, declarative rules, duplicates, leakage,
label noise, outliers, poisoning indicators and drift."""

from secplan.data.validate.engine import ValidationReport, validate_frame, validate_path
from secplan.data.validate.profile import Profile, build_profile, load_profile

__all__ = ["Profile", "ValidationReport", "build_profile", "load_profile", "validate_frame", "validate_path"]
