"""Actions on the issue tracker: notes, descriptions, labels, closing, creating issues.

Notes and issues that psirt writes carry an invisible rerun marker (``<!-- psirt:NAME -->``),
which is how a rerun finds its own earlier write instead of adding another. (The GitLab adapter
adds a retry token of its own to each note it posts, a 32-hex id stripped again on read; see
``psirt.trackers.gitlab_mapping``. The two never meet: a marker is a name, not 32 hex digits.)

The texts psirt posts quote people (titles, descriptions, findings): a quoted line that starts
with ``/`` would run as a GitLab quick action, so notes and new issues are escaped first
(:func:`psirt.parsing.markdown.escape_quick_actions`), and the rerun compares the escaped text.
Label writes name one label per scope and are checked against GitLab's scoped-label result
(:mod:`psirt.core.labels`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from psirt.actions.plan import Action, ExecutionContext, unified_diff
from psirt.core.errors import InputError, RefusedError
from psirt.core.labels import check_label_write, labels_done
from psirt.core.records import Issue, IssueRef, IssueUpdate, Note
from psirt.core.words import quoted
from psirt.parsing.markdown import escape_quick_actions


def marker_comment(marker: str) -> str:
    return f"<!-- psirt:{marker} -->"


def with_marker(body: str, marker: str) -> str:
    return f"{body.rstrip()}\n\n{marker_comment(marker)}\n"


def has_marker_line(text: str, tag: str) -> bool:
    """Whether ``tag`` stands on a line of its own, as ``with_marker`` writes it.

    A quote reply copies the marker too (``> <!-- psirt:close -->``), and someone else's note
    that quotes ours must not be taken for ours: we would edit it, or count two of ours."""
    return any(line.strip() == tag for line in text.splitlines())


def marked_notes(notes: Sequence[Note], marker: str, author: str | None = None) -> list[Note]:
    """The notes that carry ``marker``; with ``author``, only that user's.

    A marker alone does not make a note ours: someone may copy one into their own note, and
    editing it would overwrite their text (GitLab refuses with 403, and every rerun would stop
    there). A note is psirt's when it carries the marker *and* the tracker's current user wrote
    it; anyone else's is left alone, and psirt writes its own."""
    tag = marker_comment(marker)
    return [
        note
        for note in notes
        if has_marker_line(note.body, tag) and (author is None or note.author == author)
    ]


def find_marked_note(notes: Sequence[Note], marker: str, author: str | None = None) -> Note | None:
    return next(iter(marked_notes(notes, marker, author)), None)


def our_notes(context: ExecutionContext, ref: IssueRef, marker: str) -> list[Note]:
    """psirt's notes with ``marker`` on ``ref``, read afresh (a concurrent run's note is seen)."""
    return marked_notes(context.tracker.notes(ref), marker, context.tracker.current_user())


@dataclass
class UpsertNote(Action):
    """One note per (issue, marker): created once, edited when its body changes; with
    ``update_only``, only an earlier note is edited (a "resolved" text needs no new note)."""

    ref: IssueRef
    marker: str
    body: str
    why: str
    internal: bool = False
    update_only: bool = False
    kind: ClassVar[str] = "note"

    @property
    def subject(self) -> str:
        return str(self.ref)

    @property
    def full_body(self) -> str:
        """What is posted: the body with its quick-action lines escaped, then the marker."""
        return with_marker(escape_quick_actions(self.body), self.marker)

    def describe(self) -> str:
        return f"comment on {self.ref}: {self.why}"

    def diff(self) -> str | None:
        body = escape_quick_actions(self.body)
        return "".join("+ " + line + "\n" for line in body.rstrip().splitlines())

    def check(self, context: ExecutionContext) -> str | None:
        existing = next(iter(our_notes(context, self.ref, self.marker)), None)
        if existing is None:
            return "no earlier note of ours to update" if self.update_only else None
        if existing.body.strip() == self.full_body.strip():
            return f"our comment {existing.id} is already there"
        if self.internal and not existing.internal:
            # editing keeps a note's visibility: internal text would land in a public note
            raise RefusedError(
                f"our note {existing.id} is public, and its new text is meant to stay internal; "
                "delete that note (or make it internal) and run the command again",
                where=str(self.ref),
            )
        return None

    def apply(self, context: ExecutionContext) -> str:
        existing = next(iter(our_notes(context, self.ref, self.marker)), None)
        if existing is not None:
            context.tracker.update_note(self.ref, existing.id, self.full_body)
            return f"updated note {existing.id}"
        note = context.tracker.create_note(self.ref, self.full_body, internal=self.internal)
        return f"created note {note.id}"

    def verify(self, context: ExecutionContext) -> bool:
        """One note of ours with the body, and internal when asked (a server that ignores the
        ``internal`` flag would otherwise publish an internal text without anyone noticing)."""
        ours = our_notes(context, self.ref, self.marker)
        return (
            len(ours) == 1
            and ours[0].body.strip() == self.full_body.strip()
            and (ours[0].internal or not self.internal)
        )


