"""Merging a record into the YAML nodes already on disk, so a write changes only what changed.

A change to one field keeps the team's comments, key order and quoting everywhere else, and
re-saving an unchanged record leaves the file byte-identical. Values equal to a default and absent
from the file are not added (a hand-written minimal file stays minimal).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString


def to_node(value: Any) -> Any:
    """A plain value as a ruamel node: multi-line strings as ``|`` block scalars."""
    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_node(item)
        return node
    if isinstance(value, list | tuple):
        return CommentedSeq(to_node(item) for item in value)
    if isinstance(value, str) and _NEEDS_ESCAPES.search(value):
        return DoubleQuotedScalarString(value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


# Characters that YAML cannot hold literally (or that ruamel mistakes for line breaks): strings
# with any of them are written double-quoted, with escapes.
_NEEDS_ESCAPES = re.compile(
    "[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
)


def to_plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {key: to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(item) for item in node]
    if isinstance(node, ScalarBoolean):
        return bool(node)
    return node


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool) and old == new
    if isinstance(old, str) and isinstance(new, str):
        if old == new:
            return True
        if _ISO_TIME.match(old) and _ISO_TIME.match(new):
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(old) == datetime.fromisoformat(new)
        return False
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    numbers = (int, float, Decimal)
    if isinstance(old, numbers) and isinstance(new, numbers):
        return bool(old == new)
    return type(old) is type(new) and bool(old == new)


def merge(existing: Any, new: Any, defaults: Mapping[str, Any]) -> Any:
    """A node equal to ``new`` that reuses the nodes of ``existing`` (with their comments and
    quoting) wherever the values agree; only what differs is replaced."""
    if isinstance(existing, CommentedMap) and isinstance(new, Mapping):
        for key in [k for k in existing if k not in new]:
            del existing[key]
        for key, value in new.items():
            if key in existing:
                merged = merge(existing[key], value, defaults)
                if merged is not existing[key]:
                    existing[key] = merged
            elif not (key in defaults and _same(defaults[key], value)):
                existing[key] = to_node(value)
        return existing
    if isinstance(existing, CommentedSeq) and isinstance(new, list):
        if _same(to_plain(existing), new):
            return existing
        if all(not isinstance(v, Mapping | list) for v in (*existing, *new)):
            return _merge_scalars(existing, new)
        for index, value in enumerate(new[: len(existing)]):
            merged = merge(existing[index], value, defaults)
            if merged is not existing[index]:
                existing[index] = merged
        while len(existing) > len(new):
            del existing[len(existing) - 1]
        for value in new[len(existing) :]:
            existing.append(to_node(value))
        return existing
    if _same(to_plain(existing), new):
        return existing
    return to_node(new)


def _merge_scalars(existing: CommentedSeq, new: list[Any]) -> CommentedSeq:
    """Edit a list of scalars in place (drop, then insert), so comments on kept items stay."""
    for index in reversed(range(len(existing))):
        if existing[index] not in new:
            del existing[index]
    kept = list(existing)
    if kept != [v for v in new if v in kept]:
        return CommentedSeq(to_node(v) for v in new)
    for index, value in enumerate(new):
        if index >= len(existing) or existing[index] != value:
            existing.insert(index, to_node(value))
    return existing
