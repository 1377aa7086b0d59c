"""What the new checks read from a tracker, on both: a label's history (resource label events),
the system notes of an edit, the members of a group, and the MRs merged since a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from psirt.core.errors import NotFoundError, WorkspaceError
from psirt.core.records import (
    DESCRIPTION_CHANGED,
    Issue,
    IssueRef,
    IssueUpdate,
    LabelEvent,
    MergeRequest,
    MergeRequestRef,
    is_text_edit,
)
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.gitlab_mapping import label_event_from
from psirt.trackers.interface import Tracker
from psirt.trackers.local import LocalTracker
from tests.fakes.gitlab_server import FakeGitLab, HttpError
from tests.fakes.gitlab_server.routes import Request
from tests.ports import missing_or_different

SEC = "gitlab-org/security/gitlab"
REF = IssueRef(SEC, 1)
T0 = datetime(2026, 3, 20, 9, tzinfo=UTC)


class FakeGitLabWithGroups(FakeGitLab):
    """The fake, answering ``GET /groups/:id/members/all`` too (for this module only)."""

    def __init__(self, groups: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__()
        self.groups = groups  # path -> [(username, state)]

    def route(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        from urllib.parse import unquote

        prefix = "/api/v4/groups/"
        path = req.path
        if req.method == "GET" and path.startswith(prefix) and path.endswith("/members/all"):
            group = unquote(path[len(prefix) : -len("/members/all")])
            if group not in self.groups:
                raise HttpError(404, "404 Group Not Found")
            members = [
                {"id": n, "username": name, "state": state, "access_level": 30}
                for n, (name, state) in enumerate(self.groups[group], start=1)
            ]
            return self.paginate(members, req)
        return super().route(req)


@pytest.fixture(params=["local", "gitlab"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    issue = Issue(REF, "XSS", "Text\n", labels=("security",), confidential=True)
    merged = [
        MergeRequest(MergeRequestRef(SEC, iid), f"MR {iid}", state="merged", merged_at=when)
        for iid, when in ((10, T0), (11, datetime(2026, 3, 22, tzinfo=UTC)))
    ]
    if request.param == "local":
        local = LocalTracker(tmp_path, user="psirt-bot")
        local.save_issue(issue, label_events=[LabelEvent(1, "add", "security", "ana", T0)])
        for mr in merged:
            local.save_merge_request(mr)
        (tmp_path / "groups" / "gitlab-com").mkdir(parents=True)
        (tmp_path / "groups" / "gitlab-com" / "council.yaml").write_text(
            "members: [ivan, julia]\n", encoding="utf-8"
        )
        yield local
        return
    with FakeGitLabWithGroups(
        {"gitlab-com/council": [("ivan", "active"), ("julia", "active"), ("old", "blocked")]}
    ) as fake:
        fake.seed_issue(issue)
        fake.seed_label_event(REF, LabelEvent(0, "add", "security", "ana", T0))
        for mr in merged:
            fake.seed_merge_request(mr)
        with GitLabTracker(fake.url, fake.token, max_in_flight=2) as gitlab:
            yield gitlab


def test_the_port_is_complete(tracker: Tracker) -> None:
    assert missing_or_different(tracker, Tracker) == []
    assert tracker.current_user() == "psirt-bot"


def test_label_changes_and_edits_are_recorded(tracker: Tracker) -> None:
    tracker.update_issue(REF, IssueUpdate(add_labels=("description::validated",)))
    tracker.update_issue(REF, IssueUpdate(description="New text\n", remove_labels=("security",)))
    tracker.update_issue(REF, IssueUpdate(title="Stored XSS"))
    events = [(e.action, e.label, e.user) for e in tracker.label_events(REF)]
    assert events == [
        ("add", "security", "ana"),
        ("add", "description::validated", "psirt-bot"),
        ("remove", "security", "psirt-bot"),
    ]
    stamps = [e.created_at for e in tracker.label_events(REF)]
    assert None not in stamps and stamps == sorted(stamps)  # type: ignore[type-var]
    edits = [n for n in tracker.notes(REF) if n.system]
    assert [n.body for n in edits] == [
        DESCRIPTION_CHANGED,
        "changed title from **XSS** to **Stored XSS**",
    ]
    assert all(is_text_edit(n) and n.author == "psirt-bot" for n in edits)


def test_group_members(tracker: Tracker) -> None:
    assert tracker.group_members("gitlab-com/council") == ["ivan", "julia"]  # active ones
    with pytest.raises(NotFoundError):
        tracker.group_members("gitlab-com/nobody")


def test_merge_requests_merged_since(tracker: Tracker) -> None:
    since = datetime(2026, 3, 21, tzinfo=UTC)
    found = tracker.list_merge_requests(SEC, target_branch="master", merged_after=since)
    assert [mr.ref.iid for mr in found] == [11]


def test_a_local_group_file_is_checked(tmp_path: Path) -> None:
    (tmp_path / "groups").mkdir()
    (tmp_path / "groups" / "council.yaml").write_text("member: [ivan]\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="member"):
        LocalTracker(tmp_path).group_members("council")
    with pytest.raises(WorkspaceError):
        LocalTracker(tmp_path).group_members("../outside")


def test_a_deleted_label_is_left_out_of_the_history() -> None:
    """GitLab answers ``label: null`` for a label deleted since."""
    assert label_event_from({"id": 1, "action": "add", "label": None}) is None
    event = label_event_from(
        {
            "id": 2,
            "action": "remove",
            "label": {"id": 7, "name": "security"},
            "user": {"username": "ana"},
            "created_at": "2026-03-20T09:00:00.000Z",
        }
    )
    assert event == LabelEvent(2, "remove", "security", "ana", T0)
