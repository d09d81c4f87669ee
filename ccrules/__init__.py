"""ccrules: screen proposed improvement programmes against the clinical community lessons."""

__version__ = "0.1.0"
