"""The fenced ``yaml`` block of a CVE request issue, read and written with ruamel's round trip.

A document read and written unchanged is byte-identical; setting one field keeps comments, key
order and quoting everywhere else, and keeps the quoting style of the value it replaces.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from psirt.core.errors import InputError

ROOT_KEY = "vulnerability"
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*ya?ml\b[^\n]*\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
_QUOTED_TYPES = (
    SingleQuotedScalarString,
    DoubleQuotedScalarString,
    LiteralScalarString,
    FoldedScalarString,
)


class YamlBlockError(InputError):
    """The block does not parse: ``line`` (1-based in the block) when the parser says where,
    and what it found there (``problem``)."""

    def __init__(self, problem: str, *, line: int | None, where: str | None) -> None:
        at = f" at line {line}" if line is not None else ""
        super().__init__(f"malformed YAML{at}: {problem}", where=where)
        self.problem = problem
        self.line = line


@dataclass(frozen=True, slots=True)
class YamlBlock:
    body: str
    start: int  # offset of the body in the description
    end: int
    first_line: int  # 1-based line of the body's first line in the description


def find_yaml_block(description: str) -> YamlBlock | None:
    match = _FENCE.search(description)
    if match is None:
        return None
    start = match.start("body")
    return YamlBlock(match["body"], start, match.end("body"), description.count("\n", 0, start) + 1)


@dataclass(frozen=True)
class CveYaml:
    """What a CVE request's description holds: its YAML block's text and document, or why
    there is none (``error``, with ``error_line``, the description line the parser stopped
    at, when it says)."""

    text: str | None
    document: CveDocument | None
    error: str | None
    error_line: int | None = None


def read_cve_yaml(description: str, where: str | None = None) -> CveYaml:
    """The description's ```yaml block, parsed; a parse error names the description line."""
    block = find_yaml_block(description)
    if block is None:
        return CveYaml(None, None, "no ```yaml block in the description")
    try:
        return CveYaml(block.body, CveDocument(block.body, where=where), None)
    except YamlBlockError as exc:
        if exc.line is None:
            return CveYaml(block.body, None, exc.message)
        line = block.first_line + exc.line - 1
        return CveYaml(
            block.body,
            None,
            f"malformed YAML at line {line} of the description: {exc.problem}",
            line,
        )
    except InputError as exc:
        return CveYaml(block.body, None, exc.message)


def replace_yaml_block(description: str, body: str) -> str:
    block = find_yaml_block(description)
    if block is None:
        raise InputError("no ```yaml block in the description")
    return description[: block.start] + body + description[block.end :]


_KEY_LINE = re.compile(r"^( +)[^\s#-][^:]*:(\s|$)")


_OPEN_KEY = re.compile(r"^( *)[^\s#-][^:]*:\s*(#.*)?$")  # a key whose value follows below
_DASH = re.compile(r"^( *)- +\S")


def _guess_indent(text: str) -> tuple[int, int, int]:
    """Mapping indent, sequence indent and dash offset as the document writes them, read off
    the lines (the document is parsed once, by the loader)."""
    lines = text.splitlines()
    mapping = min((len(m.group(1)) for m in map(_KEY_LINE.match, lines) if m), default=2)
    for previous, line in pairwise(lines):
        key, dash = _OPEN_KEY.match(previous), _DASH.match(line)
        if key and dash:
            offset = max(0, len(dash.group(1)) - len(key.group(1)))
            return mapping, offset + 2, offset
    return mapping, mapping, 0


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _like(old: Any, new: Any) -> Any:
    """``new`` in the scalar style of ``old`` (quotes kept), plain when ``old`` was plain."""
    if isinstance(new, str) and isinstance(old, _QUOTED_TYPES):
        if isinstance(old, LiteralScalarString | FoldedScalarString) and "\n" not in new:
            return (
                SingleQuotedScalarString(new) if "'" not in new else DoubleQuotedScalarString(new)
            )
        return type(old)(new)
    return new


