"""A severity label's name, which ``psirt cvss`` gives outside a workspace without loading the
config: the default prefix lives here, and ``[labels] severity_prefix`` (``core/config.py``)
takes it as its default."""

from __future__ import annotations

#: The default prefix of the severity labels (``[labels] severity_prefix`` in psirt.toml).
SEVERITY_PREFIX = "severity::"


def severity_label(level: int, prefix: str = SEVERITY_PREFIX) -> str:
    """``severity::3``: the label of a GitLab severity level (1 critical to 4 low)."""
    return f"{prefix}{level}"
