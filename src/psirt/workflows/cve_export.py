"""``psirt cve export`` and ``psirt cve lint``: CVE JSON 5 records of the release, and a lint for
records from any CNA."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.compute.facts import resolve
from psirt.compute.post import post_url
from psirt.core.errors import InputError
from psirt.core.files import atomic_write
from psirt.core.finding import Finding
from psirt.core.words import plural
from psirt.model.merge_requests import shipped_fixes
from psirt.parsing.file_lines import in_file
from psirt.render.cve_record import build_record, dump_record
from psirt.render.findings import FindingGroup, FindingsReport, by_subject, counts

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


def export(
    session: Session,
    out_dir: Path,
    *,
    release_issue: int | None = None,
    snapshot: ReleaseSnapshot | None = None,
    blog_url: str | None = None,
) -> list[ExportedRecord]:
    from psirt.rules.cve_record import lint_record

    snapshot = snapshot or session.snapshot(release_issue)
    out_dir.mkdir(parents=True, exist_ok=True)
    exported: list[ExportedRecord] = []
    for record in records(snapshot, blog_url):
        cve_id = str(record["cveMetadata"]["cveId"])
        path = out_dir / f"{cve_id}.json"
        text = dump_record(record)
        atomic_write(path, text)
        found = in_file(lint_record(record, cve_id), str(path), text)
        exported.append(ExportedRecord(cve_id, path, record, tuple(found)))
    return exported


def load_record(path: Path) -> Any:
    return read_record(path)[0]


def read_record(path: Path) -> tuple[Any, str]:
    """A record file's JSON and its text."""
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text), text
    except FileNotFoundError:
        raise InputError("no such file", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", where=str(path)) from exc


def export_report(exported: list[ExportedRecord], out_dir: Path) -> FindingsReport:
    """The findings of the exported records, one group per record with any."""
    groups = tuple(
        FindingGroup(item.cve_id, str(item.path), item.findings)
        for item in exported
        if item.findings
    )
    findings = [finding for item in exported for finding in item.findings]
    summary = f"{plural(len(exported), 'record')} written to {out_dir}: {counts(findings)}"
    return FindingsReport(groups, summary)


def lint_files(paths: list[Path]) -> FindingsReport:
    """Lint record files from any CNA; the findings are grouped by file name."""
    from psirt.rules.cve_record import lint_record

    findings: list[Finding] = []
    for path in paths:
        record, text = read_record(path)
        findings += in_file(lint_record(record, path.name), str(path), text)
    return by_subject(findings, f"{plural(len(paths), 'record')}: {counts(findings)}")
