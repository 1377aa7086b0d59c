"""Confidential project paths are looked for only in a text that holds the path's last segment
(an ASCII text, lowered): the same leaks as matching every path's pattern on every text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from psirt.compute.confidential import Confidential, Leak, _around, _path_pattern, _unique

PATHS = ("gitlab-org/security/gitlab", "acme/Secrets")
PIECES = st.sampled_from(
    [
        "gitlab-org/security/gitlab",
        "GITLAB-ORG%2FSECURITY%2FGitLab",
        "gitlab-org/security/gitla",
        "acme/secrets/",
        "ACME%2fSECRETS",
        "acme/ſecrets",  # a long s: IGNORECASE matches it to "s"; lower() does not
        "acme/secret",
        "see ",
        "/",
        " ",
        "é",
        "https://gitlab.com/",
        "/-/issues/7",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join))
def test_the_quick_look_finds_what_every_pattern_finds(text: str) -> None:
    checker = Confidential(paths=PATHS)
    every_pattern = _unique(
        Leak("project", _around(text, match.start()), f"{path} is confidential")
        for path in PATHS
        for match in _path_pattern(path).finditer(text)
    )
    assert checker.leaks(text) == every_pattern
