"""CVE request rule on the human approval: ``description::validated`` covers the title and
description as they were when it was added, so an edit after it needs a new review.

A module of its own, registered under the CVE request kind after the ``cve_request`` package's
checks (importing the package's ``subject`` module registers those first).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from psirt.compute.validation import outlived_approval
from psirt.core.finding import Finding
from psirt.rules.cve_request.subject import KIND, CveSubject, per_request
from psirt.rules.registry import RULES

VALIDATION_OUTLIVED = RULES.declare(
    "CVE029",
    "error",
    KIND,
    "The title and description were not edited after the description-validated label was added.",
    "Review the title and description as they are now; when they are accurate and vague enough, "
    "remove the label and add it again.",
)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip() if moment else "an unknown time"


@RULES.check(KIND)
@per_request
def check_validation_is_current(cve: CveSubject) -> Iterator[Finding]:
    label = cve.snapshot.config.labels.description_validated
    outlived = outlived_approval(cve.request, label, cve.snapshot.tracker_user)
    if outlived is None:
        return
    added = outlived.added
    edits = ", ".join(
        f"{note.author or 'someone'} on {_when(note.created_at)}" for note in outlived.edits
    )
    yield cve.finding(
        VALIDATION_OUTLIVED,
        "labels",
        f"labels: {label} was added by {added.user or 'someone'} on {_when(added.created_at)}, "
        f"then {outlived.what} changed ({edits}); the approval does not cover the new text",
    )
