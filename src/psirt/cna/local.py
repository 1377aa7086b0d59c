"""A CNA in the workspace: published records are files, for demos and dry rehearsals.

``<workspace>/cna/published/CVE-YYYY-NNNN.json`` holds the full CVE JSON 5 record. Any well-formed
id without a file counts as reserved (the local CNA reserves on demand), so a rehearsal needs no
setup; a file means published. Writes are atomic, and the same record twice writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from psirt.cna.interface import PUBLISHED, RESERVED, PublishResult, record_cve_id
from psirt.core.errors import InputError, WorkspaceError
from psirt.core.files import atomic_write
from psirt.core.identifiers import is_cve_id
from psirt.core.records import Issue
from psirt.core.workspace import safe_join

PUBLISHED_DIR = ("cna", "published")


def _check_id(cve_id: str) -> str:
    if not is_cve_id(cve_id):
        raise InputError(f"not a CVE id: {cve_id!r} (expected CVE-YYYY-NNNN)")
    return cve_id


def _render(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class LocalCna:
    """The ``Cna`` port over ``<root>/cna/published``."""

    updates_published = False

    def publication_edit(self, request: Issue) -> str | None:
        return None  # the record itself is sent

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

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
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
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
        text = _render(record)
        existed = path.exists()
        if existed and path.read_text(encoding="utf-8") == text:
            return PublishResult(cve_id, "unchanged", f"{self._shown(path)} already holds it")
        atomic_write(path, text)
        detail = f"wrote {self._shown(path)}"
        if existed:
            return PublishResult(cve_id, "updated", detail)
        return PublishResult(cve_id, "published", detail)

    def _shown(self, path: Path) -> str:
        return str(path.relative_to(self.root))
