"""``psirt demo``: write the demo workspace, then run the read-only pipeline over it.

Each step takes the opened session and the folder, and returns the lines it prints. Steps only
read the trackers (or write artifacts into the workspace folder); nothing runs live.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from psirt.compute.confidential import Confidential
from psirt.compute.severity import SeverityPolicy, fix_severity, release_severity
from psirt.core.words import plural, quoted
from psirt.core.workspace import Workspace, shown_path
from psirt.knowledge.cvss import SEVERITY_NAMES
from psirt.parsing.blog_post import parse_post
from psirt.render.blog import render_post
from psirt.render.email import build_email
from psirt.render.handover import release_status
from psirt.render.pings import pings_for
from psirt.render.thanks import build_thanks, names_in
from psirt.session import Session, open_session
from psirt.workflows import (
    advisory,
    blog,
    close,
    comms,
    cve_export,
    cve_status,
    disclose,
    update_cves,
    verify,
)
from psirt.workflows.validate import validate


@dataclass(frozen=True)
class StepResult:
    title: str
    lines: tuple[str, ...]


Step = Callable[[Session], StepResult]


def summary_step(session: Session) -> StepResult:
    """The release at a glance. Fixes are counted by the severity that decides who is told
    (the notification policy), named as its label, so the summary agrees with notify."""
    snapshot = session.snapshot()
    release = snapshot.release
    names = session.config.people
    labels = session.config.labels
    severities: Counter[str] = Counter()
    for item in snapshot.issues:
        level = fix_severity(item, labels, SeverityPolicy.NOTIFICATION)
        severities[labels.severity(level) if level is not None else "unrated"] += 1
    managers = ", ".join(names.name_of(user) for user in release.release_managers) or "none"
    lines = [
        f"versions {release.version_list}, due {release.due_date}, "
        f"{'planned' if release.planned else 'unplanned'}",
        f"tracking issue {release.tracking_issue.ref}; release managers: {managers}",
        f"{plural(len(snapshot.issues), 'security fix')} ("
        + ", ".join(f"{label}: {count}" for label, count in sorted(severities.items()))
        + f"), {plural(len(snapshot.cve_requests), 'CVE request')}, "
        f"{plural(sum(1 for i in snapshot.issues if i.report is not None), 'HackerOne report')}",
        f"loaded with {plural(snapshot.request_count, 'read')}",
    ]
    lines += [f"problem: {p}" for p in snapshot.problems]
    return StepResult("release", tuple(lines))


#: The checks on who approved what, whose findings the demo prints in full.
APPROVAL_CODES = ("ISS006", "CVE029")


def validate_step(session: Session) -> StepResult:
    """The demo's validation summary: counts by level, the codes found on each issue, and the
    approvals that do not hold (who approved, and why it does not count)."""
    report = validate(session.snapshot())
    approvals = [
        f"approval: {f.subject}: {f.message}" for f in report.findings if f.code in APPROVAL_CODES
    ]
    return StepResult("validation", (*report.summary_lines(), *approvals))


def update_cves_step(session: Session) -> StepResult:
    """The demo's update-cves dry run: how many requests would change, and the conflicts."""
    result = update_cves.plan_update_cves(session.snapshot())
    lines = [
        f"{len(result.plan)} of {plural(len(result.updates), 'CVE request')} would change "
        f"({', '.join(str(u.ref) for u in result.changed) or 'none'})",
        f'{len(result.unvalidated)} would lose ~"{result.validated_label}" '
        "(their CVE description changes)",
        plural(len(result.conflicts), "conflict") + (":" if result.conflicts else ""),
    ]
    lines += [f"  {c.line()}" for c in result.conflicts]
    lines += [f"could not compute: {p}" for p in result.problems]
    return StepResult("update-cves (dry run)", tuple(lines))


def blog_step(session: Session) -> StepResult:
    """Write ``out/blog.md`` and ``out/cves/*.json`` into the demo workspace, then lint both."""
    snapshot = session.snapshot()
    post = blog.expected_post(session, snapshot)
    text = render_post(post, session.config, session.workspace.templates_dir)
    path = blog.default_post_path(session)
    blog.write_text(path, text)
    findings = blog.lint_text(text, path.name, post, Confidential.of(session.config, snapshot))
    root = session.workspace.root
    lines = [f"blog post written to {shown_path(path)}: {blog.summarize(findings)}"]
    lines += blog.held_back_lines(post)
    lines += [f"  {f.code} {f.level}: {f.message}" for f in findings]
    exported = cve_export.export(
        session, root / blog.OUT_DIR / "cves", snapshot=snapshot, blog_url=post.url
    ).records
    record_findings = [f for item in exported for f in item.findings]
    summary = blog.summarize(record_findings)
    cves = shown_path(root / blog.OUT_DIR / "cves")
    lines.append(f"{plural(len(exported), 'CVE record')} written to {cves}: {summary}")
    lines += [f"  {f.code} {f.subject}: {f.message}" for f in record_findings if f.is_error]
    differences = verify.compare(parse_post(text), post, snapshot)
    lines.append(
        f"verify-fixes: {plural(len(differences), 'difference')} between the post and the release"
    )
    lines += [f"  [{d.kind}] {d.message}" for d in differences]
    return StepResult("blog post and CVE records", tuple(lines))


