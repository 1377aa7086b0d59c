"""The release as machine-readable advisories read it: the fixes that ship with a CVE id, each
with the public facts the blog post and the CVE records state, and the commits that carry it.

CSAF (``render/csaf.py``) and OSV (``render/osv.py``) both read one :class:`Advisory`, built
from the same :func:`~psirt.compute.post.build_post` and :func:`~psirt.compute.facts.resolve` as
the post and the records: a fix the post holds back (a reverted merge request) is absent here
too, and every version, score and credit is the one the post prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from psirt.compute.facts import CveFacts, resolve
from psirt.compute.post import BlogPost, SecurityEntry, build_post
from psirt.core.config import Config
from psirt.core.versions import Version
from psirt.model.merge_requests import release_reverts, reverted_fix_merge_requests
from psirt.model.release import ReleaseSnapshot, SecurityIssue


@dataclass(frozen=True)
class AdvisoryFix:
    """One CVE of the release as the advisories state it."""

    facts: CveFacts
    entry: SecurityEntry  # the post's row: title, severity, order
    editions: tuple[str, ...]  # ("CE", "EE"), ("EE",) for an EE-only fix, () without editions
    merge_commits: tuple[str, ...]  # the fix's shipped merges, where the tracker knows them

    @property
    def cve_id(self) -> str:
        assert self.facts.cve_id is not None  # build_advisory keeps only fixes with one
        return self.facts.cve_id

    @property
    def fixed(self) -> tuple[Version, ...]:
        """The release versions that fix it: the ends of its affected ranges, as the CVE
        record's ``lessThan`` values say."""
        return tuple(sorted({r.fixed for r in self.facts.ranges}))


@dataclass(frozen=True)
class Advisory:
    post: BlogPost
    fixes: tuple[AdvisoryFix, ...]  # in the post's order: severity, then score
    repository_url: str  # the public repository whose history holds the merge commits

    @property
    def release_time(self) -> datetime:
        """When the release is published, as advisories date it: its day, 00:00 UTC."""
        return datetime.combine(self.post.release_date, time(0, 0), tzinfo=UTC)

    @property
    def held_back(self) -> tuple[SecurityEntry, ...]:
        return self.post.held_back


def editions_of(item: SecurityIssue, config: Config) -> tuple[str, ...]:
    """The editions a fix concerns: all of them, or the last (EE) for an EE-only fix."""
    editions = tuple(config.product.editions)
    if item.ee_only and editions:
        return editions[-1:]
    return editions


def merge_commits(item: SecurityIssue, snapshot: ReleaseSnapshot) -> tuple[str, ...]:
    """The merge commits of the fix's merged MRs that ship: reverts and reverted MRs left out,
    MRs whose commit the tracker does not know skipped; in MR order, so the list is stable."""
    reverted = {mr.ref for mr in reverted_fix_merge_requests(item, snapshot)}
    shipped = [
        mr
        for mr in release_reverts(snapshot).without_reverts(item)
        if mr.state == "merged" and mr.ref not in reverted and mr.merge_commit_sha
    ]
    ordered = sorted(shipped, key=lambda mr: mr.ref)
    return tuple(dict.fromkeys(mr.merge_commit_sha for mr in ordered))


def build_advisory(snapshot: ReleaseSnapshot) -> Advisory:
    """The shipped CVEs of the release, with the post they are announced in."""
    config, release = snapshot.config, snapshot.release
    post = build_post(snapshot, snapshot.merge_requests)
    by_ref = {str(item.ref): item for item in snapshot.issues}
    fixes = []
    for entry in post.security_fixes:
        item = by_ref[entry.ref]
        facts = resolve(item, release, config)
        if facts.cve_id is None:
            continue
        fixes.append(
            AdvisoryFix(facts, entry, editions_of(item, config), merge_commits(item, snapshot))
        )
    repository = f"{config.tracker.url.rstrip('/')}/{config.product.gitlab_path}"
    return Advisory(post=post, fixes=tuple(fixes), repository_url=repository)
