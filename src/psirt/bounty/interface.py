"""The bounty port: HackerOne-shaped reports and the few operations the release needs."""

from __future__ import annotations

from typing import Protocol

from psirt.core.records import Activity, Report


class BountyPlatform(Protocol):
    def get_report(self, report_id: str) -> Report: ...

    def add_comment(self, report_id: str, message: str, *, internal: bool = False) -> Activity: ...

    def change_state(self, report_id: str, state: str, message: str) -> Report: ...
