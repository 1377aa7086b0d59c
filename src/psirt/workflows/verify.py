"""``psirt verify-fixes``: the release-day check that the post still matches what ships.

Compares the post with the release as it is now:

* every fix of the release is in the post, and the post names no fix that left the release;
* every MR of an announced fix ships (none reverted, closed or still open), and every version
  the post says fixes it has a merged MR of the fix in its stable branch;
* nothing ships unannounced: no merged security MR in the release's stable branches (or in the
  security mirror's default branch since the last release) belongs to an issue outside the
  post, and a fix held back from the post does not ship in part;
* what each section says (title, description, versions, CVSS vector and score, the CWE its
  title names, credit) is what the release's data says now.

Each difference names the fix, or the issue that ships unannounced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from psirt.compute.post import BlogPost, SecurityEntry
from psirt.core.records import IssueRef, MergeRequest
from psirt.core.versions import versions_in
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.model.shipping import ShippedChange, Shipping
from psirt.parsing.blog_post import FixSection, ParsedPost, parse_post
from psirt.parsing.markdown import plain_text
from psirt.workflows.verify_texts import claimed_versions, text_differences

if TYPE_CHECKING:
    from psirt.session import Session


@dataclass(frozen=True)
class Difference:
    # "added", "unlinked", "reverted", "closed", "unmerged", "missing", "unannounced",
    # "held back", "title", "description", "versions", "cvss", "cwe", "credit",
    # "release versions"
    kind: str
    subject: str  # the CVE id, or the fix's title, or the issue, or "release"
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


def withdrawn_merge_requests(
    item: SecurityIssue, snapshot: ReleaseSnapshot, shipping: Shipping | None = None
) -> list[tuple[str, MergeRequest, str]]:
    """The MRs of a fix that do not ship: (kind, MR, why) for each reverted one (see
    ``psirt.model.merge_requests``), each closed without merging and each not merged yet."""
    found = (shipping or Shipping(snapshot)).unshipped(item)
    return [(part.kind, part.mr, part.message) for part in found if part.mr is not None]


def _section_key(section: FixSection) -> str:
    return section.cve_id or section.title.lower()


def _entry_key(entry: SecurityEntry) -> str:
    return entry.cve_id or plain_text(entry.heading).lower()


def _release_versions(post: ParsedPost, expected: BlogPost) -> list[Difference]:
    release_versions = list(expected.versions)
    named = [
        str(v) for v in sorted(versions_in(str(post.front_matter.get("title", ""))), reverse=True)
    ]
    if named and named != release_versions:
        return [
            Difference(
                "release versions",
                "release",
                f"the post announces {', '.join(named)}; the release ships "
                f"{', '.join(release_versions)}",
            )
        ]
    return []


def _shipped_in(changes: list[ShippedChange]) -> str:
    return ", ".join(change.where for change in changes)


def compare(post: ParsedPost, expected: BlogPost, snapshot: ReleaseSnapshot) -> list[Difference]:
    """Every way the post and the release (as ``expected`` renders it) differ."""
    shipping = Shipping(snapshot)
    differences = _release_versions(post, expected)
    in_post = {_section_key(s): s for s in post.sections}
    entries = {_entry_key(e): e for e in (*expected.security_fixes, *expected.fixes_without_cve)}
    held_back = {_entry_key(e): e for e in expected.held_back}
    by_ref = {str(item.ref): item for item in snapshot.issues}
    announced: set[IssueRef] = set()
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
            announced.add(item.ref)
            for part in shipping.unshipped(item, claimed_versions(section)):
                differences.append(
                    Difference(part.kind, name, f"{name} ({entry.ref}): {part.message}")
                )
        differences.extend(Difference(k, name, m) for k, m in text_differences(section, entry))
    for key, section in in_post.items():
        if key in entries:
            continue
        name = section.cve_id or section.title
        held = held_back.get(key)
        item = by_ref.get(held.ref) if held is not None else None
        if held is not None and item is not None:
            announced.add(item.ref)
            for kind, _mr, why in withdrawn_merge_requests(item, snapshot, shipping):
                differences.append(Difference(kind, name, f"{name} ({held.ref}): {why}"))
            continue
        differences.append(
            Difference(
                "unlinked",
                name,
                f"{name} is in the post but no longer linked to the tracking issue",
            )
        )
    for key, entry in held_back.items():
        item = by_ref.get(entry.ref)
        if key in in_post or item is None:
            continue
        changes = [c for c in shipping.shipping_of(item) if c.version is not None]
        if changes:
            name = entry.cve_id or entry.title
            differences.append(
                Difference(
                    "held back",
                    name,
                    f"{name} ({entry.ref}) is held back from the post (an MR of it was "
                    f"reverted), but it ships in part: {_shipped_in(changes)}; revert those "
                    "too, or announce the fix",
                )
            )
    for subject, changes in shipping.unannounced(announced).items():
        differences.append(
            Difference(
                "unannounced",
                subject,
                f"{subject} ships unannounced: merged security MR {_shipped_in(changes)}; the "
                "issue is not in the post (link it to the tracking issue and announce it, or "
                "revert the MR)",
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
