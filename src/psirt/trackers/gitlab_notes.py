"""The GitLab tracker's notes: read with their award emoji where a rule needs them, created
once (a retry token tells after a lost answer whether the note landed), edited and re-read."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from psirt.core.errors import RemoteError
from psirt.core.records import AwardEmoji, IssueRef, Note
from psirt.trackers import gitlab_mapping as m
from psirt.trackers.gitlab_identity import GitLabIdentity


class GitLabNotes(GitLabIdentity):
    """Notes of an issue."""

    def notes(self, ref: IssueRef) -> list[Note]:
        with self._remote("list notes", str(ref), project=ref.project):
            objs = self._issue(ref).notes.list(
                get_all=True, sort="asc", order_by="created_at", **self._retry
            )
        plain = [(o, m.note_from(m.attributes(o))) for o in objs]
        picked = [(o, note) for o, note in plain if self._note_emoji(note)]
        emoji = dict(
            zip(
                [note.id for _, note in picked],
                self._parallel([partial(self._emoji, ref, o) for o, _ in picked]),
                strict=True,
            )
        )
        return [m.note_from(m.attributes(o), emoji.get(note.id, ())) for o, note in plain]

    def _emoji(self, ref: IssueRef, note: Any) -> tuple[AwardEmoji, ...]:
        with self._remote(f"list award emoji of note {note.id}", str(ref), project=ref.project):
            objs = note.awardemojis.list(get_all=True, **self._retry)
        return tuple(m.emoji_from(m.attributes(o)) for o in objs)

    def create_note(self, ref: IssueRef, body: str, *, internal: bool = False) -> Note:
        """Not idempotent: a retry token in the body tells, after a lost answer, whether it
        landed."""
        token = uuid.uuid4().hex
        sent = m.with_retry_token(body, token)
        tag = m.retry_token_comment(token)
        m.check_length("note", sent, m.NOTE_LIMIT, where=str(ref))

        def create() -> Note:
            issue = self._issue(ref)
            obj = issue.notes.create(
                {"body": sent, "internal": internal}, retry_transient_errors=False, **self._retry
            )
            return self._stored_note(m.attributes(obj), ref)

        def landed() -> Note | None:
            me = self.current_user()
            with self._remote("list notes", str(ref), project=ref.project):
                objs = self._issue(ref).notes.list(get_all=True, **self._retry)
            for obj in objs:
                data = m.attributes(obj)
                if tag in str(data.get("body")) and m.note_from(data).author == me:
                    return m.note_from(data)
            return None

        return self._create_once(
            "create note", str(ref), create, landed, ref.project, "create_note"
        )

    def _stored_note(self, data: dict[str, Any], ref: IssueRef) -> Note:
        """The note GitLab answered with; none when it ran the body as quick actions only
        (``202`` with ``commands_changes`` and no id; psirt escapes them, so only a body of
        nothing but quick actions can get here)."""
        if "id" not in data:
            raise RemoteError(
                "GitLab ran the note as quick actions and stored no note "
                f"({'; '.join(str(s) for s in data.get('summary') or ()) or 'no summary'})",
                where=str(ref),
            )
        return m.note_from(data)

    def update_note(self, ref: IssueRef, note_id: int, body: str) -> Note:
        m.check_length("note", body, m.NOTE_LIMIT, where=str(ref))
        what = f"update note {note_id}"
        with self._remote(what, str(ref), project=ref.project, right="admin_note"):
            self._stored_note(
                m.attributes(self._issue(ref).notes.update(note_id, {"body": body}, **self._retry)),
                ref,
            )
        with self._remote(f"read note {note_id}", str(ref), project=ref.project):
            obj = self._issue(ref).notes.get(note_id, **self._retry)
        note = m.note_from(m.attributes(obj))
        if note.body != m.strip_retry_token(body):
            raise RemoteError(f"update of note {note_id} did not take", where=str(ref))
        return note
