"""Findings for people, for scripts and for GitLab CI: one interface, one class per format.

Every command that reports findings (``validate``, ``blog lint``, ``cve lint``, ``cve export``,
``cve status``) builds one ``FindingsReport`` (findings grouped under a heading, and a summary
line) and prints it through the ``FindingsFormatter`` that its ``--format`` chose
(``cli.common.FindingsFormat``):

* ``TextFormat``: grouped lines for people (level, code, message, ``at`` where to edit it,
  ``fix:`` hint, and for an acknowledged warning who acknowledged it and why), then the
  summary; in colour on a terminal.
* ``JsonFormat``: one object, ``{"summary": {...}, "findings": [...]}``: the summary counts by
  level (an acknowledged warning apart) and by code, and the command's exit status; each finding
  ``{"code", "level", "subject", "field", "message", "hint", "location"}``, and
  ``"acknowledged"`` when someone acknowledged it.
* ``CodeQualityFormat``: GitLab's Code Quality report, so a pipeline job shows the findings in
  a merge request widget; ``location.path`` and ``lines.begin`` are the file and line to edit.
"""

from __future__ import annotations

import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from psirt.core.finding import Finding, Location
from psirt.core.words import plural

# Code Quality severities: info, minor, major, critical, blocker.
CODEQUALITY_SEVERITY = {"error": "major", "warning": "minor"}


@dataclass(frozen=True)
class FindingGroup:
    """The findings under one heading (an issue, a post, a record), with a dim subtitle and,
    for a report that says more of its subjects than their findings (``cve status``: what the
    ADP containers add), ``details`` lines between the heading and the findings. Only the text
    shows subtitle and details: the JSON and Code Quality outputs list findings."""

    heading: str
    subtitle: str
    findings: tuple[Finding, ...]
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class FindingsReport:
    """What a command reports: its findings, grouped, and the summary line people read last."""

    groups: tuple[FindingGroup, ...]
    summary: str
    # The command's exit status when it is not "1 on any error, else 0" (cve status's).
    exit_status: int | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for group in self.groups for finding in group.findings)

    @property
    def failed(self) -> bool:
        """Any error (the command exits 1)."""
        return any(finding.is_error for finding in self.findings)

    @property
    def exit_code(self) -> int:
        """What the command exits with: 1 on any error, else 0, unless it said otherwise.
        Warnings, acknowledged or not, never change it."""
        if self.exit_status is not None:
            return self.exit_status
        return 1 if self.failed else 0

    def summary_json(self) -> dict[str, Any]:
        """The counts a script reads: by level (acknowledged warnings apart), by code, and the
        exit status; ``text`` is the summary line people read."""
        findings = self.findings
        by_code: dict[str, int] = {}
        for finding in findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        return {
            "text": self.summary,
            "total": len(findings),
            "by_level": level_counts(findings),
            "by_code": dict(sorted(by_code.items())),
            "exit_status": self.exit_code,
        }


def level_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"error": 2, "warning": 1, "acknowledged": 1}``: an acknowledged warning is counted
    apart, not among the warnings."""
    listed = list(findings)
    return {
        "error": sum(1 for finding in listed if finding.is_error),
        "warning": sum(1 for finding in listed if finding.is_warning),
        "acknowledged": sum(1 for finding in listed if finding.acknowledged is not None),
    }


def counts(findings: Iterable[Finding]) -> str:
    """``2 errors, 1 warning`` (and ``, 1 acknowledged`` when any is): the end of every summary
    line."""
    levels = level_counts(findings)
    text = f"{plural(levels['error'], 'error')}, {plural(levels['warning'], 'warning')}"
    if levels["acknowledged"]:
        text += f", {levels['acknowledged']} acknowledged"
    return text


def by_subject(findings: Iterable[Finding], summary: str) -> FindingsReport:
    """A report with one group per subject (a post, a record file), in the order found."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.subject, []).append(finding)
    groups = tuple(FindingGroup(subject, "", tuple(found)) for subject, found in grouped.items())
    return FindingsReport(groups, summary)


class FindingsFormatter(ABC):
    """One output format of a findings report."""

    #: Output for a program: a command's other lines then go to standard error.
    machine_readable: ClassVar[bool]

    @abstractmethod
    def format(self, report: FindingsReport) -> str:
        """The whole output, without a final newline."""


