"""``find_whole_word`` finds a word where a pattern of the escaped word between two word
boundaries does, without compiling a pattern per word."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from psirt.core.text import find_whole_word

WORDS = st.sampled_from(["", "ana", "Ana", "an", "a.b", "-x", "x-", "é", "ana ana", "_"])
PIECES = st.sampled_from(["ana", "Ana", "an", "a", ".", "b", "a.b", "-", "x", " ", "é", "_", "\n"])


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=10).map("".join), WORDS)
def test_finds_the_word_where_the_pattern_does(text: str, word: str) -> None:
    match = re.search(rf"\b{re.escape(word)}\b", text)
    assert find_whole_word(text, word) == (match.start() if match else -1)
