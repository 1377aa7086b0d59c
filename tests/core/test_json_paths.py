from __future__ import annotations

from psirt.core.json_paths import json_leaves


def test_leaves_are_named_by_their_path_and_none_is_skipped() -> None:
    value = {"a": {"b": [1, {"c": "x"}, None]}, "d": True, "e": None, "f": []}
    assert list(json_leaves(value)) == [("a.b[0]", 1), ("a.b[1].c", "x"), ("d", True)]
    assert list(json_leaves("whole")) == [("", "whole")]
    assert list(json_leaves(["x"], "root")) == [("root[0]", "x")]
