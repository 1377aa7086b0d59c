"""``psirt cve status``: where each CVE of the release stands at the CNA, and what others added.

For each CVE id of the release: its state (RESERVED, PUBLISHED, REJECTED) and dates as the CNA
serves them, what the ADP containers say (SSVC decision points, KEV entries, CVSS and CWE), and
the findings of the ``PUB`` rules (``rules/published.py``): a CVE of a released fix still not
PUBLISHED some days after the release, exploitation in the wild and who to tell, an ADP score or
weakness that disagrees with the CNA's, a published record that differs from psirt's export.
Read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from psirt.core.errors import ExitCode, InputError
from psirt.core.finding import Finding
from psirt.core.words import plural
from psirt.model.locations import issue_location
from psirt.model.merge_requests import shipped_fixes
from psirt.model.release import Release, ReleaseSnapshot
from psirt.parsing.published_record import PublishedRecord, read_record, same_container
from psirt.render.findings import FindingGroup, FindingsReport, counts
from psirt.rules.published import KIND, WatchedCve
from psirt.rules.registry import RULES

if TYPE_CHECKING:
    from psirt.cna.interface import Cna
    from psirt.session import Session


@dataclass(frozen=True)
class CveStatus:
    watch: WatchedCve
    findings: tuple[Finding, ...]

    @property
    def record(self) -> PublishedRecord | None:
        return self.watch.record

    def dates(self) -> str:
        record = self.record
        if record is None:
            return ""
        named = (
            ("reserved", record.date_reserved),
            ("published", record.date_published),
            ("updated", record.date_updated),
            ("rejected", record.date_rejected),
        )
        return ", ".join(f"{name} {value[:10]}" for name, value in named if value)

    def adp_lines(self) -> list[str]:
        record = self.record
        if record is None:
            return []
        lines = []
        for adp in record.enrichments:
            parts = []
            if adp.ssvc:
                parts.append("SSVC " + ", ".join(f"{k} {v}" for k, v in adp.ssvc.items()))
            parts += [f"KEV since {k.date_added or '?'}" for k in adp.kev]
            parts += [f"CVSS {c.label}" for c in adp.cvss]
            parts += list(adp.cwes)
            if adp.references and not parts:
                parts.append(plural(len(adp.references), "reference"))
            lines.append(f"{adp.provider}: {'; '.join(parts) or 'nothing more'}")
        return lines


@dataclass
class StatusReport:
    release: Release
    released_on: date | None
    today: date
    cves: list[CveStatus] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for status in self.cves for f in status.findings]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if any(f.is_error for f in self.findings) else ExitCode.OK

    def findings_report(self) -> FindingsReport:
        """One group per CVE: its state and dates as the heading's subtitle, what the ADP
        containers add under it, then its findings; the summary names the release date."""
        groups = []
        for status in self.cves:
            state = status.watch.state or "unknown to the CNA"
            dates = f" ({status.dates()})" if status.dates() else ""
            held = "" if status.watch.shipped else " (fix held back: not released)"
            groups.append(
                FindingGroup(
                    status.watch.cve_id,
                    f"{state}{dates}{held}",
                    status.findings,
                    tuple(status.adp_lines()),
                )
            )
        when = (
            f"released {self.released_on}"
            if self.released_on
            else "release date unknown (the tracking issue has no due date): "
            "publication deadlines are not checked"
        )
        summary = (
            f"CVEs of {self.release.version_list} ({when}), as of {self.today}: "
            f"{plural(len(self.cves), 'CVE')}, {counts(self.findings)}"
        )
        return FindingsReport(tuple(groups), summary, int(self.exit_code))


def cve_status(
    snapshot: ReleaseSnapshot,
    cna: Cna,
    *,
    today: date,
    export: Callable[[str], dict[str, Any] | None] | None = None,
) -> StatusReport:
    """Read each CVE of the release from the CNA and check it (reads only).

    ``export(cve_id)`` is psirt's record of a CVE now, to tell whether the published one
    differs; without it that is not checked.
    """
    config = snapshot.config
    release = snapshot.release
    report = StatusReport(release, release.due_date, today)
    shipped = {item.ref for item in shipped_fixes(snapshot)}
    for item in snapshot.issues:
        request = item.cve_request
        if request is None or request.cve_id is None:
            continue
        cve_id = request.cve_id
        raw = cna.published_record(cve_id)
        record = read_record(raw, cve_id) if raw is not None else None
        state = record.state if record is not None and record.state else None
        if state is None:
            state = cna.publication_state(cve_id)
        differs: bool | None = None
        if record is not None and record.cna and export is not None:
            ours = export(cve_id)
            if ours is not None:
                differs = not same_container(record.cna, ours["containers"]["cna"])
        watch = WatchedCve(
            cve_id=cve_id,
            state=state,
            record=record,
            shipped=item.ref in shipped,
            released_on=release.due_date,
            today=today,
            export_differs=differs,
        )
        # Where to act on a CVE's finding: its CVE request (the file, or the issue on GitLab).
        where = issue_location(request.issue)
        findings = tuple(
            f if f.location is not None else f.at(where) for f in RULES.run(KIND, watch, config)
        )
        report.cves.append(CveStatus(watch, findings))
    report.cves.sort(key=lambda status: status.watch.cve_id)
    return report


def run_status(
    session: Session,
    *,
    release_issue: int | None = None,
    today: date | None = None,
    cna: Cna | None = None,
) -> StatusReport:
    from psirt.compute.post import post_url
    from psirt.workflows.cve_export import records

    snapshot = session.snapshot(release_issue)
    try:
        blog_url: str | None = post_url(snapshot.release, snapshot.config)
    except InputError:
        blog_url = None
    exported = {str(r["cveMetadata"]["cveId"]): r for r in records(snapshot, blog_url)}
    return cve_status(
        snapshot,
        cna or session.cna(),
        today=today or date.today(),
        export=exported.get,
    )
