"""CVE request rules on the labels: a human validated the text, and the CNA bot did not refuse
it."""

from __future__ import annotations

from collections.abc import Iterator

from psirt.core.finding import Finding, Location
from psirt.core.words import quoted
from psirt.rules.cve_request.subject import KIND, CveSubject, per_request
from psirt.rules.registry import RULES

NOT_VALIDATED = RULES.declare(
    "CVE024",
    "error",
    KIND,
    "The CVE request carries the description-validated label (a human approved title and text).",
    "Review the title and description; when accurate and vague enough, add the label.",
)
ADVISORY_INVALID = RULES.declare(
    "CVE025",
    "error",
    KIND,
    "The CVE request does not carry the advisory-invalid label set by the CNA bot.",
    "Fix what the CNA bot's comment says, then remove the label to resubmit.",
)


@RULES.check(KIND)
@per_request
def check_labels(cve: CveSubject) -> Iterator[Finding]:
    labels = cve.snapshot.config.labels
    issue = cve.request.issue
    if labels.description_validated not in issue.labels:
        yield cve.finding(
            NOT_VALIDATED,
            "labels",
            f"labels: no {labels.description_validated} (title and description not yet "
            "reviewed by a human)",
        )
    if labels.advisory_invalid in issue.labels:
        bot = cve.snapshot.config.people.cna_bot
        said = [note for note in cve.request.notes if note.author == bot and not note.system]
        quote = ""
        if said:
            quote = f"; {bot} said: {quoted(said[-1].body)}"
        yield cve.finding(
            ADVISORY_INVALID,
            "labels",
            f"labels: {labels.advisory_invalid} is set{quote}",
            location=Location(note=said[-1].id) if said else None,
        )
