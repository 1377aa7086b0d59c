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


@dataclass(frozen=True, slots=True)
class Rule:
    """One named check; ``finding`` builds its findings so code and level stay consistent."""

    code: str  # stable: "ISS001", "CVE012", "REL003", "BLG007"
    level: Level
    subject_kind: str  # "security issue", "CVE request", "release", "blog post" ...
    summary: str  # one sentence for ``psirt rules``
    hint: str = ""  # the default fix hint

    def finding(self, subject: str, field: str, message: str, hint: str | None = None) -> Finding:
        """A finding of this rule; ``message`` should start with the field (``cwe: ...``)."""
        return Finding(
            code=self.code,
            level=self.level,
            subject=subject,
            field=field,
            message=message,
            hint=self.hint if hint is None else hint,
        )

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "level": self.level,
            "subject_kind": self.subject_kind,
            "summary": self.summary,
            "hint": self.hint,
        }