def _labels_done(issue: Issue, add: Sequence[str], remove: Sequence[str]) -> bool:
    """The labels as GitLab leaves them after the write (a scoped label replaces its scope)."""
    return not labels_done(issue.labels, add, remove)


@dataclass
class EditDescription(Action):
    """Replace an issue's description (and adjust labels) in one write, refusing when the issue
    changed since ``before`` was read."""

    ref: IssueRef
    before: str
    after: str
    why: str
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    kind: ClassVar[str] = "edit"

    def __post_init__(self) -> None:
        check_label_write(self.add_labels, self.remove_labels, where=str(self.ref))

    @property
    def subject(self) -> str:
        return str(self.ref)

    def describe(self) -> str:
        extra = []
        if self.add_labels:
            extra.append("add " + ", ".join(f'~"{label}"' for label in self.add_labels))
        if self.remove_labels:
            extra.append("remove " + ", ".join(f'~"{label}"' for label in self.remove_labels))
        suffix = f" ({'; '.join(extra)})" if extra else ""
        return f"edit description of {self.ref}: {self.why}{suffix}"

    def diff(self) -> str | None:
        return unified_diff(self.before, self.after, str(self.ref)) or None

    def check(self, context: ExecutionContext) -> str | None:
        issue = context.tracker.get_issue(self.ref)
        if issue.description == self.after and _labels_done(
            issue, self.add_labels, self.remove_labels
        ):
            return "already up to date"
        if issue.description not in (self.before, self.after):
            raise InputError(
                "the description changed since it was read; run the command again",
                where=str(self.ref),
            )
        return None

    def apply(self, context: ExecutionContext) -> str:
        issue = context.tracker.get_issue(self.ref)
        update = IssueUpdate(
            description=None if issue.description == self.after else self.after,
            expected_description=None if issue.description == self.after else self.before,
            add_labels=self.add_labels,
            remove_labels=self.remove_labels,
        )
        context.tracker.update_issue(self.ref, update)
        return "description updated"

    def verify(self, context: ExecutionContext) -> bool:
        issue = context.tracker.get_issue(self.ref)
        return issue.description == self.after and _labels_done(
            issue, self.add_labels, self.remove_labels
        )


@dataclass
class AddLabels(Action):
    ref: IssueRef
    labels: tuple[str, ...]
    why: str
    kind: ClassVar[str] = "label"

    def __post_init__(self) -> None:
        check_label_write(self.labels, (), where=str(self.ref))

    @property
    def subject(self) -> str:
        return str(self.ref)

    def describe(self) -> str:
        return f"add {', '.join(self.labels)} to {self.ref}: {self.why}"

    def check(self, context: ExecutionContext) -> str | None:
        issue = context.tracker.get_issue(self.ref)
        return "labels already there" if _labels_done(issue, self.labels, ()) else None

    def apply(self, context: ExecutionContext) -> str:
        context.tracker.update_issue(self.ref, IssueUpdate(add_labels=self.labels))
        return "labels added"

    def verify(self, context: ExecutionContext) -> bool:
        return _labels_done(context.tracker.get_issue(self.ref), self.labels, ())


