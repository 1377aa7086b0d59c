"""The CNA port: where the close step asks for a CVE record to become public.

Back ends differ in how far "publish" goes, and the port says so rather than hiding it:

- **cve-services** sends the CVE JSON 5 record to CVE Services through ``cvelib``; the record is
  public when ``publish`` returns.
- **gitlab-cves** ticks ``Publish immediately`` (and unticks ``Wait to publish``) in the CVE
  request issue of ``gitlab-org/cves``; GitLab's CNA bot publishes from the YAML in that issue,
  which ``update-cves`` already wrote. ``publish`` then means "publication requested", and the
  ``record`` argument serves only to check it is the same CVE id.
- **local** records the request in the workspace.

Every back end is idempotent: asked twice for the same content, the second call writes nothing
and answers ``"unchanged"``; so an interrupted ``close --live`` is finished by running it again.

After publication, ``published_record`` reads a record back as the CNA serves it (with the ADP
and CVE Program containers others added), and ``update_cna_container`` replaces its CNA
container, and only that: the ADP containers stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from psirt.core.records import Issue

PublishAction = Literal["published", "updated", "unchanged"]

#: States a back end may report; ``None`` means the CNA does not know the id.
PUBLISHED = "PUBLISHED"
RESERVED = "RESERVED"
REJECTED = "REJECTED"


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What ``publish`` did to one CVE id.

    ``action``:
      - ``"published"``: the id was reserved and this call made it public (cve-services), or
        requested its publication (gitlab-cves: the box is now ticked);
      - ``"updated"``: the record was already public and this call replaced its content
        (cve-services; gitlab-cves never updates: the CNA bot owns that step);
      - ``"unchanged"``: nothing was written, the CNA already had this content or this request.

    ``detail`` is one line for the plan and journal (e.g. which box was ticked); never a secret.
    """

    cve_id: str
    action: PublishAction
    detail: str = ""


class Cna(Protocol):
    """What the close workflow needs from a CVE Numbering Authority.

    ``updates_published``: whether a record already public is sent again so the CNA can update
    it (cve-services compares and writes only a changed record); otherwise a public id is done.
    """

    updates_published: bool

    def publication_edit(self, request: Issue) -> str | None:
        """The request issue's description once publication is asked for, when this CNA
        publishes from the request issue (gitlab-cves ticks ``Publish immediately``): the plan
        then shows the request as that edit, with its diff. ``None`` when the CNA takes the
        record itself (cve-services, local). Raises ``InputError`` when the issue cannot ask.
        """

    def publication_state(self, cve_id: str) -> str | None:
        """``"PUBLISHED"``, ``"RESERVED"`` (or ``"REJECTED"``), ``None`` when the id is unknown.

        gitlab-cves reports ``"PUBLISHED"`` once publication was requested (box ticked) and
        ``"RESERVED"`` before, since that is what it can see and change.
        """

    def publish(self, cve_id: str, record: dict[str, Any]) -> PublishResult:
        """Make ``record`` (a full CVE JSON 5 record: ``dataType: CVE_RECORD``, ``cveMetadata``,
        ``containers.cna``) public under ``cve_id``; see ``PublishResult`` for what it reports.

        Raises ``InputError`` for a record that is not valid for publication (before anything
        is sent), ``NotFoundError`` for an id the CNA does not know, ``RefusedError`` for an id
        that cannot be published (rejected), ``RemoteError`` when the CNA fails.
        """

    def published_record(self, cve_id: str) -> dict[str, Any] | None:
        """The full record as the CNA serves it now (``cveMetadata`` with its dates, the CNA
        container, ``adp`` containers), or ``None`` when there is none (the id is reserved or
        unknown, or this back end cannot read records: gitlab-cves)."""

    def update_cna_container(self, cve_id: str, container: dict[str, Any]) -> PublishResult:
        """Replace the CNA container of a published record with ``container``; nothing else of
        the record is sent, so the ADP containers stay. ``"unchanged"`` (and nothing sent) when
        the CNA already holds the same container (``parsing.published_record.same_container``).

        Raises ``InputError`` for a container that is not valid (before anything is sent),
        ``NotFoundError`` when the record is not published, ``RefusedError`` when this CNA
        cannot update it (another CNA's record; gitlab-cves, whose bot owns the record).
        """


def record_cve_id(record: dict[str, Any]) -> str | None:
    """The ``cveMetadata.cveId`` of a full record, used to refuse publishing it under another id."""
    metadata = record.get("cveMetadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("cveId"), str):
        return str(metadata["cveId"])
    return None
