"""A JSON-like value's leaves, each named by its path (``a.b[2].c``), as findings name fields."""

from __future__ import annotations

from collections.abc import Iterator


def json_leaves(value: object, path: str = "") -> Iterator[tuple[str, object]]:
    """Every value below ``value`` that is neither a dict, a list nor None, with its path:
    dict keys joined with ``.``, list positions as ``[n]`` (``""`` for ``value`` itself)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from json_leaves(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from json_leaves(child, f"{path}[{index}]")
    elif value is not None:
        yield path, value
