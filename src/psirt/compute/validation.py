"""An approval that outlives an edit: ``description::validated`` says a human approved the CVE
request's title and description as they were; an edit of either after the label was added is
not covered by that approval.

When the label was added comes from the label's history (GitLab's resource label events, the
local workspace's ``label_events``); edits come from the system notes GitLab writes for them
("changed title from ...", "changed the description"), which the local tracker writes too.

A system note cannot say which part of the description changed, and psirt edits descriptions
itself without touching the approved text (update-cves computing versions, close ticking
*Publish immediately*; update-cves removes the label in the same write when it does change the
text), so edits by the user psirt writes as are not counted. An edit made in the web UI with
that same account (a personal token) is therefore not seen either: give psirt a token of its
own (a bot or project access token) to have every human edit checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psirt.core.records import LabelEvent, Note, is_text_edit, utc
from psirt.model.release import CveRequest


@dataclass(frozen=True)
class OutlivedApproval:
    """The label's last addition, and the edits of the title or description after it."""

    added: LabelEvent
    edits: tuple[Note, ...]

    @property
    def what(self) -> str:
        """``the title``, ``the description`` or both, as the edits say."""
        parts = []
        if any(n.body.strip().startswith("changed title") for n in self.edits):
            parts.append("the title")
        if any(not n.body.strip().startswith("changed title") for n in self.edits):
            parts.append("the description")
        return " and ".join(parts)


def label_added(request: CveRequest, label: str) -> LabelEvent | None:
    """When ``label`` was last added to the request (None when its history does not say)."""
    found: list[tuple[datetime, int, LabelEvent]] = [
        (utc(event.created_at), event.id, event)
        for event in request.label_events
        if event.label == label and event.action == "add" and event.created_at is not None
    ]
    return max(found, key=lambda entry: entry[:2])[2] if found else None


def outlived_approval(
    request: CveRequest, label: str, own_user: str = ""
) -> OutlivedApproval | None:
    """The edits made after the request was labelled ``label``; None while it is not labelled,
    when nothing was edited since, or when the label's history is not known.

    Edits by ``own_user`` (psirt's own writes) are not counted: update-cves keeps the label only
    when the approved text is unchanged (it removes it in the same write otherwise), and close
    ticks a box of the task list, so psirt never changes what the label approved."""
    if label not in request.issue.labels:
        return None
    added = label_added(request, label)
    if added is None or added.created_at is None:
        return None
    since = utc(added.created_at)
    edits = tuple(
        note
        for note in request.notes
        if is_text_edit(note)
        and note.created_at is not None
        and utc(note.created_at) > since
        and not (own_user and note.author == own_user)
    )
    return OutlivedApproval(added, edits) if edits else None
