"""The local tracker's operations: what the workflows see through the ``Tracker`` port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psirt.core.errors import InputError, NotFoundError
from psirt.core.records import (
    Issue,
    IssueLink,
    IssueRef,
    IssueUpdate,
    MergeRequest,
    MergeRequestRef,
    Note,
)
from psirt.localstore import record_files
from psirt.trackers.interface import Tracker
from psirt.trackers.local import LocalTracker
from tests.ports import missing_or_different

SEC = "gitlab-org/security/gitlab"
CANON = "gitlab-org/gitlab"
START = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def tracker(tmp_path: Path) -> LocalTracker:
    return LocalTracker(tmp_path, user="psirt-bot", clock=Clock())


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file write, in order."""
    seen: list[Path] = []
    real = record_files.atomic_write

    def spy(path: Path, text: str) -> None:
        seen.append(path)
        real(path, text)

    monkeypatch.setattr(record_files, "atomic_write", spy)
    return seen


def test_satisfies_the_tracker_port(tracker: LocalTracker) -> None:
    port: Tracker = tracker
    assert missing_or_different(port, Tracker) == []
    assert port.request_count == 0


def test_create_issue_takes_the_next_iid_of_the_project(tracker: LocalTracker) -> None:
    tracker.save_issue(Issue(IssueRef(SEC, 3), "three"))
    tracker.save_issue(Issue(IssueRef(SEC, 7), "seven"))
    tracker.save_issue(Issue(IssueRef(CANON, 40), "elsewhere"))
    created = tracker.create_issue(
        SEC,
        title="New",
        description="body\n",
        labels=["security", "security", "severity::3"],
        confidential=True,
        assignees=["bob"],
    )
    assert created.ref == IssueRef(SEC, 8)
    assert created.labels == ("security", "severity::3")
    assert created.author == "psirt-bot"
    assert created.confidential
    assert created.created_at == created.updated_at is not None
    assert created.web_url == f"https://gitlab.com/{SEC}/-/issues/8"
    assert tracker.create_issue(SEC, title="Next", description="").ref.iid == 9
    assert tracker.create_issue("group/new-project", title="First", description="").ref.iid == 1


def test_update_applies_everything_in_one_write(tracker: LocalTracker, writes: list[Path]) -> None:
    ref = tracker.create_issue(SEC, title="Old", description="old\n", labels=["a", "b", "c"]).ref
    writes.clear()
    updated = tracker.update_issue(
        ref,
        IssueUpdate(
            description="new\n",
            expected_description="old\n",
            title="New",
            add_labels=("d", "b", "d"),
            remove_labels=("a", "zzz"),
            state_event="close",
        ),
    )
    assert len(writes) == 1
    assert updated.title == "New"
    assert updated.description == "new\n"
    assert updated.labels == ("b", "c", "d")
    assert updated.state == "closed"
    assert updated.updated_at is not None and updated.created_at is not None
    assert updated.updated_at > updated.created_at
    assert LocalTracker(tracker.root).get_issue(ref) == updated


def test_label_added_and_removed_in_one_update_is_refused() -> None:
    """GitLab adds, then removes, so the label would silently end absent: psirt never asks."""
    with pytest.raises(InputError, match="both adds and removes x"):
        IssueUpdate(add_labels=("x", "y"), remove_labels=("x",))


def test_a_scoped_label_replaces_its_scope(tracker: LocalTracker) -> None:
    """As on GitLab: one label per scope, the scope being what precedes the last ``::``."""
    labels = ["severity::2", "team::a::x", "security"]
    ref = tracker.create_issue(SEC, title="T", description="", labels=labels).ref
    update = IssueUpdate(add_labels=("severity::1", "team::a::y"))
    assert tracker.update_issue(ref, update).labels == ("security", "severity::1", "team::a::y")


def test_reopen(tracker: LocalTracker) -> None:
    ref = tracker.create_issue(SEC, title="T", description="").ref
    tracker.update_issue(ref, IssueUpdate(state_event="close"))
    assert tracker.update_issue(ref, IssueUpdate(state_event="reopen")).state == "opened"


def test_update_that_changes_nothing_does_not_write(
    tracker: LocalTracker, writes: list[Path]
) -> None:
    ref = tracker.create_issue(SEC, title="T", description="d", labels=["x"]).ref
    writes.clear()
    before = tracker.get_issue(ref)
    after = tracker.update_issue(
        ref, IssueUpdate(title="T", add_labels=("x",), remove_labels=("y",), state_event="reopen")
    )
    assert writes == []
    assert after == before


def test_stale_description_is_refused(tracker: LocalTracker, writes: list[Path]) -> None:
    ref = tracker.create_issue(SEC, title="T", description="as read\n").ref
    tracker.update_issue(ref, IssueUpdate(description="edited by someone else\n"))
    writes.clear()
    with pytest.raises(InputError, match=f"issue {ref} changed since it was read"):
        tracker.update_issue(
            ref, IssueUpdate(description="mine\n", expected_description="as read\n")
        )
    assert writes == []
    assert tracker.get_issue(ref).description == "edited by someone else\n"


