"""The checks a release depends on, on both trackers (issue 14).

Each scenario runs on the local workspace and on GitLab (python-gitlab against the fake, seeded
from the same workspace) and must give the same answer:

* verify-fixes reports a security MR merged into a stable branch for an issue outside the
  release, and a CVSS changed in the data after the post was generated;
* a council approval from the vote's author, an assignee or an MR author does not count, even
  from a council member, and the finding names who approved;
* a CVE request's description or title edited after ``description::validated`` was added is
  reported, and psirt's own edits (update-cves, close) are not;
* close's HackerOne comments carry no rerun marker, and a rerun after an answer lost on the way
  back posts nothing twice.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from psirt.bounty.hackerone import HackerOneClient
from psirt.bounty.local import LocalBounty
from psirt.core.records import IssueRef, IssueUpdate, MergeRequest, MergeRequestRef
from psirt.core.remote import RetryPolicy
from psirt.core.workspace import Workspace
from psirt.parsing.blog_post import parse_post
from psirt.render.blog import render_post
from psirt.session import Session
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.interface import Tracker
from psirt.trackers.local import LocalTracker
from psirt.workflows.blog import expected_post
from psirt.workflows.close import CloseOptions, run_close
from psirt.workflows.update_cves import run_update_cves
from psirt.workflows.validate import validate
from psirt.workflows.verify import Difference, compare
from tests.contract.conftest import TRACKERS, Side, open_side
from tests.fakes.gitlab_server.permissions import ROLES
from tests.fakes.hackerone_server import FakeHackerOne

SECURITY = "gitlab-org/security/gitlab"
CVES = "gitlab-org/cves"


def _verify(side: Side, post_text: str) -> list[Difference]:
    snapshot = side.snapshot()
    return compare(parse_post(post_text), expected_post(side.session, snapshot), snapshot)


def _post(side: Side) -> str:
    snapshot = side.snapshot()
    session = side.session
    return render_post(
        expected_post(session, snapshot), session.config, session.workspace.templates_dir
    )


def _add_merge_request(side: Side, mr: MergeRequest) -> None:
    """A merge request that appears on the tracker (GitLab: as the server knows it)."""
    if side.fake is not None:
        side.fake.seed_merge_request(mr)
    else:
        LocalTracker(side.session.workspace.root).save_merge_request(mr)


@contextmanager
def acting_as(side: Side, user: str) -> Iterator[Tracker]:
    """The side's tracker used by someone else: a person editing in the web UI, say."""
    if side.fake is None:
        yield LocalTracker(side.session.workspace.root, user=user)
        return
    token = f"glpat-{user}"
    side.fake.add_token(token, user)
    for project in (SECURITY, CVES):
        side.fake.add_member(project, user, ROLES["developer"])
    yield GitLabTracker(side.fake.url, token)


# -- verify-fixes ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TRACKERS)
def test_a_fix_outside_the_release_that_ships_is_reported(
    kind: str, demo_template: Path, tmp_path: Path
) -> None:
    with open_side(kind, demo_template, tmp_path) as side:
        post = _post(side)
        outside = IssueRef(SECURITY, 1199)  # never linked to the tracking issue
        _add_merge_request(
            side,
            MergeRequest(
                ref=MergeRequestRef(SECURITY, 11990),
                title="[18-9-stable-ee] Fix something else",
                state="merged",
                target_branch="18-9-stable-ee",
                description=f"Fixes {outside}\n",
                labels=(side.config.labels.security,),
                merged_at=datetime(2026, 3, 23, 12, tzinfo=UTC),
            ),
        )
        found = [d for d in _verify(side, post) if d.kind == "unannounced"]
        subjects = {d.subject for d in found}
        # the demo's own unannounced fix, and the one just merged
        assert subjects == {f"{SECURITY}#1112", str(outside)}
        (message,) = [d.message for d in found if d.subject == str(outside)]
        assert "!11990 into 18-9-stable-ee (18.9.3)" in message


@pytest.mark.parametrize("kind", TRACKERS)
def test_a_cvss_changed_after_the_post_is_reported(
    kind: str, demo_template: Path, tmp_path: Path
) -> None:
    with open_side(kind, demo_template, tmp_path) as side:
        post = _post(side)
        assert [d for d in _verify(side, post) if d.kind == "cvss"] == []
        ref = IssueRef(CVES, 3101)
        tracker = side.session.tracker
        before = tracker.get_issue(ref).description
        old = "impact: AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"
        assert old in before
        new = "impact: AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H"
        tracker.update_issue(ref, IssueUpdate(description=before.replace(old, new)))
        (found,) = [d for d in _verify(side, post) if d.kind == "cvss"]
        assert found.subject == "CVE-2026-4101"
        assert "the post gives 9.9" in found.message and "now has 7.5" in found.message


