"""``psirt verify-fixes``: the release-day check that the post still matches the release.

Compares the post with what the release contains now: every fix listed and nothing else, no MR
of a listed fix reverted or closed, the same versions. Each difference names the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from psirt.compute.post import BlogPost, SecurityEntry
from psirt.core.records import MergeRequest
from psirt.core.versions import versions_in
from psirt.knowledge.cvss import same_vector
from psirt.model.merge_requests import (
    is_reverted,
    related_merge_requests,
    revert_of,
    without_reverts,
)
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.parsing.blog_post import FixSection, ParsedPost, cvss_field, parse_post
from psirt.parsing.markdown import plain_text

if TYPE_CHECKING:
    from psirt.session import Session


@dataclass(frozen=True)
class Difference:
    kind: str  # "added", "unlinked", "reverted", "closed", "versions", "cvss", "release versions"
    subject: str  # the CVE id, or the fix's title, or "release"
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


def withdrawn_merge_requests(
    item: SecurityIssue, snapshot: ReleaseSnapshot
) -> list[tuple[str, MergeRequest, str]]:
    """The MRs of a fix that no longer ship: (kind, MR, why) for each reverted one (see
    ``psirt.model.merge_requests``) and each closed without merging."""
    release, label = snapshot.release, snapshot.config.labels.reverted
    related = related_merge_requests(item, snapshot)
    out: list[tuple[str, MergeRequest, str]] = []
    for mr in without_reverts(item.merge_requests, related):
        version = next(
            (str(v) for v in release.versions if v.stable_branch == mr.target_branch), None
        )
        lost = f"{version} will not contain the fix" if version else f"not in {mr.target_branch}"
        if is_reverted(mr, related, label):
            by = revert_of(mr, related)
            how = f" by !{by.ref.iid}" if by else ""
            out.append(
                ("reverted", mr, f"MR {mr.ref} to {mr.target_branch} was reverted{how}; {lost}")
            )
        elif mr.state == "closed":
            out.append(("closed", mr, f"MR {mr.ref} to {mr.target_branch} was closed; {lost}"))
    return out


def _section_key(section: FixSection) -> str:
    return section.cve_id or section.title.lower()


def _entry_key(entry: SecurityEntry) -> str:
    return entry.cve_id or plain_text(entry.heading).lower()


def _impacted(section: FixSection) -> str:
    value = section.field("impacted versions") or ""
    return " ".join(value.split(":", 1)[-1].split()).rstrip(".")


def compare(post: ParsedPost, expected: BlogPost, snapshot: ReleaseSnapshot) -> list[Difference]:
    """Every way the post and the release (as ``expected`` renders it) differ."""
    issues = snapshot.issues
    differences: list[Difference] = []
    release_versions = list(expected.versions)
    named = [
        str(v) for v in sorted(versions_in(str(post.front_matter.get("title", ""))), reverse=True)
    ]
    if named and named != release_versions:
        differences.append(
            Difference(
                "release versions",
                "release",
                f"the post announces {', '.join(named)}; the release ships "
                f"{', '.join(release_versions)}",
            )
        )
    in_post = {_section_key(s): s for s in post.sections}
    entries = {_entry_key(e): e for e in (*expected.security_fixes, *expected.fixes_without_cve)}
    by_ref = {str(item.ref): item for item in issues}
    for key, entry in entries.items():
        name = entry.cve_id or entry.title
        section = in_post.get(key)
        if section is None:
            differences.append(
                Difference(
                    "added", name, f"{name} ({entry.ref}) is in the release but not in the post"
                )
            )
            continue
        item = by_ref.get(entry.ref)
        if item is not None:
            for kind, _mr, why in withdrawn_merge_requests(item, snapshot):
                differences.append(Difference(kind, name, f"{name} ({entry.ref}): {why}"))
        said = _impacted(section)
        if said and entry.versions and said != entry.versions:
            differences.append(
                Difference(
                    "versions",
                    name,
                    f"{name}: the post says {said!r}; the release now gives {entry.versions!r}",
                )
            )
        said_cvss = cvss_field(section.field("cvss") or "")
        said_vector = said_cvss.vector if said_cvss else ""
        if said_vector and entry.vector and not same_vector(said_vector, entry.vector):
            differences.append(
                Difference(
                    "cvss",
                    name,
                    f"{name}: the post gives {said_vector}; the CVE request now has {entry.vector}",
                )
            )
    held_back = {_entry_key(e): e for e in expected.held_back}
    for key, section in in_post.items():
        if key not in entries:
            name = section.cve_id or section.title
            held = held_back.get(key)
            item = by_ref.get(held.ref) if held is not None else None
            if held is not None and item is not None:
                for kind, _mr, why in withdrawn_merge_requests(item, snapshot):
                    differences.append(Difference(kind, name, f"{name} ({held.ref}): {why}"))
                continue
            differences.append(
                Difference(
                    "unlinked",
                    name,
                    f"{name} is in the post but no longer linked to the tracking issue",
                )
            )
    return differences


@dataclass(frozen=True)
class VerifyResult:
    post_path: Path
    differences: tuple[Difference, ...]

    @property
    def agree(self) -> bool:
        return not self.differences


def verify_fixes(
    session: Session, post_path: Path | None = None, release_issue: int | None = None
) -> VerifyResult:
    from psirt.workflows.blog import default_post_path, expected_post, read_post

    path = post_path or default_post_path(session)
    post = parse_post(read_post(path))
    snapshot = session.snapshot(release_issue)
    expected = expected_post(session, snapshot)
    return VerifyResult(path, tuple(compare(post, expected, snapshot)))
