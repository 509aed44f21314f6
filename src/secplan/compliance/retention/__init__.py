"""Retention and deletion (CS-3): what is past its retention period, deleting it, crypto-shredding."""
