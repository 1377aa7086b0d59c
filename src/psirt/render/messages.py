"""The release's human messages: PSIRT checklist, handover, stakeholder pings, customer e-mail,
thank-you.

Each message is a small model built by a pure function of the release snapshot, then filled into
a packaged template that a team overrides from its workspace's ``templates/`` folder. The e-mail is
built from the blog post's own model, so it cannot state a fix, a version or a severity that the
post does not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.core.records import IssueRef, MergeRequestRef
from psirt.knowledge.cvss import SEVERITY_NAMES, severity_from_labels
from psirt.knowledge.stakeholders import stakeholders_for
from psirt.model.merge_requests import without_reverts
from psirt.model.release import Release, ReleaseSnapshot, SecurityIssue
from psirt.parsing.links import link_target
from psirt.render.env import render

CHECKLIST_TEMPLATE = "checklist.md.j2"
HANDOVER_TEMPLATE = "handover.md.j2"
NOTIFY_TEMPLATE = "notify.md.j2"
EMAIL_TEXT_TEMPLATE = "email.txt.j2"
EMAIL_HTML_TEMPLATE = "email.html.j2"
THANKS_TEMPLATE = "thanks.md.j2"

SEVERITY_ORDER = ("Critical", "High", "Medium", "Low")


# --- shared facts ------------------------------------------------------------------------


def _council_level(item: SecurityIssue) -> int | None:
    if item.council is None or not item.council.vector:
        return None
    from psirt.knowledge.cvss import parse_vector

    try:
        score = parse_vector(item.council.vector)
    except InputError:
        return None
    return score.gitlab_severity if score.base_score > 0 else None


def fix_severity(item: SecurityIssue, config: Config) -> int | None:
    """1 critical .. 4 low: the worse of the council's vector and the ``severity::N`` label.

    When the two disagree (validate reports it), the worse one decides who is told: telling a
    team too much is a smaller mistake than not telling it of a critical fix."""
    label_level = severity_from_labels(item.issue.labels, config.labels)
    levels = [lvl for lvl in (_council_level(item), label_level) if lvl is not None]
    return min(levels) if levels else None


def highest_severity(snapshot: ReleaseSnapshot) -> int | None:
    """The release's worst fix, None when no fix has a severity yet."""
    levels = [fix_severity(item, snapshot.config) for item in snapshot.issues]
    known = [level for level in levels if level is not None]
    return min(known) if known else None


def issue_url(ref: IssueRef, config: Config) -> str:
    return f"{config.tracker.url.rstrip('/')}/{ref.project}/-/issues/{ref.iid}"


def merge_request_url(ref: MergeRequestRef, config: Config) -> str:
    return f"{config.tracker.url.rstrip('/')}/{ref.project}/-/merge_requests/{ref.iid}"


_URL = re.compile(r"^https?://\S+$")
_KEY_VALUE = re.compile(
    r"^\s*(?:[*+-]\s+)?(?:\*\*)?(?P<key>[A-Za-z][^:|*]{2,60}?)(?:\*\*)?\s*:\s*"
    r"(?:\*\*)?\s*(?P<value>\S.*?)\s*$"
)
_TABLE_ROW = re.compile(r"^\s*\|\s*(?P<key>[^|]+?)\s*\|\s*(?P<value>[^|]+?)\s*\|\s*$")

# Roles of the task issue's links, by words of the line's label (first match wins).
_LINK_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("draft_blog_mr", ("draft blog",)),
    ("blog_mr", ("canonical blog", "blog post mr", "blog mr", "release blog")),
    ("communications", ("communications issue", "comms issue", "communications")),
    ("tracking", ("tracking issue", "patch release issue", "release issue")),
)


@dataclass(frozen=True)
class TaskLinks:
    """What the PSIRT task issue links to, as URLs (None when the task issue does not say)."""

    tracking: str | None = None
    communications: str | None = None
    draft_blog_mr: str | None = None
    blog_mr: str | None = None


def _as_url(value: str, config: Config) -> str | None:
    text = link_target(value)
    issue = IssueRef.parse(text)
    if issue is not None and not text.startswith("http"):
        return issue_url(issue, config)
    mr = MergeRequestRef.parse(text)
    if mr is not None and not text.startswith("http"):
        return merge_request_url(mr, config)
    return text if _URL.match(text) else None


