"""Actions on a CNA: publish a CVE record through whichever back end psirt.toml configures.

A CNA that publishes from the request issue (gitlab-cves) is planned as that issue's description
edit instead (``Cna.publication_edit``), so the dry run shows the ticked box as a diff; this
action serves the CNAs that take the record (cve-services, local).

After publication, ``UpdatePublishedRecord`` replaces the CNA container of a published record
(``cve sync``): only when it still is what the plan compared against, never touching the ADP
containers, which it checks are unchanged when it re-reads the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from psirt.actions.plan import Action, ExecutionContext, unified_diff
from psirt.cna.interface import PUBLISHED, REJECTED, Cna
from psirt.core.errors import InputError, NotFoundError, PsirtError, RefusedError
from psirt.core.records import IssueRef
from psirt.parsing.published_record import comparable_container, container_text


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


def _published(context: ExecutionContext, cve_id: str) -> tuple[dict[str, Any], list[Any]]:
    """The CNA container and the ADP containers of the record as the CNA serves it now."""
    record = _cna(context).published_record(cve_id)
    containers = record.get("containers") if isinstance(record, dict) else None
    cna = containers.get("cna") if isinstance(containers, dict) else None
    if not isinstance(cna, dict):
        raise NotFoundError("the CNA serves no published record for this id", where=cve_id)
    adp = containers.get("adp") if isinstance(containers, dict) else None
    return cna, list(adp) if isinstance(adp, list) else []


@dataclass
class UpdatePublishedRecord(Action):
    """Make a published record's CNA container ``container``, once.

    ``before`` is the published CNA container the plan compared against: when the record
    changed since (someone else updated it), the update is refused rather than overwriting that
    change. ``adp`` is what the ADP containers were then; ``verify`` checks they still are.
    """

    cve_id: str
    before: dict[str, Any] = field(repr=False)
    container: dict[str, Any] = field(repr=False)
    adp: list[Any] = field(repr=False)
    why: str
    kind: ClassVar[str] = "update-record"

    @property
    def subject(self) -> str:
        return self.cve_id

    def describe(self) -> str:
        return f"update the published record of {self.cve_id}: {self.why}"

    def diff(self) -> str | None:
        before = container_text(self.before) + "\n"
        after = container_text(self.container) + "\n"
        return unified_diff(before, after, f"{self.cve_id} containers.cna") or None

    def check(self, context: ExecutionContext) -> str | None:
        current, _adp = _published(context, self.cve_id)
        now = comparable_container(current)
        if now == comparable_container(self.container):
            return "the published record already says this"
        if now != comparable_container(self.before):
            raise InputError(
                "the published record changed since it was read; run the command again",
                where=self.cve_id,
            )
        return None

    def apply(self, context: ExecutionContext) -> str:
        result = _cna(context).update_cna_container(self.cve_id, self.container)
        return f"{result.action}: {result.detail}" if result.detail else result.action

    def verify(self, context: ExecutionContext) -> bool:
        current, adp = _published(context, self.cve_id)
        same = comparable_container(current) == comparable_container(self.container)
        return same and adp == self.adp
