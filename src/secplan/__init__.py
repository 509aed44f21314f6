"""secplan: turn an organisation's ML security plan into working software."""

__version__ = "0.1.0"
