"""The policy file's schema (kept apart so that scanning without a policy never imports pydantic)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PolicyFile(BaseModel):
    """The policy file (YAML or JSON). Every list extends the built-in defaults."""

    model_config = ConfigDict(extra="forbid")

    allow: list[str] = []
    """Pickle globals to treat as safe, ``module:name`` patterns (``mypkg.models:[A-Z]*``)."""
    keras_modules: list[str] = []
    """Keras config ``module`` prefixes of custom layers to trust (``mypkg.layers``)."""
    onnx_domains: list[str] = []
    """ONNX custom operator domains whose kernels you install and trust."""
