"""Scoped labels as psirt expects GitLab to apply them, and the writes psirt refuses to send."""

from __future__ import annotations

import pytest

from psirt.core.errors import InputError
from psirt.core.labels import (
    apply_label_write,
    check_label_write,
    label_scope,
    labels_done,
    scope_conflicts,
)
from psirt.core.records import IssueUpdate


def test_the_scope_is_what_precedes_the_last_double_colon() -> None:
    assert label_scope("severity::2") == "severity"
    assert label_scope("workflow::backend::review") == "workflow::backend"
    assert label_scope("security") is None
    assert label_scope("::x") is None and label_scope("x::") is None


def test_an_added_scoped_label_replaces_the_others_of_its_scope() -> None:
    current = ("security", "severity::2", "workflow::backend::dev", "workflow::frontend::dev")
    after = apply_label_write(current, ("severity::1", "workflow::backend::review"), ())
    assert after == (
        "security",
        "workflow::frontend::dev",
        "severity::1",
        "workflow::backend::review",
    )


def test_of_two_added_in_one_scope_the_last_stays() -> None:
    assert apply_label_write(("a",), ("p::1", "p::2"), ()) == ("a", "p::2")


def test_labels_of_a_scope_the_write_does_not_touch_stay() -> None:
    """Two of one scope from before scoped labels existed are left alone until one is added."""
    assert apply_label_write(("p::1", "p::2"), ("x",), ()) == ("p::1", "p::2", "x")


def test_added_then_removed() -> None:
    assert apply_label_write(("a", "b"), ("c",), ("a",)) == ("b", "c")


def test_psirt_never_sends_two_of_one_scope_or_a_label_both_ways() -> None:
    assert scope_conflicts(["p::1", "q::1", "p::2"]) == {"p": ["p::1", "p::2"]}
    with pytest.raises(InputError, match=r"two labels of one scope \(p:: has p::1, p::2\)"):
        IssueUpdate(add_labels=("p::1", "p::2"))
    with pytest.raises(InputError, match="both adds and removes x"):
        check_label_write(("x",), ("x",))
    IssueUpdate(add_labels=("p::1",), remove_labels=("p::2",))  # fine: one of each


def test_verification_expects_the_scoped_result() -> None:
    assert labels_done(("a", "p::2"), ("p::2",), ("b",)) == []
    assert labels_done(("a", "p::1", "p::2"), ("p::2",), ()) == [
        "labels of a replaced scope still there: p::1"
    ]
    assert labels_done(("a",), ("p::2",), ("a",)) == [
        "labels not added: p::2",
        "labels not removed: a",
    ]
