"""Issue files: ``projects/<project>/issues/<iid>.md``, the issue with its links and notes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psirt.core.finding import Acknowledgement, Location
from psirt.core.records import (
    AwardEmoji,
    Issue,
    IssueLink,
    IssueRef,
    IssueState,
    LabelAction,
    LabelEvent,
    LinkType,
    Note,
    SourceLines,
)
from psirt.core.words import quoted
from psirt.localstore.fields import Fields, decode_fast, iso
from psirt.localstore.front_matter import check_iid, join_front_matter, split_front_matter
from psirt.localstore.merge import merge, to_node, to_plain
from psirt.localstore.yaml_io import Source, load_yaml

ISSUE_STATES: tuple[IssueState, ...] = ("opened", "closed")
LINK_TYPES: tuple[LinkType, ...] = ("relates_to", "blocks", "is_blocked_by")
LABEL_ACTIONS: tuple[LabelAction, ...] = ("add", "remove")
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
    "label_events",
    "acknowledgements",
)
ACKNOWLEDGEMENT_KEYS = ("code", "by", "reason")
LABEL_EVENT_KEYS = ("id", "action", "label", "user", "created_at")
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
    "label_events": [],
    "acknowledgements": [],
    "type": "relates_to",
    "internal": False,
    "system": False,
    "award_emoji": [],
    "body": "",
}


@dataclass(frozen=True, slots=True)
class IssueRecord:
    """An issue file: the issue, and the links and notes stored with it."""

    issue: Issue
    links: tuple[IssueLink, ...] = ()
    notes: tuple[Note, ...] = ()
    label_events: tuple[LabelEvent, ...] = ()


def decode_issue(
    text: str, path: Path, project: str, web_base: str, shown: str | None = None
) -> IssueRecord:
    """The issue file at ``path``; ``shown`` is how findings name the file (the path relative
    to the workspace), ``path`` itself when not given."""
    front_text, body = split_front_matter(text, str(path))
    lines = source_lines(front_text, shown or str(path))
    return decode_fast(
        front_text,
        Source(str(path), 2),
        lambda f: _issue(f, body, path, project, web_base, lines),
    )


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_ITEM = re.compile(r"^\s*-(?:\s|$)")
_ID = re.compile(r"^\s*(?:-\s+)?id\s*:\s*(\d+)\s*$")


def source_lines(front_text: str, shown: str) -> SourceLines:
    """The file lines of the front matter's top-level keys and of each note's entry (the
    front matter starts on line 2, after ``---``), read off the text: the fast loader keeps no
    line numbers."""
    keys: dict[str, int] = {}
    notes: dict[int, int] = {}
    current = ""
    item_line = 0
    lines = front_text.splitlines()
    for index, line in enumerate(lines):
        number = index + 2
        top = _TOP_KEY.match(line)
        if top:
            current = top.group(1)
            keys.setdefault(current, number)
            continue
        if current != "notes":
            continue
        if _ITEM.match(line) and (len(line) - len(line.lstrip())) <= 2:
            item_line = number
        found = _ID.match(line)
        if found and item_line:
            notes.setdefault(int(found.group(1)), item_line)
    return SourceLines(
        path=shown,
        description_line=len(lines) + 3,
        keys=tuple(keys.items()),
        notes=tuple(notes.items()),
    )


def _issue(
    fields: Fields, body: str, path: Path, project: str, web_base: str, lines: SourceLines
) -> IssueRecord:
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
        source=lines,
        acknowledgements=decode_acknowledgements(fields, lines),
    )
    links = []
    for link in fields.maps("links"):
        link.check_keys(("issue", "type"))
        links.append(IssueLink(link.ref("issue"), link.choice("type", LINK_TYPES, "relates_to")))
    return IssueRecord(issue, tuple(links), decode_notes(fields), decode_label_events(fields))


def decode_acknowledgements(fields: Fields, lines: SourceLines) -> tuple[Acknowledgement, ...]:
    """``acknowledgements:``, the warnings a person reviewed: ``code``, ``by`` and ``reason``
    each, all three required (an acknowledgement says who and why)."""
    found: list[Acknowledgement] = []
    line = lines.key_line("acknowledgements")
    for item in fields.maps("acknowledgements"):
        item.check_keys(ACKNOWLEDGEMENT_KEYS)
        code = item.string("code").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}[0-9]{3}", code):
            raise item.error("code", f"{quoted(code)} is not a rule code (psirt rules lists them)")
        by, reason = item.string("by").strip(), item.string("reason").strip()
        if not by or not reason:
            raise item.error("reason" if by else "by", "empty (say who reviewed it and why)")
        found.append(Acknowledgement(code, by, reason, Location(path=lines.path, line=line)))
    return tuple(found)


def encode_acknowledgement(ack: Acknowledgement) -> dict[str, Any]:
    return {"code": ack.code, "by": ack.by, "reason": ack.reason}


def decode_label_events(fields: Fields) -> tuple[LabelEvent, ...]:
    events: list[LabelEvent] = []
    seen: set[int] = set()
    for item in fields.maps("label_events"):
        item.check_keys(LABEL_EVENT_KEYS)
        event_id = item.integer("id")
        if event_id in seen:
            raise item.error("id", f"duplicate label event id {event_id} (unique within a file)")
        seen.add(event_id)
        events.append(
            LabelEvent(
                id=event_id,
                action=item.choice("action", LABEL_ACTIONS),
                label=item.string("label"),
                user=item.string("user", ""),
                created_at=item.moment("created_at"),
            )
        )
    return tuple(events)


def encode_label_event(event: LabelEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "action": event.action,
        "label": event.label,
        "user": event.user,
        "created_at": iso(event.created_at),
    }


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
        "created_at": iso(note.created_at),
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
        "due_date": iso(issue.due_date),
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "links": [{"issue": str(link.target), "type": link.link_type} for link in record.links],
        "notes": [encode_note(n) for n in record.notes],
        "label_events": [encode_label_event(e) for e in record.label_events],
        "acknowledgements": [encode_acknowledgement(a) for a in issue.acknowledgements],
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
