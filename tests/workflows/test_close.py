"""``psirt close`` on the demo release: the plan, its refusals, the blog gate, a live run and
its rerun, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.actions.bounty_actions import CommentOnReport, ResolveReport
from psirt.actions.tracker_actions import CloseIssue, EditDescription, UpsertNote
from psirt.bounty.local import LocalBounty
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.cna.gitlab_cves import publication_requested
from psirt.compute.post import post_url
from psirt.core.errors import ExitCode, RefusedError
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.trackers.local import LocalTracker
from psirt.workflows.close import (
    BlogAnswer,
    CloseOptions,
    build_close_plan,
    check_blog,
    render_close,
    run_close,
)
from tests.actions.closing import blog_server
from tests.conftest import tree_digest

PUBLIC = CloseOptions(blog_published=True)
MARKER = "psirt:close:18.10.1/18.9.3/18.8.7"


@pytest.fixture
def workspace(demo_root: Path) -> Workspace:
    return Workspace(demo_root)


def canonical(iid: int) -> IssueRef:
    return IssueRef("gitlab-org/gitlab", iid)


# -- the plan --------------------------------------------------------------------------------


def test_dry_run_plans_the_release_and_writes_nothing(workspace: Workspace) -> None:
    before = tree_digest(workspace.root)
    result = run_close(workspace, PUBLIC, live=False)
    assert tree_digest(workspace.root) == before
    assert not workspace.journal_path.exists()
    kinds = [type(a) for a in result.plan]
    # safe order: every close action, then publications, then notifications
    first_edit = kinds.index(EditDescription)
    first_comment = kinds.index(CommentOnReport)
    assert set(kinds[:first_edit]) == {UpsertNote, CloseIssue}
    assert set(kinds[first_edit:first_comment]) == {EditDescription}
    assert set(kinds[first_comment:]) == {CommentOnReport, ResolveReport}
    assert {o.outcome for o in result.outcomes} == {"would apply"}
    text = render_close(result)
    assert "+* [x] Publish immediately" in text and "-* [x] Wait to publish" in text
    assert "dry run: nothing was written" in text


def test_reverted_fix_is_held_in_every_step(workspace: Workspace) -> None:
    result = run_close(workspace, PUBLIC, live=False)
    subjects = {a.subject for a in result.plan}
    assert str(canonical(51004)) not in subjects  # the SSRF fix whose 18.9 backport was reverted
    assert "HackerOne report 3100004" not in subjects
    assert "gitlab-org/cves#3104" not in subjects
    held = [r for r in result.refusals if r.subject == "gitlab-org/security/gitlab#1104"]
    assert {r.step for r in held} == {"close-issues", "publish-cves", "notify-hackerone"}
    assert all("reverted" in r.reason and "18-9-stable-ee" in r.reason for r in held)


def test_publication_refusals_quote_the_cna_bot_and_name_the_missing_label(
    workspace: Workspace,
) -> None:
    result = run_close(workspace, PUBLIC, live=False)
    refused = {r.subject: r.reason for r in result.refusals if r.step == "publish-cves"}
    assert "advisory::invalid" in refused["CVE-2026-4106"]
    assert "cnaworkflow said" in refused["CVE-2026-4106"]
    assert "placeholder ('TODO')" in refused["CVE-2026-4106"]
    for cve in ("CVE-2026-4105", "CVE-2026-4108", "CVE-2026-4110"):
        assert "lacks ~description::validated" in refused[cve]
    # validated by a human, yet validate still finds errors: an overshared description, and
    # fixed versions that are not the release's
    assert "not valid" in refused["CVE-2026-4102"] and "CVE022" in refused["CVE-2026-4102"]
    assert "not valid" in refused["CVE-2026-4107"] and "CVE011" in refused["CVE-2026-4107"]
    published = {a.ref.iid for a in result.plan if isinstance(a, EditDescription)}
    assert published == {3101, 3103, 3109, 3111}


def test_close_notes_link_the_post_and_remind_unpaid_bounties(workspace: Workspace) -> None:
    result = run_close(workspace, PUBLIC, live=False)
    notes = {(a.ref.iid, a.internal): a for a in result.plan if isinstance(a, UpsertNote)}
    # the note points to the post, which says which versions carry the fix: no versions here
    post = "https://about.gitlab.com/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"
    assert post in notes[51001, False].body
    assert "18.10.1" not in notes[51001, False].body.replace(post, "")
    # the canonical issue becomes public 30 days later: the reminder is a note of its own,
    # internal, and the public note does not mention the bounty
    assert "bounty" not in notes[51001, False].body
    assert "report 3100001 has no bounty yet" in notes[51001, True].body
    assert (51002, True) not in notes and "bounty" not in notes[51002, False].body  # paid
    assert notes[51005, False].why == "the fix shipped in 18.10.1 and 18.9.3"  # from 18.9
    assert {r.id for r in result.unpaid} == {"3100001", "3100006", "3100008"}


def test_reporter_message_names_versions_blog_and_only_a_publishable_cve(
    workspace: Workspace,
) -> None:
    result = run_close(
        workspace,
        CloseOptions(blog_url="https://blog.test/post"),
        live=False,
        get=lambda url: BlogAnswer(200, url, "GitLab 18.10.1"),
    )
    comments = {a.report_id: a for a in result.plan if isinstance(a, CommentOnReport)}
    message = comments["3100001"].message
    assert "@kaizen-sec" in message and "18.10.1, 18.9.3 and 18.8.7" in message
    assert "https://blog.test/post" in message and "CVE-2026-4101" in message
    assert "psirt" not in message  # no marker the reporter would see
    # the same comment worded before the CVE or the post's URL was known counts as ours
    assert len(comments["3100001"].variants) == 3
    assert all("psirt" not in variant for variant in comments["3100001"].variants)
    assert "CVE-2026-4106" not in comments["3100006"].message  # advisory::invalid: not public


# -- the blog gate ---------------------------------------------------------------------------


def test_blog_not_public_refuses_live_and_writes_nothing(workspace: Workspace) -> None:
    before = tree_digest(workspace.root)
    with blog_server(404) as url, pytest.raises(RefusedError) as info:
        run_close(workspace, CloseOptions(blog_url=url), live=True)
    assert info.value.exit_code == ExitCode.REFUSED
    assert "answered 404" in str(info.value) and "--blog-published" in str(info.value)
    assert tree_digest(workspace.root) == before


def test_blog_unreachable_is_not_public(workspace: Workspace) -> None:
    with blog_server(200) as url:
        pass  # the server is gone: connection refused
    with pytest.raises(RefusedError, match="could not be reached"):
        run_close(workspace, CloseOptions(notify_hackerone=False, blog_url=url), live=True)


def test_blog_answering_200_lets_publication_run(workspace: Workspace) -> None:
    options = CloseOptions(close_issues=False, notify_hackerone=False)
    with blog_server(200) as url:
        result = run_close(
            workspace, CloseOptions(**{**options.__dict__, "blog_url": url}), live=True
        )
    assert result.blog is not None and result.blog.public and result.blog.reason == "answered 200"
    tracker = LocalTracker(workspace.root)
    assert publication_requested(tracker.get_issue(IssueRef("gitlab-org/cves", 3101)).description)
    assert not publication_requested(
        tracker.get_issue(IssueRef("gitlab-org/cves", 3106)).description
    )


def test_closing_issues_waits_for_the_blog_too(workspace: Workspace) -> None:
    """The close note says the fix was released: not true before the post is out."""
    options = CloseOptions(publish_cves=False, notify_hackerone=False)
    with pytest.raises(RefusedError, match="before the blog post is public"):
        run_close(workspace, options, live=True, get=lambda url: BlogAnswer(404, url))
    assert LocalTracker(workspace.root).get_issue(canonical(51001)).state == "opened"
    published = CloseOptions(publish_cves=False, notify_hackerone=False, blog_published=True)
    run_close(workspace, published, live=True, get=lambda url: BlogAnswer(404, url))
    assert LocalTracker(workspace.root).get_issue(canonical(51001)).state == "closed"


def test_blog_url_defaults_to_the_posts_canonical_url(workspace: Workspace) -> None:
    snapshot = open_session(workspace).snapshot()
    asked: list[str] = []
    gate = check_blog(
        CloseOptions(),
        snapshot.release,
        snapshot.config,
        lambda url: asked.append(url) or BlogAnswer(503, url),
    )
    assert asked == [post_url(snapshot.release, snapshot.config)]
    assert not gate.public and "503" in gate.reason
    plan = build_close_plan(snapshot, CloseOptions(), gate, open_session(workspace).cna())
    assert plan.blocked and "503" in str(plan.blocked_error())


# -- live, then again ------------------------------------------------------------------------


def test_live_run_closes_publishes_notifies_then_rerun_does_nothing(
    workspace: Workspace,
) -> None:
    result = run_close(workspace, PUBLIC, live=True)
    assert {o.outcome for o in result.outcomes} == {"applied"}
    tracker = LocalTracker(workspace.root)
    closed = tracker.get_issue(canonical(51001))
    assert closed.state == "closed"
    assert len([n for n in tracker.notes(closed.ref) if MARKER in n.body]) == 1
    assert tracker.get_issue(canonical(51004)).state == "opened"  # reverted: stays open
    bounty = LocalBounty(workspace.root)
    assert bounty.get_report("3100001").state == "resolved"
    assert bounty.get_report("3100004").state == "triaged"
    journal = [(e["action"], e["outcome"]) for e in open_journal(workspace)]
    assert len(journal) == len(result.plan) and {o for _, o in journal} == {"applied"}

    again = run_close(workspace, PUBLIC, live=True)
    assert {o.outcome for o in again.outcomes} == {"skipped"}
    assert len([n for n in tracker.notes(closed.ref) if MARKER in n.body]) == 1
    comments = [a for a in bounty.get_report("3100001").activities if a.type == "activity-comment"]
    assert len(comments) == 1


def open_journal(workspace: Workspace) -> list[dict[str, str]]:
    from psirt.actions.journal import Journal

    return Journal(workspace.journal_path).entries()


# -- the command line ------------------------------------------------------------------------


def test_cli_refuses_with_exit_4_when_the_blog_is_not_public(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    with blog_server(404) as url:
        code = run_app(
            app, ["-w", str(workspace.root), "close", "--publish-cves", "--blog-url", url, "--live"]
        )
    captured = capsys.readouterr()
    assert code == ExitCode.REFUSED
    assert (
        "before the blog post is public" in captured.err and "Nothing was written" in captured.err
    )


def test_cli_dry_run_prints_the_plan(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_app(app, ["-w", str(workspace.root), "close", "--close-issues", "--blog-published"])
    captured = capsys.readouterr()
    out = captured.out
    # the reverted fix is refused: the dry run exits as the live run would
    assert code == ExitCode.REFUSED
    assert "close gitlab-org/gitlab#51001" in out and "refused (not in the plan)" in out
    assert "Publish immediately" not in out  # only the step asked for
    assert "1 item refused" in captured.err and "A live run would do everything else" in (
        captured.err
    )
    assert not (workspace.root / "journal.jsonl").exists()  # nothing was written


def test_cli_dry_run_without_refusals_exits_0(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["-w", str(workspace.root), "close", "--close-issues", "--blog-published"]
    assert run_app(app, [*args, "--release-issue", "50000"]) == ExitCode.REFUSED
    LocalTracker(workspace.root).unlink_issues(
        IssueRef("gitlab-org/gitlab", 50000), IssueRef("gitlab-org/security/gitlab", 1104)
    )
    capsys.readouterr()
    assert run_app(app, args) == ExitCode.OK


def test_cli_rejects_both_blog_options(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_app(
        app, ["-w", str(workspace.root), "close", "--blog-url", "https://x", "--blog-published"]
    )
    assert code == ExitCode.USAGE and "not both" in capsys.readouterr().err


def test_demo_ends_with_the_close_dry_run(workspace: Workspace) -> None:
    from psirt.workflows.demo import STEPS, close_step, cve_status_step, disclose_step

    # close finishes the release; what comes after it (cve status, disclose) follows
    assert STEPS[-3:] == (close_step, cve_status_step, disclose_step)
    before = tree_digest(workspace.root)
    result = close_step(open_session(workspace))
    assert "assuming the blog post is public" in result.lines[0]
    assert any("refused" in line for line in result.lines)
    assert tree_digest(workspace.root) == before


def test_a_record_that_breaks_the_schema_is_refused_in_the_plan(workspace: Workspace) -> None:
    """With a CNA that takes records, a bad one is found while planning, not half way through
    a run."""
    from psirt.actions.cna_actions import PublishCve
    from psirt.workflows.close import BlogGate, build_close_plan, record_builder

    snapshot = open_session(workspace).snapshot()
    good = record_builder(snapshot, "https://blog.test/post")

    def broken_for_4101(item: object) -> dict[str, object]:
        record = good(item)  # type: ignore[arg-type]
        if record["cveMetadata"]["cveId"] == "CVE-2026-4101":
            del record["containers"]["cna"]["affected"]
        return record

    options = CloseOptions(close_issues=False, notify_hackerone=False, blog_published=True)
    gate = BlogGate("https://blog.test/post", True, "--blog-published")
    from psirt.cna.local import LocalCna

    cna = LocalCna(workspace.root)  # a CNA that takes the record, as CVE Services does
    result = build_close_plan(snapshot, options, gate, cna, broken_for_4101)
    refused = {r.subject: r.reason for r in result.refusals}
    assert "breaks the schema" in refused["CVE-2026-4101"]
    published = {a.cve_id for a in result.plan if isinstance(a, PublishCve)}
    assert "CVE-2026-4101" not in published and "CVE-2026-4103" in published


def test_a_report_closed_as_duplicate_is_not_resolved(workspace: Workspace) -> None:
    bounty = LocalBounty(workspace.root)
    report = bounty.get_report("3100001")
    from dataclasses import replace

    bounty.save_report(replace(report, state="duplicate"))
    result = run_close(workspace, PUBLIC, live=False)
    refused = {r.subject: r.reason for r in result.refusals if r.step == "notify-hackerone"}
    assert "closed as duplicate" in refused["report 3100001"]
    touched = {a.report_id for a in result.plan if isinstance(a, CommentOnReport | ResolveReport)}
    assert "3100001" not in touched and "3100002" in touched
