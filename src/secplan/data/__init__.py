"""Data security engines: classification, anonymisation, validation (DS-4, DS-6, DS-7) and their probes."""
