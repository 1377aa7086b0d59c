"""The #thanks message names each person once, however a Details Thanks cell writes them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from psirt.core.workspace import Workspace
from psirt.model.release import ReleaseSnapshot
from psirt.render.thanks import build_thanks, names_in
from psirt.session import open_session


@pytest.fixture(scope="module")
def demo(demo_template: Path) -> ReleaseSnapshot:
    return open_session(Workspace(demo_template)).snapshot()


def _with_thanks(demo: ReleaseSnapshot, cell: str) -> ReleaseSnapshot:
    internal = next(item for item in demo.issues if item.ref.iid == 1109)  # the internal find
    details = replace(internal.details, thanks=cell)
    others = tuple(item for item in demo.issues if item is not internal)
    return replace(demo, issues=(replace(internal, details=details), *others))


@pytest.mark.parametrize(
    "cell",
    [
        "Dana Diaz",
        "dana diaz",
        "[Dana Diaz](https://gitlab.com/dana-dev)",
        "@dana-dev",
        "Dana Diaz (@dana-dev)",
    ],
)
def test_an_author_credited_in_a_thanks_cell_is_thanked_once_by_name(
    demo: ReleaseSnapshot, cell: str
) -> None:
    # Dana Diaz (dana-dev) authored fixes of the release; the internal find's Thanks cell names
    # her by display name, by a link to her profile or by handle.
    names = names_in(build_thanks(_with_thanks(demo, cell)).groups)
    assert names.count("Dana Diaz") == 1
    assert [n for n in names if "dana" in n.lower()] == ["Dana Diaz"]


def test_an_unknown_finder_is_thanked_by_the_name_written(demo: ReleaseSnapshot) -> None:
    thanks = build_thanks(_with_thanks(demo, "[Olga Novak](https://gitlab.com/olga)"))
    groups = {group.role: group.names for group in thanks.groups}
    assert "Olga Novak" in groups["reporters"]


def test_every_finder_of_a_report_is_thanked(demo: ReleaseSnapshot) -> None:
    found = next(item for item in demo.issues if item.report is not None)
    assert found.report is not None
    report = replace(found.report, collaborators=("second-finder",))
    others = tuple(item for item in demo.issues if item is not found)
    snapshot = replace(demo, issues=(replace(found, report=report), *others))
    names = names_in(build_thanks(snapshot).groups)
    assert {found.report.reporter, "second-finder"} <= {n.split(" ")[0] for n in names}
