"""What every CVE request check works on: the request, its security issue and the snapshot.

A check is written over one ``CveSubject`` and registered like every other check, under the
"CVE request" kind; ``per_request`` turns it into the (issue, snapshot) check the registry runs,
which reports nothing for an issue without a CVE request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from psirt.compute.cve_fields import issue_ranges
from psirt.core.errors import InputError
from psirt.core.finding import Finding, Location, Rule
from psirt.knowledge.policy import AffectedRange
from psirt.model.release import CveRequest, ReleaseSnapshot, SecurityIssue
from psirt.parsing.cve_yaml import CveDocument

KIND = "CVE request"

CveCheck = Callable[["CveSubject"], Iterator[Finding]]
IssueCheck = Callable[[SecurityIssue, ReleaseSnapshot], Iterator[Finding]]


@dataclass(frozen=True)
class CveSubject:
    """One CVE request with what its checks compare it against."""

    item: SecurityIssue
    request: CveRequest
    snapshot: ReleaseSnapshot

    @property
    def subject(self) -> str:
        return str(self.request.ref)

    @property
    def document(self) -> CveDocument | None:
        return self.request.document

    @cached_property
    def expected_ranges(self) -> list[AffectedRange] | None:
        """The ranges the policy computes; None when the inputs are missing or inconsistent."""
        if self.item.first_affected is None or not self.snapshot.release.versions:
            return None
        try:
            return issue_ranges(self.item, self.snapshot.release, self.snapshot.config)
        except InputError:
            return None

    def finding(
        self,
        rule: Rule,
        field: str,
        message: str,
        hint: str | None = None,
        *,
        location: Location | None = None,
    ) -> Finding:
        return rule.finding(self.subject, field, message, hint, location=location)


def per_request(check: CveCheck) -> IssueCheck:
    """``check`` over the issue's CVE request; no finding when the issue has none (ISS013)."""

    @functools.wraps(check)
    def run(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
        if item.cve_request is None:
            return
        yield from check(CveSubject(item, item.cve_request, snapshot))

    return run


def is_empty(value: Any) -> bool:
    """A YAML value left blank: null, whitespace, or a list or mapping of blanks."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value or all(is_empty(v) for v in value)
    return False
