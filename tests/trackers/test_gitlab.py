"""The GitLab tracker through the real python-gitlab client, over HTTP, against the fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from psirt.core.config import Config, TrackerConfig
from psirt.core.errors import InputError, NotFoundError, PsirtError, RemoteError
from psirt.core.records import (
    AwardEmoji,
    Issue,
    IssueLink,
    IssueRef,
    IssueUpdate,
    MergeRequest,
    MergeRequestRef,
    Note,
)
from psirt.trackers.gitlab import GitLabTracker, url_from_env
from tests.fakes.gitlab_server import FakeGitLab

SEC = "gitlab-org/security/gitlab"
CVES = "gitlab-org/cves"
A = IssueRef(SEC, 1)
B = IssueRef(SEC, 2)
CVE = IssueRef(CVES, 7)


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    with FakeGitLab() as server:
        server.seed_issue(
            Issue(
                A,
                "XSS in issue titles",
                "## Details\n\n| Version affected | 16.10 |",
                labels=("security", "severity::2"),
                confidential=True,
                author="alice",
                assignees=("bob", "carol"),
                due_date=date(2026, 3, 25),
                created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
            )
        )
        server.seed_issue(Issue(B, "SSRF in webhooks", labels=("security",), state="closed"))
        server.seed_issue(Issue(CVE, "CVE request for XSS", "```yaml\n```", labels=("cve",)))
        server.seed_link(A, IssueLink(CVE, "blocks"))
        server.seed_note(
            A,
            Note(
                0,
                "Bug bounty council: CVSS 6.5",
                "dave",
                award_emoji=(AwardEmoji("thumbsup", "erin"), AwardEmoji("thumbsup", "frank")),
            ),
        )
        server.seed_note(A, Note(0, "added ~security label", "alice", system=True))
        server.seed_merge_request(
            MergeRequest(
                MergeRequestRef(SEC, 11),
                "Fix XSS",
                state="merged",
                source_branch="security-xss",
                target_branch="master",
                reviewers=("gina",),
                merged_at=datetime(2026, 3, 20, tzinfo=UTC),
                related_issues=(A,),
            )
        )
        server.seed_merge_request(
            MergeRequest(
                MergeRequestRef(SEC, 12),
                "Backport XSS",
                target_branch="18-9-stable-ee",
                related_issues=(A,),
            )
        )
        yield server


@pytest.fixture
def tracker(fake: FakeGitLab) -> Iterator[GitLabTracker]:
    with GitLabTracker(fake.url, fake.token, max_in_flight=4, max_retries=3) as t:
        yield t


def test_get_issue_maps_every_field(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    issue = tracker.get_issue(A)
    assert issue.ref == A
    assert issue.title == "XSS in issue titles"
    assert issue.description.startswith("## Details")
    assert issue.labels == ("security", "severity::2")
    assert issue.state == "opened"
    assert issue.confidential is True
    assert issue.author == "alice"
    assert issue.assignees == ("bob", "carol")
    assert issue.due_date == date(2026, 3, 25)
    assert issue.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert issue.web_url == f"{fake.url}/{SEC}/-/issues/1"
    assert tracker.get_issue(B).state == "closed"


def test_get_issues_is_one_list_call_per_project(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    before = fake.request_count
    issues = tracker.get_issues([CVE, B, A])
    assert [i.ref for i in issues] == [CVE, B, A]
    assert fake.request_count - before == 2
    assert tracker.request_count == fake.request_count
    paths = [path for _, path in fake.requests[before:]]
    assert any("iids%5B%5D=1" in p and "iids%5B%5D=2" in p for p in paths)


def test_get_issues_batches_more_than_a_page(fake: FakeGitLab) -> None:
    refs = [IssueRef("big/project", i) for i in range(1, 131)]
    for ref in refs:
        fake.seed_issue(Issue(ref, f"issue {ref.iid}"))
    with GitLabTracker(fake.url, fake.token) as tracker:
        issues = tracker.get_issues(refs)
        assert [i.ref for i in issues] == refs
        assert tracker.request_count == 2  # 100 + 30 iids


def test_get_issues_names_the_missing(tracker: GitLabTracker) -> None:
    with pytest.raises(NotFoundError, match=rf"{SEC}#99"):
        tracker.get_issues([A, IssueRef(SEC, 99)])


def test_find_issues_filters_by_labels_state_and_title(tracker: GitLabTracker) -> None:
    assert [i.ref for i in tracker.find_issues(SEC, labels=["security"])] == [B, A]
    assert [i.ref for i in tracker.find_issues(SEC, labels=["security", "severity::2"])] == [A]
    assert [i.ref for i in tracker.find_issues(SEC, state="closed")] == [B]
    assert [i.ref for i in tracker.find_issues(SEC, search="ssrf")] == [B]
    # GitLab's search matches descriptions too; the port promises titles only.
    assert tracker.find_issues(SEC, search="Version affected") == []


def test_links_are_seen_from_both_ends(tracker: GitLabTracker) -> None:
    assert tracker.issue_links(A) == [IssueLink(CVE, "blocks")]
    assert tracker.issue_links(CVE) == [IssueLink(A, "is_blocked_by")]


def test_notes_carry_award_emoji_and_come_oldest_first(tracker: GitLabTracker) -> None:
    notes = tracker.notes(A)
    assert [n.body for n in notes] == ["Bug bounty council: CVSS 6.5", "added ~security label"]
    assert notes[0].author == "dave"
    assert notes[0].award_emoji == (AwardEmoji("thumbsup", "erin"), AwardEmoji("thumbsup", "frank"))
    assert notes[1].system is True and notes[1].award_emoji == ()


def test_notes_fetch_emoji_only_for_picked_notes(fake: FakeGitLab) -> None:
    fake.seed_note(A, Note(0, "LGTM", "erin", award_emoji=(AwardEmoji("tada", "dave"),)))
    with GitLabTracker(fake.url, fake.token) as tracker:
        notes = tracker.notes(A)
        assert [len(n.award_emoji) for n in notes] == [2, 0, 0]  # council notes only
        assert tracker.request_count == 2
    with GitLabTracker(fake.url, fake.token, note_emoji=lambda note: not note.system) as tracker:
        notes = tracker.notes(A)
        assert notes[2].award_emoji == (AwardEmoji("tada", "dave"),)
        assert tracker.request_count == 3


def test_notes_paginate_past_one_hundred(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    for i in range(250):
        fake.seed_note(B, Note(0, f"note {i}", "bot", system=True))
    notes = tracker.notes(B)
    assert [n.body for n in notes] == [f"note {i}" for i in range(250)]
    pages = [
        p
        for _, p in fake.requests
        if p.startswith(f"/api/v4/projects/{SEC.replace('/', '%2F')}/issues/2/notes")
    ]
    assert len(pages) == 3


def test_related_merge_requests(tracker: GitLabTracker) -> None:
    mrs = tracker.related_merge_requests(A)
    by_iid = {mr.ref.iid: mr for mr in mrs}
    assert set(by_iid) == {11, 12}
    fix = by_iid[11]
    assert fix.ref == MergeRequestRef(SEC, 11)
    assert (fix.state, fix.source_branch, fix.target_branch) == ("merged", "security-xss", "master")
    assert fix.reviewers == ("gina",)
    assert fix.merged_at == datetime(2026, 3, 20, tzinfo=UTC)
    assert fix.related_issues == (A,)
    assert by_iid[12].target_branch == "18-9-stable-ee"
    assert tracker.related_merge_requests(B) == []
    assert [mr.ref.iid for mr in tracker.list_merge_requests(SEC)] == [12, 11]
    stable = tracker.list_merge_requests(SEC, target_branch="18-9-stable-ee")
    assert [mr.ref.iid for mr in stable] == [12]


def test_update_issue_sends_labels_only_as_add_and_remove(
    tracker: GitLabTracker, fake: FakeGitLab
) -> None:
    issue = tracker.update_issue(
        A, IssueUpdate(add_labels=("security-target",), remove_labels=("severity::2",))
    )
    assert issue.labels == ("security", "security-target")
    puts = [body for method, _, body in fake.writes if method == "PUT"]
    assert puts == [{"add_labels": "security-target", "remove_labels": "severity::2"}]
    assert all("labels" not in body for _, _, body in fake.writes)


def test_label_write_keeps_a_concurrent_label_change(
    tracker: GitLabTracker, fake: FakeGitLab
) -> None:
    read = tracker.get_issue(A)
    fake.edit_issue(A, labels=[*read.labels, "priority::1"])  # someone else, meanwhile
    issue = tracker.update_issue(A, IssueUpdate(add_labels=("security-target",)))
    assert "priority::1" in issue.labels and "security-target" in issue.labels


def test_update_description_refuses_when_it_changed_meanwhile(
    tracker: GitLabTracker, fake: FakeGitLab
) -> None:
    read = tracker.get_issue(A)
    fake.edit_issue(A, description="edited by a human")
    with pytest.raises(InputError, match="changed since it was read"):
        tracker.update_issue(
            A, IssueUpdate(description="ticked", expected_description=read.description)
        )
    assert fake.issue(A)["description"] == "edited by a human"


def test_update_description_title_and_close(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    read = tracker.get_issue(A)
    issue = tracker.update_issue(
        A,
        IssueUpdate(
            description=read.description + "\n* [x] done",
            expected_description=read.description,
            title="[Security] XSS",
            state_event="close",
        ),
    )
    assert issue.description.endswith("* [x] done")
    assert (issue.title, issue.state) == ("[Security] XSS", "closed")
    assert fake.issue(A)["state"] == "closed"
    assert tracker.update_issue(A, IssueUpdate(state_event="reopen")).state == "opened"


def test_update_that_does_not_take_is_an_error(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    # A server that answers 200 but ignores the write (a proxy, a stale replica).
    original = fake.update_issue
    fake.update_issue = lambda project, issue, req: fake.issue_json(project, issue)  # type: ignore[method-assign]
    try:
        with pytest.raises(RemoteError, match="did not take: state is opened, not closed"):
            tracker.update_issue(A, IssueUpdate(state_event="close"))
    finally:
        fake.update_issue = original  # type: ignore[method-assign]


def test_create_and_update_note(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    note = tracker.create_note(A, "Please add the CVSS vector.", internal=True)
    assert note.body == "Please add the CVSS vector."
    assert (note.author, note.internal) == ("psirt-bot", True)
    stored = fake.notes_of(A)[-1]
    assert stored["body"].startswith("Please add the CVSS vector.\n\n<!-- psirt:")
    assert tracker.notes(A)[-1].body == "Please add the CVSS vector."
    updated = tracker.update_note(A, note.id, "Thanks, resolved.")
    assert updated.body == "Thanks, resolved."
    assert fake.notes_of(A)[-1]["body"] == "Thanks, resolved."


def test_create_issue_with_assignees(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    issue = tracker.create_issue(
        CVES,
        title="CVE request",
        description="yaml",
        labels=["cve", "x"],
        assignees=["bob"],
        confidential=True,
    )
    assert issue.ref == IssueRef(CVES, 8)
    assert (issue.labels, issue.assignees, issue.confidential) == (("cve", "x"), ("bob",), True)
    assert fake.issue(issue.ref)["title"] == "CVE request"


def test_link_and_unlink_are_idempotent(tracker: GitLabTracker) -> None:
    tracker.link_issues(A, B, "relates_to")
    tracker.link_issues(A, B, "relates_to")
    assert IssueLink(B, "relates_to") in tracker.issue_links(A)
    tracker.unlink_issues(B, A)
    tracker.unlink_issues(B, A)
    assert tracker.issue_links(A) == [IssueLink(CVE, "blocks")]


def test_errors_map_to_psirt_errors(tracker: GitLabTracker) -> None:
    with pytest.raises(NotFoundError, match=rf"{SEC}#404: read issue: not found .*HTTP 404"):
        tracker.get_issue(IssueRef(SEC, 404))
    with pytest.raises(NotFoundError):
        tracker.notes(IssueRef("no/such", 1))
    with pytest.raises(RemoteError, match="HTTP 400"):
        tracker.update_issue(A, IssueUpdate(title=" "))


def test_bad_token_never_appears_in_messages_or_repr(fake: FakeGitLab) -> None:
    secret = "glpat-WRONG-secret-value"
    tracker = GitLabTracker(fake.url, secret)
    with pytest.raises(RemoteError) as info:
        tracker.get_issue(A)
    assert "HTTP 401" in str(info.value) and "GITLAB_TOKEN" in str(info.value)
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert secret not in repr(tracker) and secret not in str(tracker)
    assert info.value.exit_code == 3


def test_a_dead_server_is_a_remote_error(fake: FakeGitLab) -> None:
    url = fake.url
    fake.stop()
    tracker = GitLabTracker(url, "tok", max_retries=0)
    with pytest.raises(RemoteError, match="no answer"):
        tracker.get_issue(A)


def test_from_config_honours_glab_variables() -> None:
    config = Config(
        tracker=TrackerConfig(kind="gitlab", url="https://gl.example.com", max_in_flight=7)
    )
    t = GitLabTracker.from_config(config, {"GITLAB_TOKEN": "s3cret"})
    assert (t.url, t.max_in_flight) == ("https://gl.example.com", 7)
    assert "s3cret" not in repr(t)
    env = {"GITLAB_HOST": "gitlab.internal", "GITLAB_TOKEN": "x"}
    assert GitLabTracker.from_config(config, env).url == "https://gitlab.internal"
    env["GITLAB_URL"] = "http://127.0.0.1:9/"
    assert GitLabTracker.from_config(config, env).url == "http://127.0.0.1:9"
    assert url_from_env({}, "https://gitlab.com") == "https://gitlab.com"


def test_from_config_needs_a_token() -> None:
    with pytest.raises(PsirtError, match="GITLAB_TOKEN is not set"):
        GitLabTracker.from_config(Config(tracker=TrackerConfig(kind="gitlab")), {})
