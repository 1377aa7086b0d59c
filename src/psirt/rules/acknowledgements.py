"""Rules on acknowledgements (``ISS023``): only a warning can be acknowledged.

An acknowledgement (a ``psirt acknowledge CODE: why`` line in a note on the security issue, or
an entry of the ``acknowledgements`` list of its workspace file) marks a reviewed warning; one
that names an error or a code no rule has changes nothing, and this rule says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from psirt.core.finding import Finding
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.rules.registry import RULES

KIND = "security issue"

NOT_ACKNOWLEDGEABLE = RULES.declare(
    "ISS023",
    "warning",
    KIND,
    "An acknowledgement names a warning's rule code (errors cannot be acknowledged).",
    "Fix what the error says; acknowledge only warnings you reviewed (psirt rules lists them).",
)


@RULES.check(KIND)
def check_acknowledgements(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    del snapshot
    for ack in item.acknowledgements:
        if ack.code not in RULES:
            problem = f"{ack.code} is not a rule code, so it acknowledges nothing"
        elif RULES.get(ack.code).level == "error":
            problem = (
                f"{ack.code} is an error: errors cannot be acknowledged, only fixed "
                f"(acknowledged by {ack.by})"
            )
        else:
            continue
        yield NOT_ACKNOWLEDGEABLE.finding(
            str(item.ref), "acknowledgements", f"acknowledgements: {problem}", location=ack.where
        )
