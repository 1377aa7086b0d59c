"""What the release says about one fix, resolved once: every public artifact reads these facts.

The blog post, the CVE record, the e-mail and the close notes must state the same versions, score
and credit, so all of them read a :class:`CveFacts`: the CVE request's YAML as it stands, with the
versions computed from the maintenance policy only where the YAML still holds template
placeholders (what update-cves would write).
"""

from __future__ import annotations

from dataclasses import dataclass

from psirt.compute.cve_fields import issue_ranges
from psirt.compute.description import with_connective
from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.cvss import CvssScore, parse_vector
from psirt.knowledge.policy import AffectedRange, fixed_versions, solution_text
from psirt.model.release import Release, SecurityIssue


@dataclass(frozen=True)
class CveFacts:
    """One fix's public facts; ``None``/empty where the release does not know them yet."""

    issue: SecurityIssue
    cve_id: str | None
    title: str  # the CVE request issue title ("<CWE name> issue in <component> impacts ...")
    description: str  # the YAML description as written
    cwe: str | None
    edition: str  # "CE/EE" or "EE"
    ranges: tuple[AffectedRange, ...]
    ranges_computed: bool  # True when the YAML ranges were placeholders and policy filled them
    fixed: tuple[Version, ...]
    score: CvssScore | None
    vector_error: str | None
    solution: str
    credit: str
    references: tuple[str, ...]

    @property
    def severity_level(self) -> int | None:
        """1 critical .. 4 low, from the vector; None without a scored vector (the blog then
        falls back to the issue's ``severity::N`` label)."""
        if self.score is not None and self.score.base_score > 0:
            return self.score.gitlab_severity
        return None

    @property
    def sort_key(self) -> tuple[int, float, str]:
        """Critical first, then the higher score, then the id, so the order is stable."""
        level = self.severity_level or 5
        score = self.score.base_score if self.score else 0.0
        return (level, -score, self.cve_id or str(self.issue.ref))


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


def resolve(item: SecurityIssue, release: Release, config: Config) -> CveFacts:
    """The public facts of one fix, from its CVE request (or its issue, when it has none)."""
    request = item.cve_request
    document = request.document if request else None
    get = document.text_of if document else (lambda _path: "")
    listing = document.list_of if document else (lambda _path: [])
    edition = config.product.edition_label(bool(item.ee_only))

    ranges = _ranges(listing("product.affected_versions"))
    computed = False
    if ranges is None and item.first_affected is not None and release.versions:
        try:
            ranges = issue_ranges(item, release, config)
            computed = True
        except InputError:
            ranges = None
    fixed = _versions(listing("product.fixed_versions")) or (
        fixed_versions(ranges) if ranges else []
    )
    solution = get("solution").strip()
    if not solution and fixed:
        solution = solution_text(fixed, config.cve.solution)

    vector_text = get("impact").strip()
    score: CvssScore | None = None
    vector_error: str | None = None
    if vector_text:
        try:
            score = parse_vector(vector_text)
        except InputError as exc:
            vector_error = exc.message
    elif item.council is not None and item.council.vector:
        try:
            score = parse_vector(item.council.vector)
        except InputError as exc:
            vector_error = exc.message
    else:
        vector_error = "no CVSS vector"

    return CveFacts(
        issue=item,
        cve_id=request.cve_id if request else None,
        title=request.issue.title.strip() if request else item.title.strip(),
        description=with_connective(get("description").strip(), config.cve.connective),
        cwe=get("cwe").strip() or None,
        edition=edition,
        ranges=tuple(ranges or ()),
        ranges_computed=computed,
        fixed=tuple(fixed),
        score=score,
        vector_error=vector_error,
        solution=solution,
        credit=" ".join(get("credit").split()),
        references=tuple(r.strip() for r in listing("references") if r.strip()),
    )