def test_find_issues_filters_on_labels_title_and_state(tracker: LocalTracker) -> None:
    tracker.save_issue(Issue(IssueRef(SEC, 1), "XSS in Wiki", labels=("security", "severity::2")))
    tracker.save_issue(Issue(IssueRef(SEC, 2), "SSRF in webhooks", labels=("security",)))
    tracker.save_issue(
        Issue(IssueRef(SEC, 3), "Another xss", labels=("severity::2", "security"), state="closed")
    )
    tracker.save_issue(Issue(IssueRef(CANON, 4), "XSS elsewhere", labels=("security",)))

    def iids(**kwargs: object) -> list[int]:
        return [i.ref.iid for i in tracker.find_issues(SEC, **kwargs)]  # type: ignore[arg-type]

    assert iids() == [1, 2, 3]
    assert iids(labels=["security", "severity::2"]) == [1, 3]
    assert iids(search="XsS") == [1, 3]
    assert iids(search="xss", state="opened") == [1]
    assert iids(state="closed", labels=["security"]) == [3]
    assert iids(labels=["nope"]) == []


def test_get_issues_keeps_the_order_asked(tracker: LocalTracker) -> None:
    for iid in (1, 2, 3):
        tracker.save_issue(Issue(IssueRef(SEC, iid), f"i{iid}"))
    refs = [IssueRef(SEC, 3), IssueRef(SEC, 1)]
    assert [i.ref for i in tracker.get_issues(refs)] == refs
    with pytest.raises(NotFoundError, match=f"{SEC}#9"):
        tracker.get_issues([IssueRef(SEC, 1), IssueRef(SEC, 9)])


# -- merge requests --------------------------------------------------------------------------


def mr(project: str, iid: int, *related: IssueRef, target: str = "master") -> MergeRequest:
    return MergeRequest(
        MergeRequestRef(project, iid),
        f"MR {iid}",
        target_branch=target,
        related_issues=related,
        web_url=f"https://gitlab.com/{project}/-/merge_requests/{iid}",
    )


def test_related_merge_requests_across_projects(tracker: LocalTracker) -> None:
    issue = IssueRef(SEC, 1)
    tracker.save_issue(Issue(issue, "XSS"))
    tracker.save_issue(Issue(IssueRef(SEC, 2), "other"))
    tracker.save_merge_request(mr(SEC, 10, issue))
    tracker.save_merge_request(mr(SEC, 11, issue, IssueRef(SEC, 2), target="18-9-stable-ee"))
    tracker.save_merge_request(mr(SEC, 12, IssueRef(SEC, 2)))
    tracker.save_merge_request(mr("gitlab-com/www-gitlab-com", 5, issue))

    fresh = LocalTracker(tracker.root)
    found = fresh.related_merge_requests(issue)
    assert [str(m.ref) for m in found] == [
        "gitlab-com/www-gitlab-com!5",
        f"{SEC}!10",
        f"{SEC}!11",
    ]
    assert found[2].target_branch == "18-9-stable-ee"
    fresh.get_issue(IssueRef(SEC, 2))
    reads = fresh.request_count
    assert [m.ref.iid for m in fresh.related_merge_requests(IssueRef(SEC, 2))] == [11, 12]
    assert fresh.request_count == reads  # the index is built once

    fresh.save_merge_request(mr(SEC, 13, issue))
    assert [m.ref.iid for m in fresh.related_merge_requests(issue)] == [5, 10, 11, 13]


def test_related_merge_requests_of_a_missing_issue(tracker: LocalTracker) -> None:
    with pytest.raises(NotFoundError):
        tracker.related_merge_requests(IssueRef(SEC, 1))


def test_list_merge_requests(tracker: LocalTracker) -> None:
    tracker.save_merge_request(mr(SEC, 2))
    tracker.save_merge_request(mr(SEC, 10, target="18-9-stable-ee"))
    tracker.save_merge_request(mr(CANON, 1))
    assert [m.ref.iid for m in tracker.list_merge_requests(SEC)] == [2, 10]
    assert [
        m.ref.iid for m in tracker.list_merge_requests(SEC, target_branch="18-9-stable-ee")
    ] == [10]
    with pytest.raises(NotFoundError, match="no merge request"):
        tracker.get_merge_request(MergeRequestRef(SEC, 3))


# -- notes -----------------------------------------------------------------------------------


def test_notes_get_the_next_id_and_the_author(tracker: LocalTracker) -> None:
    ref = IssueRef(SEC, 1)
    tracker.save_issue(Issue(ref, "T"), notes=[Note(5, "council vote", "carol")])
    note = tracker.create_note(ref, "## Validation\n\n* missing CVSS\n", internal=True)
    assert note.id == 6
    assert note.author == "psirt-bot"
    assert note.internal
    assert note.created_at is not None
    assert tracker.create_note(ref, "second").id == 7
    assert [n.id for n in LocalTracker(tracker.root).notes(ref)] == [5, 6, 7]
    assert LocalTracker(tracker.root).notes(ref)[1] == note


