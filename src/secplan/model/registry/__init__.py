"""The model registry (MS-1, MS-6, HS-4): versions with digests and lineage, signed manifests in the
OpenSSF model-signing format, promotion gates with approvals. See docs/model-registry.md."""
