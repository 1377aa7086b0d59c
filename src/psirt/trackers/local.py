"""The local tracker: a GitLab-shaped release workspace kept as plain text files.

Layout (documented for people in ``docs/workspace.md``)::

    projects/<project path>/issues/<iid>.md
    projects/<project path>/merge_requests/<iid>.md

Every path is built with ``check_project_path`` and ``safe_join``, so nothing read from a file or
the configuration can reach outside the workspace. Parsed files are cached per instance; the
cross-project indexes (merge requests by related issue, links stored on the other side) are built
once, on first use, and dropped on every write.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from psirt.core.errors import InputError, NotFoundError, PermissionDeniedError, WorkspaceError
from psirt.core.labels import apply_label_write
from psirt.core.records import (
    DESCRIPTION_CHANGED,
    TITLE_CHANGED,
    Issue,
    IssueLink,
    IssueRef,
    IssueState,
    IssueUpdate,
    LabelAction,
    LabelEvent,
    LinkType,
    MergeRequest,
    MergeRequestRef,
    Note,
    utc,
)
from psirt.core.workspace import check_project_path, safe_entry, safe_join
from psirt.localstore.fields import Fields
from psirt.localstore.front_matter import RECORD_FILE, join_front_matter, split_front_matter
from psirt.localstore.issues import (
    IssueRecord,
    decode_issue,
    encode_label_event,
    encode_note,
    render_issue,
)
from psirt.localstore.merge import merge, to_node, to_plain
from psirt.localstore.merge_requests import decode_merge_request, render_merge_request
from psirt.localstore.record_files import RecordFiles
from psirt.localstore.yaml_io import Source, load_mapping, load_yaml

PROJECTS = "projects"
GROUPS = "groups"
ISSUES = "issues"
MERGE_REQUESTS = "merge_requests"
DEFAULT_BASE_URL = "https://gitlab.com"
INVERSE_LINK: dict[LinkType, LinkType] = {
    "relates_to": "relates_to",
    "blocks": "is_blocked_by",
    "is_blocked_by": "blocks",
}


def _merged_since(mr: MergeRequest, since: datetime) -> bool:
    """Merged at or after ``since``; a time written without a zone is taken as UTC."""
    if mr.merged_at is None:
        return False
    return utc(mr.merged_at) >= utc(since)


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class LocalTracker:
    """The ``Tracker`` port over a workspace folder (see ``docs/workspace.md``).

    ``user`` is the author of the notes and issues this instance creates; ``base_url`` only
    builds ``web_url``s, so links in generated texts look like the GitLab instance's.
    """

    def __init__(
        self,
        root: Path,
        *,
        base_url: str = DEFAULT_BASE_URL,
        user: str = "psirt",
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self.user = user
        self._clock = clock
        self._files = RecordFiles()
        self._lock = threading.RLock()
        self._mr_index: dict[IssueRef, list[MergeRequest]] | None = None
        self._link_index: dict[IssueRef, list[IssueLink]] | None = None
        self._project_dirs: dict[str, Path] = {}
        self._issue_paths: dict[IssueRef, Path] = {}
        self._issues_dirs: dict[str, Path] = {}

    def current_user(self) -> str:
        return self.user

    @property
    def request_count(self) -> int:
        """File reads that reached the disk (cache hits are free)."""
        return self._files.reads

    # -- paths ---------------------------------------------------------------------------------

    def _project_dir(self, project: str) -> Path:
        """Checked once per project (resolving a path is a system call per folder in it)."""
        found = self._project_dirs.get(project)
        if found is None:
            found = safe_join(self.root, PROJECTS, *check_project_path(project).split("/"))
            self._project_dirs[project] = found
        return found

    def _issue_path(self, ref: IssueRef) -> Path:
        """Checked once per issue (a release reads each issue several times), and only a
        symbolic link is resolved: the project's issues folder is checked once, and a name of
        digits cannot leave it (``safe_entry``)."""
        found = self._issue_paths.get(ref)
        if found is None:
            folder = self._issues_dirs.get(ref.project)
            if folder is None:
                folder = safe_join(self._project_dir(ref.project), ISSUES)
                self._issues_dirs[ref.project] = folder
            name = f"{ref.iid}.md"
            found = folder / name
            if found.is_symlink():  # as before: it may point anywhere in its project
                found = safe_join(self._project_dir(ref.project), ISSUES, name)
            self._issue_paths[ref] = found
        return found

    def _mr_path(self, ref: MergeRequestRef) -> Path:
        return safe_join(self._project_dir(ref.project), MERGE_REQUESTS, f"{ref.iid}.md")

    def _record_paths(self, project: str, kind: str, *, must_exist: bool = True) -> list[Path]:
        """The record files of one project, by iid; other names in the folder are ignored."""
        project_dir = self._project_dir(project)
        if must_exist and not project_dir.is_dir():
            raise NotFoundError(f"no project {project} in the workspace", where=str(project_dir))
        folder = safe_join(project_dir, kind)
        if not folder.is_dir():
            return []
        entries = sorted(
            (entry for entry in os.scandir(folder) if RECORD_FILE.match(entry.name)),
            key=lambda entry: int(entry.name[:-3]),
        )
        return [safe_entry(folder, entry) for entry in entries]

    def _projects_with(self, kind: str) -> Iterator[str]:
        """Every project of the workspace that has a ``kind`` folder (symlinks not followed)."""
        base = safe_join(self.root, PROJECTS)
        for dirpath, dirnames, _ in os.walk(base):
            dirnames.sort()
            here = Path(dirpath)
            if kind in dirnames and here != base:
                project = "/".join(here.relative_to(base).parts)
                try:
                    yield check_project_path(project)
                except WorkspaceError as exc:
                    raise WorkspaceError(exc.message, path=str(here)) from None
            dirnames[:] = [
                d for d in dirnames if d not in (ISSUES, MERGE_REQUESTS) and not d.startswith(".")
            ]

    # -- decoding ------------------------------------------------------------------------------

    def _decode_issue(self, path: Path, project: str) -> Callable[[str], IssueRecord]:
        shown = self._shown(path)
        return lambda text: decode_issue(text, path, project, self.base_url, shown)

    def _shown(self, path: Path) -> str:
        """How findings name a file: relative to the workspace, with '/' (``projects/...``)."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _decode_mr(self, path: Path, project: str) -> Callable[[str], MergeRequest]:
        return lambda text: decode_merge_request(text, path, project, self.base_url)

    def _record(self, ref: IssueRef) -> IssueRecord:
        path = self._issue_path(ref)
        return self._files.load(path, self._decode_issue(path, ref.project), f"no issue {ref}")[1]

    def _project_records(self, project: str, *, must_exist: bool = True) -> list[IssueRecord]:
        return [
            self._files.load(path, self._decode_issue(path, project), f"no issue file {path}")[1]
            for path in self._record_paths(project, ISSUES, must_exist=must_exist)
        ]

    def _project_mrs(self, project: str) -> list[MergeRequest]:
        return [
            self._files.load(path, self._decode_mr(path, project), f"no merge request {path}")[1]
            for path in self._record_paths(project, MERGE_REQUESTS)
        ]

    # -- reads ---------------------------------------------------------------------------------

    def get_issue(self, ref: IssueRef) -> Issue:
        with self._lock:
            return self._record(ref).issue

    def get_issues(self, refs: Sequence[IssueRef]) -> list[Issue]:
        with self._lock:
            return [self._record(ref).issue for ref in refs]

    def find_issues(
        self,
        project: str,
        *,
        labels: Iterable[str] = (),
        search: str | None = None,
        state: IssueState | None = None,
    ) -> list[Issue]:
        """Sorted by iid; labels must all be present; ``search`` is a case-insensitive title
        substring."""
        wanted = tuple(labels)
        needle = search.casefold() if search else None
        with self._lock:
            issues = [record.issue for record in self._project_records(project)]
        return [
            issue
            for issue in issues
            if all(label in issue.labels for label in wanted)
            and (needle is None or needle in issue.title.casefold())
            and (state is None or issue.state == state)
        ]

    def issue_links(self, ref: IssueRef) -> list[IssueLink]:
        """Links stored in the issue's file, then links to it stored in other issues' files
        (seen from this side, as GitLab shows a link on both issues)."""
        with self._lock:
            own = list(self._record(ref).links)
            seen = {link.target for link in own}
            for link in self._links_to().get(ref, []):
                if link.target not in seen:
                    seen.add(link.target)
                    own.append(link)
            return own

    def notes(self, ref: IssueRef) -> list[Note]:
        with self._lock:
            return list(self._record(ref).notes)

    def related_merge_requests(self, ref: IssueRef) -> list[MergeRequest]:
        with self._lock:
            self._record(ref)
            if self._mr_index is None:
                index: dict[IssueRef, list[MergeRequest]] = {}
                for project in self._projects_with(MERGE_REQUESTS):
                    for mr in self._project_mrs(project):
                        for issue in dict.fromkeys(mr.related_issues):
                            index.setdefault(issue, []).append(mr)
                self._mr_index = index
            return list(self._mr_index.get(ref, []))

    def label_events(self, ref: IssueRef) -> list[LabelEvent]:
        with self._lock:
            return list(self._record(ref).label_events)

    def group_members(self, group: str) -> list[str]:
        """``groups/<group path>.yaml``: ``members: [alice, bob]`` (see docs/workspace.md)."""
        *parents, name = check_project_path(group).split("/")
        path = safe_join(self.root, GROUPS, *parents, f"{name}.yaml")
        with self._lock:
            text = self._files.existing_text(path)
        if text is None:
            raise NotFoundError(f"no group {group} in the workspace", where=str(path))
        source = Source(str(path), 1)
        fields = Fields(load_mapping(text, source, fast=False), source)
        fields.check_keys(("members",))
        return list(dict.fromkeys(fields.string_list("members")))

    def list_merge_requests(
        self,
        project: str,
        *,
        target_branch: str | None = None,
        merged_after: datetime | None = None,
    ) -> list[MergeRequest]:
        with self._lock:
            mrs = self._project_mrs(project)
        return [
            replace(mr, related_issues=())  # as GitLab's list: relations come from the issue
            for mr in mrs
            if (target_branch is None or mr.target_branch == target_branch)
            and (merged_after is None or _merged_since(mr, merged_after))
        ]

    def get_merge_request(self, ref: MergeRequestRef) -> MergeRequest:
        with self._lock:
            path = self._mr_path(ref)
            return self._files.load(
                path, self._decode_mr(path, ref.project), f"no merge request {ref}"
            )[1]

    def _links_to(self) -> dict[IssueRef, list[IssueLink]]:
        if self._link_index is None:
            index: dict[IssueRef, list[IssueLink]] = {}
            for project in self._projects_with(ISSUES):
                for record in self._project_records(project):
                    for link in record.links:
                        back = IssueLink(record.issue.ref, INVERSE_LINK[link.link_type])
                        index.setdefault(link.target, []).append(back)
            self._link_index = index
        return self._link_index

    # -- writes --------------------------------------------------------------------------------

    def _written(self) -> None:
        self._mr_index = None
        self._link_index = None

    def _edit(
        self,
        ref: IssueRef,
        change: Callable[[CommentedMap, IssueRecord], str | None],
    ) -> IssueRecord:
        """Apply ``change`` to the issue's front matter (it returns the new description, or
        None to keep it) and write the file once, unless nothing changed."""
        path = self._issue_path(ref)
        text, record = self._files.load(
            path, self._decode_issue(path, ref.project), f"no issue {ref}"
        )
        front_text, body = split_front_matter(text, str(path))
        front = load_yaml(front_text, Source(str(path), 2))
        before = to_plain(front)
        description = change(front, record)
        if description is None:
            description = body
        if to_plain(front) == before and description == body:
            return record
        self._set(front, "updated_at", self._clock().isoformat(), after="created_at")
        new_text = join_front_matter(front, description, front_text)
        result = self._files.write(path, new_text, self._decode_issue(path, ref.project))
        self._written()
        return result

    @staticmethod
    def _set(data: CommentedMap, key: str, value: Any, *, after: str | None = None) -> None:
        """Set ``key``, keeping its place; a new key goes after ``after`` when that exists."""
        node = merge(data[key], value, {}) if key in data else to_node(value)
        if key in data:
            if node is not data[key]:
                data[key] = node
        elif after is not None and after in data:
            data.insert(list(data).index(after) + 1, key, node)
        else:
            data[key] = node

    def create_issue(
        self,
        project: str,
        *,
        title: str,
        description: str,
        labels: Sequence[str] = (),
        confidential: bool = False,
        assignees: Sequence[str] = (),
    ) -> Issue:
        """A new issue with the next iid of the project (max + 1; one process at a time)."""
        with self._lock:
            paths = self._record_paths(project, ISSUES, must_exist=False)
            iid = max((int(path.stem) for path in paths), default=0) + 1
            now = self._clock()
            issue = Issue(
                ref=IssueRef(project, iid),
                title=title,
                description=description,
                labels=apply_label_write((), labels, ()),
                confidential=confidential,
                author=self.user,
                assignees=tuple(dict.fromkeys(assignees)),
                created_at=now,
                updated_at=now,
            )
            path = self._issue_path(issue.ref)
            if path.exists():
                raise WorkspaceError("will not overwrite an existing issue file", path=str(path))
            events = tuple(
                LabelEvent(index, "add", label, self.user, now)
                for index, label in enumerate(issue.labels, start=1)
            )
            text = render_issue(IssueRecord(issue, label_events=events), None, path)
            record = self._files.write(path, text, self._decode_issue(path, project))
            self._written()
            return record.issue

    def update_issue(self, ref: IssueRef, update: IssueUpdate) -> Issue:
        """Title, description, labels (added and removed by name) and state, in one write."""

        def change(front: CommentedMap, record: IssueRecord) -> str | None:
            issue = record.issue
            if (
                update.expected_description is not None
                and update.expected_description != issue.description
            ):
                raise InputError(
                    f"issue {ref} changed since it was read (its description differs); "
                    "read it again and retry",
                    where=str(self._issue_path(ref)),
                )
            if update.title is not None and update.title != issue.title:
                self._set(front, "title", update.title)
                self._system_note(
                    front, record, TITLE_CHANGED.format(old=issue.title, new=update.title)
                )
            labels = list(apply_label_write(issue.labels, update.add_labels, update.remove_labels))
            if labels != list(issue.labels):
                self._set(front, "labels", labels, after="confidential")
                self._label_events(front, record, issue.labels, labels)
            if update.state_event is not None:
                state = "closed" if update.state_event == "close" else "opened"
                if state != issue.state:
                    self._set(front, "state", state, after="title")
            if update.description is not None and update.description != issue.description:
                self._system_note(front, record, DESCRIPTION_CHANGED)
            return update.description

        with self._lock:
            return self._edit(ref, change).issue

    def set_confidential(self, ref: IssueRef, confidential: bool) -> Issue:
        def change(front: CommentedMap, record: IssueRecord) -> None:
            if record.issue.confidential != confidential:
                after = "state" if "state" in front else "title"
                self._set(front, "confidential", confidential, after=after)

        with self._lock:
            return self._edit(ref, change).issue

    def _system_note(self, front: CommentedMap, record: IssueRecord, body: str) -> None:
        """Record an edit as GitLab does, in a system note (a second one in the same write gets
        the next id)."""
        notes = front.get("notes")
        if not isinstance(notes, CommentedSeq):
            notes = CommentedSeq()
            front["notes"] = notes
        ids = [note.id for note in record.notes] + [int(n.get("id", 0)) for n in notes]
        note = Note(max(ids, default=0) + 1, body, self.user, self._clock(), system=True)
        notes.append(to_node(encode_note(note)))

    def _label_events(
        self, front: CommentedMap, record: IssueRecord, before: Sequence[str], after: Sequence[str]
    ) -> None:
        """Record each label added and removed, as GitLab's resource label events."""
        events = front.get("label_events")
        if not isinstance(events, CommentedSeq):
            events = CommentedSeq()
            front["label_events"] = events
        next_id = max((event.id for event in record.label_events), default=0) + 1
        now = self._clock()
        changes: list[tuple[LabelAction, str]] = [
            ("remove", label) for label in before if label not in after
        ]
        changes += [("add", label) for label in after if label not in before]
        for offset, (action, label) in enumerate(changes):
            event = LabelEvent(next_id + offset, action, label, self.user, now)
            events.append(to_node(encode_label_event(event)))

    def create_note(self, ref: IssueRef, body: str, *, internal: bool = False) -> Note:
        """A note with the next id of the issue file (max + 1)."""
        created: list[Note] = []

        def change(front: CommentedMap, record: IssueRecord) -> None:
            note_id = max((note.id for note in record.notes), default=0) + 1
            note = Note(note_id, body, self.user, created_at=self._clock(), internal=internal)
            notes = front.get("notes")
            if not isinstance(notes, CommentedSeq):
                notes = CommentedSeq()
                front["notes"] = notes
            notes.append(to_node(encode_note(note)))
            created.append(note)

        with self._lock:
            record = self._edit(ref, change)
        return next(note for note in record.notes if note.id == created[0].id)

    def update_note(self, ref: IssueRef, note_id: int, body: str) -> Note:
        def change(front: CommentedMap, record: IssueRecord) -> None:
            note = next((note for note in record.notes if note.id == note_id), None)
            if note is None:
                raise NotFoundError(f"no note {note_id} on issue {ref}")
            if note.author != self.user:  # as GitLab: only the author edits a note
                raise PermissionDeniedError(
                    f"update note {note_id}: the note is {note.author}'s, not {self.user}'s",
                    where=str(ref),
                )
            entry = next(n for n in front["notes"] if n.get("id") == note_id)
            if entry.get("body") != body:
                self._set(entry, "body", body)
                self._set(entry, "updated_at", self._clock().isoformat(), after="created_at")

        with self._lock:
            record = self._edit(ref, change)
        return next(note for note in record.notes if note.id == note_id)

    def link_issues(self, source: IssueRef, target: IssueRef, link_type: LinkType) -> None:
        """Idempotent. An existing link between the two, stored on either side, is updated
        where it is stored; a new one is stored in the source issue's file."""
        with self._lock:
            self._record(target)
            if any(
                link.target == target and link.link_type == link_type
                for link in self.issue_links(source)
            ):
                return
            if not any(link.target == source for link in self._record(target).links) or any(
                link.target == target for link in self._record(source).links
            ):
                self._edit(source, self._linker(target, link_type))
            else:
                self._edit(target, self._linker(source, INVERSE_LINK[link_type]))

    @staticmethod
    def _linker(
        target: IssueRef, link_type: LinkType
    ) -> Callable[[CommentedMap, IssueRecord], None]:
        def change(front: CommentedMap, _record: IssueRecord) -> None:
            links = front.get("links")
            if not isinstance(links, CommentedSeq):
                links = CommentedSeq()
                front["links"] = links
            for entry in links:
                if IssueRef.parse(str(entry.get("issue", ""))) == target:
                    LocalTracker._set(entry, "type", link_type)
                    return
            links.append(to_node({"issue": str(target), "type": link_type}))

        return change

    def unlink_issues(self, source: IssueRef, target: IssueRef) -> None:
        """Removes the link from whichever file stores it; NotFoundError if they are not linked."""

        def unlinker(other: IssueRef) -> Callable[[CommentedMap, IssueRecord], None]:
            def change(front: CommentedMap, _record: IssueRecord) -> None:
                links = front.get("links")
                for index in reversed(range(len(links) if isinstance(links, list) else 0)):
                    if IssueRef.parse(str(links[index].get("issue", ""))) == other:
                        del links[index]

            return change

        with self._lock:
            found = False
            for here, other in ((source, target), (target, source)):
                try:
                    record = self._record(here)
                except NotFoundError:
                    continue
                if any(link.target == other for link in record.links):
                    self._edit(here, unlinker(other))
                    found = True
            if not found:
                raise NotFoundError(f"issues {source} and {target} are not linked")

    # -- seeding: whole records, for the demo generator and tests -------------------------------

    def save_issue(
        self,
        issue: Issue,
        *,
        links: Sequence[IssueLink] = (),
        notes: Sequence[Note] = (),
        label_events: Sequence[LabelEvent] = (),
    ) -> None:
        """Write a full issue record (``web_url`` is derived, not stored). An existing file is
        merged into, so its comments and the style of unchanged values stay."""
        with self._lock:
            path = self._issue_path(issue.ref)
            existing = self._files.existing_text(path)
            record = IssueRecord(issue, tuple(links), tuple(notes), tuple(label_events))
            text = render_issue(record, existing, path)
            if text != existing:
                self._files.write(path, text, self._decode_issue(path, issue.ref.project))
                self._written()

    def save_merge_request(self, mr: MergeRequest) -> None:
        with self._lock:
            path = self._mr_path(mr.ref)
            existing = self._files.existing_text(path)
            text = render_merge_request(mr, existing, path)
            if text != existing:
                self._files.write(path, text, self._decode_mr(path, mr.ref.project))
                self._written()
