"""Findings for people, for scripts and for GitLab CI: one interface, one class per format.

Every command that reports findings (``validate``, ``blog lint``, ``cve lint``, ``cve export``,
``cve status``) builds one ``FindingsReport`` (findings grouped under a heading, and a summary
line) and prints it through the ``FindingsFormatter`` that its ``--format`` chose
(``cli.common.FindingsFormat``):

* ``TextFormat``: grouped lines for people (level, code, message, ``fix:`` hint), then the
  summary; in colour on a terminal.
* ``JsonFormat``: the list of findings, ``{"code", "level", "subject", "field", "message",
  "hint"}`` each.
* ``CodeQualityFormat``: GitLab's Code Quality report, so a pipeline job shows the findings in
  a merge request widget.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from psirt.core.finding import Finding

if TYPE_CHECKING:
    from rich.text import Text


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

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for group in self.groups for finding in group.findings)

    @property
    def failed(self) -> bool:
        """Any error (the command exits 1)."""
        return any(finding.is_error for finding in self.findings)


def counts(findings: Iterable[Finding]) -> str:
    """``2 errors, 1 warnings``: the end of every summary line."""
    listed = list(findings)
    errors = sum(1 for finding in listed if finding.is_error)
    return f"{errors} errors, {len(listed) - errors} warnings"


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

    def __init__(self, *, color: bool = False) -> None:
        self.color = color

    def lines(self, report: FindingsReport) -> list[Text]:
        from rich.text import Text

        lines: list[Text] = []
        for group in report.groups:
            title = Text(group.heading, style="bold")
            if group.subtitle:
                title.append(f"  {group.subtitle}", style="dim")
            lines.append(title)
            lines.extend(Text(f"  {detail}") for detail in group.details)
            for finding in group.findings:
                line = Text("  ")
                line.append(f"{finding.level:<7} ", style="red" if finding.is_error else "yellow")
                line.append(f"{finding.code} ", style="bold")
                if finding.subject != group.heading:
                    line.append(f"{finding.subject} ", style="cyan")
                line.append(finding.message)
                lines.append(line)
                if finding.hint:
                    lines.append(Text(f"          fix: {finding.hint}", style="dim"))
            lines.append(Text())
        lines.append(Text(report.summary))
        return lines

    def format(self, report: FindingsReport) -> str:
        lines = self.lines(report)
        if not self.color:
            return "\n".join(line.plain for line in lines)
        import io

        from rich.console import Console

        console = Console(file=io.StringIO(), force_terminal=True, highlight=False, soft_wrap=True)
        with console.capture() as captured:
            for line in lines:
                console.print(line)
        return captured.get().removesuffix("\n")


class JsonFormat(FindingsFormatter):
    """The findings as a JSON list, in the report's order."""

    machine_readable = True

    def format(self, report: FindingsReport) -> str:
        return json.dumps(
            [finding.to_json() for finding in report.findings], indent=2, ensure_ascii=False
        )


def fingerprint(finding: Finding) -> str:
    """Stable across runs for the same problem, so GitLab can tell new findings from old."""
    key = "\x1f".join((finding.code, finding.subject, finding.field, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class CodeQualityFormat(FindingsFormatter):
    """GitLab Code Quality report: the subject (``group/project#iid``, a file) stands in for a
    path."""

    machine_readable = True

    def format(self, report: FindingsReport) -> str:
        entries: list[dict[str, Any]] = [
            {
                "description": f"{finding.code} {finding.subject}: {finding.message}",
                "check_name": finding.code,
                "fingerprint": fingerprint(finding),
                "severity": CODEQUALITY_SEVERITY.get(finding.level, "info"),
                "location": {"path": finding.subject, "lines": {"begin": 1}},
                "categories": ["Security"],
                "content": {"body": finding.hint},
            }
            for finding in report.findings
        ]
        return json.dumps(entries, indent=2, ensure_ascii=False)
