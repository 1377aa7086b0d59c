"""The file format of the local workspace: one record per file, read strictly, written atomically.

Issue and merge request files are YAML front matter plus a verbatim markdown body; report files
are plain YAML. Writes go through ruamel.yaml's round-trip mode and *merge* the new record into
the nodes already on disk, so a change to one field keeps the team's comments, key order and
quoting everywhere else, and re-saving an unchanged record leaves the file byte-identical.
Reading is strict: every problem becomes a ``WorkspaceError`` naming the file, the line and what
was expected, because these files are written by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from psirt.core.errors import NotFoundError, WorkspaceError
from psirt.core.records import (
    Activity,
    AwardEmoji,
    Bounty,
    Issue,
    IssueLink,
    IssueRef,
    IssueState,
    LinkType,
    MergeRequest,
    MergeRequestRef,
    MergeRequestState,
    Note,
    Report,
)

FENCE = "---"
ISSUE_STATES: tuple[IssueState, ...] = ("opened", "closed")
MR_STATES: tuple[MergeRequestState, ...] = ("opened", "merged", "closed", "locked")
LINK_TYPES: tuple[LinkType, ...] = ("relates_to", "blocks", "is_blocked_by")
ISSUE_FILE = re.compile(r"^(?:0|[1-9][0-9]*)\.md$")
REPORT_ID = re.compile(r"^[A-Za-z0-9_-]+$")
REPORT_FILE = re.compile(r"^[A-Za-z0-9_-]+\.yaml$")

_T = TypeVar("_T")
_When = TypeVar("_When", date, datetime)
_MISSING: Any = object()

# Keys whose value, when equal to this default and absent from the file, is not added on a
# re-save: a hand-written minimal file stays minimal.
ISSUE_DEFAULTS: Mapping[str, Any] = {
    "state": "opened",
    "confidential": False,
    "labels": [],
    "author": "",
    "assignees": [],
    "due_date": None,
    "created_at": None,
    "updated_at": None,
    "links": [],
    "notes": [],
    "type": "relates_to",
    "internal": False,
    "system": False,
    "award_emoji": [],
    "body": "",
}
MR_DEFAULTS: Mapping[str, Any] = {
    "state": "opened",
    "source_branch": "",
    "target_branch": "master",
    "author": "",
    "reviewers": [],
    "labels": [],
    "merged_at": None,
    "related_issues": [],
}
REPORT_DEFAULTS: Mapping[str, Any] = {
    "state": "triaged",
    "severity": None,
    "rating": None,
    "score": None,
    "weakness": None,
    "cwe": None,
    "activities": [],
    "bounties": [],
    "message": "",
    "internal": False,
    "author": "",
    "created_at": None,
    "bonus_amount": 0,
    "awarded_at": None,
}


# ---------------------------------------------------------------------------------------------
# YAML


class _IsoStringResolver(VersionedResolver):
    """YAML 1.2 without implicit timestamps: dates stay the ISO strings the team wrote, and an ISO
    string is written back unquoted."""

    def add_version_implicit_resolver(
        self, version: Any, tag: Any, regexp: Any, first: Any
    ) -> None:
        if tag == "tag:yaml.org,2002:timestamp":
            return
        super().add_version_implicit_resolver(version, tag, regexp, first)


def _represent_none(representer: Any, _data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


_local = threading.local()


def _yaml(fast: bool = False) -> YAML:
    """One configured instance per thread and kind (ruamel's instances are not thread safe):
    round-trip for writes and error lines, the faster safe loader for plain reads."""
    name = "fast" if fast else "rt"
    instance: YAML | None = getattr(_local, name, None)
    if instance is None:
        instance = YAML(typ="safe", pure=True) if fast else YAML(typ="rt")
        instance.Resolver = _IsoStringResolver
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
    data = _load(text, source, fast=False)
    assert isinstance(data, CommentedMap)
    return data


def _load(text: str, source: Source, *, fast: bool) -> dict[str, Any]:
    try:
        data = _yaml(fast).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot parse"
        raise source.error(f"malformed YAML: {problem}", mark.line if mark else None) from exc
    except YAMLError as exc:
        raise source.error(f"malformed YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise source.error("expected a YAML mapping of keys (key: value)", 0)
    return data


def decode_fast(text: str, source: Source, decode: Callable[[Fields], _T]) -> _T:
    """Decode with the fast loader; on a problem, decode again round-trip, whose error names
    the line (the fast loader does not keep line numbers of keys)."""
    try:
        return decode(Fields(_load(text, source, fast=True), source))
    except WorkspaceError as fast_error:
        if fast_error.line is not None:
            raise
        decode(Fields(load_yaml(text, source), source))
        raise


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


def split_front_matter(text: str, path: str) -> tuple[str, str]:
    """``(front matter YAML, body)``; the body is everything after the closing fence, verbatim."""
    first, newline, rest = text.partition("\n")
    if first.rstrip("\r") != FENCE or not newline:
        raise WorkspaceError(
            "expected '---' on the first line (YAML front matter, then the description)",
            path=path,
            line=1,
        )
    offset = 0
    while True:
        end = rest.find("\n", offset)
        line = rest[offset:] if end < 0 else rest[offset:end]
        if line.rstrip("\r") == FENCE:
            return rest[:offset], "" if end < 0 else rest[end + 1 :]
        if end < 0:
            raise WorkspaceError("missing closing '---' of the front matter", path=path)
        offset = end + 1


def join_front_matter(front: CommentedMap, body: str, style_of: str | None = None) -> str:
    return f"{FENCE}\n{dump_yaml(front, style_of)}{FENCE}\n{body}"


# ---------------------------------------------------------------------------------------------
# Writing


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that readers and crashes see either the old file or the new one: a
    temporary file in the same folder, flushed and fsynced, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


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


# ---------------------------------------------------------------------------------------------
# Reading: typed access to a mapping, with errors that name the file, line and key


class Fields:
    """Typed access to one YAML mapping; errors name the key path and its line."""

    def __init__(self, data: Mapping[str, Any], source: Source, prefix: str = "") -> None:
        self.data = data
        self.source = source
        self.prefix = prefix

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key (expected one of: {', '.join(allowed)})")

    def line0(self, key: str | None = None) -> int | None:
        lc = getattr(self.data, "lc", None)
        if lc is None:
            return None
        if key is not None and key in self.data:
            with contextlib.suppress(Exception):
                return int(lc.key(key)[0])
        return int(lc.line) if lc.line is not None else None

    def error(self, key: str, message: str) -> WorkspaceError:
        return self.source.error(f"{self.prefix}{key}: {message}", self.line0(key))

    def get(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            return self._missing(key)
        return default

    def _missing(self, key: str) -> Any:
        where = f" in {self.prefix.rstrip('.')}" if self.prefix else ""
        raise self.source.error(f"missing key '{key}'{where}", self.line0())

    def string(self, key: str, default: Any = _MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, "expected a string")
        return str(value)

    def optional_string(self, key: str) -> str | None:
        value = self.get(key, None)
        if value is not None and not isinstance(value, str):
            raise self.error(key, "expected a string or null")
        return None if value is None else str(value)

    def integer(self, key: str, default: Any = _MISSING) -> int:
        value = self.get(key, default)
        if isinstance(value, bool | ScalarBoolean) or not isinstance(value, int):
            raise self.error(key, "expected a whole number")
        return int(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool | ScalarBoolean):
            raise self.error(key, "expected true or false")
        return bool(value)

    def number(self, key: str) -> float | None:
        value = self.get(key, None)
        if value is None:
            return None
        if isinstance(value, bool | ScalarBoolean) or not isinstance(value, int | float):
            raise self.error(key, "expected a number or null")
        return float(value)

    def decimal(self, key: str, default: Any = _MISSING) -> Decimal:
        value = self.get(key, default)
        if isinstance(value, bool | ScalarBoolean) or not isinstance(value, int | float | str):
            raise self.error(key, "expected an amount such as 500 or 1000.50")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise self.error(key, "expected an amount such as 500 or 1000.50") from None

    def choice(self, key: str, allowed: Sequence[_T], default: Any = _MISSING) -> _T:
        value = self.get(key, default)
        for option in allowed:
            if value == option:
                return option
        raise self.error(key, f"expected one of {', '.join(map(str, allowed))} (found {value!r})")

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "expected a list of strings")
        return tuple(dict.fromkeys(str(v) for v in value))

    def day(self, key: str) -> date | None:
        return self._iso(key, date.fromisoformat, "expected a date YYYY-MM-DD or null")

    def moment(self, key: str) -> datetime | None:
        return self._iso(
            key,
            datetime.fromisoformat,
            "expected an ISO 8601 date and time such as 2026-03-25T10:00:00Z, or null",
        )

    def _iso(self, key: str, parse: Callable[[str], _When], problem: str) -> _When | None:
        """The ISO 8601 text under ``key`` parsed, None when absent or null."""
        value = self.get(key, None)
        if value is None:
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            return parse(value)
        except ValueError:
            raise self.error(key, problem) from None

    def maps(self, key: str) -> list[Fields]:
        value = self.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.error(key, "expected a list of mappings (- key: value)")
        return [
            Fields(item, self.source, f"{self.prefix}{key}[{index}].")
            for index, item in enumerate(value)
        ]

    def optional_map(self, key: str) -> Fields | None:
        value = self.get(key, None)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(key, "expected a mapping or null")
        return Fields(value, self.source, f"{self.prefix}{key}.")

    def ref(self, key: str) -> IssueRef:
        value = self.get(key)
        parsed = IssueRef.parse(value) if isinstance(value, str) else None
        if parsed is None:
            raise self.error(key, "expected an issue reference such as group/project#12")
        return parsed

    def ref_list(self, key: str) -> tuple[IssueRef, ...]:
        values = self.string_list(key)
        refs = [IssueRef.parse(v) for v in values]
        for value, parsed in zip(values, refs, strict=True):
            if parsed is None:
                raise self.error(
                    key, f"expected issue references such as group/project#12 (found {value!r})"
                )
        return tuple(r for r in refs if r is not None)


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# ---------------------------------------------------------------------------------------------
# Issues


ISSUE_KEYS = (
    "iid",
    "title",
    "state",
    "confidential",
    "labels",
    "author",
    "assignees",
    "due_date",
    "created_at",
    "updated_at",
    "links",
    "notes",
)
NOTE_KEYS = (
    "id",
    "author",
    "created_at",
    "updated_at",
    "internal",
    "system",
    "body",
    "award_emoji",
)


@dataclass(frozen=True, slots=True)
class IssueRecord:
    """An issue file: the issue, and the links and notes stored with it."""

    issue: Issue
    links: tuple[IssueLink, ...] = ()
    notes: tuple[Note, ...] = ()


def check_iid(fields: Fields, path: Path) -> int:
    iid = fields.integer("iid")
    if path.name != f"{iid}.md":
        raise fields.error("iid", f"iid {iid} does not match file name {path.name}")
    return iid


def decode_issue(text: str, path: Path, project: str, web_base: str) -> IssueRecord:
    front_text, body = split_front_matter(text, str(path))
    return decode_fast(
        front_text, Source(str(path), 2), lambda f: _issue(f, body, path, project, web_base)
    )


def _issue(fields: Fields, body: str, path: Path, project: str, web_base: str) -> IssueRecord:
    fields.check_keys(ISSUE_KEYS)
    ref = IssueRef(project, check_iid(fields, path))
    issue = Issue(
        ref=ref,
        title=fields.string("title"),
        description=body,
        labels=fields.string_list("labels"),
        state=fields.choice("state", ISSUE_STATES, "opened"),
        confidential=fields.boolean("confidential"),
        author=fields.string("author", ""),
        assignees=fields.string_list("assignees"),
        due_date=fields.day("due_date"),
        web_url=f"{web_base}/{project}/-/issues/{ref.iid}",
        created_at=fields.moment("created_at"),
        updated_at=fields.moment("updated_at"),
    )
    links = []
    for link in fields.maps("links"):
        link.check_keys(("issue", "type"))
        links.append(IssueLink(link.ref("issue"), link.choice("type", LINK_TYPES, "relates_to")))
    return IssueRecord(issue, tuple(links), decode_notes(fields))


def decode_notes(fields: Fields) -> tuple[Note, ...]:
    notes: list[Note] = []
    seen: set[int] = set()
    for item in fields.maps("notes"):
        item.check_keys(NOTE_KEYS)
        note_id = item.integer("id")
        if note_id in seen:
            raise item.error("id", f"duplicate note id {note_id} (ids are unique within a file)")
        seen.add(note_id)
        emoji = []
        for award in item.maps("award_emoji"):
            award.check_keys(("name", "user"))
            emoji.append(AwardEmoji(award.string("name"), award.string("user")))
        item.moment("updated_at")
        notes.append(
            Note(
                id=note_id,
                body=item.string("body", ""),
                author=item.string("author", ""),
                created_at=item.moment("created_at"),
                internal=item.boolean("internal"),
                system=item.boolean("system"),
                award_emoji=tuple(emoji),
            )
        )
    return tuple(notes)


def encode_note(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "author": note.author,
        "created_at": _iso(note.created_at),
        "internal": note.internal,
        "system": note.system,
        "body": note.body,
        "award_emoji": [{"name": a.name, "user": a.user} for a in note.award_emoji],
    }


def encode_issue(record: IssueRecord) -> dict[str, Any]:
    issue = record.issue
    return {
        "iid": issue.ref.iid,
        "title": issue.title,
        "state": issue.state,
        "confidential": issue.confidential,
        "labels": list(issue.labels),
        "author": issue.author,
        "assignees": list(issue.assignees),
        "due_date": _iso(issue.due_date),
        "created_at": _iso(issue.created_at),
        "updated_at": _iso(issue.updated_at),
        "links": [{"issue": str(link.target), "type": link.link_type} for link in record.links],
        "notes": [encode_note(n) for n in record.notes],
    }


def render_issue(record: IssueRecord, existing_text: str | None, path: Path) -> str:
    """The file text for ``record``, merged into the file's current text when there is one."""
    new = encode_issue(record)
    if existing_text is None:
        return join_front_matter(to_node(new), record.issue.description)
    front_text, _ = split_front_matter(existing_text, str(path))
    front = load_yaml(front_text, Source(str(path), 2))
    old_notes = front.get("notes")
    if isinstance(old_notes, list):
        new["notes"] = _carry_note_updates(old_notes, new["notes"])
    merged = merge(front, new, ISSUE_DEFAULTS)
    return join_front_matter(merged, record.issue.description, front_text)


def _carry_note_updates(old: list[Any], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notes keep the ``updated_at`` of their file entry: the record has no such field."""
    edited = {
        n.get("id"): to_plain(n["updated_at"])
        for n in old
        if isinstance(n, Mapping) and "updated_at" in n
    }
    return [
        _insert_after(note, "created_at", "updated_at", edited[note["id"]])
        if note["id"] in edited
        else note
        for note in new
    ]


def _insert_after(data: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for k, v in data.items():
        result[k] = v
        if k == after:
            result[key] = value
    result.setdefault(key, value)
    return result


# ---------------------------------------------------------------------------------------------
# Merge requests


MR_KEYS = (
    "iid",
    "title",
    "state",
    "source_branch",
    "target_branch",
    "author",
    "reviewers",
    "labels",
    "merged_at",
    "related_issues",
)


def decode_merge_request(text: str, path: Path, project: str, web_base: str) -> MergeRequest:
    front_text, body = split_front_matter(text, str(path))
    return decode_fast(
        front_text, Source(str(path), 2), lambda f: _merge_request(f, body, path, project, web_base)
    )


def _merge_request(
    fields: Fields, body: str, path: Path, project: str, web_base: str
) -> MergeRequest:
    fields.check_keys(MR_KEYS)
    iid = check_iid(fields, path)
    return MergeRequest(
        ref=MergeRequestRef(project, iid),
        title=fields.string("title"),
        state=fields.choice("state", MR_STATES, "opened"),
        source_branch=fields.string("source_branch", ""),
        target_branch=fields.string("target_branch", "master"),
        description=body,
        author=fields.string("author", ""),
        reviewers=fields.string_list("reviewers"),
        labels=fields.string_list("labels"),
        merged_at=fields.moment("merged_at"),
        web_url=f"{web_base}/{project}/-/merge_requests/{iid}",
        related_issues=fields.ref_list("related_issues"),
    )


def encode_merge_request(mr: MergeRequest) -> dict[str, Any]:
    return {
        "iid": mr.ref.iid,
        "title": mr.title,
        "state": mr.state,
        "source_branch": mr.source_branch,
        "target_branch": mr.target_branch,
        "author": mr.author,
        "reviewers": list(mr.reviewers),
        "labels": list(mr.labels),
        "merged_at": _iso(mr.merged_at),
        "related_issues": [str(ref) for ref in mr.related_issues],
    }


def render_merge_request(mr: MergeRequest, existing_text: str | None, path: Path) -> str:
    new = encode_merge_request(mr)
    if existing_text is None:
        return join_front_matter(to_node(new), mr.description)
    front_text, _ = split_front_matter(existing_text, str(path))
    front = load_yaml(front_text, Source(str(path), 2))
    return join_front_matter(merge(front, new, MR_DEFAULTS), mr.description, front_text)


# ---------------------------------------------------------------------------------------------
# HackerOne-style reports


REPORT_KEYS = (
    "id",
    "title",
    "reporter",
    "collaborators",
    "state",
    "severity",
    "weakness",
    "cwe",
    "url",
    "activities",
    "bounties",
)


def decode_report(text: str, path: Path, default_url: Callable[[str], str]) -> Report:
    return decode_fast(text, Source(str(path), 1), lambda f: _report(f, path, default_url))


def _report(fields: Fields, path: Path, default_url: Callable[[str], str]) -> Report:
    fields.check_keys(REPORT_KEYS)
    raw_id = fields.get("id")
    if isinstance(raw_id, bool | ScalarBoolean) or not isinstance(raw_id, int | str):
        raise fields.error("id", "expected the report id, such as 2345678")
    report_id = str(raw_id)
    if path.name != f"{report_id}.yaml":
        raise fields.error("id", f"id {report_id} does not match file name {path.name}")
    severity = fields.optional_map("severity")
    rating: str | None = None
    score: float | None = None
    if severity is not None:
        severity.check_keys(("rating", "score"))
        rating = severity.optional_string("rating")
        score = severity.number("score")
    activities = []
    for item in fields.maps("activities"):
        item.check_keys(("type", "message", "internal", "author", "created_at"))
        activities.append(
            Activity(
                type=item.string("type"),
                message=item.string("message", ""),
                internal=item.boolean("internal"),
                author=item.string("author", ""),
                created_at=item.moment("created_at"),
            )
        )
    bounties = []
    for item in fields.maps("bounties"):
        item.check_keys(("amount", "bonus_amount", "awarded_at"))
        bounties.append(
            Bounty(
                amount=item.decimal("amount"),
                bonus_amount=item.decimal("bonus_amount", 0),
                awarded_at=item.moment("awarded_at"),
            )
        )
    return Report(
        id=report_id,
        title=fields.string("title"),
        reporter=fields.string("reporter"),
        collaborators=fields.string_list("collaborators"),
        state=fields.string("state", "triaged"),
        severity_rating=rating,
        severity_score=score,
        weakness=fields.optional_string("weakness"),
        cwe=fields.optional_string("cwe"),
        activities=tuple(activities),
        bounties=tuple(bounties),
        url=fields.string("url", default_url(report_id)),
    )


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def encode_activity(activity: Activity) -> dict[str, Any]:
    return {
        "type": activity.type,
        "message": activity.message,
        "internal": activity.internal,
        "author": activity.author,
        "created_at": _iso(activity.created_at),
    }


def encode_report(report: Report) -> dict[str, Any]:
    severity = None
    if report.severity_rating is not None or report.severity_score is not None:
        severity = {"rating": report.severity_rating, "score": report.severity_score}
    return {
        "id": int(report.id) if report.id.isdigit() else report.id,
        "title": report.title,
        "reporter": report.reporter,
        **({"collaborators": list(report.collaborators)} if report.collaborators else {}),
        "state": report.state,
        "severity": severity,
        "weakness": report.weakness,
        "cwe": report.cwe,
        "url": report.url,
        "activities": [encode_activity(a) for a in report.activities],
        "bounties": [
            {
                "amount": _amount(b.amount),
                "bonus_amount": _amount(b.bonus_amount),
                "awarded_at": _iso(b.awarded_at),
            }
            for b in report.bounties
        ],
    }


def render_report(report: Report, existing_text: str | None, path: Path, default_url: str) -> str:
    new = encode_report(report)
    if existing_text is None:
        return dump_yaml(to_node(new))
    data = load_yaml(existing_text, Source(str(path), 1))
    defaults = {**REPORT_DEFAULTS, "url": default_url}
    if isinstance(data.get("id"), str) and isinstance(new.get("id"), int):
        new["id"] = str(new["id"])
    return dump_yaml(merge(data, new, defaults), existing_text)


# ---------------------------------------------------------------------------------------------
# Reading and writing record files, with a cache


class RecordFiles:
    """Reads record files through a cache keyed by (path, mtime_ns, size) and writes them
    atomically; counts the reads that reached the disk."""

    def __init__(self) -> None:
        self.reads = 0
        self._cache: dict[Path, tuple[tuple[int, int], str, Any]] = {}

    def load(self, path: Path, decode: Callable[[str], _T], missing: str) -> tuple[str, _T]:
        """``(text, decoded record)``; ``NotFoundError(missing)`` when there is no such file."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise NotFoundError(missing, where=str(path)) from None
        except OSError as exc:
            raise WorkspaceError(f"cannot read: {exc.strerror}", path=str(path)) from exc
        key = (stat.st_mtime_ns, stat.st_size)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == key:
            return hit[1], hit[2]
        text = self.read_text(path)
        value = decode(text)
        self._cache[path] = (key, text, value)
        return text, value

    def read_text(self, path: Path) -> str:
        self.reads += 1
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise WorkspaceError(f"cannot read: {exc.strerror}", path=str(path)) from exc
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise WorkspaceError("expected UTF-8 text", path=str(path), line=line) from None

    def existing_text(self, path: Path) -> str | None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        hit = self._cache.get(path)
        if hit is not None and hit[0] == (stat.st_mtime_ns, stat.st_size):
            return hit[1]
        return self.read_text(path)

    def write(self, path: Path, text: str, decode: Callable[[str], _T]) -> _T:
        """Decode ``text`` first (a file psirt cannot read back is never written), then write."""
        value = decode(text)
        atomic_write(path, text)
        stat = path.stat()
        self._cache[path] = ((stat.st_mtime_ns, stat.st_size), text, value)
        return value
