"""``psirt cve sync``: make the release's published CVE records say what psirt exports now.

Each CVE of the release (a shipped fix with a CVE id) is read back from the CNA and its CNA
container compared with the record ``psirt cve export`` builds now, ignoring what the CVE Program
and CVE Services set (``parsing.published_record.comparable_container``). The common case is the
blog post: records published before the post was online lack its reference.

A record that differs becomes one ``UpdatePublishedRecord`` action, which sends the CNA container
alone (never an ``adp`` key) and keeps the ``x_`` fields the published container carries. Every
update starts a new review at NVD and other consumers, so nothing is sent for a record that is
the same, and an update is refused when it would publish a text no human approved: the CVE
request must still carry ``description::validated``, not ``advisory::invalid``, and validate must
find no error in it, as for the first publication.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from psirt.actions.cna_actions import UpdatePublishedRecord
from psirt.actions.executor import Outcome
from psirt.actions.plan import Plan
from psirt.core.errors import ExitCode, InputError
from psirt.core.words import plural
from psirt.model.release import Release, ReleaseSnapshot, SecurityIssue
from psirt.parsing.published_record import (
    comparable_container,
    keep_program_fields,
    same_container,
)
from psirt.render.plan import DIFF_INDENT, plan_json, plan_lines

if TYPE_CHECKING:
    from psirt.cna.interface import Cna
    from psirt.session import Session

SyncStatus = Literal["up to date", "differs", "not published", "unreadable"]


@dataclass(frozen=True)
class SyncItem:
    cve_id: str
    status: SyncStatus
    detail: str = ""
    refusal: str | None = None  # why a differing record is not updated
    action: UpdatePublishedRecord | None = None

    def line(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        refused = f" (not updated: {self.refusal})" if self.refusal else ""
        return f"{self.cve_id}: {self.status}{detail}{refused}"


@dataclass
class SyncResult:
    release: Release
    blog_url: str | None
    items: list[SyncItem] = field(default_factory=list)
    plan: Plan = field(default_factory=Plan)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def refused(self) -> list[SyncItem]:
        return [item for item in self.items if item.refusal is not None]

    def exit_code(self, *, live: bool) -> ExitCode:
        if self.refused:
            return ExitCode.REFUSED if live else ExitCode.FINDINGS
        if live:
            return ExitCode.OK
        return ExitCode.FINDINGS if self.plan.actions else ExitCode.OK

    def render(self, *, live: bool) -> str:
        lines = [
            f"cve sync for {self.release.version_list}: {plural(len(self.items), 'CVE')}, "
            f"blog post {self.blog_url or '(unknown URL)'}"
        ]
        lines += [item.line() for item in self.items]
        if self.plan.actions:
            lines += [
                "",
                "updates (the CNA container only; the ADP containers stay). The diffs leave out "
                "what the CVE Program sets and list references by URL:",
            ]
            lines += plan_lines(self.plan, self.outcomes)
        for item in self.refused:
            if item.action is not None:
                diff = item.action.diff() or ""
                lines += ["", f"{item.cve_id} differs but is not updated ({item.refusal}):"]
                lines.extend(DIFF_INDENT + line for line in diff.rstrip("\n").splitlines())
        if not self.plan.actions and not self.refused:
            lines += ["", "nothing to update: no published record differs from psirt's export"]
        elif not live and self.plan.actions:
            lines += ["", "dry run: nothing was sent; add --live to update these records."]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Each CVE's state (with the diff of a refused record, which is in no action), then
        the plan's actions as every plan shows them (with their outcomes once run)."""
        return {
            "release": self.release.version_list,
            "blog_url": self.blog_url,
            "cves": [
                {
                    "cve_id": item.cve_id,
                    "status": item.status,
                    "detail": item.detail,
                    "refused": item.refusal,
                    "diff": item.action.diff() if item.action else None,
                }
                for item in self.items
            ],
            "actions": plan_json(self.plan, self.outcomes),
        }