def _plain(value: Any) -> Any:
    if isinstance(value, CommentedMap | dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, CommentedSeq | list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


class CveDocument:
    """The CVE YAML of one request, with typed access to the fields the release computes."""

    def __init__(self, text: str, *, where: str | None = None) -> None:
        self.original = text
        self.where = where
        try:
            self._yaml = _yaml(*_guess_indent(text))
            data = self._yaml.load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = mark.line + 1 if mark is not None else None
            raise YamlBlockError(str(exc.problem), line=line, where=where) from exc
        except YAMLError as exc:
            raise YamlBlockError(str(exc), line=None, where=where) from exc
        if not isinstance(data, CommentedMap) or not isinstance(data.get(ROOT_KEY), CommentedMap):
            raise InputError(f"expected a mapping under '{ROOT_KEY}:'", where=where)
        self._data: CommentedMap = data
        self.changed = False

    @property
    def root(self) -> CommentedMap:
        node = self._data[ROOT_KEY]
        assert isinstance(node, CommentedMap)
        return node

    # reads -------------------------------------------------------------------------------
    def get(self, path: str) -> Any:
        """A field by dotted path (``product.cpes``), as plain Python values; None when absent."""
        node: Any = self.root
        for part in path.split("."):
            if not isinstance(node, CommentedMap) or part not in node:
                return None
            node = node[part]
        return _plain(node)

    def has(self, path: str) -> bool:
        node: Any = self.root
        for part in path.split("."):
            if not isinstance(node, CommentedMap) or part not in node:
                return False
            node = node[part]
        return True

    def line_of(self, path: str) -> int | None:
        """The 1-based line in the block of the key of a field by dotted path (``product.cpes``;
        a ``[n]`` suffix is dropped), or of its nearest present parent; None for none."""
        node: Any = self._data
        found: int | None = None
        for part in (ROOT_KEY, *re.sub(r"\[\d+\]", "", path).split(".")):
            if not isinstance(node, CommentedMap) or part not in node:
                break
            try:
                found = int(node.lc.key(part)[0]) + 1
            except (AttributeError, KeyError, TypeError):
                break
            node = node[part]
        return found

    def text_of(self, path: str) -> str:
        value = self.get(path)
        return "" if value is None else str(value)

    def list_of(self, path: str) -> list[str]:
        value = self.get(path)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v) for v in value if v is not None]
        return [str(value)]

    def to_plain(self) -> dict[str, Any]:
        value = _plain(self.root)
        assert isinstance(value, dict)
        return value

    # writes ------------------------------------------------------------------------------
    def set(self, path: str, value: str | Sequence[str]) -> bool:
        """Set a field, keeping the style of what it replaces; True when anything changed."""
        parts = path.split(".")
        parent: Any = self.root
        for part in parts[:-1]:
            if part not in parent or not isinstance(parent[part], CommentedMap):
                parent[part] = CommentedMap()
            parent = parent[part]
        key = parts[-1]
        old = parent.get(key)
        if isinstance(value, str):
            if old is not None and not isinstance(old, list) and str(old) == value:
                return False
            parent[key] = _like(old, value)
        else:
            new_items = [str(v) for v in value]
            if isinstance(old, list) and [str(v) for v in old] == new_items:
                return False
            parent[key] = self._sequence(old, new_items)
        self.changed = True
        return True

    def _sequence(self, old: Any, items: list[str]) -> CommentedSeq:
        if isinstance(old, CommentedSeq):
            flow = bool(old.fa.flow_style()) or len(old) == 0
            style_of = old[0] if len(old) else SingleQuotedScalarString("")
            for index, item in enumerate(items):
                if index < len(old):
                    old[index] = _like(old[index], item)
                else:
                    old.append(_like(style_of, item))
            del old[len(items) :]
            if flow:
                old.fa.set_flow_style()
            return old
        seq = CommentedSeq(SingleQuotedScalarString(i) for i in items)
        seq.fa.set_block_style()
        return seq

    def dump(self) -> str:
        """The document as text: the original bytes when nothing changed."""
        if not self.changed:
            return self.original
        stream = io.StringIO()
        self._yaml.dump(self._data, stream)
        text = stream.getvalue()
        if not self.original.endswith("\n") and text.endswith("\n"):
            text = text[:-1]
        return text
