"""Platform scanning (PS-1 .. PS-7): vulnerable dependencies from an offline OSV database, patch SLAs,
secrets, configuration of containers, clusters, cloud and ML servers, and risky code.

Every scanner turns files into :class:`secplan.platform.findings.Finding` objects; :mod:`.scan`
runs them over a project and :mod:`.collect` feeds the assessment.
"""
