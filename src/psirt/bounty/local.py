"""The local bounty platform: HackerOne-shaped reports as YAML files in the workspace.

``hackerone/reports/<id>.yaml``, one report per file (format in ``docs/workspace.md``). Writes
merge into the file on disk, so comments and key order a team wrote stay.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from psirt.core.config import BountyConfig
from psirt.core.errors import InputError
from psirt.core.records import REPORT_STATES, Activity, Report
from psirt.core.workspace import safe_join
from psirt.localstore.record_files import RecordFiles
from psirt.localstore.reports import REPORT_FILE, REPORT_ID, decode_report, render_report

REPORTS_DIR = ("hackerone", "reports")
DEFAULT_REPORT_URL = BountyConfig().report_url  # psirt.toml [bounty] report_url, by default


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def check_report_id(report_id: str) -> str:
    """A report id names a file, so it is letters, digits, ``_`` and ``-`` only."""
    if not REPORT_ID.match(report_id):
        raise InputError(f"not a report id: {report_id!r} (expected digits such as 2345678)")
    return report_id


class LocalBounty:
    """The ``BountyPlatform`` port over ``<workspace>/hackerone/reports``."""

    def __init__(
        self,
        root: Path,
        *,
        report_url: str = DEFAULT_REPORT_URL,
        user: str = "psirt",
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.root = Path(root)
        self.report_url = report_url
        self.user = user
        self._clock = clock
        self._files = RecordFiles()
        self._lock = threading.RLock()

    @property
    def request_count(self) -> int:
        return self._files.reads

    def _path(self, report_id: str) -> Path:
        return safe_join(self.root, *REPORTS_DIR, f"{check_report_id(report_id)}.yaml")

    def _url(self, report_id: str) -> str:
        return self.report_url.format(id=report_id)

    def _decode(self, path: Path) -> Callable[[str], Report]:
        return lambda text: decode_report(text, path, self._url)

    def get_report(self, report_id: str) -> Report:
        with self._lock:
            path = self._path(report_id)
            return self._files.load(path, self._decode(path), f"no report {report_id}")[1]

    def list_reports(self) -> list[Report]:
        """Every report of the workspace, by id (numeric ids in numeric order)."""
        folder = safe_join(self.root, *REPORTS_DIR)
        if not folder.is_dir():
            return []
        ids = [
            entry.name[: -len(".yaml")]
            for entry in os.scandir(folder)
            if REPORT_FILE.match(entry.name)
        ]
        ids.sort(key=lambda i: (not i.isdigit(), int(i) if i.isdigit() else 0, i))
        return [self.get_report(report_id) for report_id in ids]

    def add_comment(self, report_id: str, message: str, *, internal: bool = False) -> Activity:
        activity = Activity(
            "activity-comment", message, internal, author=self.user, created_at=self._clock()
        )
        with self._lock:
            report = self.get_report(report_id)
            self.save_report(replace(report, activities=(*report.activities, activity)))
        return activity

    def change_state(self, report_id: str, state: str, message: str) -> Report:
        """Sets the state and records it as an ``activity-bug-<state>`` with the message."""
        if state not in REPORT_STATES:
            raise InputError(
                f"not a report state: {state!r} (expected one of {', '.join(REPORT_STATES)})"
            )
        activity = Activity(
            f"activity-bug-{state}", message, author=self.user, created_at=self._clock()
        )
        with self._lock:
            report = self.get_report(report_id)
            self.save_report(
                replace(report, state=state, activities=(*report.activities, activity))
            )
            return self.get_report(report_id)

    def save_report(self, report: Report) -> None:
        """Write a full report; an existing file is merged into (comments and style stay)."""
        with self._lock:
            path = self._path(report.id)
            existing = self._files.existing_text(path)
            text = render_report(report, existing, path, self._url(report.id))
            if text != existing:
                self._files.write(path, text, self._decode(path))
