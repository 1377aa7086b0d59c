"""The fake GitLab answers as GitLab's documentation and code say (cited in its modules), over
plain HTTP, so what the adapter's tests rely on is pinned down here, status and body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

from psirt.core.records import Issue, IssueLink, IssueRef, Note
from tests.fakes.gitlab_server import THROTTLED, FakeGitLab, ManualClock
from tests.fakes.gitlab_server.routes import Request

SEC = "gitlab-org/security/gitlab"
OPEN = IssueRef(SEC, 1)
SECRET = IssueRef(SEC, 2)
BOB_TOKEN = "glpat-bob"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_770_000_000.0)


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeGitLab]:
    with FakeGitLab(clock=clock.time) as server:
        server.seed_issue(Issue(OPEN, "Open", "d", labels=("security", "p::1")))
        server.seed_issue(Issue(SECRET, "Secret", "d", confidential=True, author="carol"))
        server.seed_link(OPEN, IssueLink(SECRET, "relates_to"))
        server.seed_note(OPEN, Note(0, "public", "carol"))
        server.seed_note(OPEN, Note(0, "internal", "carol", internal=True))
        server.add_token(BOB_TOKEN, "bob")
        yield server


def call(fake: FakeGitLab, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
    headers = {"PRIVATE-TOKEN": token or fake.token or ""}
    return requests.request(method, f"{fake.url}/api/v4{path}", headers=headers, timeout=5, **kw)


def issue_path(ref: IssueRef, tail: str = "") -> str:
    return f"/projects/{quote(ref.project, safe='')}/issues/{ref.iid}{tail}"


# -- users, roles and what they see ------------------------------------------------------------


def test_a_private_project_is_404_to_a_non_member(fake: FakeGitLab) -> None:
    answer = call(fake, "GET", issue_path(OPEN), BOB_TOKEN)
    assert (answer.status_code, answer.json()) == (404, {"message": "404 Project Not Found"})


def test_the_token_its_user_and_the_member_record(fake: FakeGitLab) -> None:
    me = call(fake, "GET", "/user").json()
    assert me["username"] == "psirt-bot" and "is_admin" not in me
    assert call(fake, "GET", "/personal_access_tokens/self").json()["scopes"] == ["api"]
    member = call(fake, "GET", f"/projects/{quote(SEC, safe='')}/members/all/{me['id']}").json()
    assert (member["username"], member["access_level"]) == ("psirt-bot", 40)
    fake.set_role(SEC, "guest", "bob")
    bob = call(fake, "GET", "/user", BOB_TOKEN).json()
    assert (
        call(fake, "GET", f"/projects/{quote(SEC, safe='')}/members/all/{bob['id']}").json()[
            "access_level"
        ]
        == 10
    )
    fake.set_role(SEC, None, "bob")
    gone = call(fake, "GET", f"/projects/{quote(SEC, safe='')}/members/all/{bob['id']}")
    assert gone.status_code == 404


def test_a_guest_does_not_see_confidential_issues_nor_internal_notes(fake: FakeGitLab) -> None:
    fake.set_role(SEC, "guest", "bob")
    assert call(fake, "GET", issue_path(SECRET), BOB_TOKEN).json() == {
        "message": "404 Issue Not Found"
    }
    listed = call(fake, "GET", f"/projects/{quote(SEC, safe='')}/issues", BOB_TOKEN).json()
    assert [i["iid"] for i in listed] == [1]
    assert call(fake, "GET", issue_path(OPEN, "/links"), BOB_TOKEN).json() == []
    notes = call(fake, "GET", issue_path(OPEN, "/notes"), BOB_TOKEN).json()
    assert [n["body"] for n in notes] == ["public"]
    # the Planner role and up see both; so do the author and the assignees
    fake.set_role(SEC, "planner", "bob")
    assert call(fake, "GET", issue_path(SECRET), BOB_TOKEN).status_code == 200
    assert len(call(fake, "GET", issue_path(OPEN, "/notes"), BOB_TOKEN).json()) == 2
    fake.set_role(SEC, "guest", "carol")
    fake.add_token("glpat-carol", "carol")
    assert call(fake, "GET", issue_path(SECRET), "glpat-carol").status_code == 200


def test_writes_need_the_right(fake: FakeGitLab) -> None:
    fake.set_role(SEC, "guest", "bob")
    refused = call(fake, "PUT", issue_path(OPEN), BOB_TOKEN, json={"state_event": "close"})
    assert (refused.status_code, refused.json()) == (403, {"message": "403 Forbidden"})
    assert call(fake, "POST", issue_path(OPEN, "/notes"), BOB_TOKEN, json={"body": "hi"}).ok
    note_id = fake.notes_of(OPEN)[0]["id"]  # carol's
    edit = call(fake, "PUT", issue_path(OPEN, f"/notes/{note_id}"), BOB_TOKEN, json={"body": "x"})
    assert edit.status_code == 403  # admin_note: the author, or a Maintainer and up
    fake.set_role(SEC, "developer", "bob")
    assert call(fake, "PUT", issue_path(OPEN), BOB_TOKEN, json={"state_event": "close"}).ok
    edit = call(fake, "PUT", issue_path(OPEN, f"/notes/{note_id}"), BOB_TOKEN, json={"body": "x"})
    assert edit.status_code == 403
    fake.set_role(SEC, "maintainer", "bob")
    edit = call(fake, "PUT", issue_path(OPEN, f"/notes/{note_id}"), BOB_TOKEN, json={"body": "x"})
    assert edit.status_code == 200


def test_a_guest_author_may_edit_but_labels_are_dropped(fake: FakeGitLab) -> None:
    fake.set_role(SEC, "guest", "carol")
    fake.add_token("glpat-carol", "carol")
    body = {"title": "Renamed", "add_labels": "x"}
    answer = call(fake, "PUT", issue_path(SECRET), "glpat-carol", json=body).json()
    assert (answer["title"], answer["labels"]) == ("Renamed", [])


def test_a_read_api_token_reads_and_never_writes(fake: FakeGitLab) -> None:
    fake.add_token("glpat-ro", "psirt-bot", scopes=("read_api",))
    assert call(fake, "GET", issue_path(OPEN), "glpat-ro").status_code == 200
    refused = call(fake, "POST", issue_path(OPEN, "/notes"), "glpat-ro", json={"body": "x"})
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "insufficient_scope",
        "error_description": "The request requires higher privileges than provided by the "
        "access token.",
        "scope": "api",
    }
    assert call(fake, "GET", "/x", "glpat-nope").status_code == 401


# -- rate limiters -----------------------------------------------------------------------------


def test_the_search_limiter_answers_429_without_retry_after(
    fake: FakeGitLab, clock: ManualClock
) -> None:
    fake.limit("search", 2)
    path = f"/projects/{quote(SEC, safe='')}/issues"
    assert [call(fake, "GET", path, params={"search": "o"}).status_code for _ in range(2)] == [
        200,
        200,
    ]
    assert call(fake, "GET", path).status_code == 200  # no search: not counted
    throttled = call(fake, "GET", path, params={"search": "o"})
    assert throttled.status_code == 429
    assert throttled.json() == {"message": {"error": THROTTLED}}
    assert "Retry-After" not in throttled.headers
    assert int(throttled.headers["RateLimit-Reset"]) == int(clock.time()) + 60
    assert throttled.headers["RateLimit-Remaining"] == "0"
    clock.sleep(60)
    assert call(fake, "GET", path, params={"search": "o"}).status_code == 200


def test_note_and_issue_creation_limiters(fake: FakeGitLab) -> None:
    fake.limit("notes_create", 1, headers=False)
    fake.limit("issues_create", 1)
    assert call(fake, "POST", issue_path(OPEN, "/notes"), json={"body": "a"}).status_code == 201
    refused = call(fake, "POST", issue_path(OPEN, "/notes"), json={"body": "b"})
    assert refused.status_code == 429 and "RateLimit-Reset" not in refused.headers
    projects = f"/projects/{quote(SEC, safe='')}/issues"
    assert call(fake, "POST", projects, json={"title": "t"}).status_code == 201
    assert call(fake, "POST", projects, json={"title": "t"}).status_code == 429
    other = f"/projects/{quote('gitlab-org/cves', safe='')}/issues"
    fake.add_project("gitlab-org/cves")
    assert call(fake, "POST", other, json={"title": "t"}).status_code == 201  # per project
    assert fake.throttled == [
        ("notes_create", "/api/v4" + issue_path(OPEN, "/notes")),
        ("issues_create", "/api/v4" + projects),
    ]


# -- content: scoped labels, quick actions, limits, pagination -----------------------------------


def test_a_scoped_label_replaces_its_scope_and_labels_come_sorted(fake: FakeGitLab) -> None:
    answer = call(fake, "PUT", issue_path(OPEN), json={"add_labels": "p::2,a::1,a::2,Zeta"})
    assert answer.json()["labels"] == ["Zeta", "a::2", "p::2", "security"]


def test_quick_actions_in_a_note_run_and_are_removed(fake: FakeGitLab) -> None:
    body = 'Hello\n/label ~"sev::1" ~x\n/CLOSE\n`/label ~no`\n```\n/label ~in-code\n```'
    note = call(fake, "POST", issue_path(OPEN, "/notes"), json={"body": body}).json()
    assert note["body"] == "Hello\n`/label ~no`\n```\n/label ~in-code\n```"
    issue = fake.issue(OPEN)
    assert (sorted(issue["labels"]), issue["state"]) == (
        ["p::1", "security", "sev::1", "x"],
        "closed",
    )
    escaped = call(fake, "POST", issue_path(OPEN, "/notes"), json={"body": "\\/reopen"}).json()
    assert escaped["body"] == "\\/reopen" and fake.issue(OPEN)["state"] == "closed"


def test_a_note_of_commands_only_answers_202_without_an_id(fake: FakeGitLab) -> None:
    answer = call(fake, "POST", issue_path(OPEN, "/notes"), json={"body": "/label ~p::2\n"})
    assert answer.status_code == 202
    assert set(answer.json()) == {"commands_changes", "summary"}
    assert "add_label_ids" in answer.json()["commands_changes"]
    assert fake.issue(OPEN)["labels"] == ["security", "p::2"]
    assert [n["body"] for n in fake.notes_of(OPEN)] == ["public", "internal"]


def test_size_limits(fake: FakeGitLab) -> None:
    big = call(fake, "PUT", issue_path(OPEN), json={"description": "x" * 1_048_577})
    assert big.status_code == 400
    assert big.json() == {
        "message": {"description": ["is too long (maximum is 1048576 characters)"]}
    }
    assert call(fake, "PUT", issue_path(OPEN), json={"description": "x" * 1_048_576}).ok
    note = call(fake, "POST", issue_path(OPEN, "/notes"), json={"body": "x" * 1_000_001})
    assert note.status_code == 400 and "maximum is 1000000 characters" in note.json()["message"]


def test_pagination_caps(fake: FakeGitLab) -> None:
    path = f"/projects/{quote(SEC, safe='')}/issues"
    assert call(fake, "GET", path, params={"per_page": 500}).headers["X-Per-Page"] == "100"
    deep = call(fake, "GET", path, params={"per_page": 100, "page": 501})
    assert deep.status_code == 405
    assert "maximum allowed offset of 50000" in deep.json()["message"]
    request = Request("GET", "/x", ["x"], {"per_page": ["100"]}, {}, "psirt-bot")
    status, items, headers = fake.paginate(list(range(10_001)), request)
    assert (status, len(items), headers["X-Next-Page"]) == (200, 100, "2")
    assert "X-Total" not in headers and 'rel="last"' not in headers["Link"]


def test_a_projects_labels_are_those_it_was_given_and_those_its_issues_carry(
    fake: FakeGitLab,
) -> None:
    fake.seed_label(SEC, "severity::1")
    path = f"/projects/{quote(SEC, safe='')}/labels"
    answer = call(fake, "GET", path, params={"with_counts": "true"})
    assert answer.status_code == 200 and answer.headers["X-Total"] == "3"
    labels = {label["name"]: label for label in answer.json()}
    assert sorted(labels) == ["p::1", "security", "severity::1"]
    assert labels["security"]["open_issues_count"] == 1
    assert labels["severity::1"]["open_issues_count"] == 0
    assert {"id", "color", "text_color", "is_project_label"} <= set(labels["security"])
    plain = call(fake, "GET", path).json()
    assert "open_issues_count" not in plain[0]  # counts only with with_counts
    assert call(fake, "GET", path, BOB_TOKEN).status_code == 404  # a private project
