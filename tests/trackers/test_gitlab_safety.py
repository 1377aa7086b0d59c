"""The GitLab URL never carries a credential into messages or the journal."""

from __future__ import annotations

import pytest

from psirt.core.errors import PsirtError
from psirt.trackers.gitlab import url_from_env


@pytest.mark.parametrize(
    "env",
    [
        {"GITLAB_URL": "https://oauth2:glpat-SECRET@gitlab.example.com"},
        {"GITLAB_HOST": "someone:glpat-SECRET@gitlab.example.com"},
        {"GITLAB_URL": "https://glpat-SECRET@gitlab.example.com/"},
    ],
)
def test_a_url_with_credentials_is_refused_without_echoing_them(env: dict[str, str]) -> None:
    with pytest.raises(PsirtError) as info:
        url_from_env(env, "https://gitlab.com")
    assert "GITLAB_TOKEN" in str(info.value) and "SECRET" not in str(info.value)


def test_a_bare_url_or_host_is_kept() -> None:
    assert url_from_env({"GITLAB_HOST": "gitlab.example.com"}, "x") == "https://gitlab.example.com"
    assert url_from_env({}, "https://gitlab.com/") == "https://gitlab.com"
