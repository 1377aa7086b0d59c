"""A finding: what a rule reports about one object and one field."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # stable, e.g. "CVE003"
    level: Level
    subject: str  # the object: "gitlab-org/cves#12", "blog post", "release"
    field: str  # the field within it: "cwe", "Details: Version affected", ""
    message: str
    hint: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.level == "error"
