"""``psirt validate``: run every rule over one release snapshot, and ask the owners to fix.

The comments go on the security implementation issue, one per issue, covering that issue and its
CVE request: the engineer who owns the fix owns both, and one place to look (and one
notification) is what makes a request to fix things get acted on. Only findings about that issue
and its own CVE request go in, so a comment never carries another fix's details, and only what
its assignees can do (``validate_owners``). What belongs to PSIRT (running update-cves, the
validated label, the CNA bot, release-wide findings) goes to one internal note on the release's
PSIRT task issue (the tracking issue when there is none), addressed to the release managers. A
public security issue gets no comment at all (ISS014 says why, in PSIRT's note).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from psirt.actions.executor import Outcome
from psirt.actions.plan import Plan
from psirt.actions.run import run_plan
from psirt.actions.tracker_actions import UpsertNote, find_marked_note
from psirt.core.config import Config
from psirt.core.errors import ExitCode
from psirt.core.finding import Finding
from psirt.core.words import plural
from psirt.model.acknowledged import acknowledge, owners
from psirt.model.locations import locate
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.render.findings import FindingGroup, FindingsReport, counts
from psirt.render.notes import (
    FindingsComment,
    FindingsSection,
    PsirtNote,
    findings_comment,
    psirt_note,
    psirt_resolved_note,
    resolved_note,
)
from psirt.rules.registry import RULES, RuleRegistry, load_all
from psirt.workflows.validate_owners import belongs_to_psirt, update_cves_fields

if TYPE_CHECKING:
    from psirt.session import Session

COMMENT_MARKER = "validate"  # the note carries <!-- psirt:validate -->
PSIRT_MARKER = "validate-psirt"  # PSIRT's note on the task issue: <!-- psirt:validate-psirt -->


@dataclass(frozen=True)
class IssueFindings:
    """The findings about one security issue (and its CVE request), or about the release."""

    subject: str  # the security issue's ref, or the tracking issue's for release findings
    item: SecurityIssue | None
    findings: tuple[Finding, ...]

    @property
    def codes(self) -> list[str]:
        return sorted({finding.code for finding in self.findings})


@dataclass(frozen=True)
class ValidationReport:
    snapshot: ReleaseSnapshot
    findings: tuple[Finding, ...]
    groups: tuple[IssueFindings, ...] = field(default=())

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.is_error)

    @property
    def warnings(self) -> int:
        """Warnings no one acknowledged."""
        return sum(1 for finding in self.findings if finding.is_warning)

    @property
    def acknowledged(self) -> int:
        return sum(1 for finding in self.findings if finding.acknowledged is not None)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.errors else ExitCode.OK

    def findings_report(self) -> FindingsReport:
        """The findings grouped by security issue (titled), the release's last."""
        groups = tuple(
            FindingGroup(
                group.subject,
                group.item.title if group.item is not None else "release",
                group.findings,
            )
            for group in self.groups
        )
        release = self.snapshot.release
        summary = (
            f"{release.version_list or 'release'}: "
            f"{plural(len(self.snapshot.issues), 'security issue')} checked, "
            f"{counts(self.findings)}"
        )
        return FindingsReport(groups, summary, int(self.exit_code))

    def codes_by_issue(self) -> dict[str, list[str]]:
        return {group.subject: group.codes for group in self.groups}

    def summary_lines(self) -> list[str]:
        """Counts by level, then the codes found on each issue (the demo step prints these)."""
        lines = [f"{plural(len(self.findings), 'finding')}: {counts(self.findings)}"]
        for group in self.groups:
            lines.append(f"{group.subject}: {', '.join(group.codes)}")
        clean = [item for item in self.snapshot.issues if item.ref not in self._grouped_refs()]
        if clean:
            lines.append("clean: " + ", ".join(str(item.ref) for item in clean))
        return lines

    def _grouped_refs(self) -> set[object]:
        return {group.item.ref for group in self.groups if group.item is not None}


