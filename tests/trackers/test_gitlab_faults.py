"""Fault injection: 429, 5xx and dropped connections never duplicate a note or lose a write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import gitlab
import gitlab.utils
import pytest

import psirt.trackers.gitlab_base
import psirt.trackers.gitlab_identity
from psirt.core.errors import RemoteError
from psirt.core.records import Issue, IssueRef, IssueUpdate, Note
from psirt.trackers.gitlab import GitLabTracker
from tests.fakes.gitlab_server import FakeGitLab

REF = IssueRef("gitlab-org/security/gitlab", 5)
NOTES = "/issues/5/notes"
Inject = Callable[[FakeGitLab], object]


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off waits of python-gitlab and of our create retry, recorded instead of slept,
    so a test can assert them without waiting (the fake server's latency still sleeps)."""
    recorded: list[float] = []
    clock = SimpleNamespace(sleep=recorded.append, time=time.time, monotonic=time.monotonic)
    monkeypatch.setattr(gitlab.utils, "time", clock)
    monkeypatch.setattr(psirt.trackers.gitlab_base, "time", clock)  # the transport's 429 waits
    monkeypatch.setattr(psirt.trackers.gitlab_identity, "time", clock)  # a create's retry
    return recorded


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    with FakeGitLab() as server:
        server.seed_issue(Issue(REF, "Path traversal", "desc", labels=("security",)))
        yield server


@pytest.fixture
def tracker(fake: FakeGitLab) -> Iterator[GitLabTracker]:
    with GitLabTracker(fake.url, fake.token, max_retries=3) as t:
        t.current_user()
        yield t


def bodies(fake: FakeGitLab) -> list[str]:
    return [n["body"].split("\n\n<!--")[0] for n in fake.notes_of(REF)]


def test_blind_retry_duplicates_a_note_that_landed(fake: FakeGitLab) -> None:
    """The control: python-gitlab's own retry posts twice when the answer is lost after apply."""
    gl = gitlab.Gitlab(fake.url, private_token=fake.token, retry_transient_errors=True)
    fake.drop(method="POST", path=NOTES, after_apply=True)
    gl.projects.get(REF.project, lazy=True).issues.get(REF.iid, lazy=True).notes.create(
        {"body": "hello"}
    )
    assert bodies(fake) == ["hello", "hello"]


@pytest.mark.parametrize(
    "inject",
    [
        pytest.param(lambda f: f.drop(method="POST", path=NOTES), id="drop-before-apply"),
        pytest.param(
            lambda f: f.drop(method="POST", path=NOTES, after_apply=True), id="drop-after-apply"
        ),
        pytest.param(lambda f: f.fail(503, method="POST", path=NOTES, times=2), id="503-twice"),
        pytest.param(
            lambda f: f.fail(502, method="POST", path=NOTES, after_apply=True),
            id="502-after-apply",
        ),
        pytest.param(
            lambda f: f.fail(429, retry_after=0, method="POST", path=NOTES, times=2), id="429"
        ),
    ],
)
def test_create_note_lands_exactly_once(
    tracker: GitLabTracker, fake: FakeGitLab, inject: Inject
) -> None:
    inject(fake)
    note = tracker.create_note(REF, "Please add the CVSS vector.")
    assert bodies(fake) == ["Please add the CVSS vector."]
    assert note.id == fake.notes_of(REF)[0]["id"]
    assert note.body == "Please add the CVSS vector."


def test_create_note_gives_up_without_duplicates(
    tracker: GitLabTracker, fake: FakeGitLab, waits: list[float]
) -> None:
    fake.fail(503, method="POST", path=NOTES, times=10)
    with pytest.raises(RemoteError, match=r"create note failed: HTTP 503"):
        tracker.create_note(REF, "hello")
    assert bodies(fake) == []
    assert len([r for r in fake.requests if r[0] == "POST"]) == 4  # max_retries=3
    assert len(waits) == 3 and waits == sorted(waits) and waits[0] < waits[-1]  # backing off


