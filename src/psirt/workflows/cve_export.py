"""``psirt cve export`` and ``psirt cve lint``: CVE JSON 5 records of the release, and a lint for
records from any CNA."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.compute.confidential import Confidential
from psirt.compute.facts import resolve
from psirt.compute.post import post_url
from psirt.core.errors import InputError, PsirtError
from psirt.core.files import atomic_write
from psirt.core.finding import Finding
from psirt.core.identifiers import is_cve_id
from psirt.core.text import MAX_DIGITS
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
    for record in records(snapshot, blog_url):
        cve_id = str(record["cveMetadata"]["cveId"])
        path = out_dir / f"{cve_id}.json"
        text = dump_record(record)
        atomic_write(path, text)
        found = lint_record(record, cve_id, exported=True, confidential=confidential)
        exported.append(
            ExportedRecord(cve_id, path, record, tuple(in_file(found, str(path), text)))
        )
    stale = _tidy(out_dir, {item.path.name for item in exported}, written_before)
    manifest = {"format": 1, "records": {item.path.name: _digest(item.path) for item in exported}}
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


#: A CVE JSON 5 record nests about eight levels; far deeper is no record (and would exhaust
#: the recursion of the decoder and of the schema check).
MAX_RECORD_DEPTH = 64


def load_record(path: Path) -> Any:
    return read_record(path)[0]


def read_record(path: Path) -> tuple[Any, str]:
    """A record file's JSON and its text."""
    try:
        text = path.read_text(encoding="utf-8")
        record = json.loads(text)
    except FileNotFoundError:
        raise InputError("no such file", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from exc
    except RecursionError:
        raise InputError(
            f"not a record: JSON nested more than {MAX_RECORD_DEPTH} levels", where=str(path)
        ) from None
    except ValueError:  # a number of more digits than Python converts
        raise InputError(
            f"not a record: a number of more than {MAX_DIGITS} digits", where=str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", where=str(path)) from exc
    if nested_deeper_than(text, MAX_RECORD_DEPTH):
        raise InputError(
            f"not a record: JSON nested more than {MAX_RECORD_DEPTH} levels", where=str(path)
        )
    return record, text


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether ``text`` nests deeper than ``limit``. It cannot with no more opening brackets
    than that, in strings or not, and nearly every record has fewer: no need to find its
    strings then."""
    if text.count("[") + text.count("{") <= limit:
        return False
    return nesting_depth(text) > limit


def nesting_depth(text: str) -> int:
    """How deep lists and objects nest in a JSON text that parsed (a scalar: 0): its brackets
    counted outside strings, in C but for the brackets themselves (a record has a few hundred)."""
    deepest = depth = 0
    for bracket in _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


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


def release_confidential(session: Session | None) -> Confidential | None:
    """What the confidentiality check knows inside a workspace: the release's confidential
    issues and titles, or only the workspace's settings when no release can be read; None
    outside a workspace (psirt.toml's defaults)."""
    if session is None:
        return None
    try:
        snapshot = session.snapshot()
    except PsirtError:  # no release to read: the workspace's settings still say a lot
        return Confidential.of(session.config)
    return Confidential.of(session.config, snapshot)


def lint_files(paths: list[Path], session: Session | None = None) -> FindingsReport:
    """Lint record files from any CNA; the findings are grouped by file name. With a session
    (inside a workspace), the confidentiality check also knows the release's confidential
    issues and titles. (``workflows/record_lint.py`` lints folders and many files, in
    parallel.)"""
    from psirt.workflows.record_lint import RecordLint

    return RecordLint(paths, jobs=1, confidential=release_confidential(session)).report()