class _Gate:
    """Why the export must not replace a published record, if it must not. Validate runs once,
    and only when a record differs."""

    def __init__(self, snapshot: ReleaseSnapshot) -> None:
        self._snapshot = snapshot
        self._errors: dict[str, list[str]] | None = None

    def _error_codes(self, subject: str) -> list[str]:
        if self._errors is None:
            from psirt.workflows.validate import validate

            self._errors = {}
            for finding in validate(self._snapshot).findings:
                if finding.is_error:
                    self._errors.setdefault(finding.subject, []).append(finding.code)
        return sorted(set(self._errors.get(subject, [])))

    def refusal(
        self, item: SecurityIssue, record: dict[str, Any], published: dict[str, Any]
    ) -> str | None:
        from psirt.knowledge.schemas import schema_errors

        config = self._snapshot.config
        metadata = published.get("cveMetadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        owner = metadata.get("assignerOrgId")
        if isinstance(owner, str) and owner != config.cna.org_id:
            name = metadata.get("assignerShortName") or owner
            return f"the record belongs to another CNA ({name})"
        request = item.cve_request
        labels = config.labels
        if request is None:
            return "no CVE request is linked"
        if labels.advisory_invalid in request.issue.labels:
            return f"{request.ref} has ~{labels.advisory_invalid}"
        if labels.description_validated not in request.issue.labels:
            return (
                f"{request.ref} lacks ~{labels.description_validated}: its text is not "
                "approved (did the description change since it was published?)"
            )
        broken = schema_errors(record)
        if broken:
            return "the exported record breaks the schema: " + "; ".join(broken)
        codes = self._error_codes(str(request.ref))
        if codes:
            return f"psirt validate reports errors in {request.ref}: {', '.join(codes)}"
        return None


def _by_cve(snapshot: ReleaseSnapshot) -> dict[str, SecurityIssue]:
    return {
        item.cve_request.cve_id: item
        for item in snapshot.issues
        if item.cve_request is not None and item.cve_request.cve_id is not None
    }


def plan_sync(snapshot: ReleaseSnapshot, cna: Cna, blog_url: str | None) -> SyncResult:
    """Read each published record and plan the updates (reads the CNA, writes nothing)."""
    from psirt.workflows.cve_export import records

    result = SyncResult(snapshot.release, blog_url)
    items = _by_cve(snapshot)
    gate = _Gate(snapshot)
    for record in records(snapshot, blog_url):
        cve_id = str(record["cveMetadata"]["cveId"])
        published = cna.published_record(cve_id)
        containers = published.get("containers") if isinstance(published, dict) else None
        held = containers.get("cna") if isinstance(containers, dict) else None
        metadata = published.get("cveMetadata") if isinstance(published, dict) else None
        served_state = metadata.get("state") if isinstance(metadata, dict) else None
        if served_state not in (None, "PUBLISHED"):  # REJECTED: nothing of ours to correct
            result.items.append(SyncItem(cve_id, "not published", str(served_state)))
            continue
        if published is None or not isinstance(held, dict):
            state = cna.publication_state(cve_id)
            if published is None and state == "PUBLISHED":
                detail = (
                    f"[cna] kind = {snapshot.config.cna.kind!r} cannot read published records; "
                    'compare with kind = "cve-services"'
                )
                result.items.append(SyncItem(cve_id, "unreadable", detail))
            else:
                result.items.append(SyncItem(cve_id, "not published", state or "unknown id"))
            continue
        ours = keep_program_fields(record["containers"]["cna"], held)
        if same_container(held, ours):
            result.items.append(SyncItem(cve_id, "up to date"))
            continue
        adp = containers.get("adp") if isinstance(containers, dict) else None
        action = UpdatePublishedRecord(
            cve_id,
            held,
            ours,
            list(adp) if isinstance(adp, list) else [],
            "the published CNA container differs from psirt's export",
        )
        refusal = gate.refusal(items[cve_id], record, published)
        result.items.append(SyncItem(cve_id, "differs", _changed_keys(held, ours), refusal, action))
        if refusal is None:
            result.plan.add(action)
    return result


def _changed_keys(published: dict[str, Any], ours: dict[str, Any]) -> str:
    first, second = comparable_container(published), comparable_container(ours)
    keys = sorted(k for k in {*first, *second} if first.get(k) != second.get(k))
    return ", ".join(keys)


def run_sync(
    session: Session,
    *,
    live: bool,
    release_issue: int | None = None,
    blog_url: str | None = None,
    cna: Cna | None = None,
) -> SyncResult:
    """Plan, then (dry run) check or (``live``) apply; a live run that stops half way raises
    ``ExecutionStopped`` and is finished by running it again."""
    from psirt.actions.run import run_plan
    from psirt.compute.post import post_url

    snapshot = session.snapshot(release_issue)
    if blog_url is None:
        try:
            blog_url = post_url(snapshot.release, snapshot.config)
        except InputError:
            blog_url = None
    cna = cna or session.cna()
    result = plan_sync(snapshot, cna, blog_url)
    result.outcomes = run_plan(session, result.plan, live, cna=cna)
    return result
