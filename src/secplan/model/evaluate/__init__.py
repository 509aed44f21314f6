"""Model evaluation (MS-3, MS-4, CS-2): robustness, fairness and explainability results per version."""
