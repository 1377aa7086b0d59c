"""Confidential titles are found through an index of their inner words: the same titles as
trying every title on every text, in the same order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from psirt.compute.confidential import Confidential
from psirt.core.records import IssueRef

WORDS = st.sampled_from(["xss", "in", "the", "group", "export", "token", "a", "leak", "ab"])
TITLES = st.lists(st.lists(WORDS, min_size=1, max_size=5).map(" ".join), max_size=8, unique=True)
TEXTS = st.lists(st.sampled_from(["xss", "IN", "the", "Group", "export", "token", "  ", "x", "\n"]))


def every_title(titles: tuple[tuple[str, IssueRef], ...], text: str) -> list[str]:
    folded = " ".join(text.split()).casefold()
    return [title for title, _ref in titles if title in folded]


@settings(max_examples=300, deadline=None)
@given(titles=TITLES, words=TEXTS)
def test_the_index_finds_what_trying_every_title_finds(titles: list[str], words: list[str]) -> None:
    text = " ".join(words)
    pairs = tuple((title, IssueRef("g/p", n + 1)) for n, title in enumerate(titles))
    checker = Confidential(paths=(), titles=pairs)
    found = [leak.detail for leak in checker.leaks(text) if leak.kind == "title"]
    expected = [f"the title of {ref}" for title, ref in pairs if title in every_title(pairs, text)]
    assert found == expected


def test_a_long_title_is_found_inside_a_longer_text() -> None:
    ref = IssueRef("gitlab-org/security/gitlab", 7)
    checker = Confidential(paths=(), titles=(("token leak in group export", ref),))
    leaks = checker.leaks("Fixed: Token leak  in group\\nexport pages.")
    assert [leak.detail for leak in leaks] == []  # a literal backslash-n breaks the title
    leaks = checker.leaks("Fixed: Token leak  in group\nexport pages.")
    assert [leak.detail for leak in leaks] == [f"the title of {ref}"]
