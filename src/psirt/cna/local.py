"""A CNA in the workspace: published records are files, for demos and dry rehearsals.

``<workspace>/cna/published/CVE-YYYY-NNNN.json`` holds the full CVE JSON 5 record. Any well-formed
id without a file counts as reserved (the local CNA reserves on demand), so a rehearsal needs no
setup; a file means published. Writes are atomic, and the same record twice writes nothing.

A published record may carry containers added by others (``adp``, as real records do; a team can
put them in the file): a new publication of the same id and an update of its CNA container keep
them, as CVE Services does. An update stamps ``dateUpdated`` as CVE Services would.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psirt.cna.interface import PUBLISHED, RESERVED, PublishResult, record_cve_id
from psirt.core.errors import InputError, NotFoundError, WorkspaceError
from psirt.core.files import atomic_write
from psirt.core.identifiers import is_cve_id
from psirt.core.records import Issue
from psirt.core.workspace import safe_join
from psirt.parsing.published_record import same_container

PUBLISHED_DIR = ("cna", "published")


def _check_id(cve_id: str) -> str:
    if not is_cve_id(cve_id):
        raise InputError(f"not a CVE id: {cve_id!r} (expected CVE-YYYY-NNNN)")
    return cve_id


def _render(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class LocalCna:
    """The ``Cna`` port over ``<root>/cna/published``."""

    updates_published = False

    def publication_edit(self, request: Issue) -> str | None:
        return None  # the record itself is sent

    def __init__(self, root: Path, *, clock: Callable[[], str] = _now) -> None:
        self.root = Path(root)
        self._clock = clock

    def path(self, cve_id: str) -> Path:
        return safe_join(self.root, *PUBLISHED_DIR, f"{_check_id(cve_id)}.json")

    def published(self) -> list[str]:
        folder = safe_join(self.root, *PUBLISHED_DIR)
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("CVE-*.json") if is_cve_id(p.stem))

    def record(self, cve_id: str) -> dict[str, Any] | None:
        path = self.path(cve_id)
        if not path.exists():
            return None
        if not path.is_file():  # a FIFO would make the read wait forever
            raise WorkspaceError("not a regular file (a folder, FIFO or device?)", path=str(path))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except RecursionError:
            raise WorkspaceError(
                "unreadable CVE record: nested too deeply", path=str(path)
            ) from None
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"unreadable CVE record: {exc}", path=str(path)) from exc
        if not isinstance(data, dict):
            raise WorkspaceError("expected a JSON object (a CVE record)", path=str(path))
        return data

    def publication_state(self, cve_id: str) -> str | None:
        return PUBLISHED if self.path(cve_id).exists() else RESERVED

    def publish(self, cve_id: str, record: dict[str, Any]) -> PublishResult:
        if record.get("dataType") != "CVE_RECORD":
            raise InputError(
                "expected a full CVE JSON 5 record (dataType: CVE_RECORD)", where=cve_id
            )
        named = record_cve_id(record)
        if named is not None and named != cve_id:
            raise InputError(f"record is for {named} (cveMetadata.cveId)", where=cve_id)
        path = self.path(cve_id)
        existing = self.record(cve_id)
        adp = (existing.get("containers") or {}).get("adp") if existing else None
        containers = record.get("containers")
        if adp and isinstance(containers, dict) and "adp" not in containers:
            record = copy.deepcopy(record)
            record["containers"]["adp"] = adp
        text = _render(record)
        if existing is not None and path.read_text(encoding="utf-8") == text:
            return PublishResult(cve_id, "unchanged", f"{self._shown(path)} already holds it")
        atomic_write(path, text)
        detail = f"wrote {self._shown(path)}"
        if existing is not None:
            return PublishResult(cve_id, "updated", detail)
        return PublishResult(cve_id, "published", detail)

    def published_record(self, cve_id: str) -> dict[str, Any] | None:
        return self.record(cve_id)

    def update_cna_container(self, cve_id: str, container: dict[str, Any]) -> PublishResult:
        record = self.record(cve_id)
        if record is None:
            raise NotFoundError("no published record to update", where=cve_id)
        if not isinstance(container, dict) or "adp" in container:
            raise InputError("expected a CNA container (and only that)", where=cve_id)
        containers = record.get("containers")
        if not isinstance(containers, dict):
            raise WorkspaceError("the record has no containers", path=str(self.path(cve_id)))
        current = containers.get("cna")
        if isinstance(current, dict) and same_container(current, container):
            return PublishResult(cve_id, "unchanged", "the published record already says this")
        now = self._clock()
        updated = copy.deepcopy(container)
        provider = dict(updated.get("providerMetadata") or {})
        provider["dateUpdated"] = now
        updated["providerMetadata"] = provider
        record = copy.deepcopy(record)
        record["containers"]["cna"] = updated
        metadata = record.setdefault("cveMetadata", {})
        if isinstance(metadata, dict):
            metadata["dateUpdated"] = now
        path = self.path(cve_id)
        atomic_write(path, _render(record))
        return PublishResult(cve_id, "updated", f"wrote {self._shown(path)}")

    def _shown(self, path: Path) -> str:
        return str(path.relative_to(self.root))
