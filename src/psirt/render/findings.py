"""Findings for people (rich text grouped by issue), for scripts (JSON) and for GitLab CI
(Code Quality JSON, so a pipeline job shows the findings in a merge request widget).

Any list of findings renders: validate's groups, blog lint's or CVE lint's flat lists.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from psirt.core.finding import Finding

if TYPE_CHECKING:
    from rich.console import Console

    from psirt.core.finding import Rule

# Code Quality severities: info, minor, major, critical, blocker.
CODEQUALITY_SEVERITY = {"error": "major", "warning": "minor"}


def to_json(findings: Iterable[Finding]) -> str:
    """A list of ``{"code", "level", "subject", "field", "message", "hint"}``."""
    return json.dumps([finding.to_json() for finding in findings], indent=2)


def fingerprint(finding: Finding) -> str:
    """Stable across runs for the same problem, so GitLab can tell new findings from old."""
    key = "\x1f".join((finding.code, finding.subject, finding.field, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def to_codequality(findings: Iterable[Finding]) -> str:
    """GitLab Code Quality report: the subject (``group/project#iid``) stands in for a path."""
    entries: list[dict[str, Any]] = []
    for finding in findings:
        entries.append(
            {
                "description": f"{finding.code} {finding.subject}: {finding.message}",
                "check_name": finding.code,
                "fingerprint": fingerprint(finding),
                "severity": CODEQUALITY_SEVERITY.get(finding.level, "info"),
                "location": {"path": finding.subject, "lines": {"begin": 1}},
                "categories": ["Security"],
                "content": {"body": finding.hint} if finding.hint else {"body": ""},
            }
        )
    return json.dumps(entries, indent=2)


def render_text(
    groups: Sequence[tuple[str, str, Sequence[Finding]]],
    console: Console,
    *,
    summary: str,
) -> None:
    """Print findings grouped: ``groups`` is ``(heading, subtitle, findings)`` per issue."""
    from rich.markup import escape
    from rich.text import Text

    for heading, subtitle, findings in groups:
        title = Text(heading, style="bold")
        if subtitle:
            title.append(f"  {subtitle}", style="dim")
        console.print(title)
        for finding in findings:
            style = "red" if finding.is_error else "yellow"
            line = Text("  ")
            line.append(f"{finding.level:<7} ", style=style)
            line.append(f"{finding.code} ", style="bold")
            if finding.subject != heading:
                line.append(f"{finding.subject} ", style="cyan")
            line.append(finding.message)
            console.print(line)
            if finding.hint:
                console.print(f"          [dim]fix: {escape(finding.hint)}[/dim]")
        console.print()
    console.print(summary)


def render_rules(rules: Iterable[Rule], console: Console) -> None:
    """``psirt rules``: one row per rule, code, level, subject kind and its sentence."""
    from rich.table import Table

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("code", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("subject", no_wrap=True)
    table.add_column("rule")
    for rule in rules:
        table.add_row(
            rule.code,
            rule.level,
            rule.subject_kind,
            rule.summary,
            style="yellow" if rule.level == "warning" else None,
        )
    console.print(table)