def test_identical_note_posted_earlier_is_not_mistaken_for_ours(
    tracker: GitLabTracker, fake: FakeGitLab
) -> None:
    fake.seed_note(REF, Note(0, "hello", "psirt-bot"))
    fake.drop(method="POST", path=NOTES)
    tracker.create_note(REF, "hello")
    assert bodies(fake) == ["hello", "hello"]


def test_create_issue_lands_exactly_once(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    fake.drop(method="POST", path="/issues", after_apply=True)
    issue = tracker.create_issue(REF.project, title="CVE request", description="yaml")
    titles = [i.title for i in tracker.find_issues(REF.project)]
    assert titles.count("CVE request") == 1
    assert issue.title == "CVE request"


@pytest.mark.parametrize(
    "inject",
    [
        pytest.param(lambda f: f.fail(429, retry_after=0, method="PUT", times=2), id="429"),
        pytest.param(lambda f: f.fail(503, method="PUT", times=2), id="503"),
        pytest.param(lambda f: f.drop(method="PUT"), id="drop-before-apply"),
        pytest.param(lambda f: f.drop(method="PUT", after_apply=True), id="drop-after-apply"),
    ],
)
def test_issue_update_is_not_lost(tracker: GitLabTracker, fake: FakeGitLab, inject: Inject) -> None:
    inject(fake)
    issue = tracker.update_issue(
        REF, IssueUpdate(add_labels=("security-target",), state_event="close")
    )
    assert issue.labels == ("security", "security-target")
    assert fake.issue(REF)["state"] == "closed"


@pytest.mark.parametrize(
    "inject",
    [
        pytest.param(lambda f: f.fail(500, method="GET", times=2), id="500"),
        pytest.param(lambda f: f.drop(method="GET", times=2), id="drop"),
        pytest.param(lambda f: f.fail(429, retry_after=0, method="GET", times=3), id="429"),
    ],
)
def test_reads_retry_transient_failures(
    tracker: GitLabTracker, fake: FakeGitLab, inject: Inject
) -> None:
    inject(fake)
    assert tracker.get_issue(REF).title == "Path traversal"


def test_429_obeys_retry_after(
    tracker: GitLabTracker, fake: FakeGitLab, waits: list[float]
) -> None:
    fake.fail(429, retry_after=7, method="GET")
    tracker.get_issue(REF)
    assert waits == [7]  # the server's Retry-After, not the default back-off
    assert tracker.request_count == 3  # /user, the 429, the retry


def test_reads_give_up_with_a_remote_error(tracker: GitLabTracker, fake: FakeGitLab) -> None:
    fake.fail(503, method="GET", times=10)
    with pytest.raises(
        RemoteError, match=r"gitlab-org/security/gitlab#5: read issue failed: HTTP 503"
    ):
        tracker.get_issue(REF)


def test_concurrent_reads_are_bounded_by_max_in_flight(fake: FakeGitLab) -> None:
    refs = [IssueRef(REF.project, i) for i in range(10, 40)]
    for ref in refs:
        fake.seed_issue(Issue(ref, f"issue {ref.iid}"))
        fake.seed_note(ref, Note(0, f"Bug bounty council: {ref.iid}", "alice"))
    fake.latency = 0.02
    with (
        GitLabTracker(fake.url, fake.token, max_in_flight=4) as tracker,
        ThreadPoolExecutor(12) as pool,
    ):
        notes = list(pool.map(tracker.notes, refs))
        assert [n[0].body for n in notes] == [f"Bug bounty council: {r.iid}" for r in refs]
        assert 2 <= fake.max_in_flight_seen <= 4
        assert tracker.request_count == fake.request_count == 60  # notes + emoji per issue


def test_requests_counted_are_requests_sent(fake: FakeGitLab) -> None:
    fake.drop(method="GET")
    with GitLabTracker(fake.url, fake.token) as tracker:
        tracker.get_issue(REF)
        assert tracker.request_count == fake.request_count == 2
