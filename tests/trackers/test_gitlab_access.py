"""The GitLab tracker with an under-privileged token or a rate-limited server: a permission
problem is told from absence, a refused write names the missing right, 429s are waited out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psirt.core.config import Config
from psirt.core.errors import (
    ExitCode,
    InputError,
    NotFoundError,
    NotVisibleError,
    PermissionDeniedError,
    RemoteError,
)
from psirt.core.records import Issue, IssueRef, IssueUpdate, Note
from psirt.core.remote import RetryPolicy
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.gitlab_access import configured_projects
from tests.fakes.gitlab_server import FakeGitLab, ManualClock

SEC = "gitlab-org/security/gitlab"
CVES = "gitlab-org/cves"
FIX = IssueRef(SEC, 1)
REQUEST = IssueRef(CVES, 3105)
BOB = "glpat-bob"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_770_000_000.0)


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeGitLab]:
    with FakeGitLab(clock=clock.time) as server:
        server.seed_issue(Issue(FIX, "XSS", "d", labels=("security",), confidential=True))
        server.seed_issue(Issue(REQUEST, "CVE request", "y", confidential=True, author="carol"))
        server.seed_note(FIX, Note(0, "from carol", "carol"))
        server.add_token(BOB, "bob")
        server.set_role(SEC, "reporter", "bob")
        server.set_role(CVES, "guest", "bob")
        yield server


def tracker_of(
    fake: FakeGitLab, token: str, clock: ManualClock, **options: object
) -> GitLabTracker:
    return GitLabTracker(fake.url, token, sleep=clock.sleep, clock=clock.time, **options)  # type: ignore[arg-type]


@pytest.fixture
def bob(fake: FakeGitLab, clock: ManualClock) -> Iterator[GitLabTracker]:
    with tracker_of(fake, BOB, clock, max_retries=2) as tracker:
        yield tracker


def test_a_hidden_issue_is_not_reported_as_absent(bob: GitLabTracker) -> None:
    with pytest.raises(NotVisibleError) as info:
        bob.get_issue(REQUEST)
    assert str(info.value) == (
        "gitlab-org/cves#3105 is not visible to the token's user bob "
        "(404: confidential or no access; bob is a Guest in gitlab-org/cves)"
    )
    assert info.value.exit_code == ExitCode.REMOTE
    with pytest.raises(NotVisibleError, match="gitlab-org/cves#3105 is not visible"):
        bob.get_issues([FIX, REQUEST])  # the list simply leaves it out


def test_where_the_role_sees_everything_a_404_means_absent(bob: GitLabTracker) -> None:
    with pytest.raises(NotFoundError) as info:
        bob.get_issue(IssueRef(SEC, 99))
    assert not isinstance(info.value, NotVisibleError)
    assert "not found" in str(info.value)


def test_a_private_project_of_which_the_user_is_no_member(
    fake: FakeGitLab, bob: GitLabTracker
) -> None:
    fake.add_project("gitlab-org/private")
    with pytest.raises(NotVisibleError, match=r"private or no access; bob is not a member"):
        bob.find_issues("gitlab-org/private")


def test_a_refused_write_names_the_missing_right(fake: FakeGitLab, bob: GitLabTracker) -> None:
    fake.set_role(SEC, "guest", "bob")
    fake.seed_issue(Issue(IssueRef(SEC, 2), "public one"))
    with pytest.raises(PermissionDeniedError) as info:
        bob.update_issue(IssueRef(SEC, 2), IssueUpdate(state_event="close"))
    message = str(info.value)
    assert "update issue refused: HTTP 403 Forbidden" in message
    assert "lacks update_issue (bob is a Guest in gitlab-org/security/gitlab)" in message
    assert info.value.exit_code == ExitCode.REMOTE
    fake.set_role(SEC, "developer", "bob")
    carols = fake.notes_of(FIX)[0]["id"]
    with pytest.raises(PermissionDeniedError, match=r"lacks admin_note \(bob is a Developer"):
        bob.update_note(FIX, carols, "edited")


def test_a_read_api_token_reads_and_its_writes_say_so(fake: FakeGitLab, clock: ManualClock) -> None:
    fake.add_token("glpat-ro", "psirt-bot", scopes=("read_api",))
    with tracker_of(fake, "glpat-ro", clock) as tracker:
        assert tracker.get_issue(FIX).title == "XSS"
        with pytest.raises(
            PermissionDeniedError, match="insufficient_scope: the token lacks the api"
        ):
            tracker.create_note(FIX, "hello")
    assert [n["body"] for n in fake.notes_of(FIX)] == ["from carol"]


def test_token_access_reports_user_scopes_and_roles(fake: FakeGitLab, bob: GitLabTracker) -> None:
    fake.add_project("gitlab-org/private")
    report = bob.token_access([SEC, CVES, "gitlab-org/private", SEC])
    assert (report.user, report.admin, report.scopes, report.can_write) == (
        "bob",
        False,
        ("api",),
        True,
    )
    assert {p: r.name for p, r in report.roles.items()} == {
        SEC: "Reporter",
        CVES: "Guest",
        "gitlab-org/private": "not a member",
    }
    assert report.lines() == [
        "token user: bob",
        "token scopes: api",
        f"{SEC}: Reporter",
        f"{CVES}: Guest",
        "gitlab-org/private: not a member",
    ]
    problems = report.problems()
    assert len(problems) == 2
    assert problems[0].startswith("bob is a Guest in gitlab-org/cves: confidential issues")
    fake.set_admin("bob")
    with GitLabTracker(fake.url, BOB) as fresh:
        assert fresh.token_access([CVES]).problems() == []
    assert configured_projects(Config()) == [SEC, "gitlab-org/gitlab", CVES]


def test_a_429_without_retry_after_waits_until_the_reset(
    fake: FakeGitLab, clock: ManualClock, bob: GitLabTracker
) -> None:
    fake.limit("search", 1)
    assert [i.ref for i in bob.find_issues(SEC, search="XSS")] == [FIX]
    assert [i.ref for i in bob.find_issues(SEC, search="XSS")] == [FIX]
    assert bob.rate_limit_waits == [60.0] and clock.sleeps == [60.0]
    assert fake.throttled == [("search", f"/api/v4/projects/{SEC.replace('/', '%2F')}/issues")]


def test_without_rate_limit_headers_the_window_is_waited(
    fake: FakeGitLab, clock: ManualClock, bob: GitLabTracker
) -> None:
    fake.limit("notes_create", 1, headers=False)
    bob.create_note(FIX, "one")
    clock.sleep(20)  # the window started 20 s ago: its reset is unknown to the client
    bob.create_note(FIX, "two")
    assert bob.rate_limit_waits == [60.0]
    assert [n["body"].split("\n\n<!--")[0] for n in fake.notes_of(FIX)] == [
        "from carol",
        "one",
        "two",
    ]


def test_a_wait_beyond_the_ceiling_gives_up_with_a_clear_error(
    fake: FakeGitLab, clock: ManualClock
) -> None:
    fake.limit("search", 1, interval=600)
    policy = RetryPolicy(attempts=3, max_retry_after=120.0, rate_limit_window=60.0)
    with tracker_of(fake, fake.token or "", clock, retry=policy) as tracker:
        tracker.find_issues(SEC, search="x")
        with pytest.raises(RemoteError, match=r"asks to wait 600s.*try again after") as info:
            tracker.find_issues(SEC, search="x")
        assert info.value.exit_code == 3
        assert tracker.rate_limit_waits == []


def test_a_note_edited_into_quick_actions_only_is_an_error(
    fake: FakeGitLab, clock: ManualClock
) -> None:
    with tracker_of(fake, fake.token or "", clock) as tracker:
        note = tracker.create_note(FIX, "mine")
        with pytest.raises(RemoteError, match="ran the note as quick actions and stored no note"):
            tracker.update_note(FIX, note.id, "/label ~x")
    assert "x" in fake.issue(FIX)["labels"]


def test_texts_over_gitlabs_limits_are_refused_before_sending(
    fake: FakeGitLab, clock: ManualClock
) -> None:
    with tracker_of(fake, fake.token or "", clock) as tracker:
        before = fake.request_count
        with pytest.raises(InputError, match="GitLab stores at most 1,000,000"):
            tracker.create_note(FIX, "x" * 1_000_000)
        with pytest.raises(InputError, match="GitLab stores at most 1,048,576"):
            tracker.update_issue(FIX, IssueUpdate(description="x" * 1_048_577))
        assert fake.request_count == before


def test_a_scoped_label_write_is_verified_against_the_replacement(
    fake: FakeGitLab, clock: ManualClock
) -> None:
    fake.edit_issue(FIX, labels=["security", "severity::2"])
    with tracker_of(fake, fake.token or "", clock) as tracker:
        issue = tracker.update_issue(FIX, IssueUpdate(add_labels=("severity::1",)))
    assert issue.labels == ("security", "severity::1")
