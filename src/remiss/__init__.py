"""remiss: consultation rounds (remisser) from invitation to joint response."""

__version__ = "0.1.0"
