"""What ``psirt close`` must never do: count a login page or a soft 404 as the public post,
close an issue outside the canonical project, or put the bounty reminder in a public note."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from psirt.actions.tracker_actions import CloseIssue, UpsertNote
from psirt.core.errors import RefusedError
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.model.release import ReleaseSnapshot
from psirt.session import open_session
from psirt.workflows.close import BlogAnswer, CloseOptions, build_close_plan, check_blog, run_close
from tests.actions.closing import POST_PAGE
from tests.fakes.web import serve

POST_PATH = "/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"


@pytest.fixture
def workspace(demo_root: Path) -> Workspace:
    return Workspace(demo_root)


@pytest.fixture(scope="module")
def snapshot(demo_template: Path) -> ReleaseSnapshot:
    return open_session(Workspace(demo_template)).snapshot()


@contextmanager
def redirecting_blog(location: str, page: str) -> Iterator[str]:
    """A loopback site whose post URL redirects (302) to ``location``, which answers 200 with
    ``page``; yields the post URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == POST_PATH:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve(Handler) as base:
        yield f"{base}{POST_PATH}"


# -- the blog gate ---------------------------------------------------------------------------


def test_a_redirect_to_a_login_page_is_not_the_post(workspace: Workspace) -> None:
    login = "<html>Sign in to continue. GitLab 18.10.1</html>"  # even when it names the version
    with redirecting_blog("/users/sign_in", login) as url, pytest.raises(RefusedError) as info:
        run_close(workspace, CloseOptions(blog_url=url), live=True)
    assert "redirected to" in str(info.value) and "/users/sign_in" in str(info.value)
    assert not workspace.journal_path.exists()


def test_a_soft_404_is_not_the_post(workspace: Workspace, snapshot: ReleaseSnapshot) -> None:
    url = "https://blog.test" + POST_PATH
    gate = check_blog(
        CloseOptions(blog_url=url),
        snapshot.release,
        snapshot.config,
        lambda asked: BlogAnswer(200, asked, "<html>Page not found</html>"),
    )
    assert not gate.public and "does not mention 18.10.1" in gate.reason


@pytest.mark.parametrize(
    "landed",
    [
        "https://blog.test" + POST_PATH,
        "https://blog.test" + POST_PATH.rstrip("/"),  # trailing slash dropped
        "http://BLOG.test" + POST_PATH,  # scheme and host case
    ],
)
def test_the_post_itself_is_public(snapshot: ReleaseSnapshot, landed: str) -> None:
    gate = check_blog(
        CloseOptions(blog_url="https://blog.test" + POST_PATH),
        snapshot.release,
        snapshot.config,
        lambda asked: BlogAnswer(200, landed, POST_PAGE),
    )
    assert gate.public and gate.reason == "answered 200"


def test_a_redirect_within_the_post_url_is_still_the_post(workspace: Workspace) -> None:
    with redirecting_blog(POST_PATH.rstrip("/"), POST_PAGE) as url:
        result = run_close(workspace, CloseOptions(close_issues=False, blog_url=url), live=False)
    assert result.blog is not None and result.blog.public, result.blog


# -- the close step --------------------------------------------------------------------------


def test_a_canonical_issue_outside_the_canonical_project_is_not_closed(
    snapshot: ReleaseSnapshot,
) -> None:
    item = snapshot.issues[0]
    assert item.canonical is not None
    # a Links table that names the security issue itself as the canonical issue
    wrong = dataclasses.replace(item, canonical=item.issue)
    changed = dataclasses.replace(snapshot, issues=(wrong, *snapshot.issues[1:]))
    plan = build_close_plan(changed, CloseOptions(publish_cves=False, notify_hackerone=False), None)
    touched = {a.subject for a in plan.plan}
    assert str(item.issue.ref) not in touched
    assert str(item.canonical.ref) not in touched
    refusal = next(r for r in plan.refusals if r.subject == str(item.ref))
    assert "not in gitlab-org/gitlab" in refusal.reason


def test_the_public_close_note_never_carries_the_bounty_reminder(
    snapshot: ReleaseSnapshot,
) -> None:
    plan = build_close_plan(
        snapshot, CloseOptions(publish_cves=False, notify_hackerone=False), None
    )
    notes = [a for a in plan.plan if isinstance(a, UpsertNote)]
    public = [n for n in notes if not n.internal]
    internal = [n for n in notes if n.internal]
    closes = {a.ref for a in plan.plan if isinstance(a, CloseIssue)}
    assert {n.ref for n in public} == closes  # one public note per closed issue
    assert internal and all("bounty" in n.body for n in internal)
    for note in public:
        assert "bounty" not in note.body.lower() and "hackerone" not in note.body.lower()
        # nothing from the confidential security project in a note that becomes public
        assert "security/" not in note.body and "#" not in note.body
    assert all(n.ref.project == snapshot.config.projects.canonical for n in notes)
    assert closes <= {IssueRef(snapshot.config.projects.canonical, r.iid) for r in closes}
