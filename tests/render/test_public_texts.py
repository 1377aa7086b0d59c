"""The texts psirt writes for others to read, byte for byte against tests/golden/texts, and each
one overridden by a workspace template of the same name.

close writes the canonical issue's note, the internal bounty reminder, the reporter's HackerOne
comment and the resolve message; ``validate --comment`` writes its request to a fix's
assignees, and a note when everything asked is resolved, and its note to the release managers
on the PSIRT task issue (and that note once nothing is left for PSIRT); disclose notes why a
canonical issue is public now. ``PSIRT_UPDATE_GOLDEN=1`` rewrites the golden files instead of
comparing (then review the diff).
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from psirt.actions.bounty_actions import CommentOnReport, ResolveReport
from psirt.actions.tracker_actions import UpsertNote
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.model.release import ReleaseSnapshot
from psirt.render.notes import Shipped, psirt_resolved_note, reporter_comment
from psirt.session import open_session
from psirt.workflows.close import BlogAnswer, CloseOptions, run_close
from psirt.workflows.disclose import DisclosePlan, build_disclose_plan
from psirt.workflows.validate import PSIRT_MARKER, comment_plan, resolved_body, validate

GOLDEN = Path(__file__).parent.parent / "golden" / "texts"
UPDATE = os.environ.get("PSIRT_UPDATE_GOLDEN") == "1"
BLOG = "https://about.gitlab.com/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"
CANONICAL = IssueRef("gitlab-org/gitlab", 51001)
REPORT = "3100001"
COMMENTED = IssueRef("gitlab-org/security/gitlab", 1108)  # findings on the issue and its request
RELEASED = date(2026, 3, 25)  # the demo's due date

#: golden file -> the template a workspace overrides it with
TEMPLATES = {
    "canonical_note.md": "close/canonical_note.md.j2",
    "bounty_reminder.md": "close/bounty_reminder.md.j2",
    "reporter_comment.md": "close/reporter_comment.md.j2",
    "resolve_message.md": "close/resolve_message.md.j2",
    "validate_comment.md": "validate/comment.md.j2",
    "validate_resolved.md": "validate/resolved.md.j2",
    "disclose_note.md": "disclose/canonical_note.md.j2",
    "psirt_note.md": "validate/psirt.md.j2",
    "psirt_resolved.md": "validate/psirt_resolved.md.j2",
}


def disclose_plan(snapshot: ReleaseSnapshot, templates_dir: Path | None) -> DisclosePlan:
    """disclose's plan for the demo as if close had closed the canonical issue (the demo's
    issues are still open, and disclose plans nothing for an open one)."""
    closed = [
        replace(item, canonical=replace(item.canonical, state="closed"))
        if item.canonical is not None and item.canonical.ref == CANONICAL
        else item
        for item in snapshot.issues
    ]
    return build_disclose_plan(
        replace(snapshot, issues=tuple(closed)),
        released_on=RELEASED,
        today=RELEASED + timedelta(days=30),
        templates_dir=templates_dir,
    )


def texts(root: Path) -> dict[str, str]:
    """Each text as the dry runs of close and validate --comment plan it for the demo."""
    session = open_session(Workspace(root))
    result = run_close(
        session.workspace,
        CloseOptions(blog_url=BLOG),
        live=False,
        get=lambda url: BlogAnswer(200, url, "GitLab 18.10.1"),
        session=session,
    )
    notes = {
        (a.ref, a.internal): a.body
        for a in result.plan
        if isinstance(a, UpsertNote) and a.ref == CANONICAL
    }
    comment = next(
        a for a in result.plan if isinstance(a, CommentOnReport) and a.report_id == REPORT
    )
    resolve = next(a for a in result.plan if isinstance(a, ResolveReport) and a.report_id == REPORT)
    planned = comment_plan(validate(session.snapshot()), session.workspace.templates_dir)
    disclosed = next(
        a
        for a in disclose_plan(session.snapshot(), session.workspace.templates_dir).plan
        if isinstance(a, UpsertNote) and a.ref == CANONICAL
    )
    asked = next(a for a in planned.plan if isinstance(a, UpsertNote) and a.ref == COMMENTED)
    psirt = next(a for a in planned.plan if isinstance(a, UpsertNote) and a.marker == PSIRT_MARKER)
    return {
        "canonical_note.md": notes[CANONICAL, False],
        "bounty_reminder.md": notes[CANONICAL, True],
        "reporter_comment.md": comment.message,
        "resolve_message.md": resolve.message,
        "validate_comment.md": asked.body,
        "validate_resolved.md": resolved_body(session.config, session.workspace.templates_dir),
        "disclose_note.md": disclosed.body,
        "psirt_note.md": psirt.body,
        "psirt_resolved.md": psirt_resolved_note("GitLab", session.workspace.templates_dir),
    }


@pytest.fixture(scope="module")
def defaults(demo_template: Path) -> dict[str, str]:
    return texts(demo_template)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_default_text_matches_golden(name: str, defaults: dict[str, str]) -> None:
    path = GOLDEN / name
    text = defaults[name] + "\n"  # the files end with a newline; the texts are sent without
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"{path} missing: run with PSIRT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def test_a_workspace_template_overrides_each_text(demo_root: Path) -> None:
    for name, template in TEMPLATES.items():
        path = demo_root / "templates" / template
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Our own {name} for {{{{ product }}}}.\n", encoding="utf-8")
    overridden = texts(demo_root)
    assert overridden == {name: f"Our own {name} for GitLab." for name in TEMPLATES}


@pytest.mark.parametrize(
    ("finders", "greeting"),
    [
        ((), "Hi @kaizen-sec,"),
        (("kaizen-sec",), "Hi @kaizen-sec,"),
        (("kaizen-sec", "b"), "Hi @kaizen-sec and @b,"),
        (("kaizen-sec", "b", "c"), "Hi @kaizen-sec, @b and @c,"),
    ],
)
def test_the_reporter_comment_greets_every_finder(finders: tuple[str, ...], greeting: str) -> None:
    shipped = Shipped(
        product="GitLab",
        vendor="GitLab",
        versions="18.10.1",
        release="18.10.1",
        report_id=REPORT,
        reporter="kaizen-sec",
        finders=finders,
    )
    assert reporter_comment(shipped).splitlines()[0] == greeting


def test_close_greets_the_collaborators_of_a_report(demo_root: Path) -> None:
    path = next(demo_root.rglob(f"{REPORT}.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reporter: ", "collaborators: [b]\nreporter: ", 1), "utf-8")
    assert texts(demo_root)["reporter_comment.md"].startswith("Hi @kaizen-sec and @b,\n")
