"""Probes for this pillar: one package per probe (def.yml + run()). See docs/architecture.md."""