# -- council approvals -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_approvals(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with the critical fix's vote approved by everyone who must not count: the vote's
    author (kim-appsec), the assignee (julia-appsec, on the council), an MR author (chen-dev);
    and by one council member who counts (ivan-appsec)."""
    root = tmp_path_factory.mktemp("approvals") / "ws"
    shutil.copytree(demo_template, root)
    path = root / "projects" / SECURITY / "issues" / "1101.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("assignees:\n  - chen-dev\n", "assignees:\n  - julia-appsec\n", 1)
    approvals = "".join(
        f"      - name: thumbsup\n        user: {user}\n"
        for user in ("kim-appsec", "julia-appsec", "chen-dev", "ivan-appsec")
    )
    old = (
        "      - name: thumbsup\n        user: ivan-appsec\n"
        "      - name: thumbsup\n        user: julia-appsec\n"
    )
    assert old in text
    path.write_text(text.replace(old, approvals, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize("kind", TRACKERS)
def test_approvals_of_ones_own_work_do_not_count(
    kind: str, own_approvals: Path, tmp_path: Path
) -> None:
    with open_side(kind, own_approvals, tmp_path) as side:
        item = side.snapshot().security_issue(IssueRef(SECURITY, 1101))
        assert item is not None and item.council is not None
        assert item.council.author_approved  # read back through the tracker
        findings = [f for f in validate(side.snapshot()).findings if f.code == "ISS006"]
        (finding,) = [f for f in findings if f.subject == f"{SECURITY}#1101"]
        assert finding.message == (
            "council: 1 approval of 2 needed for a critical vote (9.9) (approved by "
            "ivan-appsec); not counted: kim-appsec (the vote's author); julia-appsec "
            "(assignee); chen-dev (MR author, not on the council)"
        )


# -- an approval that outlives an edit ---------------------------------------------------------


@pytest.mark.parametrize("kind", TRACKERS)
def test_an_edit_after_validation_is_reported_and_psirts_own_are_not(
    kind: str, demo_template: Path, tmp_path: Path
) -> None:
    with open_side(kind, demo_template, tmp_path) as side:
        run_update_cves(side.session, live=True)  # edits gitlab-org/cves#3107, validated
        close = CloseOptions(close_issues=False, notify_hackerone=False, blog_published=True)
        run_close(side.session.workspace, close, live=True, session=side.session)  # ticks boxes

        def outlived() -> dict[str, str]:
            found = validate(side.snapshot()).findings
            return {f.subject: f.message for f in found if f.code == "CVE029"}

        assert outlived() == {}
        description = IssueRef(CVES, 3101)
        title = IssueRef(CVES, 3103)
        with acting_as(side, "dana-dev") as tracker:
            text = tracker.get_issue(description).description
            edited = text.replace("execute arbitrary code", "run any code")
            tracker.update_issue(description, IssueUpdate(description=edited))
            tracker.update_issue(title, IssueUpdate(title="Authorization bypass in exports"))
        found = outlived()
        assert set(found) == {str(description), str(title)}
        assert "then the description changed (dana-dev on " in found[str(description)]
        assert "was added by ana-psirt" in found[str(description)]
        assert "then the title changed" in found[str(title)]
        if side.fake is not None:  # read from GitLab's label history, not guessed
            asked = [path for _, path in side.fake.requests if "resource_label_events" in path]
            assert asked


# -- what reporters see ------------------------------------------------------------------------


def _hackerone(workspace: Workspace) -> FakeHackerOne:
    """A fake HackerOne holding the demo's reports (their states and bounties)."""
    h1 = FakeHackerOne()
    for report in LocalBounty(workspace.root).list_reports():
        h1.add_report(report.id, report.title, report.reporter, state=report.state)
        for bounty in report.bounties:
            h1.add_bounty(report.id, str(bounty.amount))
    return h1


def _comments(h1: FakeHackerOne) -> dict[str, list[str]]:
    return {
        report_id: [c["attributes"]["message"] for c in report.comments()]
        for report_id, report in h1.reports.items()
    }


@pytest.mark.parametrize("kind", TRACKERS)
def test_reporters_see_no_marker_and_no_comment_twice(
    kind: str, demo_template: Path, tmp_path: Path
) -> None:
    options = CloseOptions(close_issues=False, publish_cves=False, blog_published=True)
    with open_side(kind, demo_template, tmp_path) as side, _hackerone(side.session.workspace) as h1:
        client = HackerOneClient(
            h1.url, h1.username, h1.token, retry=RetryPolicy(attempts=3), sleep=lambda _s: None
        )
        session = Session(side.session.workspace, side.session.tracker, client)
        # the answer to the first comment is lost after the comment landed
        h1.fail("drop_after_apply", times=1, method="POST", path_contains="/activities")
        first = run_close(session.workspace, options, live=True, session=session)
        assert [f.times for f in h1.faults.faults] == [0]  # the answer was lost
        assert {o.outcome for o in first.outcomes} == {"applied"}
        rerun = run_close(session.workspace, options, live=True, session=session)
        assert {o.outcome for o in rerun.outcomes} == {"skipped"}
        comments = _comments(h1)
        notified = {a.report_id for a in first.plan if a.kind == "report-comment"}  # type: ignore[attr-defined]
        assert len(notified) >= 5
        assert {report for report, texts in comments.items() if texts} == notified
        for report_id in notified:
            (text,) = comments[report_id]  # one comment each, lost answer and rerun included
            assert "psirt" not in text and "<!--" not in text and "[psirt:" not in text
        posts = h1.requests("POST", "/activities")
        assert len(posts) == len(notified)  # the lost answer was not followed by a second post
        client.close()
