"""An issue's history as GitLab keeps it: resource label events (who added or removed which
label, ``GET /projects/:id/issues/:iid/resource_label_events``, shaped as GitLab's
``doc/api/resource_label_events.md``) and the system notes an API edit of the title or the
description adds ("changed title from ...", "changed the description").

``edit_issue`` (a change behind the client's back) records neither, so a test that wants them
seeds them with ``seed_label_event``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from psirt.core.records import DESCRIPTION_CHANGED, TITLE_CHANGED, IssueRef, LabelEvent, Note
from tests.fakes.gitlab_server.shapes import Shapes
from tests.fakes.gitlab_server.state import Key, iso


class History(Shapes):
    def _init_history(self) -> None:
        self._label_events: dict[Key, list[dict[str, Any]]] = {}

    def seed_label_event(self, ref: IssueRef, event: LabelEvent) -> None:
        key = self.issue_key(ref)
        with self._lock:
            self._label_events.setdefault(key, []).append(
                {
                    "id": event.id or self.new_id(),
                    "action": event.action,
                    "label": event.label,
                    "user": event.user or self.username,
                    "created_at": iso(event.created_at) or self.now(),
                }
            )

    def record_edit(
        self, key: Key, before: dict[str, Any], after: dict[str, Any], user: str
    ) -> None:
        """The label events and system notes of one API write, by ``user``."""
        now = self.now()
        old, new = list(before.get("labels") or []), list(after.get("labels") or [])
        changes = [("remove", name) for name in old if name not in new]
        changes += [("add", name) for name in new if name not in old]
        with self._lock:
            for action, name in changes:
                self._label_events.setdefault(key, []).append(
                    {
                        "id": self.new_id(),
                        "action": action,
                        "label": name,
                        "user": user,
                        "created_at": now,
                    }
                )
        edits = []
        if "title" in before and before["title"] != after["title"]:
            edits.append(TITLE_CHANGED.format(old=before["title"], new=after["title"]))
        if "description" in before and before["description"] != after["description"]:
            edits.append(DESCRIPTION_CHANGED)
        for body in edits:
            self.seed_note(self.ref_of(key), Note(0, body, user, datetime.now(UTC), system=True))

    def label_events_json(self, key: Key) -> list[dict[str, Any]]:
        project = self._projects[key[0]]
        with self._lock:
            events = sorted(self._label_events.get(key, []), key=lambda e: e["id"])
        return [
            {
                "id": event["id"],
                "user": self.user_json(event["user"]),
                "created_at": event["created_at"],
                "resource_type": "Issue",
                "resource_id": project.issues[key[1]]["id"],
                "label": {
                    "id": self.label_id(project, event["label"]),
                    "name": event["label"],
                    "color": "#6699cc",
                    "description": "",
                },
                "action": event["action"],
            }
            for event in events
        ]
