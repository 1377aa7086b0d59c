"""Warnings that people reviewed: a finding whose code a fix's acknowledgements name reads as
acknowledged (by whom, why), is counted apart and never changes an exit code.

An acknowledgement is made on the security implementation issue and covers the warnings of
that issue and of its CVE request. Only warnings: an error is something to fix, and rule ISS023
says so of an acknowledgement that names one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from psirt.core.finding import Finding
from psirt.model.locations import acknowledgement_location
from psirt.model.release import ReleaseSnapshot, SecurityIssue


def owners(snapshot: ReleaseSnapshot) -> dict[str, SecurityIssue]:
    """The security issue each subject belongs to: itself, and its CVE request."""
    owner: dict[str, SecurityIssue] = {}
    for item in snapshot.issues:
        owner[str(item.ref)] = item
        if item.cve_request is not None:
            owner.setdefault(str(item.cve_request.ref), item)
    return owner


def acknowledge(findings: Iterable[Finding], snapshot: ReleaseSnapshot) -> list[Finding]:
    """``findings`` with each warning that its fix acknowledges marked so (the latest
    acknowledgement of its code wins)."""
    owner = owners(snapshot)
    result: list[Finding] = []
    for finding in findings:
        item = owner.get(finding.subject)
        if finding.level != "warning" or item is None:
            result.append(finding)
            continue
        matching = [ack for ack in item.acknowledgements if ack.code == finding.code]
        if not matching:
            result.append(finding)
            continue
        ack = acknowledgement_location(item, matching[-1])
        result.append(replace(finding, acknowledged=ack))
    return result