def advisory_step(session: Session) -> StepResult:
    """Write the release's CSAF 2.0 document and OSV records into ``out/``, from the facts the
    post and the records read, each checked against its official schema."""
    snapshot = session.snapshot()
    root = session.workspace.root
    csaf_export = advisory.export_csaf(session, root / blog.OUT_DIR / "csaf", snapshot=snapshot)
    osv_export = advisory.export_osv(session, root / blog.OUT_DIR / "osv", snapshot=snapshot)
    document = csaf_export.written[0]
    csaf, osv = (shown_path(root / blog.OUT_DIR / name) for name in ("csaf", "osv"))
    tracking = document.document["document"]["tracking"]
    count = len(document.document.get("vulnerabilities", []))
    lines = [
        f"CSAF 2.0: {shown_path(document.path)} ({plural(count, 'vulnerability')}, version "
        f"{tracking['version']}, {tracking['status']}), schema: "
        f"{blog.summarize(list(document.findings))}",
        f"OSV: {plural(len(osv_export.written), 'record')} written to {osv}, schema: "
        f"{blog.summarize(osv_export.findings)}",
    ]
    findings = [*document.findings, *osv_export.findings]
    lines += [f"  {f.code} {f.subject}: {f.message}" for f in findings if f.is_error]
    lines += [
        f"left out: {entry.cve_id or entry.title} (held back, as in the post)"
        for entry in csaf_export.advisory.held_back
    ]
    lines.append(f"check them: psirt advisory lint {csaf}/*.json {osv}/*.json")
    return StepResult("advisories (CSAF 2.0, OSV)", tuple(lines))


def comms_step(session: Session) -> StepResult:
    """The demo's comms summary: who is told, what the e-mail says, who is thanked."""
    snapshot = session.snapshot()
    level = release_severity(snapshot)
    pings = pings_for(level or 4, snapshot.config)
    mail = build_email(snapshot)
    thanks = build_thanks(snapshot)
    status = release_status(snapshot, comms.findings_left(snapshot))
    counts = ", ".join(f"{count} {name.lower()}" for name, count in mail.counts)
    lines = (
        f"status: {status.line()}",
        f"notify ({SEVERITY_NAMES.get(level or 0, 'unknown')}): "
        + ", ".join(ping.key for ping in pings),
        f"e-mail: {quoted(mail.subject)}, {plural(mail.total, 'fix')} ({counts}), {mail.blog_url}",
        f"thanks: {plural(len(names_in(thanks.groups)), 'person', 'people')}",
    )
    return StepResult("comms", lines)


def close_step(session: Session) -> StepResult:
    """The dry-run plan of ``close`` for the demo release. The demo's blog post is not online,
    so the step assumes it public (as ``--blog-published`` would) and says so."""
    here = shown_path(session.workspace.root)
    result = close.run_close(
        session.workspace, close.CloseOptions(blog_published=True), live=False, session=session
    )
    counts: dict[str, int] = {}
    for action in result.plan:
        counts[action.kind] = counts.get(action.kind, 0) + 1
    lines = [
        "dry run, assuming the blog post is public (as --blog-published would; the demo post "
        "is not online)",
        f"{plural(len(result.plan), 'action')} ("
        + ", ".join(f"{kind}: {n}" for kind, n in counts.items())
        + f"), {len(result.refusals)} refused, "
        f"{plural(len(result.unpaid), 'report')} without a bounty",
        *(f"refused [{r.step}] {r.subject}: {r.reason}" for r in result.refusals),
        f"the whole plan: psirt close -w {here} (add --live to apply)",
    ]
    return StepResult("close plan (dry run)", tuple(lines))


def cve_status_step(session: Session) -> StepResult:
    """``cve status`` against the workspace's local CNA (``cna/published``): the demo publishes
    nothing, so every CVE of a released fix is still RESERVED, days after the release."""
    from psirt.cna.local import LocalCna

    report = cve_status.run_status(session, cna=LocalCna(session.workspace.root))
    states: Counter[str] = Counter(s.watch.state or "unknown" for s in report.cves)
    codes: Counter[str] = Counter(f.code for f in report.findings)
    lines = [
        "read from the local CNA (cna/published in the workspace)",
        f"{plural(len(report.cves), 'CVE')}: "
        + ", ".join(f"{state} {count}" for state, count in sorted(states.items())),
        plural(len(report.findings), "finding")
        + (": " + ", ".join(f"{code} x{n}" for code, n in sorted(codes.items())) if codes else ""),
    ]
    first = next(iter(report.findings), None)
    if first is not None:
        lines.append(f"  e.g. {first.subject}: {first.message}")
    lines.append(f"the whole report: psirt cve status -w {shown_path(session.workspace.root)}")
    return StepResult("cve status (after the release)", tuple(lines))


def disclose_step(session: Session) -> StepResult:
    """The dry-run plan of ``disclose``: which canonical issues would become public, and why
    the others stay confidential."""
    result = disclose.run_disclose(session, live=False)
    state = "not yet reached" if result.blocked else "reached"
    lines = [
        f"released {result.released_on}; issues public from {result.disclose_on} ({state})",
        f"{plural(len(result.plan), 'action')}, {len(result.refusals)} refused",
        *(f"refused {r.subject}: {r.reason}" for r in result.refusals[:4]),
    ]
    if len(result.refusals) > 4:
        lines.append(f"... and {len(result.refusals) - 4} more")
    lines.append(
        f"the whole plan: psirt disclose -w {shown_path(session.workspace.root)} "
        "(add --live to apply)"
    )
    return StepResult("disclose (dry run)", tuple(lines))


STEPS: tuple[Step, ...] = (
    summary_step,
    validate_step,
    update_cves_step,
    blog_step,
    advisory_step,
    comms_step,
    close_step,  # what finishing the release would do
    cve_status_step,  # then, after the release: the CVEs at the CNA
    disclose_step,  # and making the issues public
)


def run_demo(folder: Path) -> list[StepResult]:
    from psirt.demo.build import build_demo

    build_demo(folder)
    session = open_session(Workspace(folder.resolve()))
    return [step(session) for step in STEPS]
