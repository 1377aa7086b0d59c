"""The one plan renderer: numbered actions with diffs, their outcomes after a run, and JSON."""

from __future__ import annotations

from psirt.actions.executor import Outcome
from psirt.actions.plan import Plan
from psirt.actions.tracker_actions import CloseIssue, EditDescription
from psirt.core.records import IssueRef
from psirt.render.plan import plan_json, plan_lines, render_plan

REF = IssueRef("gitlab-org/cves", 7)


def _plan() -> tuple[Plan, EditDescription, CloseIssue]:
    edit = EditDescription(REF, "a\n", "b\n", "update CVE YAML: solution")
    close = CloseIssue(REF, "the fix shipped")
    return Plan([edit, close]), edit, close


def test_before_a_run_every_action_with_its_diff() -> None:
    plan, _, _ = _plan()
    assert plan_lines(plan) == [
        "1. edit description of gitlab-org/cves#7: update CVE YAML: solution",
        "     --- gitlab-org/cves#7 (now)",
        "     +++ gitlab-org/cves#7 (planned)",
        "     @@ -1 +1 @@",
        "     -a",
        "     +b",
        "2. close gitlab-org/cves#7: the fix shipped",
    ]
    assert plan_lines(plan, diffs=False)[0].startswith("1. edit") and len(plan_lines(plan)) == 7
    assert render_plan(Plan()) == "nothing to do"


def test_after_a_run_outcomes_are_tagged_and_a_skipped_edit_shows_no_diff() -> None:
    plan, edit, close = _plan()
    outcomes = [Outcome(edit, "skipped", "already up to date"), Outcome(close, "applied", "closed")]
    assert render_plan(plan, outcomes).splitlines() == [
        "1. edit description of gitlab-org/cves#7: update CVE YAML: solution "
        "[skipped: already up to date]",
        "2. close gitlab-org/cves#7: the fix shipped [applied: closed]",
    ]


def test_json_names_each_action_and_its_outcome() -> None:
    plan, _, close = _plan()
    data = plan_json(plan, [Outcome(close, "would apply")])
    assert [(a["kind"], a["subject"], a["outcome"], a["detail"]) for a in data] == [
        ("edit", "gitlab-org/cves#7", None, None),
        ("close", "gitlab-org/cves#7", "would apply", ""),
    ]
    assert data[0]["why"] == "update CVE YAML: solution" and "+b" in data[0]["diff"]
    assert data[1]["diff"] is None
