"""Live monitoring of served models (MS-2, MS-5, HS-5): validation, drift, out-of-distribution
requests and per-client query patterns (extraction, evasion, budget burn), all on numpy/scipy.

``space`` maps requests into the training profile's coordinates, ``drift`` watches a model's
sliding window, ``queries`` watches each client and ``detect`` combines them into detections;
``evidence`` is what the assessment reads about served models.
"""
