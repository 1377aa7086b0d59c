"""The journal: one JSON line per live action (what, on which object, outcome, when).

It holds no secret: actions carry object references and short details, never credentials.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, action: str, subject: str, outcome: str, detail: str = "") -> None:
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "action": action,
            "subject": subject,
            "outcome": outcome,
            "detail": detail,
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as handle:
            # a process killed mid-line left a torn last line: start ours on a line of its own
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    line = "\n" + line
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
