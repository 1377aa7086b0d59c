"""A finding: what a rule reports about one object and one field."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where to edit what a finding is about.

    A rule may say which part of its subject it means: a note (``note``, its id) or a line of
    the description (``description_line``, 1-based); ``model/locations.py`` then completes the
    location from the release: in a local workspace the file (``path``, relative to the
    workspace) and its ``line``; on GitLab the issue's ``url`` (with ``#note_ID`` for a note).
    A finding about a file (a blog post, a record) has that file's path and line."""

    path: str = ""
    line: int | None = None
    url: str = ""
    note: int | None = None
    description_line: int | None = None

    def __str__(self) -> str:
        """``projects/gitlab-org/cves/issues/12.md:14``, else the URL (and the line of the
        description it means: ``.../issues/12 (description line 9)``), else ""."""
        if self.path:
            return f"{self.path}:{self.line}" if self.line is not None else self.path
        if self.url and self.note is None and self.description_line is not None:
            return f"{self.url} (description line {self.description_line})"
        return self.url

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.path:
            found["path"] = self.path
            found["line"] = self.line
        if self.url:
            found["url"] = self.url
            if self.description_line is not None and self.note is None:
                found["description_line"] = self.description_line
        return found


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A person's word that a warning was reviewed and stands: ``code`` on one security issue
    (and its CVE request), by whom and why, and where it was written (a note, a file line)."""

    code: str
    by: str
    reason: str
    where: Location | None = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"code": self.code, "by": self.by, "reason": self.reason}
        if self.where is not None and str(self.where):
            found["location"] = self.where.to_json()
        return found


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # stable, e.g. "CVE003"
    level: Level
    subject: str  # the object: "gitlab-org/cves#12", "blog post", "release"
    field: str  # the field within it: "cwe", "Details: Version affected", ""
    message: str
    hint: str = ""
    location: Location | None = None
    acknowledged: Acknowledgement | None = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "code": self.code,
            "level": self.level,
            "subject": self.subject,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "location": self.location.to_json() if self.location is not None else {},
        }
        if self.acknowledged is not None:
            found["acknowledged"] = self.acknowledged.to_json()
        return found

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    @property
    def is_warning(self) -> bool:
        """A warning no one acknowledged yet (an acknowledged one is counted apart)."""
        return self.level == "warning" and self.acknowledged is None

    def at(self, location: Location) -> Finding:
        """The same finding at ``location``."""
        return replace(self, location=location)


@dataclass(frozen=True, slots=True)
class Rule:
    """One named check; ``finding`` builds its findings so code and level stay consistent."""

    code: str  # stable: "ISS001", "CVE012", "REL003", "BLG007"
    level: Level
    subject_kind: str  # "security issue", "CVE request", "release", "blog post" ...
    summary: str  # one sentence for ``psirt rules``
    hint: str = ""  # the default fix hint

    def finding(
        self,
        subject: str,
        field: str,
        message: str,
        hint: str | None = None,
        *,
        location: Location | None = None,
    ) -> Finding:
        """A finding of this rule; ``message`` should start with the field (``cwe: ...``)."""
        return Finding(
            code=self.code,
            level=self.level,
            subject=subject,
            field=field,
            message=message,
            hint=self.hint if hint is None else hint,
            location=location,
        )

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "level": self.level,
            "subject_kind": self.subject_kind,
            "summary": self.summary,
            "hint": self.hint,
        }
