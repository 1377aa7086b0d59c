"""``psirt cve export`` and ``psirt cve lint``: CVE JSON 5 records of the release, and a lint for
records from any CNA."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.compute.confidential import Confidential
from psirt.compute.facts import resolve
from psirt.compute.post import post_url
from psirt.core.errors import InputError
from psirt.core.files import atomic_write, write_if_changed
from psirt.core.finding import Finding
from psirt.core.identifiers import is_cve_id
from psirt.core.words import plural
from psirt.model.merge_requests import shipped_fixes
from psirt.parsing.file_lines import in_file
from psirt.render.cve_record import build_record, dump_record
from psirt.render.findings import FindingGroup, FindingsReport, counts

if TYPE_CHECKING:
    from psirt.model.release import ReleaseSnapshot
    from psirt.session import Session


@dataclass(frozen=True)
class ExportedRecord:
    cve_id: str
    path: Path
    record: dict[str, Any]
    findings: tuple[Finding, ...]


def records(snapshot: ReleaseSnapshot, blog_url: str | None = None) -> list[dict[str, Any]]:
    """One record per shipped fix that has a CVE id, in CVE id order (a fix whose MR was
    reverted does not ship, so its CVE is not part of this release)."""
    config, release = snapshot.config, snapshot.release
    if blog_url is None:
        try:
            blog_url = post_url(release, config)
        except InputError:
            blog_url = None
    built = [
        build_record(facts, config, blog_url)
        for item in shipped_fixes(snapshot)
        if (facts := resolve(item, release, config)).cve_id is not None
    ]
    return sorted(built, key=lambda r: str(r["cveMetadata"]["cveId"]))


@dataclass(frozen=True)
class Export:
    """The records written, and what the folder holds besides them (``REC032``)."""

    records: list[ExportedRecord]
    stale: tuple[Finding, ...] = ()


#: The files psirt wrote in an export folder, with the hash of each as written: a record that
#: no longer belongs to the release is removed only when psirt wrote it and nobody changed it.
MANIFEST = ".psirt-manifest"  # JSON; no .json suffix, so "*.json" lists the records only


def export(
    session: Session,
    out_dir: Path,
    *,
    release_issue: int | None = None,
    snapshot: ReleaseSnapshot | None = None,
    blog_url: str | None = None,
) -> Export:
    from psirt.rules.cve_record import lint_record

    snapshot = snapshot or session.snapshot(release_issue)
    confidential = Confidential.of(snapshot.config, snapshot)
    out_dir.mkdir(parents=True, exist_ok=True)
    written_before = _read_manifest(out_dir)
    exported: list[ExportedRecord] = []
    digests: dict[str, str] = {}
    for record in records(snapshot, blog_url):
        cve_id = str(record["cveMetadata"]["cveId"])
        path = out_dir / f"{cve_id}.json"
        text = dump_record(record)
        write_if_changed(path, text)
        digests[path.name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = lint_record(record, cve_id, exported=True, confidential=confidential)
        exported.append(
            ExportedRecord(cve_id, path, record, tuple(in_file(found, str(path), text)))
        )
    stale = _tidy(out_dir, {item.path.name for item in exported}, written_before)
    manifest = {"format": 1, "records": digests}
    atomic_write(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Export(exported, stale)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(out_dir: Path) -> dict[str, str]:
    """The files an earlier export wrote here, by name; {} when there is no readable manifest."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    written = data.get("records") if isinstance(data, dict) else None
    if not isinstance(written, dict):
        return {}
    return {str(k): str(v) for k, v in written.items() if is_cve_id(str(k).removesuffix(".json"))}


def _tidy(out_dir: Path, current: set[str], written_before: dict[str, str]) -> tuple[Finding, ...]:
    """Remove the records an earlier export wrote that this release no longer has (unchanged
    since), and name every other record file in the folder that is not part of the release."""
    from psirt.rules.cve_record import stale_records

    present = sorted(
        entry.name
        for entry in out_dir.iterdir()
        if entry.name.endswith(".json") and is_cve_id(entry.name[:-5]) and entry.is_file()
    )
    ours = {
        name
        for name in present
        if name not in current and written_before.get(name) == _digest(out_dir / name)
    }
    findings = stale_records(present, current, ours)
    for name in sorted(ours):
        (out_dir / name).unlink(missing_ok=True)
    return tuple(in_file([finding], str(out_dir / finding.subject))[0] for finding in findings)


def export_report(result: Export, out_dir: Path) -> FindingsReport:
    """The findings of the exported records, one group per record with any, then the folder's
    records that are not part of the release."""
    exported = result.records
    groups = tuple(
        FindingGroup(item.cve_id, str(item.path), item.findings)
        for item in exported
        if item.findings
    )
    if result.stale:
        groups += (FindingGroup(str(out_dir), "records not of this release", result.stale),)
    findings = [finding for item in exported for finding in item.findings] + list(result.stale)
    summary = f"{plural(len(exported), 'record')} written to {out_dir}: {counts(findings)}"
    return FindingsReport(groups, summary)