def run_rules(snapshot: ReleaseSnapshot, registry: RuleRegistry | None = None) -> list[Finding]:
    """Every issue check over every issue, then the release checks; unknown codes are a bug."""
    rules = registry if registry is not None else load_all()
    findings: list[Finding] = []
    for item in snapshot.issues:
        for kind in ("security issue", "CVE request"):
            findings.extend(rules.run(kind, item, snapshot))
    findings.extend(rules.run("release", snapshot))
    for finding in findings:
        if finding.code not in rules:
            raise AssertionError(f"finding with undeclared code {finding.code}")
    return findings


def validate(snapshot: ReleaseSnapshot, registry: RuleRegistry | None = None) -> ValidationReport:
    """Every rule over the release; each finding located (file and line, or web URL) and,
    when a person reviewed a warning, acknowledged."""
    findings = acknowledge(locate(run_rules(snapshot, registry), snapshot), snapshot)
    owner = owners(snapshot)
    by_issue: dict[str, list[Finding]] = {}
    release: list[Finding] = []
    for finding in findings:
        item = owner.get(finding.subject)
        if item is None:
            release.append(finding)
        else:
            by_issue.setdefault(str(item.ref), []).append(finding)
    groups: list[IssueFindings] = []
    for item in snapshot.issues:  # snapshot order: by reference
        mine = by_issue.get(str(item.ref))
        if mine:
            groups.append(IssueFindings(str(item.ref), item, tuple(_ordered(mine, item))))
    if release:
        subject = str(snapshot.release.tracking_issue.ref)
        groups.append(IssueFindings(subject, None, tuple(release)))
    ordered = tuple(finding for group in groups for finding in group.findings)
    return ValidationReport(snapshot, ordered, tuple(groups))


def _ordered(findings: list[Finding], item: SecurityIssue) -> list[Finding]:
    """The issue's own findings first, then its CVE request's; errors before warnings."""
    own = str(item.ref)
    return sorted(findings, key=lambda f: (f.subject != own, f.level != "error", f.code))


def comment_body(
    group: IssueFindings, snapshot: ReleaseSnapshot, templates_dir: Path | None = None
) -> str:
    """The consolidated request to the issue's assignees: what is missing and how to fix it
    (``validate/comment.md.j2``), the issue's own findings first, then its CVE request's."""
    assert group.item is not None
    item = group.item
    people = item.issue.assignees or ((item.issue.author,) if item.issue.author else ())
    release = snapshot.release
    sections: dict[str, list[Finding]] = {}
    for finding in group.findings:
        sections.setdefault(finding.subject, []).append(finding)
    comment = FindingsComment(
        product=snapshot.config.product.name,
        people=tuple(people),
        versions=release.version_list or "the upcoming release",
        due_date=str(release.due_date) if release.due_date else None,
        sections=tuple(
            FindingsSection(
                "This security issue" if subject == str(item.ref) else f"CVE request {subject}",
                tuple(findings),
            )
            for subject, findings in sections.items()
        ),
    )
    return findings_comment(comment, templates_dir)


def resolved_body(config: Config, templates_dir: Path | None = None) -> str:
    """The note that replaces the request once everything asked is resolved."""
    return resolved_note(config.product.name, templates_dir)


@dataclass(frozen=True)
class CommentPlan:
    plan: Plan
    skipped: tuple[str, ...]  # why an issue with findings gets no comment