def task_links(description: str, config: Config) -> TaskLinks:
    """The links of a task issue description: ``Label: ref-or-URL`` lines, list items or
    two-column table rows (GitLab references, URLs or Markdown links)."""
    found: dict[str, str] = {}
    for line in description.splitlines():
        match = _TABLE_ROW.match(line) or _KEY_VALUE.match(line)
        if match is None:
            continue
        key = match["key"].strip().lower()
        url = _as_url(match["value"], config)
        if url is None:
            continue
        for role, words in _LINK_ROLES:
            if role not in found and any(word in key for word in words):
                found[role] = url
                break
    return TaskLinks(**found)


def _links_of(release: Release, config: Config) -> TaskLinks:
    task = release.task_issue
    return task_links(task.description, config) if task is not None else TaskLinks()


def _web_url(issue_ref: IssueRef, web_url: str, config: Config) -> str:
    return web_url or issue_url(issue_ref, config)


# --- checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ping:
    """One stakeholder to tell: a key of ``people.stakeholders``, its handle, and why."""

    key: str
    handle: str
    why: str

    @property
    def is_channel(self) -> bool:
        return self.handle.startswith("#")


@dataclass(frozen=True)
class Checklist:
    title: str
    marker: str  # identifies the checklist issue of this release on the tracker
    versions: str
    due_date: str
    unplanned: bool
    tracking: str  # URL of the security tracking issue
    communications: str | None
    release_managers: tuple[str, ...]
    severity: int | None
    severity_name: str
    pings: tuple[Ping, ...]


def pings_for(level: int, config: Config) -> tuple[Ping, ...]:
    """Who is told for a release whose worst fix is ``level``, with the configured handles."""
    handles = config.people.stakeholders
    missing = [s.key for s in stakeholders_for(level) if not handles.get(s.key)]
    if missing:
        raise InputError(
            f"people.stakeholders has no handle for {', '.join(missing)} "
            f"(needed for a {SEVERITY_NAMES[level]} release)",
            where="psirt.toml",
        )
    return tuple(Ping(s.key, handles[s.key], s.why) for s in stakeholders_for(level))


def build_checklist(snapshot: ReleaseSnapshot, *, unplanned: bool = False) -> Checklist:
    """The checklist; an unplanned release is critical (S1) whatever its fixes say so far."""
    config, release = snapshot.config, snapshot.release
    level = 1 if unplanned else highest_severity(snapshot)
    versions = release.version_list
    links = _links_of(release, config)
    return Checklist(
        title=f"PSIRT checklist: security patch release {versions}",
        marker="checklist:" + ",".join(str(v) for v in release.versions),
        versions=versions,
        due_date=str(release.due_date) if release.due_date else "",
        unplanned=unplanned,
        tracking=_web_url(release.tracking_issue.ref, release.tracking_issue.web_url, config),
        communications=links.communications,
        release_managers=release.release_managers,
        severity=level,
        severity_name=SEVERITY_NAMES.get(level or 0, "unknown"),
        pings=pings_for(level or 4, config),
    )


def render_checklist(
    checklist: Checklist, config: Config, templates_dir: Path | None = None
) -> str:
    return render(CHECKLIST_TEMPLATE, {"c": checklist, "labels": config.labels}, templates_dir)


# --- handover ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseStatus:
    """What the snapshot says is left; ``findings`` is None when validation was not run."""

    fixes: int
    findings: tuple[int, int] | None  # (errors, warnings) from psirt validate
    cves_not_validated: tuple[str, ...]  # CVE request refs
    mrs_not_merged: tuple[str, ...]  # merge request refs

    def line(self) -> str:
        parts = [f"{self.fixes} fixes"]
        if self.findings is not None:
            errors, warnings = self.findings
            parts.append(f"{errors + warnings} findings left ({errors} errors)")
        parts.append(f"{len(self.cves_not_validated)} CVEs not yet validated")
        parts.append(f"{len(self.mrs_not_merged)} MRs not merged")
        return ", ".join(parts)


def release_status(
    snapshot: ReleaseSnapshot, findings: tuple[int, int] | None = None
) -> ReleaseStatus:
    validated = snapshot.config.labels.description_validated
    not_validated = tuple(
        str(request.ref)
        for request in snapshot.cve_requests
        if not request.issue.has_label(validated)
    )
    missing_request = tuple(
        f"{item.ref} (no CVE request)" for item in snapshot.issues if item.cve_request is None
    )
    open_mrs = sorted(
        {
            str(mr.ref)
            for item in snapshot.issues
            for mr in item.merge_requests
            if mr.state in ("opened", "locked")
        }
    )
    return ReleaseStatus(
        fixes=len(snapshot.issues),
        findings=findings,
        cves_not_validated=(*not_validated, *missing_request),
        mrs_not_merged=tuple(open_mrs),
    )


