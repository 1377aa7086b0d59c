"""What GitLab does to the content of a write: scoped labels, quick actions, size limits.

Kept apart from psirt's own model of these rules (``psirt.core.labels``,
``psirt.parsing.markdown.escape_quick_actions``) on purpose: the fake is the oracle the client is
tested against, so it is written from GitLab's sources, not from psirt's reading of them.

Sources:

- Labels on a write: ``add_labels`` are added, then ``remove_labels`` removed
  (``IssuableBaseService#process_label_ids``). A scoped label ``key::value`` (the key is
  everything before the last ``::``) replaces the labels of its key; of several added with one
  key only the last stays; labels of a key that the write does not add are left alone
  (doc/user/project/labels.md "Scoped labels"; gitlab-org/gitlab-ee!9983).
- Labels are listed sorted by title (``Issuable#label_names`` orders by title).
- Quick actions: a line of a note that starts with ``/`` and a known command name, outside code
  blocks and code spans, is run and removed (lib/gitlab/quick_actions/extractor.rb, the pattern
  ``^\\/(?<cmd>...)(?:[ ](?<arg>[^\\n]*))?(?:\\s*\\n|$)``, names case-insensitive; the text left
  is right-stripped). A note of commands only is not stored: the API answers ``202`` with the
  commands' changes and summary (lib/api/helpers/notes_helpers.rb
  ``process_note_creation_result``, ``Entities::NoteCommands``).
- Limits: a description holds at most 1,048,576 characters (doc/api/issues.md), a note body at
  most 1,000,000 (doc/api/notes.md), a title 255 (``Issuable`` validation).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tests.fakes.gitlab_server.state import HttpError

DESCRIPTION_LIMIT = 1_048_576
NOTE_LIMIT = 1_000_000
TITLE_LIMIT = 255

# The commands of doc/user/project/quick_actions.md that apply to issues; the fake runs the ones
# psirt could trip over (labels, state, title, confidentiality) and strips the others unrun.
QUICK_ACTIONS = frozenset(
    {
        "label",
        "labels",
        "unlabel",
        "remove_label",
        "relabel",
        "close",
        "reopen",
        "title",
        "confidential",
        "assign",
        "unassign",
        "reassign",
        "milestone",
        "remilestone",
        "due",
        "remove_due_date",
        "weight",
        "clear_weight",
        "estimate",
        "spend",
        "todo",
        "done",
        "subscribe",
        "unsubscribe",
        "award",
        "lock",
        "unlock",
        "duplicate",
        "move",
        "copy_metadata",
        "shrug",
        "tableflip",
    }
)
_COMMAND = re.compile(r"^/(?P<cmd>[a-z_]+)(?: (?P<arg>[^\n]*))?\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LABEL_ARG = re.compile(r'~"([^"]+)"|~(\S+)|"([^"]+)"|(\S+)')


def label_key(name: str) -> str | None:
    key, separator, value = name.rpartition("::")
    return key if separator and key and value else None


def write_labels(current: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> list[str]:
    """GitLab's labels after a write that adds ``add`` and removes ``remove``."""
    labels = list(dict.fromkeys(current))
    labels += [name for name in dict.fromkeys(add) if name not in labels]
    labels = [name for name in labels if name not in set(remove)]
    last_by_key: dict[str, str] = {}
    for name in add:
        key = label_key(name)
        if key is not None and name in labels:
            last_by_key[key] = name
    return [
        name
        for name in labels
        if (key := label_key(name)) is None or last_by_key.get(key, name) == name
    ]


def sorted_labels(labels: Sequence[str]) -> list[str]:
    return sorted(labels)


def check_length(field_name: str, text: str, limit: int, *, note: bool = False) -> None:
    if len(text) <= limit:
        return
    problem = f"is too long (maximum is {limit} characters)"
    if note:  # bad_request!("Note #{note.errors.messages}")
        raise HttpError(400, f'400 Bad request - Note {{:note=>["{problem}"]}}')
    raise HttpError(400, {field_name: [problem]})  # render_validation_error!


@dataclass
class Commands:
    """The quick actions found in a text, and the text without them."""

    text: str
    commands: list[tuple[str, str]] = field(default_factory=list)

    @property
    def only_commands(self) -> bool:
        return bool(self.commands) and not self.text.strip()


def extract_commands(text: str) -> Commands:
    """Take the quick-action lines out of ``text`` (outside fenced code and code spans)."""
    kept: list[str] = []
    commands: list[tuple[str, str]] = []
    fence: str | None = None
    for line in text.replace("\r", "").splitlines(keepends=True):
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)[0] * len(opened.group(1))
        elif fence is not None and opened and opened.group(1).startswith(fence):
            fence = None
        elif fence is None:
            match = _COMMAND.match(line)
            if match and match.group("cmd").lower() in QUICK_ACTIONS and "`" not in line:
                commands.append((match.group("cmd").lower(), (match.group("arg") or "").strip()))
                continue
        kept.append(line)
    joined = "".join(kept)
    return Commands(joined.rstrip() if commands else joined, commands)


def label_names(arg: str) -> list[str]:
    """``~foo ~"bar baz" ~scope::x`` -> the label titles."""
    return [next(g for g in m.groups() if g) for m in _LABEL_ARG.finditer(arg)]


def run_commands(issue: dict[str, object], commands: list[tuple[str, str]]) -> list[str]:
    """Apply the commands the fake models to ``issue``; the summary lines GitLab would give."""
    summary: list[str] = []
    labels = [str(name) for name in issue["labels"]]  # type: ignore[attr-defined]
    for cmd, arg in commands:
        if cmd in ("label", "labels"):
            names = label_names(arg)
            labels = write_labels(labels, names, ())
            summary.append("Added " + " ".join(f'~"{n}"' for n in names) + " label(s).")
        elif cmd in ("unlabel", "remove_label"):
            names = label_names(arg) or list(labels)
            labels = write_labels(labels, (), names)
            summary.append("Removed " + " ".join(f'~"{n}"' for n in names) + " label(s).")
        elif cmd == "relabel":
            labels = write_labels((), label_names(arg), ())
            summary.append("Replaced all labels.")
        elif cmd in ("close", "reopen"):
            issue["state"] = "closed" if cmd == "close" else "opened"
            summary.append(f"{'Closed' if cmd == 'close' else 'Reopened'} this issue.")
        elif cmd == "title" and arg:
            issue["title"] = arg
            summary.append(f"Changed the title to {arg!r}.")
        elif cmd == "confidential":
            issue["confidential"] = True
            summary.append("Made this issue confidential.")
    issue["labels"] = labels
    return summary
