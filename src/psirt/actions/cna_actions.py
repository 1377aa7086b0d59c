"""Actions on a CNA: publish a CVE record through whichever back end psirt.toml configures.

A CNA that publishes from the request issue (gitlab-cves) is planned as that issue's description
edit instead (``Cna.publication_edit``), so the dry run shows the ticked box as a diff; this
action serves the CNAs that take the record (cve-services, local).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from psirt.actions.plan import Action, ExecutionContext
from psirt.cna.interface import PUBLISHED, REJECTED, Cna
from psirt.core.errors import NotFoundError, PsirtError, RefusedError
from psirt.core.records import IssueRef


def _cna(context: ExecutionContext) -> Cna:
    if context.cna is None:
        raise PsirtError("no CNA back end is open (check [cna] kind in psirt.toml)")
    return context.cna


@dataclass
class PublishCve(Action):
    """Publish ``record`` under ``cve_id`` once.

    ``update_published``: when the id is already public, still send the record and let the back
    end compare (cve-services updates a record whose content differs and writes nothing when it
    is the same); otherwise an already public id is skipped.
    """

    cve_id: str
    request: IssueRef
    record: dict[str, Any] = field(repr=False)
    why: str
    update_published: bool = False
    kind: ClassVar[str] = "publish"

    @property
    def subject(self) -> str:
        return self.cve_id

    def describe(self) -> str:
        return f"publish {self.cve_id} (request {self.request}): {self.why}"

    def check(self, context: ExecutionContext) -> str | None:
        state = _cna(context).publication_state(self.cve_id)
        if state is None:
            raise NotFoundError(
                "the CNA does not know this id (is it reserved by this organization?)",
                where=self.cve_id,
            )
        if state == REJECTED:
            raise RefusedError("the id is REJECTED at the CNA", where=self.cve_id)
        if state == PUBLISHED and not self.update_published:
            return "already published"
        return None

    def apply(self, context: ExecutionContext) -> str:
        result = _cna(context).publish(self.cve_id, self.record)
        return f"{result.action}: {result.detail}" if result.detail else result.action

    def verify(self, context: ExecutionContext) -> bool:
        return _cna(context).publication_state(self.cve_id) == PUBLISHED