@dataclass
class RemoveLabels(Action):
    ref: IssueRef
    labels: tuple[str, ...]
    why: str
    kind: ClassVar[str] = "unlabel"

    @property
    def subject(self) -> str:
        return str(self.ref)

    def describe(self) -> str:
        return f"remove {', '.join(self.labels)} from {self.ref}: {self.why}"

    def check(self, context: ExecutionContext) -> str | None:
        issue = context.tracker.get_issue(self.ref)
        return "labels already absent" if _labels_done(issue, (), self.labels) else None

    def apply(self, context: ExecutionContext) -> str:
        context.tracker.update_issue(self.ref, IssueUpdate(remove_labels=self.labels))
        return "labels removed"

    def verify(self, context: ExecutionContext) -> bool:
        return _labels_done(context.tracker.get_issue(self.ref), (), self.labels)


@dataclass
class CloseIssue(Action):
    ref: IssueRef
    why: str
    kind: ClassVar[str] = "close"

    @property
    def subject(self) -> str:
        return str(self.ref)

    def describe(self) -> str:
        return f"close {self.ref}: {self.why}"

    def check(self, context: ExecutionContext) -> str | None:
        issue = context.tracker.get_issue(self.ref)
        return "already closed" if issue.state == "closed" else None

    def apply(self, context: ExecutionContext) -> str:
        context.tracker.update_issue(self.ref, IssueUpdate(state_event="close"))
        return "closed"

    def verify(self, context: ExecutionContext) -> bool:
        return context.tracker.get_issue(self.ref).state == "closed"


@dataclass
class CreateIssue(Action):
    """File an issue once: a rerun finds it by its marker and says it exists."""

    project: str
    title: str
    description: str
    marker: str
    why: str
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    confidential: bool = False
    kind: ClassVar[str] = "create"
    created: Issue | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_label_write(self.labels, (), where=self.project)

    @property
    def subject(self) -> str:
        return self.project

    def describe(self) -> str:
        return f"create issue {quoted(self.title)} in {self.project}: {self.why}"

    def existing(self, context: ExecutionContext) -> Issue | None:
        tag = marker_comment(self.marker)
        for issue in context.tracker.find_issues(self.project, search=self.title):
            if has_marker_line(issue.description, tag):
                return issue
        return None

    def check(self, context: ExecutionContext) -> str | None:
        issue = self.existing(context)
        return f"it exists: {issue.ref}" if issue is not None else None

    def apply(self, context: ExecutionContext) -> str:
        self.created = context.tracker.create_issue(
            self.project,
            title=self.title,
            description=with_marker(escape_quick_actions(self.description), self.marker),
            labels=self.labels,
            confidential=self.confidential,
            assignees=self.assignees,
        )
        return f"created {self.created.ref}"

    def verify(self, context: ExecutionContext) -> bool:
        return self.existing(context) is not None


@dataclass
class SetConfidential(Action):
    """Make an issue public (or confidential); skipped when it already is. Refused when the
    issue carries ``keep_label`` by the time it runs (someone asked to keep it confidential
    after the plan was made)."""

    ref: IssueRef
    confidential: bool
    why: str
    keep_label: str | None = None
    kind: ClassVar[str] = "confidentiality"

    @property
    def subject(self) -> str:
        return str(self.ref)

    def describe(self) -> str:
        what = "make confidential" if self.confidential else "make public"
        return f"{what} {self.ref}: {self.why}"

    def check(self, context: ExecutionContext) -> str | None:
        issue = context.tracker.get_issue(self.ref)
        if issue.confidential == self.confidential:
            return "already confidential" if self.confidential else "already public"
        if not self.confidential and self.keep_label and self.keep_label in issue.labels:
            raise RefusedError(
                f"the issue is labelled ~{self.keep_label}; it stays confidential",
                where=str(self.ref),
            )
        return None

    def apply(self, context: ExecutionContext) -> str:
        context.tracker.set_confidential(self.ref, self.confidential)
        return "confidential" if self.confidential else "public"

    def verify(self, context: ExecutionContext) -> bool:
        return context.tracker.get_issue(self.ref).confidential == self.confidential
