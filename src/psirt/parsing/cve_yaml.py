"""The fenced ``yaml`` block of a CVE request issue, read and written with ruamel's round trip.

A document read and written unchanged is byte-identical; setting one field keeps comments, key
order and quoting everywhere else, and keeps the quoting style of the value it replaces.
"""

from __future__ import annotations

import copy
import io
import re
import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
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

from psirt.core import parsed_cache
from psirt.core.errors import InputError
from psirt.core.text import long_number_message, with_newlines_of
from psirt.core.yaml_limits import (
    LimitedRoundTripScanner,
    NoAliasComposer,
    OnceVersionedResolver,
)

ROOT_KEY = "vulnerability"
#: The template's fields by the kind of value each holds: one text, or a list of texts.
TEXT_FIELDS: tuple[str, ...] = (
    "description",
    "cwe",
    "product.gitlab_path",
    "product.vendor",
    "product.name",
    "impact",
    "solution",
    "credit",
)
LIST_FIELDS: tuple[str, ...] = (
    "product.cpes",
    "product.affected_versions",
    "product.fixed_versions",
    "references",
)
# One line of the description (its ending kept apart): a fence opening a ``yaml`` block, or a
# bare fence that may close one. Lines, not the whole text, are matched, so an unclosed fence
# costs one pass over the description however many lines follow it.
_LINE = re.compile(r"[^\n]*(?:\n|$)")
_OPENER = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*ya?ml\b[^\n]*")
_CLOSER = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*")
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


@lru_cache(maxsize=4096)
def find_yaml_block(description: str) -> YamlBlock | None:
    """The first ``yaml`` fenced block that is closed by the same fence at the same indent.
    Found once per description (the snapshot, update-cves and each finding's line ask).

    Lines may end in ``\\n`` or ``\\r\\n`` (a browser submits a form's text with CRLF). The
    search is linear: the closers are indexed by (indent, fence) once, and each opener looks
    up the first closer after it.
    """
    lines: list[tuple[int, int, str]] = []  # (start, end without the line ending, text)
    for match in _LINE.finditer(description):
        if match.start() == len(description) and lines:
            break
        text = match.group().rstrip("\n").rstrip("\r")
        lines.append((match.start(), match.start() + len(text), text))
        if match.end() == len(description):
            break
    closers: dict[tuple[str, str], list[int]] = {}
    for number, (_, _, text) in enumerate(lines):
        closer = _CLOSER.fullmatch(text)
        if closer:
            closers.setdefault((closer["indent"], closer["fence"]), []).append(number)
    for number, (_, end, text) in enumerate(lines):
        opener = _OPENER.fullmatch(text)
        if opener is None or end == len(description):
            continue  # not an opener, or an opener without a line after it
        found = closers.get((opener["indent"], opener["fence"]), [])
        position = bisect_right(found, number)
        if position == len(found):
            continue
        body_start = lines[number + 1][0]
        body_end = lines[found[position]][0]
        return YamlBlock(description[body_start:body_end], body_start, body_end, number + 2)
    return None


@dataclass(frozen=True)
class CveYaml:
    """What a CVE request's description holds: its YAML block's text and document, or why
    there is none (``error``, with ``error_line``, the description line the parser stopped
    at, when it says)."""

    text: str | None
    document: CveDocument | None
    error: str | None
    error_line: int | None = None


def read_cve_yaml(
    description: str, where: str | None = None, *, round_trip: bool = True
) -> CveYaml:
    """The description's ```yaml block, parsed once (``CveDocument.read``: round trip, or for a
    run that only reads the C loader); a parse error names the description line."""
    block = find_yaml_block(description)
    if block is None:
        return CveYaml(None, None, "no ```yaml block in the description")
    try:
        document = CveDocument.read(block.body, where=where, round_trip=round_trip)
        return CveYaml(block.body, document, None)
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


#: Nesting deeper than this is no CVE YAML (the template nests three levels).
MAX_DEPTH = 20


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Composer = NoAliasComposer
    yaml.Scanner = LimitedRoundTripScanner
    yaml.max_depth = MAX_DEPTH
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


