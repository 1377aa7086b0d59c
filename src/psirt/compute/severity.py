"""A fix's severity, decided here and nowhere else, with one named policy per use.

The release knows a fix's severity from three sources that ought to agree (validate reports it
when they do not: ISS004 for the label, CVE013 for the CVE's vector):

- the CVE's CVSS vector: the request YAML's ``impact``, else the council's vote while the YAML
  has none; it is what the CVE record publishes;
- the bug bounty council's vote;
- the issue's ``severity::N`` label.

The handbook uses a severity for two jobs that settle a disagreement differently, so each job
has a named :class:`SeverityPolicy` instead of its own code:

- ``PUBLICATION`` (blog post, e-mail, CVE record, the per-fix counts of notify): the public is
  told the level of the vector the CVE record carries, so the post can never rate a fix
  differently from its record; the label stands in only while there is no valid vector.
- ``NOTIFICATION`` (who is told: the checklist and notify): the worst of the three. Telling a
  team too much is a smaller mistake than not telling it of a critical fix, and it is never
  milder than what the post publishes, so nobody learns of a critical fix from the post.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from psirt.core.config import LabelsConfig
from psirt.core.errors import InputError
from psirt.knowledge.cvss import SEVERITY_NAMES, CvssScore, parse_vector, severity_from_labels
from psirt.model.merge_requests import shipped_fixes
from psirt.model.release import ReleaseSnapshot, SecurityIssue

#: What the post's table, the e-mail and notify call the levels, worst first.
SEVERITY_TITLES: tuple[str, ...] = tuple(
    SEVERITY_NAMES[level].capitalize() for level in (1, 2, 3, 4)
)

#: Where an unrated fix sorts: after every rated one.
UNRATED = 5


class SeverityPolicy(Enum):
    """Which of a fix's severity sources decides, by what the severity is used for."""

    PUBLICATION = "publication"
    NOTIFICATION = "notification"


@dataclass(frozen=True)
class SeveritySources:
    """What the release says about one fix's severity, each source kept apart so that a policy,
    not the caller, chooses between them."""

    vector: CvssScore | None  # the CVE's vector, scored
    vector_error: str | None  # why there is no vector score: invalid, or no vector at all
    council: CvssScore | None  # the council's vote, scored
    label: int | None  # the ``severity::N`` label

    def level(self, policy: SeverityPolicy) -> int | None:
        """1 critical .. 4 low under ``policy``; None when no source rates the fix."""
        published = score_level(self.vector)
        if published is None:
            published = self.label
        if policy is SeverityPolicy.PUBLICATION:
            return published
        return worst((published, score_level(self.council), self.label))


def _scored(vector: str) -> tuple[CvssScore | None, str | None]:
    try:
        return parse_vector(vector), None
    except InputError as exc:
        return None, exc.message


def cve_vector(item: SecurityIssue) -> tuple[CvssScore | None, str | None]:
    """The vector the CVE record publishes, scored, and why there is none.

    The request YAML's ``impact`` when it has one (even an invalid one: the record must not
    publish the council's vote while the YAML says something else); else the council's vote,
    which is what ``impact`` should hold."""
    request = item.cve_request
    document = request.document if request else None
    written = document.text_of("impact").strip() if document else ""
    if written:
        return _scored(written)
    if item.council is not None and item.council.vector:
        return _scored(item.council.vector)
    return None, "no CVSS vector"


def council_score(item: SecurityIssue) -> CvssScore | None:
    """The council's vote scored, None when there is no vote or its vector is invalid."""
    if item.council is None or item.council.vector is None:
        return None
    return _scored(item.council.vector)[0]


def score_level(score: CvssScore | None) -> int | None:
    """The level of a score; None without one, or for a score of 0.0 (CVSS "none")."""
    if score is None or score.base_score <= 0:
        return None
    return score.gitlab_severity


def worst(levels: Iterable[int | None]) -> int | None:
    """The worst (lowest numbered) of the known levels, None when none is known."""
    known = [level for level in levels if level is not None]
    return min(known) if known else None


def severity_sources(item: SecurityIssue, labels: LabelsConfig) -> SeveritySources:
    vector, error = cve_vector(item)
    return SeveritySources(
        vector=vector,
        vector_error=error,
        council=council_score(item),
        label=severity_from_labels(item.issue.labels, labels),
    )


def fix_severity(item: SecurityIssue, labels: LabelsConfig, policy: SeverityPolicy) -> int | None:
    """One fix's severity under ``policy`` (see the module docstring)."""
    return severity_sources(item, labels).level(policy)


def release_severity(snapshot: ReleaseSnapshot) -> int | None:
    """The release's worst shipped fix, as the notification policy rates it: what decides who
    is told. A held-back fix (a reverted MR) does not go out, so it does not count. None when
    no fix has a severity yet."""
    labels, policy = snapshot.config.labels, SeverityPolicy.NOTIFICATION
    return worst(fix_severity(item, labels, policy) for item in shipped_fixes(snapshot))


def severity_title(level: int | None) -> str:
    """``Critical`` .. ``Low`` as the post and the e-mail write a level; "" when unrated."""
    if level is None or level not in SEVERITY_NAMES:
        return ""
    return SEVERITY_NAMES[level].capitalize()


def level_named(name: str) -> int | None:
    """The level a written severity (``Critical``, ``high``) names; None for anything else."""
    wanted = name.strip().lower()
    return next((level for level, known in SEVERITY_NAMES.items() if known == wanted), None)


def order_key(level: int | None, score: float | None, ident: str) -> tuple[int, float, str]:
    """How fixes are listed everywhere: critical first, then the higher score, then the id (the
    CVE id, else the issue reference), so the order is stable."""
    return (level or UNRATED, -(score or 0.0), ident)
