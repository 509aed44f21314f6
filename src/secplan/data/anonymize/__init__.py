"""Anonymisation (DS-6): column operators, k-anonymity and l-diversity, differentially private
aggregates within a per-dataset budget, and a privacy and utility report."""

from secplan.data.anonymize.engine import anonymize_file, anonymize_frame
from secplan.data.anonymize.policy import AnonymisationPolicy, load_policy

__all__ = ["AnonymisationPolicy", "anonymize_file", "anonymize_frame", "load_policy"]
