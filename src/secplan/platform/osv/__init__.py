"""Offline OSV: read advisory databases, index them, and match exact versions (PEP 440) against them."""
