"""``psirt advisory export`` and ``psirt advisory lint``: the release's CSAF 2.0 document and OSV
records, and a schema lint for anyone's.

Export reads what it wrote before from the output folder, so a re-export continues the CSAF
revision history and keeps OSV dates instead of rewriting them; every file written is checked
against its official schema (``ADV0xx`` findings).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.compute.advisory import Advisory, build_advisory
from psirt.compute.confidential import Confidential
from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.core.words import plural
from psirt.knowledge.schemas import csaf_file_name
from psirt.parsing.file_lines import in_file
from psirt.parsing.record_file import load_record_file, read_record_file
from psirt.render import csaf, osv
from psirt.render.findings import FindingGroup, FindingsReport, counts
from psirt.rules.advisory import lint_advisory
from psirt.workflows.blog import write_text

if TYPE_CHECKING:
    from psirt.model.release import ReleaseSnapshot
    from psirt.session import Session

PROVIDER_METADATA = "provider-metadata.json"


@dataclass(frozen=True)
class Written:
    path: Path
    document: dict[str, Any]
    findings: tuple[Finding, ...]
    changed: bool  # False: the file already said exactly this


@dataclass(frozen=True)
class Export:
    advisory: Advisory
    written: tuple[Written, ...]

    @property
    def findings(self) -> list[Finding]:
        return [f for item in self.written for f in item.findings]


def read_previous(path: Path) -> dict[str, Any] | None:
    """The document written before at ``path``; None when there is none."""
    if not path.exists():
        return None
    data = load_record_file(path)
    if not isinstance(data, dict):
        raise InputError("expected a JSON object (the document written before)", where=str(path))
    return data


def _write(path: Path, document: dict[str, Any], text: str, confidential: Confidential) -> Written:
    """Write the document when it changed; its findings: the schema's, then what it would give
    away (``CNF``: an advisory is public)."""
    from psirt.rules.confidential import document_findings

    changed = not path.exists() or path.read_text(encoding="utf-8") != text
    if changed:
        write_text(path, text)
    findings = lint_advisory(document, path.name, path.name)
    findings += document_findings(document, path.name, confidential)
    return Written(path, document, tuple(in_file(findings, str(path), text)), changed)


def export_csaf(
    session: Session,
    out_dir: Path,
    *,
    release_issue: int | None = None,
    snapshot: ReleaseSnapshot | None = None,
    status: csaf.Status = "final",
    provider_metadata: bool = False,
    now: datetime | None = None,
) -> Export:
    """Write the release's CSAF document (and, when asked, ``provider-metadata.json``)."""
    snapshot = snapshot or session.snapshot(release_issue)
    config = snapshot.config
    advisory = build_advisory(snapshot)
    path = out_dir / csaf_file_name(csaf.tracking_id(advisory, config))
    document = csaf.build_document(
        advisory,
        config,
        status=status,
        previous=read_previous(path),
        previous_path=str(path),
        now=now,
        templates_dir=session.workspace.templates_dir,
    )
    confidential = Confidential.of(config, snapshot)
    written = [_write(path, document, csaf.dump_document(document), confidential)]
    if provider_metadata:
        meta_path = out_dir / PROVIDER_METADATA
        meta = csaf.provider_metadata(config, previous=read_previous(meta_path), now=now)
        written.append(_write(meta_path, meta, csaf.dump_document(meta), confidential))
    return Export(advisory, tuple(written))


def _withdrawn(
    out_dir: Path, prefix: str, csaf_id: str, current: set[Path], now: datetime | None
) -> list[tuple[Path, dict[str, Any]]]:
    """Records this release wrote before for a CVE it no longer ships (a fix held back after
    the first export): marked ``withdrawn``, never deleted."""
    from datetime import UTC

    found = []
    for path in sorted(out_dir.glob(f"{prefix}-*.json")):
        if path in current:
            continue
        record = read_previous(path)
        if record is None or record.get("withdrawn"):
            continue
        specific = record.get("database_specific")
        if not isinstance(specific, dict) or specific.get("csaf_id") != csaf_id:
            continue
        moment = csaf.timestamp(now or datetime.now(UTC))
        found.append((path, {**record, "modified": moment, "withdrawn": moment}))
    return found


def export_osv(
    session: Session,
    out_dir: Path,
    *,
    release_issue: int | None = None,
    snapshot: ReleaseSnapshot | None = None,
    now: datetime | None = None,
) -> Export:
    """Write one OSV record per shipped CVE of the release."""
    snapshot = snapshot or session.snapshot(release_issue)
    config = snapshot.config
    advisory = build_advisory(snapshot)
    csaf_id = csaf.tracking_id(advisory, config)
    confidential = Confidential.of(config, snapshot)
    written = []
    for fix in advisory.fixes:
        path = out_dir / osv.file_name(osv.osv_id(config, fix.cve_id))
        record = osv.build_record(
            fix,
            advisory,
            config,
            csaf_id=csaf_id,
            previous=read_previous(path),
            now=now,
            templates_dir=session.workspace.templates_dir,
        )
        written.append(_write(path, record, osv.dump_record(record), confidential))
    current = {item.path for item in written}
    if out_dir.is_dir():
        for path, record in _withdrawn(out_dir, config.advisory.osv_prefix, csaf_id, current, now):
            written.append(_write(path, record, osv.dump_record(record), confidential))
    return Export(advisory, tuple(written))


def lint_files(paths: list[Path]) -> list[Finding]:
    """Schema findings for CSAF documents, provider metadata and OSV records from anyone."""
    findings: list[Finding] = []
    for path in paths:
        document, text = read_record_file(path)
        findings += in_file(lint_advisory(document, path.name, path.name), str(path), text)
    return findings


def export_report(result: Export) -> FindingsReport:
    """What ``advisory export`` prints: one group per file written (or unchanged), with its
    schema findings, the held-back fixes left out, and the counts."""
    groups = tuple(
        FindingGroup(
            str(item.path),
            "written" if item.changed else "unchanged",
            item.findings,
        )
        for item in result.written
    )
    held = tuple(
        f"left out: {entry.cve_id or entry.title} ({entry.ref}) is held back"
        for entry in result.advisory.held_back
    )
    if held:
        groups += (FindingGroup("held back", "", (), held),)
    summary = f"{plural(len(result.written), 'file')} exported: {counts(result.findings)}"
    return FindingsReport(groups, summary)
