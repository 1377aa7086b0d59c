"""The texts psirt writes for others to read on a tracker or HackerOne, each a template a
workspace overrides with a file of the same name under its ``templates/`` folder.

* ``close/canonical_note.md.j2``: close's public note on a fix's canonical issue;
* ``close/bounty_reminder.md.j2``: close's internal note when the report has no bounty yet;
* ``close/reporter_comment.md.j2``: close's comment to the reporter on HackerOne;
* ``close/resolve_message.md.j2``: the message that resolves the HackerOne report;
* ``validate/comment.md.j2``: ``validate --comment``'s request to a fix's assignees;
* ``validate/resolved.md.j2``: its note once every finding asked about is resolved;
* ``disclose/canonical_note.md.j2``: disclose's public note on a canonical issue it makes public;
* ``validate/psirt.md.j2``: its note to the release managers on the PSIRT task issue, with what
  belongs to PSIRT (update-cves, the validated label, the CNA bot, the release);
* ``validate/psirt_resolved.md.j2``: that note once nothing is left for PSIRT.

Each template receives plain values (``product``, ``versions`` ...; see the dataclasses below
and each template's header). A text is sent without its final newline; the notes on the tracker
carry psirt's rerun marker after it, the HackerOne comment carries none (the reporter sees all
of it, and a rerun recognises it by its text).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from psirt.core.finding import Finding
from psirt.render.env import render

CANONICAL_NOTE = "close/canonical_note.md.j2"
BOUNTY_REMINDER = "close/bounty_reminder.md.j2"
REPORTER_COMMENT = "close/reporter_comment.md.j2"
RESOLVE_MESSAGE = "close/resolve_message.md.j2"
VALIDATE_COMMENT = "validate/comment.md.j2"
VALIDATE_RESOLVED = "validate/resolved.md.j2"
DISCLOSE_NOTE = "disclose/canonical_note.md.j2"
PSIRT_NOTE = "validate/psirt.md.j2"
PSIRT_RESOLVED = "validate/psirt_resolved.md.j2"


@dataclass(frozen=True)
class Shipped:
    """What close tells about one shipped fix (the context of the four close templates)."""

    product: str  # "GitLab"
    vendor: str  # "GitLab": whose bug bounty program
    versions: str  # the versions that carry this fix: "18.10.1, 18.9.3 and 18.8.7"
    release: str  # the whole release: "18.10.1, 18.9.3, 18.8.7"
    report_id: str | None = None
    reporter: str | None = None  # the reporter's HackerOne handle
    finders: tuple[str, ...] = ()  # everyone the report credits: the reporter, then collaborators
    blog_url: str | None = None
    cve_id: str | None = None  # only when this release publishes it

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Disclosure:
    """Why disclose makes a canonical issue public now (the context of its note)."""

    product: str  # "GitLab"
    vendor: str  # "GitLab": whose policy
    release: str  # the whole release: "18.10.1, 18.9.3, 18.8.7"
    released_on: str  # YYYY-MM-DD
    days: int  # [disclosure] issues_public_after_days

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class FindingsSection:
    title: str  # "This security issue", "CVE request gitlab-org/cves#12"
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class FindingsComment:
    """``validate --comment``'s request (the context of ``validate/comment.md.j2``)."""

    product: str
    people: tuple[str, ...]  # the assignees (or its author), without '@'
    versions: str  # the release: "18.10.1, 18.9.3, 18.8.7"
    due_date: str | None
    sections: tuple[FindingsSection, ...]

    @property
    def errors(self) -> int:
        return sum(1 for s in self.sections for finding in s.findings if finding.is_error)

    @property
    def warnings(self) -> int:
        return sum(len(s.findings) for s in self.sections) - self.errors

    @property
    def warning_codes(self) -> tuple[str, ...]:
        """The codes of the warnings asked about, in order: the comment's example of an
        acknowledgement names the first."""
        codes = (f.code for s in self.sections for f in s.findings if not f.is_error)
        return tuple(dict.fromkeys(codes))

    def context(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            **values,
            "errors": self.errors,
            "warnings": self.warnings,
            "warning_codes": self.warning_codes,
        }


@dataclass(frozen=True)
class PsirtNote:
    """``validate --comment``'s note to the release managers (``validate/psirt.md.j2``)."""

    product: str
    people: tuple[str, ...]  # the release managers, without '@'
    versions: str
    due_date: str | None
    update_cves: tuple[str, ...]  # the CVE requests update-cves would change
    sections: tuple[FindingsSection, ...]

    def context(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        found = [finding for s in self.sections for finding in s.findings]
        errors = sum(1 for finding in found if finding.is_error)
        return {**values, "errors": errors, "warnings": len(found) - errors}


def _text(name: str, context: dict[str, Any], templates_dir: Path | None) -> str:
    return render(name, context, templates_dir).rstrip("\n")


def canonical_note(shipped: Shipped, templates_dir: Path | None = None) -> str:
    return _text(CANONICAL_NOTE, shipped.context(), templates_dir)


def bounty_reminder(shipped: Shipped, templates_dir: Path | None = None) -> str:
    return _text(BOUNTY_REMINDER, shipped.context(), templates_dir)


def reporter_comment(shipped: Shipped, templates_dir: Path | None = None) -> str:
    return _text(REPORTER_COMMENT, shipped.context(), templates_dir)


def resolve_message(shipped: Shipped, templates_dir: Path | None = None) -> str:
    return _text(RESOLVE_MESSAGE, shipped.context(), templates_dir)


def findings_comment(comment: FindingsComment, templates_dir: Path | None = None) -> str:
    return _text(VALIDATE_COMMENT, comment.context(), templates_dir)


def resolved_note(product: str, templates_dir: Path | None = None) -> str:
    return _text(VALIDATE_RESOLVED, {"product": product}, templates_dir)


def disclosure_note(disclosure: Disclosure, templates_dir: Path | None = None) -> str:
    return _text(DISCLOSE_NOTE, disclosure.context(), templates_dir)


def psirt_note(note: PsirtNote, templates_dir: Path | None = None) -> str:
    return _text(PSIRT_NOTE, note.context(), templates_dir)


def psirt_resolved_note(product: str, templates_dir: Path | None = None) -> str:
    return _text(PSIRT_RESOLVED, {"product": product}, templates_dir)