def comment_plan(report: ValidationReport, templates_dir: Path | None = None) -> CommentPlan:
    """One ``UpsertNote`` per security issue with findings its assignees can act on, and one on
    the PSIRT task issue with the rest, all internal notes (texts from the workspace's templates
    when it has its own)."""
    snapshot = report.snapshot
    computed = update_cves_fields(snapshot)
    plan = Plan()
    skipped: list[str] = []
    theirs: set[object] = set()
    psirt: list[IssueFindings] = []
    for group in report.groups:
        item = group.item
        ours = tuple(
            f for f in group.findings if f.acknowledged is None and belongs_to_psirt(f, computed)
        )
        if item is None or ours:
            psirt.append(replace(group, findings=group.findings if item is None else ours))
        if item is None:
            continue
        asked = tuple(f for f in group.findings if f not in ours and f.acknowledged is None)
        if not asked:
            continue
        if not item.issue.confidential:
            skipped.append(f"{item.ref}: not commenting on a public issue (make it confidential)")
            continue
        theirs.add(item.ref)
        plan.add(
            UpsertNote(
                ref=item.ref,
                marker=COMMENT_MARKER,
                body=comment_body(replace(group, findings=asked), snapshot, templates_dir),
                why=f"ask the assignees to fix {', '.join(sorted({f.code for f in asked}))}",
                internal=True,
            )
        )
    for item in snapshot.issues:
        if item.ref in theirs or find_marked_note(item.notes, COMMENT_MARKER) is None:
            continue
        plan.add(
            UpsertNote(
                ref=item.ref,
                marker=COMMENT_MARKER,
                body=resolved_body(snapshot.config, templates_dir),
                why="every finding asked for earlier is resolved",
                internal=True,
            )
        )
    plan.add(_psirt_action(psirt, snapshot, computed, templates_dir))
    return CommentPlan(plan, tuple(skipped))


def _psirt_action(
    groups: list[IssueFindings],
    snapshot: ReleaseSnapshot,
    computed: dict[str, frozenset[str]],
    templates_dir: Path | None,
) -> UpsertNote:
    """PSIRT's note on the task issue (the tracking issue without one): what the validation
    leaves for the release managers, or, once nothing is, the resolved text in its place."""
    release = snapshot.release
    target = (release.task_issue or release.tracking_issue).ref
    product = snapshot.config.product.name
    if not groups:
        return UpsertNote(
            target,
            PSIRT_MARKER,
            psirt_resolved_note(product, templates_dir),
            "nothing is left for PSIRT (the note, if any, says so)",
            internal=True,
            update_only=True,
        )
    sections: list[FindingsSection] = []
    for group in groups:
        by_subject: dict[str, list[Finding]] = {}
        for finding in group.findings:
            by_subject.setdefault(finding.subject, []).append(finding)
        for subject, findings in by_subject.items():
            title = "The release" if group.item is None else _psirt_title(subject, group.item)
            sections.append(FindingsSection(title, tuple(findings)))
    wanted = tuple(sorted({f.subject for g in groups for f in g.findings if f.subject in computed}))
    note = PsirtNote(
        product=product,
        people=release.release_managers,
        versions=release.version_list or "the upcoming release",
        due_date=str(release.due_date) if release.due_date else None,
        update_cves=wanted,
        sections=tuple(sections),
    )
    codes = sorted({f.code for g in groups for f in g.findings})
    return UpsertNote(
        target,
        PSIRT_MARKER,
        psirt_note(note, templates_dir),
        f"ask the release managers for what belongs to PSIRT ({', '.join(codes)})",
        internal=True,
    )


def _psirt_title(subject: str, item: SecurityIssue) -> str:
    """By reference only: the note may sit on a project more people read than the fixes'."""
    if subject == str(item.ref):
        return f"Security issue {item.ref}"
    return f"CVE request {subject} (of {item.ref})"


def post_comments(
    session: Session, report: ValidationReport, *, live: bool
) -> tuple[CommentPlan, list[Outcome]]:
    """``validate --comment``: the comment plan, checked (dry run) or posted (``live``)."""
    planned = comment_plan(report, session.workspace.templates_dir)
    return planned, run_plan(session, planned.plan, live)


def all_rules() -> RuleRegistry:
    """The registry with every rule module loaded (``psirt rules``)."""
    load_all()
    return RULES