@dataclass(frozen=True)
class Handover:
    to: str
    status: str
    next: str
    computed: str
    release_issue: str
    checklist: str | None
    draft_blog_mr: str | None
    blog_mr: str | None
    communications: str | None


def build_handover(
    snapshot: ReleaseSnapshot,
    *,
    status: str,
    next_step: str,
    to: str | None = None,
    sender: str | None = None,
    findings: tuple[int, int] | None = None,
) -> Handover:
    """``to`` defaults to the release manager who is not ``sender`` (the primary by default)."""
    config, release = snapshot.config, snapshot.release
    if to is None:
        me = sender or release.primary
        others = [user for user in release.release_managers if user != me]
        if not others:
            raise InputError(
                "no other release manager to hand over to (pass --to USER)",
                where=str(
                    release.task_issue.ref if release.task_issue else release.tracking_issue.ref
                ),
            )
        to = others[0]
    links = _links_of(release, config)
    task = release.task_issue
    tracking = release.tracking_issue
    return Handover(
        to=to.lstrip("@"),
        status=" ".join(status.split()),
        next=" ".join(next_step.split()),
        computed=release_status(snapshot, findings).line(),
        release_issue=links.tracking or _web_url(tracking.ref, tracking.web_url, config),
        checklist=_web_url(task.ref, task.web_url, config) if task is not None else None,
        draft_blog_mr=links.draft_blog_mr,
        blog_mr=links.blog_mr,
        communications=links.communications,
    )


def render_handover(handover: Handover, templates_dir: Path | None = None) -> str:
    return render(HANDOVER_TEMPLATE, {"h": handover}, templates_dir)


# --- stakeholder notifications -----------------------------------------------------------


@dataclass(frozen=True)
class Notifications:
    versions: str
    due_date: str
    severity: int
    severity_name: str
    counts: tuple[tuple[str, int], ...]  # ("critical", 2) ... worst first, only non-zero
    blog_url: str | None
    communications: str | None
    checklist: str | None
    pings: tuple[Ping, ...]


def severity_counts(levels: Iterable[int | None]) -> tuple[tuple[str, int], ...]:
    counted = Counter(level for level in levels if level is not None)
    return tuple((SEVERITY_NAMES[lvl], counted[lvl]) for lvl in sorted(counted))


def build_notifications(snapshot: ReleaseSnapshot, blog_url: str | None) -> Notifications:
    config, release = snapshot.config, snapshot.release
    level = highest_severity(snapshot)
    if level is None:
        raise InputError(
            "no fix of the release has a severity (council vector or severity label) yet",
            where=str(release.tracking_issue.ref),
        )
    links = _links_of(release, config)
    task = release.task_issue
    return Notifications(
        versions=release.version_list,
        due_date=str(release.due_date) if release.due_date else "",
        severity=level,
        severity_name=SEVERITY_NAMES[level],
        counts=severity_counts(fix_severity(item, config) for item in snapshot.issues),
        blog_url=blog_url,
        communications=links.communications,
        checklist=_web_url(task.ref, task.web_url, config) if task is not None else None,
        pings=pings_for(level, config),
    )


def render_notifications(notes: Notifications, templates_dir: Path | None = None) -> str:
    return render(NOTIFY_TEMPLATE, {"n": notes}, templates_dir)


# --- customer e-mail ---------------------------------------------------------------------


@dataclass(frozen=True)
class EmailFix:
    severity: str  # "Critical" .. "Low", "" when unknown
    title: str
    cve_id: str | None


@dataclass(frozen=True)
class Email:
    subject: str
    product: str
    editions: str
    date_text: str
    versions: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]  # ("Critical", 2) ... in severity order, non-zero only
    fixes: tuple[EmailFix, ...]  # the post's table order
    blog_url: str

    @property
    def total(self) -> int:
        return len(self.fixes)