def _is_text(value: Any) -> bool:
    """A scalar that reads as text: a string or a number (``cwe: 79``), not a boolean."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return type(value).__name__


def _plain(value: Any) -> Any:
    if isinstance(value, CommentedMap | dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, CommentedSeq | list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


# An anchor or alias node (``&a``, ``*a`` after a space, a dash or a flow bracket): not in a
# plain CVE block; ``*`` inside a CPE (``:*:``) is not one.
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\]}]")
_MAX_FLOW_BRACKETS = 16


def _plain_enough(text: str) -> bool:
    """Whether the C loader may read ``text`` for a read-only run: no anchors or aliases, few
    flow brackets (quoted text may hold some: a Markdown link in a credit)."""
    if "\r" in text or _ANCHOR_OR_ALIAS.search(text):  # CRLF: the round trip keeps it
        return False
    return text.count("[") + text.count("{") <= _MAX_FLOW_BRACKETS


# A block mapping key at the start of a line (plain or quoted), not a list item or a comment.
_KEY_AT = re.compile(r"""^( *)([^\s#\-'"][^:#]*?|'[^']*'|"[^"]*")[ \t]*:(?:[ \t]|$)""")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The 1-based line of each block mapping key, by its path of keys (what ``line_of`` reads
    from a round-trip tree), read off the lines of the text."""
    lines: dict[tuple[str, ...], int] = {}
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _KEY_AT.match(line)
        if match is None:
            continue
        indent, key = len(match.group(1)), match.group(2).strip("'\"")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        lines.setdefault(tuple(k for _, k in stack), number)
    return lines


def _depth(value: Any) -> int:
    """How deeply mappings and lists nest in ``value`` (a scalar is 0)."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


_safe_local = threading.local()
#: The plain loader's name in the cache of parsed texts (``core.parsed_cache``).
_PLAIN_LOADER = "cve-yaml-plain/1"


def _safe_yaml() -> YAML:
    """The C safe loader and dumper, one per thread."""
    instance: YAML | None = getattr(_safe_local, "yaml", None)
    if instance is None:
        instance = YAML(typ="safe", pure=False)
        instance.Resolver = OnceVersionedResolver
        instance.default_flow_style = False
        instance.width = 4096
        _safe_local.yaml = instance
    return instance


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
        except RecursionError:
            message = f"malformed YAML: nested more than {MAX_DEPTH} levels"
            raise InputError(message, where=where) from None
        except ValueError:  # a number too long to convert (over 4,300 digits)
            raise InputError(f"malformed YAML: {long_number_message(text)}", where=where) from None
        if not isinstance(data, CommentedMap) or not isinstance(data.get(ROOT_KEY), CommentedMap):
            raise InputError(f"expected a mapping under '{ROOT_KEY}:'", where=where)
        self._data: dict[str, Any] = data
        self.changed = False
        self.round_trip = True  # comments, order and quoting kept: a write keeps them

    @classmethod
    def read(cls, text: str, *, where: str | None = None, round_trip: bool = True) -> CveDocument:
        """The document, parsed once. ``round_trip=False`` is for a run that only reads: a
        plain text (no anchor or alias, little flow nesting) is loaded by the C loader, ten
        times faster; anything else, and any problem, takes the round trip, whose checks and
        messages are the same for both. ``dump`` of an edited plain document gives its content
        only (comments and quoting are not kept): only a round-trip document is written back."""
        if round_trip or not _plain_enough(text):
            return cls(text, where=where)
        cache = parsed_cache.active()
        hit, data = (False, None) if cache is None else cache.get(_PLAIN_LOADER, text)
        if not hit:
            try:
                data = _safe_yaml().load(text)
            except Exception:  # the round trip says what is wrong, in its words
                return cls(text, where=where)
            if cache is not None:
                cache.put(_PLAIN_LOADER, text, data)
        if not isinstance(data, dict) or not isinstance(data.get(ROOT_KEY), dict):
            return cls(text, where=where)
        if _depth(data) > MAX_DEPTH // 2:  # the round trip decides whether it is too deep
            return cls(text, where=where)
        document = object.__new__(cls)
        document.original, document.where, document.changed = text, where, False
        document._data, document.round_trip = data, False
        return document

    def copy(self) -> CveDocument:
        """An independent copy to edit, made from the parsed tree (comments and styles kept)
        rather than by parsing the text again."""
        clone = object.__new__(CveDocument)
        clone.original, clone.where, clone.changed = self.original, self.where, self.changed
        clone.round_trip = self.round_trip
        if self.round_trip:
            clone._yaml = _yaml(*_guess_indent(self.original))
        clone._data = copy.deepcopy(self._data)
        return clone

    @property
    def root(self) -> dict[str, Any]:
        node = self._data[ROOT_KEY]
        assert isinstance(node, dict)  # a CommentedMap on the round trip
        return node

    # reads -------------------------------------------------------------------------------
    def get(self, path: str) -> Any:
        """A field by dotted path (``product.cpes``), as plain Python values; None when absent."""
        node: Any = self.root
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return _plain(node)

    def has(self, path: str) -> bool:
        node: Any = self.root
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def line_of(self, path: str) -> int | None:
        """The 1-based line in the block of the key of a field by dotted path (``product.cpes``;
        a ``[n]`` suffix is dropped), or of its nearest present parent; None for none."""
        node: Any = self._data
        found: int | None = None
        parts = (ROOT_KEY, *re.sub(r"\[\d+\]", "", path).split("."))
        if not self.round_trip:  # no line numbers in plain data: the key lines of the text
            lines = _key_lines(self.original)
            for depth, part in enumerate(parts, start=1):
                line = lines.get(parts[:depth])
                if not isinstance(node, dict) or part not in node or line is None:
                    break
                found, node = line, node[part]
            return found
        for part in parts:
            if not isinstance(node, CommentedMap) or part not in node:
                break
            try:
                found = int(node.lc.key(part)[0]) + 1
            except (AttributeError, KeyError, TypeError):
                break
            node = node[part]
        return found

    def text_of(self, path: str) -> str:
        """The field as text; "" when absent or not a text (a list, a mapping: see
        ``wrong_types``), so no Python representation ever reaches a post or a record."""
        value = self.get(path)
        return str(value) if _is_text(value) else ""

    def list_of(self, path: str) -> list[str]:
        """The field's texts (a single text counts as a list of one); items that are not
        texts are left out (``wrong_types`` names them)."""
        value = self.get(path)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v) for v in value if _is_text(v)]
        return [str(value)] if _is_text(value) else []

    def wrong_types(self, field: str | None = None) -> list[tuple[str, str, str]]:
        """``(path, expected, found)`` for each template field (or only ``field``) whose value
        has the wrong kind: a list or mapping where a text belongs, a mapping or nested list
        where a list belongs."""
        found: list[tuple[str, str, str]] = []
        wanted = (lambda path: path == field) if field is not None else (lambda _path: True)
        if wanted("product") and self.has("product") and not isinstance(self.get("product"), dict):
            found.append(("product", "a mapping of fields", _kind(self.get("product"))))
        for path in filter(wanted, TEXT_FIELDS):
            value = self.get(path)
            if value is not None and not _is_text(value):
                found.append((path, "a text", _kind(value)))
        for path in filter(wanted, LIST_FIELDS):
            value = self.get(path)
            if value is None or _is_text(value):
                continue
            if not isinstance(value, list):
                found.append((path, "a list of texts", _kind(value)))
                continue
            for index, item in enumerate(value):
                if item is not None and not _is_text(item):
                    found.append((f"{path}[{index}]", "a text", _kind(item)))
        return found

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
            if part not in parent or not isinstance(parent[part], dict):
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
        if not self.round_trip:  # the content only: see ``read``
            _safe_yaml().dump(_plain(self._data), stream)
            return stream.getvalue()
        self._yaml.dump(self._data, stream)
        text = stream.getvalue()
        if not self.original.endswith("\n") and text.endswith("\n"):
            text = text[:-1]
        return with_newlines_of(self.original, text)
