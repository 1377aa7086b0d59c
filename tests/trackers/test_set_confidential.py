"""``Tracker.set_confidential`` on both trackers: the local files and GitLab (python-gitlab over
HTTP against the fake): one field written, idempotent, verified by a re-read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from psirt.core.errors import RemoteError
from psirt.core.records import Issue, IssueRef
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.local import LocalTracker
from tests.fakes.gitlab_server import FakeGitLab

CANONICAL = IssueRef("gitlab-org/gitlab", 51001)


def test_local_makes_an_issue_public_once_and_keeps_the_rest(tmp_path: Path) -> None:
    tracker = LocalTracker(tmp_path)
    tracker.save_issue(
        Issue(CANONICAL, "ReDoS in release notes", "Body\n", ("security",), "closed", True)
    )
    path = tmp_path / "projects/gitlab-org/gitlab/issues/51001.md"
    before = path.read_text(encoding="utf-8")
    issue = tracker.set_confidential(CANONICAL, False)
    assert issue.confidential is False and issue.state == "closed"
    after = path.read_text(encoding="utf-8")
    assert "confidential: false" in after
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert sorted(line.split(":")[0] for line in changed) == ["confidential", "updated_at"]
    tracker.set_confidential(CANONICAL, False)  # the same again writes nothing
    assert path.read_text(encoding="utf-8") == after
    assert LocalTracker(tmp_path).get_issue(CANONICAL).confidential is False


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    with FakeGitLab() as server:
        server.seed_issue(Issue(CANONICAL, "ReDoS", labels=("security",), confidential=True))
        yield server


def test_gitlab_sends_one_put_with_the_flag(fake: FakeGitLab) -> None:
    with GitLabTracker(fake.url, fake.token, max_retries=2) as tracker:
        issue = tracker.set_confidential(CANONICAL, False)
        assert issue.confidential is False
        assert fake.issue(CANONICAL)["confidential"] is False
        assert fake.issue(CANONICAL)["labels"] == ["security"]
        puts = [path for method, path in fake.requests if method == "PUT"]
        assert len(puts) == 1 and puts[0].endswith("/issues/51001")
        tracker.set_confidential(CANONICAL, False)  # idempotent: same state
        assert tracker.get_issue(CANONICAL).confidential is False


def test_gitlab_a_flag_that_does_not_take_is_an_error(
    fake: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    with GitLabTracker(fake.url, fake.token, max_retries=2) as tracker:
        real = tracker.get_issue

        def stale(ref: IssueRef) -> Issue:
            fake.edit_issue(ref, confidential=True)  # someone (or a bug) sets it back
            return real(ref)

        monkeypatch.setattr(tracker, "get_issue", stale)
        with pytest.raises(RemoteError, match="still confidential"):
            tracker.set_confidential(CANONICAL, False)