def test_update_note_edits_body_and_records_the_time(tracker: LocalTracker) -> None:
    ref = tracker.create_issue(SEC, title="T", description="").ref
    note = tracker.create_note(ref, "first draft")
    edited = tracker.update_note(ref, note.id, "final\ntext\n")
    assert edited.body == "final\ntext\n"
    assert edited.id == note.id and edited.created_at == note.created_at
    text = (tracker.root / "projects" / SEC / "issues" / "1.md").read_text()
    created = note.created_at.isoformat() if note.created_at else ""
    assert f"    created_at: {created}\n    updated_at: " in text
    assert "    body: |\n      final\n      text\n" in text


def test_update_of_a_missing_note(tracker: LocalTracker) -> None:
    ref = tracker.create_issue(SEC, title="T", description="").ref
    with pytest.raises(NotFoundError, match=f"no note 3 on issue {ref}"):
        tracker.update_note(ref, 3, "x")


def test_note_on_missing_issue(tracker: LocalTracker) -> None:
    with pytest.raises(NotFoundError, match=f"no issue {SEC}#4"):
        tracker.create_note(IssueRef(SEC, 4), "x")


# -- links -----------------------------------------------------------------------------------


def test_links_are_seen_from_both_sides(tracker: LocalTracker) -> None:
    tracking, security = IssueRef(CANON, 100), IssueRef(SEC, 1)
    tracker.save_issue(Issue(tracking, "Security tracking issue"))
    tracker.save_issue(Issue(security, "XSS"))
    tracker.link_issues(tracking, security, "blocks")
    assert tracker.issue_links(tracking) == [IssueLink(security, "blocks")]
    assert tracker.issue_links(security) == [IssueLink(tracking, "is_blocked_by")]
    # stored once, in the source issue's file
    assert "links: []" in (tracker.root / "projects" / SEC / "issues" / "1.md").read_text()


def test_link_issues_is_idempotent_and_updates_where_stored(
    tracker: LocalTracker, writes: list[Path]
) -> None:
    a, b = IssueRef(SEC, 1), IssueRef(SEC, 2)
    tracker.save_issue(Issue(a, "a"), links=[IssueLink(b, "relates_to")])
    tracker.save_issue(Issue(b, "b"))
    writes.clear()
    tracker.link_issues(a, b, "relates_to")
    tracker.link_issues(b, a, "relates_to")
    assert writes == []
    tracker.link_issues(b, a, "blocks")  # stored in a's file, seen from a: is_blocked_by
    assert len(writes) == 1 and writes[0].name == "1.md"
    assert tracker.issue_links(a) == [IssueLink(b, "is_blocked_by")]
    assert tracker.issue_links(b) == [IssueLink(a, "blocks")]


def test_link_to_a_missing_issue(tracker: LocalTracker) -> None:
    tracker.save_issue(Issue(IssueRef(SEC, 1), "a"))
    with pytest.raises(NotFoundError, match=f"{SEC}#2"):
        tracker.link_issues(IssueRef(SEC, 1), IssueRef(SEC, 2), "relates_to")


def test_unlink_removes_the_link_wherever_stored(tracker: LocalTracker) -> None:
    a, b, c = IssueRef(SEC, 1), IssueRef(SEC, 2), IssueRef(SEC, 3)
    tracker.save_issue(Issue(a, "a"), links=[IssueLink(b, "blocks"), IssueLink(c, "relates_to")])
    tracker.save_issue(Issue(b, "b"), links=[IssueLink(a, "is_blocked_by")])
    tracker.save_issue(Issue(c, "c"))
    tracker.unlink_issues(b, a)
    assert tracker.issue_links(a) == [IssueLink(c, "relates_to")]
    assert tracker.issue_links(b) == []
    with pytest.raises(NotFoundError, match="not linked"):
        tracker.unlink_issues(a, b)


def test_links_in_both_files_are_listed_once(tracker: LocalTracker) -> None:
    a, b = IssueRef(SEC, 1), IssueRef(SEC, 2)
    tracker.save_issue(Issue(a, "a"), links=[IssueLink(b, "blocks")])
    tracker.save_issue(Issue(b, "b"), links=[IssueLink(a, "is_blocked_by")])
    assert tracker.issue_links(a) == [IssueLink(b, "blocks")]
    assert tracker.issue_links(b) == [IssueLink(a, "is_blocked_by")]


def test_reads_are_counted_and_cached(tracker: LocalTracker) -> None:
    ref = IssueRef(SEC, 1)
    tracker.save_issue(Issue(ref, "a"))
    fresh = LocalTracker(tracker.root)
    fresh.get_issue(ref)
    fresh.notes(ref)
    fresh.issue_links(ref)
    assert fresh.request_count == 1
