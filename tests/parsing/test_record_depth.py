"""A record's nesting depth is read off its JSON text (brackets outside strings): the depth
of the value it parses to, whatever its strings hold."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from psirt.parsing.record_file import nested_deeper_than, nesting_depth

TEXT = st.text(alphabet='[]{}"\\ab:,', max_size=6)
JSON = st.recursive(
    st.none() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)


def depth_of(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    return 0


@given(JSON)
def test_the_text_gives_the_depth_of_its_value(value: Any) -> None:
    for text in (json.dumps(value), json.dumps(value, indent=1, ensure_ascii=False)):
        assert nesting_depth(text) == depth_of(value)


@given(JSON, st.integers(min_value=0, max_value=6))
def test_the_quick_bound_decides_as_the_depth_does(value: Any, limit: int) -> None:
    """Counting opening brackets (strings included) only ever says "not deeper" when the depth
    agrees; past the count, the depth decides."""
    text = json.dumps(value)
    assert nested_deeper_than(text, limit) == (depth_of(value) > limit)