class TextFormat(FindingsFormatter):
    """Grouped by heading; a finding names its subject only when the heading does not."""

    machine_readable = False

    def __init__(self, *, color: bool = False, workspace: Path | None = None) -> None:
        self.color = color
        # Locations name files relative to the workspace (as JSON and Code Quality keep them);
        # people read them from where they stand: relative to the current folder, or absolute.
        self.workspace = workspace
        self._resolved: tuple[Path, Path, Path] | None = None  # cwd, workspace, cwd resolved

    def where(self, location: Location) -> str:
        """The location as the reader can open it from the current folder."""
        if self.workspace is None or not location.path or Path(location.path).is_absolute():
            return str(location)
        root, cwd = self._folders()
        path = Path(os.path.normpath(root / location.path))
        shown = os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)
        return str(replace(location, path=shown))

    def _folders(self) -> tuple[Path, Path]:
        """The workspace and the current folder, links resolved: once per folder pair, not
        per finding (a thousand-fix release has thousands)."""
        assert self.workspace is not None
        here = Path.cwd()
        if self._resolved is None or self._resolved[0] != here:
            self._resolved = (here, self.workspace.resolve(), here.resolve())
        return self._resolved[1], self._resolved[2]

    def lines(self, report: FindingsReport) -> list[_Line]:
        """Each line as its styled pieces: ``(text, rich style or "")``."""
        lines: list[_Line] = []
        for group in report.groups:
            title: _Line = [(group.heading, "bold")]
            if group.subtitle:
                title.append((f"  {group.subtitle}", "dim"))
            lines.append(title)
            lines.extend([(f"  {detail}", "")] for detail in group.details)
            for finding in group.findings:
                level = "ack" if finding.acknowledged is not None else finding.level
                style = "red" if finding.is_error else "yellow" if finding.is_warning else "green"
                line: _Line = [("  ", ""), (f"{level:<7} ", style), (f"{finding.code} ", "bold")]
                if finding.subject != group.heading:
                    line.append((f"{finding.subject} ", "cyan"))
                line.append((finding.message, ""))
                lines.append(line)
                where = self.where(finding.location) if finding.location is not None else ""
                if where:
                    lines.append([(f"          at {where}", "cyan")])
                ack = finding.acknowledged
                if ack is not None:
                    lines.append([(f"          acknowledged by {ack.by}: {ack.reason}", "")])
                elif finding.hint:
                    lines.append([(f"          fix: {finding.hint}", "dim")])
            lines.append([])
        lines.append([(report.summary, "")])
        return lines

    def format(self, report: FindingsReport) -> str:
        lines = self.lines(report)
        if not self.color:
            # as rich would print it: without the control codes it strips (bell, backspace,
            # vertical tab, form feed, carriage return), which could rewrite a terminal line
            from rich.control import strip_control_codes

            plain = "\n".join("".join(text for text, _style in line) for line in lines)
            return strip_control_codes(plain)
        import io

        from rich.console import Console
        from rich.text import Text

        console = Console(file=io.StringIO(), force_terminal=True, highlight=False, soft_wrap=True)
        with console.capture() as captured:
            for line in lines:
                text = Text()
                for piece, style in line:
                    text.append(piece, style=style or None)
                console.print(text)
        return captured.get().removesuffix("\n")


#: One line of text output: its pieces and their rich styles ("" for none).
_Line = list[tuple[str, str]]


class JsonFormat(FindingsFormatter):
    """``{"summary": {...}, "findings": [...]}``, the findings in the report's order."""

    machine_readable = True

    def format(self, report: FindingsReport) -> str:
        return json.dumps(
            {
                "summary": report.summary_json(),
                "findings": [finding.to_json() for finding in report.findings],
            },
            indent=2,
            ensure_ascii=False,
        )


def fingerprint(finding: Finding) -> str:
    """Stable across runs for the same problem, so GitLab can tell new findings from old."""
    key = "\x1f".join((finding.code, finding.subject, finding.field, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def codequality_location(finding: Finding) -> dict[str, Any]:
    """Code Quality's ``location``: the file to edit and its line; without a file (an issue on
    GitLab), the subject (``group/project#iid``) stands in for the path, at line 1."""
    location = finding.location
    if location is not None and location.path:
        return {"path": location.path, "lines": {"begin": location.line or 1}}
    return {"path": finding.subject, "lines": {"begin": 1}}


class CodeQualityFormat(FindingsFormatter):
    """GitLab Code Quality report: the file and line to edit, the web URL in the description
    when the finding is about an issue on GitLab. Acknowledged warnings are left out: they
    were reviewed, a merge request widget need not show them again."""

    machine_readable = True

    def format(self, report: FindingsReport) -> str:
        entries: list[dict[str, Any]] = []
        for finding in report.findings:
            if finding.acknowledged is not None:
                continue
            url = finding.location.url if finding.location is not None else ""
            entries.append(
                {
                    "description": f"{finding.code} {finding.subject}: {finding.message}"
                    + (f" ({url})" if url else ""),
                    "check_name": finding.code,
                    "fingerprint": fingerprint(finding),
                    "severity": CODEQUALITY_SEVERITY.get(finding.level, "info"),
                    "location": codequality_location(finding),
                    "categories": ["Security"],
                    "content": {"body": finding.hint},
                }
            )
        return json.dumps(entries, indent=2, ensure_ascii=False)
