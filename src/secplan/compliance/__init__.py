"""Compliance (CS-1, CS-5, CS-6) and attestations: vendors, signed attestations, framework reports."""
