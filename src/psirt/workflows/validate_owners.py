"""Who acts on a finding of ``validate``: the fix's assignees, or PSIRT.

``validate --comment`` asks the assignees of a fix only for what they can do (the Details table,
the council vote, the merge requests, the CVE request fields they own). What belongs to PSIRT
goes to one note for the release managers on the PSIRT task issue:

* the labels that record PSIRT's own decisions: ``description::validated`` (missing, or added
  before an edit) and the CNA bot's ``advisory::invalid``;
* what ``update-cves`` computes: a finding on a CVE request field that update-cves would change
  now (versions, solution, product, references, the description's version phrase or a
  description it fills in from the council's note) is resolved by running it;
* the release as a whole (findings about no single fix), and a security issue left public
  (no comment goes on a public issue).
"""

from __future__ import annotations

from psirt.compute.cve_fields import compute_updates
from psirt.core.finding import Finding
from psirt.model.release import ReleaseSnapshot

#: Labels PSIRT sets or answers for: validated (CVE024, CVE029), the CNA bot's (CVE025).
PSIRT_CODES = frozenset({"CVE024", "CVE025", "CVE029", "ISS014"})
#: Checks of values update-cves computes or fills in: PSIRT's when update-cves changes the field.
COMPUTED_CODES = frozenset(
    {
        "CVE002",
        "CVE003",
        "CVE008",
        "CVE009",
        "CVE010",
        "CVE011",
        "CVE014",
        "CVE015",
        "CVE016",
        "CVE020",
        "CVE026",
        "CVE028",
    }
)


def update_cves_fields(snapshot: ReleaseSnapshot) -> dict[str, frozenset[str]]:
    """The YAML fields update-cves would change now, by CVE request."""
    updates = compute_updates(snapshot.issues, snapshot.release, snapshot.config)
    return {str(u.ref): frozenset(u.changed_fields) for u in updates if u.changed}


def belongs_to_psirt(finding: Finding, computed: dict[str, frozenset[str]]) -> bool:
    """Whether PSIRT acts on ``finding`` (``computed``: ``update_cves_fields``)."""
    if finding.code in PSIRT_CODES:
        return True
    if finding.code not in COMPUTED_CODES:
        return False
    return _field(finding) in computed.get(finding.subject, frozenset())


def _field(finding: Finding) -> str:
    """The YAML path a CVE request finding is about (``product.fixed_versions``)."""
    return finding.field.split(":", 1)[0].strip()
