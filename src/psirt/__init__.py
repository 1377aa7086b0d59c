"""psirt: run a security patch release end to end."""

__version__ = "0.1.0"
