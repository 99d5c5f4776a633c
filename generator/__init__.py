"""eventcat: compile a Socket.IO event catalog into schemas, code and docs."""

__version__ = "0.1.0"
