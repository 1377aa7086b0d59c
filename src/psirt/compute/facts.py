"""What the release says about one fix, resolved once: every public artifact reads these facts.

The blog post, the CVE record, the e-mail and the close notes must state the same versions, score,
severity and credit, so all of them read a :class:`CveFacts`: the CVE request's YAML as it stands,
with the versions computed from the maintenance policy only where the YAML still holds template
placeholders (what update-cves would write). Two sets of versions are kept apart on purpose: the
ones the CVE states (``fixed``, from its YAML, what the record publishes) and the ones the release
ships the fix in (``shipped``, from the policy and the fix's backports, what close tells).
"""

from __future__ import annotations

from dataclasses import dataclass

from psirt.compute.cve_fields import issue_ranges
from psirt.compute.description import with_connective
from psirt.compute.severity import SeverityPolicy, order_key, severity_sources, severity_title
from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.cvss import CvssScore
from psirt.knowledge.policy import AffectedRange, fixed_versions, solution_text
from psirt.model.release import Release, SecurityIssue


@dataclass(frozen=True)
class CveFacts:
    """One fix's public facts; ``None``/empty where the release does not know them yet."""

    issue: SecurityIssue
    cve_id: str | None
    title: str  # the title that applies (``public_texts``)
    description: str  # the description that applies (``public_texts``), "" before a CVE id
    cwe: str | None
    edition: str  # "CE/EE" or "EE"
    ranges: tuple[AffectedRange, ...]
    ranges_computed: bool  # True when the YAML ranges were placeholders and policy filled them
    fixed: tuple[Version, ...]  # what the CVE states, oldest first
    shipped: tuple[Version, ...]  # the release versions that carry the fix, newest first
    score: CvssScore | None  # the CVE's vector (see ``compute.severity.cve_vector``)
    vector_error: str | None
    severity: int | None  # 1 critical .. 4 low, as the publication policy rates the fix
    solution: str
    credit: str
    references: tuple[str, ...]

    @property
    def severity_name(self) -> str:
        """``Critical`` .. ``Low`` as the post and the e-mail write it, "" when unrated."""
        return severity_title(self.severity)

    @property
    def sort_key(self) -> tuple[int, float, str]:
        """Where the fix is listed (see ``order_key``)."""
        score = self.score.base_score if self.score else None
        return order_key(self.severity, score, self.cve_id or str(self.issue.ref))


def _ranges(texts: list[str]) -> list[AffectedRange] | None:
    try:
        parsed = [AffectedRange.parse(text) for text in texts]
    except InputError:
        return None
    return parsed or None


def _versions(texts: list[str]) -> list[Version] | None:
    if not texts or not all(Version.is_valid(t) and not Version.parse(t).is_minor for t in texts):
        return None
    return sorted(Version.parse(t) for t in texts)


def _computed_ranges(
    item: SecurityIssue, release: Release, config: Config
) -> list[AffectedRange] | None:
    """The ranges the policy gives the fix; None while they cannot be computed."""
    if item.first_affected is None or not release.versions:
        return None
    try:
        return issue_ranges(item, release, config)
    except InputError:
        return None


def shipped_versions(item: SecurityIssue, release: Release, config: Config) -> tuple[Version, ...]:
    """The release versions that carry the fix, newest first, as its computed ranges say (fewer
    with reduced backports); all of the release while they cannot be computed, so close still
    names the versions a fix went out in when its Details table is incomplete."""
    return _shipped(_computed_ranges(item, release, config), release)


def _shipped(ranges: list[AffectedRange] | None, release: Release) -> tuple[Version, ...]:
    return tuple(sorted(fixed_versions(ranges), reverse=True)) if ranges else release.versions


def public_texts(item: SecurityIssue) -> tuple[str, str]:
    """(title, description) a public artifact shows for the fix.

    The CVE request's title and YAML description belong to the CVE (a human validates them for
    publication), so they are shown only with its id; a fix without a CVE id is listed by its
    implementation issue's title, without a description (the post's fixes without a CVE)."""
    request = item.cve_request
    if request is None or request.cve_id is None:
        return item.title.strip(), ""
    document = request.document
    return request.issue.title.strip(), document.text_of("description").strip() if document else ""


def resolve(item: SecurityIssue, release: Release, config: Config) -> CveFacts:
    """The public facts of one fix, from its CVE request (or its issue, when it has none)."""
    request = item.cve_request
    document = request.document if request else None
    get = document.text_of if document else (lambda _path: "")
    listing = document.list_of if document else (lambda _path: [])
    edition = config.product.edition_label(bool(item.ee_only))

    ranges = _ranges(listing("product.affected_versions"))
    computed = False
    policy_ranges = _computed_ranges(item, release, config)
    if ranges is None and policy_ranges is not None:
        ranges, computed = policy_ranges, True
    fixed = _versions(listing("product.fixed_versions")) or (
        fixed_versions(ranges) if ranges else []
    )
    solution = get("solution").strip()
    if not solution and fixed:
        solution = solution_text(fixed, config.cve.solution)

    sources = severity_sources(item, config.labels)
    title, description = public_texts(item)
    return CveFacts(
        issue=item,
        cve_id=request.cve_id if request else None,
        title=title,
        description=with_connective(description, config.cve.connective),
        cwe=get("cwe").strip() or None,
        edition=edition,
        ranges=tuple(ranges or ()),
        ranges_computed=computed,
        fixed=tuple(fixed),
        shipped=_shipped(policy_ranges, release),
        score=sources.vector,
        vector_error=sources.vector_error,
        severity=sources.level(SeverityPolicy.PUBLICATION),
        solution=solution,
        credit=" ".join(get("credit").split()),
        references=tuple(r.strip() for r in listing("references") if r.strip()),
    )
