"""YAML text in and out: one configured ruamel instance per thread, strict loading with the
file line of every problem, and dumping in the indentation the file was written in.

Dates stay the ISO strings the team wrote (no implicit timestamps), ``null`` is written as
``null``, and a document read round-trip keeps its comments, key order and quoting.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver

from psirt.core import parsed_cache
from psirt.core.errors import WorkspaceError
from psirt.core.text import LONG_NUMBER, MAX_DIGITS
from psirt.core.yaml_limits import (
    MAX_FLOW_DEPTH,
    LimitedRoundTripScanner,
    LimitedScanner,
    OnceVersionedResolver,
)


class _IsoStringResolver(VersionedResolver):
    """YAML 1.2 without implicit timestamps: dates stay the ISO strings the team wrote, and an ISO
    string is written back unquoted."""

    def add_version_implicit_resolver(
        self, version: Any, tag: Any, regexp: Any, first: Any
    ) -> None:
        if tag == "tag:yaml.org,2002:timestamp":
            return
        super().add_version_implicit_resolver(version, tag, regexp, first)


class _CIsoStringResolver(OnceVersionedResolver, _IsoStringResolver):
    """The ISO string resolver for the C loader, its implicit resolvers picked once a document."""


def _represent_none(representer: Any, _data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


_local = threading.local()


def _yaml(fast: bool = False, *, pure: bool = False) -> YAML:
    """One configured instance per thread and kind (ruamel's instances are not thread safe):
    round-trip for writes and error lines, the safe loader for plain reads, parsed in C
    (``ruamel.yaml.clib``; ruamel falls back to its pure-Python parser where that is missing),
    or in Python (``pure``, with the flow depth limit) for a text the C parser may not take."""
    name = ("pure" if pure else "fast") if fast else "rt"
    instance: YAML | None = getattr(_local, name, None)
    if instance is None:
        instance = YAML(typ="safe", pure=pure) if fast else YAML(typ="rt")
        instance.Resolver = _CIsoStringResolver if fast and not pure else _IsoStringResolver
        if pure or not fast:  # a scanner of our own makes ruamel parse in Python
            instance.Scanner = LimitedScanner if fast else LimitedRoundTripScanner
        if not fast:
            instance.preserve_quotes = True
            instance.indent(mapping=2, sequence=4, offset=2)
            instance.width = 4096
            instance.representer.add_representer(type(None), _represent_none)
        setattr(_local, name, instance)
    return instance


@dataclass(frozen=True, slots=True)
class Source:
    """Where a YAML document sits: the file, and the file line of the document's first line."""

    path: str
    first_line: int = 1

    def error(self, message: str, line0: int | None = None) -> WorkspaceError:
        line = None if line0 is None else line0 + self.first_line
        return WorkspaceError(message, path=self.path, line=line)


def load_yaml(text: str, source: Source) -> CommentedMap:
    """A round-trip document (comments, styles and line numbers kept)."""
    data = load_mapping(text, source, fast=False)
    assert isinstance(data, CommentedMap)
    return data


def load_mapping(text: str, source: Source, *, fast: bool) -> dict[str, Any]:
    """The document's top mapping: round-trip, or with the faster safe loader when ``fast``
    (which keeps no line numbers of keys).

    The safe loader parses in C a text without carriage returns whose flow collections cannot
    nest deeper than the limit (it has fewer brackets than that). libyaml refuses a few texts
    ruamel's own parser reads (a tab in a block scalar) and words its problems differently, so
    on any problem ruamel's Python parser, with the limit, decides, as it did alone before.

    A fast load is looked up first in the workspace's cache of parsed texts, and kept there
    (``core.parsed_cache``), when a session opened one."""
    cache = parsed_cache.active() if fast else None
    if cache is not None:
        hit, value = cache.get(_FAST_LOADER, text)
        if hit and isinstance(value, dict):
            return value
    data = _parse_mapping(text, source, fast=fast)
    if cache is not None:
        cache.put(_FAST_LOADER, text, data)
    return data


#: The safe loader's name in the cache of parsed texts (``core.parsed_cache``).
_FAST_LOADER = "mapping-safe/1"


def _parse_mapping(text: str, source: Source, *, fast: bool) -> dict[str, Any]:
    in_c = (
        fast
        and "\r" not in text  # libyaml folds line breaks in scalars its own way
        and text.count("[") + text.count("{") <= MAX_FLOW_DEPTH
    )
    try:
        try:
            data = _yaml(fast, pure=fast and not in_c).load(text)
        except YAMLError:
            if not in_c:
                raise
            data = _yaml(fast, pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot parse"
        raise source.error(f"malformed YAML: {problem}", mark.line if mark else None) from exc
    except YAMLError as exc:
        raise source.error(f"malformed YAML: {exc}") from exc
    except RecursionError:
        raise source.error("malformed YAML: nested too deeply") from None
    except ValueError:  # a number of more digits than Python converts
        match = LONG_NUMBER.search(text)
        line0 = None if match is None else text.count("\n", 0, match.start())
        digits = "" if match is None else f" of {len(match.group())} digits"
        raise source.error(
            f"a number{digits} (the most psirt reads is {MAX_DIGITS})", line0
        ) from None
    if not isinstance(data, dict):
        raise source.error("expected a YAML mapping of keys (key: value)", 0)
    return data


DEFAULT_INDENT = (2, 4, 2)  # mapping, sequence, offset of the dash: "key:\n  - item"


def dump_yaml(data: CommentedMap, style_of: str | None = None) -> str:
    """``data`` as YAML, indented like ``style_of`` (the document it was read from) when given,
    so a write does not re-indent the lists of a team that writes ``- item`` at column 0."""
    mapping, sequence, offset = DEFAULT_INDENT if style_of is None else guess_indent(style_of)
    yaml = _yaml()
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    out = io.StringIO()
    try:
        yaml.dump(data, out)
    finally:
        yaml.indent(mapping=DEFAULT_INDENT[0], sequence=DEFAULT_INDENT[1], offset=DEFAULT_INDENT[2])
    return out.getvalue()


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) from the first block mapping and block list nested under a
    ``key:`` line; the defaults where the text has none."""
    mapping: int | None = None
    offset: int | None = None
    parent: tuple[int, str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if parent is not None and parent[1].endswith(":") and indent >= parent[0]:
            if stripped == "-" or stripped.startswith("- "):
                offset = indent - parent[0] if offset is None else offset
            elif indent > parent[0] and mapping is None:
                mapping = indent - parent[0]
        if mapping is not None and offset is not None:
            break
        parent = (indent, stripped.split(" #", 1)[0].rstrip())
    mapping = DEFAULT_INDENT[0] if mapping is None else mapping
    offset = DEFAULT_INDENT[2] if offset is None else offset
    return mapping, offset + 2, offset
