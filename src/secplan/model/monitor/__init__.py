"""Live monitoring of served models (MS-2, MS-5, HS-5): validation, drift, out-of-distribution and query patterns."""
