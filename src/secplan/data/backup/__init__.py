"""Backups and disaster recovery (DS-5): restic driven by the plan, verified and drilled."""