def build_email(snapshot: ReleaseSnapshot) -> Email:
    """The Security Alerts e-mail, from the blog post's model: same versions, same fixes, same
    severities, same URL; no description, vector or credit (the post is where those live)."""
    from psirt.compute.post import build_post

    post = build_post(snapshot)
    counted = Counter(entry.severity for entry in post.table)
    counts = tuple((name, counted[name]) for name in SEVERITY_ORDER if counted[name])
    if counted[""]:
        counts = (*counts, ("Unrated", counted[""]))
    day = post.release_date
    return Email(
        subject=post.title,
        product=snapshot.config.product.name,
        editions=post.editions,
        date_text=f"{day:%B} {day.day}, {day.year}",
        versions=post.versions,
        counts=counts,
        fixes=tuple(EmailFix(e.severity, e.title, e.cve_id) for e in post.table),
        blog_url=post.url,
    )


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(email: Email, templates_dir: Path | None = None) -> RenderedEmail:
    context = {"e": email}
    return RenderedEmail(
        subject=email.subject,
        text=render(EMAIL_TEXT_TEMPLATE, context, templates_dir),
        html=render(EMAIL_HTML_TEMPLATE, context, templates_dir),
    )


# --- thank-you ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ThanksGroup:
    role: str  # "release_managers", "authors", "reviewers", "psirt_reviewers", "reporters"
    names: tuple[str, ...]


@dataclass(frozen=True)
class Thanks:
    versions: str
    groups: tuple[ThanksGroup, ...]  # only non-empty groups, each person in their first one


_HANDLE = re.compile(r"@([\w.\-]+)")
_PROFILE_LINK = re.compile(r"\[(?P<name>[^\]]+)\]\((?P<url>[^)\s]*)\)")


def _credited(item: SecurityIssue, config: Config) -> list[tuple[str, str]]:
    """(key, shown name) of who the fix credits: the report's finders, else the Details
    table's Thanks row. A team member is keyed by username however the row names them
    (``@dana-dev``, ``[Dana Diaz](https://gitlab.com/dana-dev)``, or the display name the
    workspace knows), so an author who also found a bug is thanked once."""
    if item.report is not None and item.report.finders:
        return [(f"hackerone:{name}", f"{name} (HackerOne)") for name in item.report.finders]
    thanks = (item.details.thanks or "").strip()
    if not thanks:
        return []
    handle = _HANDLE.search(thanks)
    if handle:
        return [(handle.group(1), "")]
    shown = thanks
    link = _PROFILE_LINK.fullmatch(thanks)
    if link is not None:
        shown = link["name"].strip()
        profile = config.tracker.url.rstrip("/") + "/"
        username = link["url"][len(profile) :].strip("/")
        if link["url"].startswith(profile) and username and "/" not in username:
            return [(username, shown if username not in config.people.names else "")]
    by_name = {name.casefold(): user for user, name in config.people.names.items()}
    username = by_name.get(shown.casefold())
    return [(username, "")] if username else [(shown, shown)]


def build_thanks(snapshot: ReleaseSnapshot) -> Thanks:
    config, release = snapshot.config, snapshot.release
    people = config.people
    bots = {people.cna_bot}
    roles: list[tuple[str, list[tuple[str, str]]]] = [
        ("release_managers", [(u, "") for u in release.release_managers]),
        ("authors", []),
        ("reviewers", []),
        ("psirt_reviewers", []),
        ("reporters", []),
    ]
    by_role = dict(roles)
    for item in snapshot.issues:
        # a revert's author undid part of the fix rather than made it
        for mr in without_reverts(item.merge_requests, snapshot.merge_requests):
            if mr.state != "merged":
                continue
            by_role["authors"].append((mr.author, ""))
            by_role["reviewers"].extend((user, "") for user in mr.reviewers)
        if item.council is not None:
            by_role["psirt_reviewers"].extend((user, "") for user in item.council.approvals)
        by_role["reporters"].extend(_credited(item, config))
    seen: set[str] = set()
    groups: list[ThanksGroup] = []
    for role, entries in roles:
        names: list[str] = []
        for key, shown in entries:
            if not key or key in seen or key in bots:
                continue
            seen.add(key)
            names.append(shown or people.name_of(key))
        if names:
            groups.append(
                ThanksGroup(
                    role,
                    tuple(sorted(names, key=str.casefold))
                    if role != "release_managers"
                    else tuple(names),
                )
            )
    return Thanks(versions=release.version_list, groups=tuple(groups))


def render_thanks(thanks: Thanks, templates_dir: Path | None = None) -> str:
    return render(THANKS_TEMPLATE, {"t": thanks}, templates_dir)


def names_in(groups: Sequence[ThanksGroup]) -> list[str]:
    return [name for group in groups for name in group.names]
