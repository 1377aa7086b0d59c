"""The overshare detector: what it flags (with positions) and what a vague text keeps."""

from __future__ import annotations

import pytest

from psirt.rules.overshare import find_overshare, summarize

DEMO_OVERSHARE = (
    "could have allowed an unauthenticated user to inject script by sending a POST request to "
    "/api/v4/projects/:id/uploads with a filename parameter containing "
    "<img src=x onerror=alert(1)>, which Upload#sanitized_name in app/models/upload.rb does "
    "not escape."
)


def test_demo_description_flags_every_kind_with_positions() -> None:
    found = find_overshare(DEMO_OVERSHARE)
    kinds = {item.kind for item in found}
    assert kinds == {
        "HTTP request",
        "endpoint path",
        "URL parameter",
        "payload",
        "code identifier",
        "file path",
    }
    for item in found:
        assert DEMO_OVERSHARE[item.start : item.end] == item.text
    texts = {item.kind: item.text for item in found}
    assert texts["endpoint path"] == "/api/v4/projects/:id/uploads"
    assert texts["payload"] == "<img src=x onerror=alert(1)>"
    assert texts["code identifier"] == "Upload#sanitized_name"
    assert texts["file path"] == "app/models/upload.rb"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("via GET /users/sign_in?redirect_to=x", "HTTP request"),
        ("when ?redirect_to= is crafted", "URL parameter"),
        ("the `project_id` parameter", "URL parameter"),
        ("in Projects::ImportService.execute", "code identifier"),
        ("in lib/gitlab/url_blocker.rb", "file path"),
        ("by posting to /-/graphql", "endpoint path"),
        ("a payload of javascript:alert(document.cookie)", "payload"),
        ("with ../../etc/passwd", "payload"),
        ("Steps to reproduce: log in", "reproduction steps"),
        ("1. Create a project\n2. Import the file\n", "reproduction steps"),
        ("curl -X POST https://gitlab.example.com/api", "reproduction steps"),
        ("via the projects/:id/members endpoint", "endpoint path"),
        ("through groups/{group_id}/export", "endpoint path"),
        ("in public/uploads/tmp", "file path"),
        ("in app/assets/javascripts/Diff.vue", "file path"),
    ],
)
def test_flags(text: str, kind: str) -> None:
    assert kind in {item.kind for item in find_overshare(text)}


@pytest.mark.parametrize(
    "text",
    [
        "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 "
        "before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an "
        "authenticated user to cause a denial of service under certain conditions.",
        "Server-Side Request Forgery (SSRF) issue in webhooks impacts GitLab CE/EE",
        "an attacker to redirect users to an untrusted site and/or read data on GitLab.com",
        "See https://gitlab.com/gitlab-org/gitlab/-/issues/51001 for details.",
        "X.509 certificate validation in a crafted request",
        # ordinary GitLab wording: visibility levels, libraries, an HTTP verb without a route,
        # a parameter described but not named
        "could have allowed an authenticated user to read data of public/internal projects",
        "could have allowed a user to change the visibility of internal/private groups",
        "could have allowed a user to see public/internal/private project names",
        "could have allowed an attacker to inject script in the Vue.js frontend",
        "could have allowed an unauthenticated user to cause a denial of service by sending a "
        "specially crafted POST request",
        "could have allowed users to bypass 2FA by using a crafted parameter containing a token",
        "could have allowed an authenticated user to read confidential issues via the API",
    ],
)
def test_vague_texts_pass(text: str) -> None:
    assert find_overshare(text) == []


def test_summary_deduplicates_and_limits() -> None:
    found = find_overshare("app/a.rb app/a.rb app/b.rb app/c.rb")
    assert summarize(found, limit=2) == "file path 'app/a.rb', file path 'app/b.rb' and 1 more"
