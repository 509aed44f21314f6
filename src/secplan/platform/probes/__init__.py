"""Platform probes (PS-1 .. PS-7): one package per probe, each with its ``def.yml``."""
