"""Security issue rules (``ISS``) beyond their broken snapshot: council approvals by severity,
backports, reverts."""

from __future__ import annotations

from dataclasses import replace

from psirt.workflows.validate import run_rules
from tests import factories as f
from tests.rules.broken_snapshots import LABELS, codes, findings_of


def test_approvals_depend_on_council_severity() -> None:
    one = f.council(approvals=("ivan-appsec",))
    medium = f.snapshot(f.security_issue(vote=one))
    assert "ISS006" not in codes(medium)
    critical = f.snapshot(
        f.security_issue(
            vote=f.council(vector=f.CRITICAL_VECTOR, approvals=("ivan-appsec",)),
            labels=(LABELS.security_target, LABELS.severity(1), "Weakness::CWE-1333"),
            cve=f.cve_request(yaml=f.yaml_text(impact=f.CRITICAL_VECTOR)),
        )
    )
    (finding,) = findings_of(critical, "ISS006")
    assert "1 approval of 2" in finding.message


def test_reduced_backports_label_waives_missing_backports() -> None:
    item = f.security_issue(
        merge_requests=f.default_merge_requests(("18.10",)),
        labels=(
            LABELS.security_target,
            LABELS.severity(3),
            "Weakness::CWE-1333",
            LABELS.reduced_backports,
        ),
    )
    assert "ISS008" not in codes(f.snapshot(item))


def test_backports_only_for_minors_the_bug_reaches() -> None:
    """A bug introduced in 18.9 needs no 18-8-stable-ee backport."""
    yaml = f.yaml_text(
        description=f.DESCRIPTION.replace(
            "from 16.10 before 18.8.7, 18.9 before 18.9.3, and", "from 18.9 before 18.9.3 and"
        ),
        affected_versions=[">=18.9, <18.9.3", ">=18.10, <18.10.1"],
        fixed_versions=["18.9.3", "18.10.1"],
        solution="Upgrade to versions 18.9.3, 18.10.1 or above.",
    )
    item = f.security_issue(
        version_affected="18.9",
        merge_requests=f.default_merge_requests(("18.10", "18.9")),
        cve=f.cve_request(yaml=yaml),
    )
    assert run_rules(f.snapshot(item)) == []


def test_reverted_label_and_revert_title_both_count() -> None:
    mrs = list(f.default_merge_requests())
    by_label = replace(mrs[1], labels=(LABELS.reverted,))
    item = f.security_issue(merge_requests=(mrs[0], by_label, *mrs[2:]))
    assert "ISS011" in codes(f.snapshot(item))
    revert = replace(
        f.merge_request(mrs[3].target_branch, iid=300), title=f'Revert "{mrs[3].title}"'
    )
    titled = f.security_issue(merge_requests=(*mrs, revert))
    (finding,) = findings_of(f.snapshot(titled), "ISS011")
    assert str(mrs[3].ref) in finding.message
    assert "ISS008" not in codes(f.snapshot(titled))  # the revert itself is not a fix MR


def _medium_vote_approved_by(*users: str, **people: object) -> list[str]:
    """The ISS006 messages of the clean fix whose medium vote (author ben-psirt) ``users``
    approved, with ``[people]`` set as given."""
    config = f.CONFIG.model_copy(update={"people": f.CONFIG.people.model_copy(update=people)})
    item = f.security_issue(vote=f.council(approvals=users))
    snapshot = replace(f.snapshot(item), config=config)
    if "council" in people:
        members = tuple(u for u in people["council"] if not u.startswith("@"))  # type: ignore[attr-defined]
        snapshot = replace(snapshot, council_members=members)
    return [x.message for x in run_rules(snapshot) if x.code == "ISS006"]


def test_own_work_never_counts() -> None:
    """The assignee (chen-dev) and the MR authors do not count, however many they are."""
    mrs = tuple(replace(mr, author="dana-dev") for mr in f.default_merge_requests())
    item = f.security_issue(vote=f.council(approvals=("chen-dev", "dana-dev")), merge_requests=mrs)
    (finding,) = findings_of(f.snapshot(item), "ISS006")
    assert finding.message.endswith("not counted: chen-dev (assignee); dana-dev (MR author)")


def test_only_council_members_count_once_configured() -> None:
    assert _medium_vote_approved_by("gus-maint") == []  # no council configured: anyone
    (message,) = _medium_vote_approved_by("gus-maint", council=("ivan-appsec",))
    assert message.endswith("not counted: gus-maint (not on the council)")
    assert _medium_vote_approved_by("ivan-appsec", council=("ivan-appsec",)) == []


def test_a_configured_group_without_members_lets_nobody_approve() -> None:
    """A council group that could not be read (REL000 says so) is not "anyone"."""
    (message,) = _medium_vote_approved_by("ivan-appsec", council=("@gitlab-com/council",))
    assert "not counted: ivan-appsec (not on the council)" in message


def test_the_number_of_approvals_is_configurable() -> None:
    (message,) = _medium_vote_approved_by("ivan-appsec", council_approvals={"medium": 2})
    assert message.startswith("council: 1 approval of 2 needed for a medium vote")
    assert "(approved by ivan-appsec)" in message


def test_the_votes_author_approving_is_named() -> None:
    vote = replace(f.council(approvals=()), author_approved=True)
    (finding,) = findings_of(f.snapshot(f.security_issue(vote=vote)), "ISS006")
    assert finding.message.endswith("not counted: ben-psirt (the vote's author)")
