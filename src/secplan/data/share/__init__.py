"""Secure sharing with third parties (DS-8): age-encrypted packages with a signed manifest, recorded."""
