"""The blog post as a document: the entries, their order and the bug fixes, built from the
release's facts. ``render/blog.py`` writes it as Markdown; ``rules/blog.py`` lints a written post
against it; ``workflows/verify.py`` compares the published post with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from psirt.compute.confidential import confidential_project
from psirt.compute.facts import resolve
from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.core.records import MergeRequest
from psirt.core.versions import Version
from psirt.knowledge.policy import version_phrase
from psirt.model.merge_requests import reverted_fix_merge_requests, reverted_merge_requests
from psirt.model.release import Release, ReleaseSnapshot, SecurityIssue
from psirt.parsing.details import Details
from psirt.parsing.markdown import escape_markdown, heading_anchor

CVE_URL = "https://www.cve.org/CVERecord?id={cve_id}"


_YES = {"yes", "y", "true"}


@dataclass(frozen=True)
class SecurityEntry:
    """One security fix as the post shows it: a table row and a section."""

    ref: str  # the security implementation issue
    cve_id: str | None
    title: str  # plain text; the template escapes it
    heading: str  # the section heading, Markdown, escaped already
    anchor: str
    severity: str  # "Critical" .. "Low" (the publication policy), "" when unknown
    description: str
    versions: str  # "all versions from 16.10 before 18.8.7, ..."
    edition: str  # "CE/EE" or "EE"
    cvss: str  # "6.5 (CVSS:3.1/...)", "" when unknown
    credit: str
    sort_key: tuple[int, float, str]  # ``compute.severity.order_key``
    cwe: str | None = None
    vector: str = ""  # canonical, prefixed; "" when unknown


@dataclass(frozen=True)
class BugFix:
    version: str  # the release version whose stable branch it merged into
    title: str
    url: str


@dataclass(frozen=True)
class BlogPost:
    title: str
    description: str
    canonical_path: str
    url: str
    image_title: str
    author: str
    author_gitlab: str
    release_date: date
    versions: tuple[str, ...]  # newest first
    editions: str  # "Community Edition (CE) and Enterprise Edition (EE)"
    security_fixes: tuple[SecurityEntry, ...]  # table order: severity, then score
    fixes_without_cve: tuple[SecurityEntry, ...]
    bug_fixes: tuple[tuple[str, tuple[BugFix, ...]], ...]  # per version, newest first
    upgrade_notes: tuple[str, ...]
    migrations: bool
    # Fixes of the release left out because an MR of theirs was reverted: they do not ship.
    held_back: tuple[SecurityEntry, ...] = ()

    @property
    def table(self) -> tuple[SecurityEntry, ...]:
        return tuple(sorted((*self.security_fixes, *self.fixes_without_cve), key=_key))


def _key(entry: SecurityEntry) -> tuple[int, float, str]:
    """Entries are listed as their facts sort (``CveFacts.sort_key``)."""
    return entry.sort_key


def canonical_path(release: Release, config: Config) -> str:
    """``/releases/2026/03/25/patch-release-gitlab-18-10-1-released/``."""
    if release.due_date is None or release.newest is None:
        raise InputError(
            "the tracking issue has no due date or no versions; the post's path needs both",
            where=str(release.tracking_issue.ref),
        )
    day = release.due_date
    return config.blog.path_template.format(
        year=day.year, month=day.month, day=day.day, slug=str(release.newest).replace(".", "-")
    )


def post_url(release: Release, config: Config) -> str:
    return config.blog.base_url.rstrip("/") + canonical_path(release, config)


def editions_phrase(config: Config) -> str:
    names = config.product.edition_names
    parts = [f"{names.get(e, e)} ({e})" for e in config.product.editions]
    return " and ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + f", and {parts[-1]}"


def _entry(item: SecurityIssue, release: Release, config: Config) -> SecurityEntry:
    facts = resolve(item, release, config)
    ranges = facts.ranges  # the YAML's, else the computed ones (resolve)
    connective = config.cve.connective
    versions = f"all versions {version_phrase(ranges, connective)}" if ranges else "TODO"
    title = facts.title
    if facts.cve_id is not None:
        link = f"[{facts.cve_id}]({CVE_URL.format(cve_id=facts.cve_id)})"
        heading = f"{link} - {escape_markdown(title)}"
    else:
        heading = escape_markdown(title)
    score = facts.score
    return SecurityEntry(
        ref=str(item.ref),
        cve_id=facts.cve_id,
        title=title,
        heading=heading,
        anchor=heading_anchor(heading),
        severity=facts.severity_name,
        description=facts.description,
        versions=versions,
        edition=facts.edition,
        cvss=f"{score.base_score} ({score.vector})" if score else "",
        credit=facts.credit,
        sort_key=facts.sort_key,
        cwe=facts.cwe,
        vector=score.vector if score else "",
    )


def bug_fixes(
    merge_requests: Iterable[MergeRequest], release: Release, config: Config
) -> tuple[tuple[str, tuple[BugFix, ...]], ...]:
    """Non-security MRs merged into a release version's stable branch, per version.

    A bug fix merged in a confidential project (the security mirror) is listed without a link:
    the link would name that project and lead nowhere for the public.

    Security fixes and their reverts carry the security label and are left out; so is anything
    not merged (an open MR is not in the release, a closed one never will be), and a bug fix
    that was reverted (by label or by a revert MR among ``merge_requests``).
    """
    mrs = list(merge_requests)
    reverted = {mr.ref for mr in reverted_merge_requests(mrs, config.labels.reverted)}
    by_branch = {version.stable_branch: version for version in release.versions}
    found: dict[Version, list[BugFix]] = {version: [] for version in release.versions}
    for mr in mrs:
        version = by_branch.get(mr.target_branch)
        if version is None or mr.state != "merged" or config.labels.security in mr.labels:
            continue
        if mr.ref in reverted:
            continue
        url = mr.web_url or (
            f"{config.tracker.url.rstrip('/')}/{mr.ref.project}/-/merge_requests/{mr.ref.iid}"
        )
        if confidential_project(mr.ref.project, config):
            url = ""  # a link into the security mirror is confidential: the title alone
        found[version].append(BugFix(str(version), mr.title.strip(), url))
    return tuple(
        (str(version), tuple(sorted(items, key=lambda b: b.url)))
        for version, items in sorted(found.items(), reverse=True)
        if items
    )


def _upgrade_notes(details: Sequence[Details]) -> tuple[tuple[str, ...], bool]:
    notes: list[str] = []
    for item in details:
        note = (item.upgrade_notes or "").strip()
        if note and note.lower().rstrip(".") not in {"no", "none", "n/a"} and note not in notes:
            notes.append(note)
    migrations = any((d.migration_required or "").strip().lower() in _YES for d in details)
    return tuple(notes), migrations


def build_post(snapshot: ReleaseSnapshot, merge_requests: Iterable[MergeRequest] = ()) -> BlogPost:
    """The post for what the release ships: a fix with a reverted MR is held back (the
    handbook: nothing that is not in the release), and ``held_back`` says which and why."""
    config, release = snapshot.config, snapshot.release
    path = canonical_path(release, config)
    assert release.due_date is not None  # canonical_path refused otherwise
    versions = release.version_list
    title = config.blog.title_template.format(versions=versions)
    editions = editions_phrase(config)
    shipped: list[SecurityIssue] = []
    held_back: list[SecurityEntry] = []
    for item in snapshot.issues:
        if reverted_fix_merge_requests(item, snapshot):
            held_back.append(_entry(item, release, config))
        else:
            shipped.append(item)
    entries = [_entry(item, release, config) for item in shipped]
    with_cve = tuple(sorted((e for e in entries if e.cve_id), key=_key))
    without = tuple(sorted((e for e in entries if not e.cve_id), key=_key))
    notes, migrations = _upgrade_notes([item.details for item in shipped])
    author = release.blog_author or ""
    return BlogPost(
        title=title,
        description=f"Learn more about {title} for {config.product.name} {editions}.",
        canonical_path=path,
        url=config.blog.base_url.rstrip("/") + path,
        image_title=config.blog.image_title,
        author=config.people.name_of(author) if author else "",
        author_gitlab=author,
        release_date=release.due_date,
        versions=tuple(str(v) for v in release.versions),
        editions=editions,
        security_fixes=with_cve,
        fixes_without_cve=without,
        bug_fixes=bug_fixes(merge_requests, release, config),
        upgrade_notes=notes,
        migrations=migrations,
        held_back=tuple(sorted(held_back, key=_key)),
    )
