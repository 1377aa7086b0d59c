"""The line of a finding's field in the file it is about (a blog post, a JSON record), so a
finding about a file names the line to edit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from psirt.core.finding import Finding, Location

_LINE_FIELD = re.compile(r"^line (\d+)$")
_PARTS = re.compile(r"[./\[\]]+")


@lru_cache(maxsize=4096)
def _key_pattern(key: str) -> re.Pattern[str]:
    """``"key":`` in JSON text; compiled once per key name (a record has a few dozen)."""
    return re.compile(rf'"{re.escape(key)}"\s*:')


def json_key_line(text: str, field: str) -> int | None:
    """The line of the deepest key of ``field`` (``containers.cna.affected[0].versions``,
    ``document/tracking/id``) found in order in a JSON text; None when not even the first is."""
    position = 0
    found: int | None = None
    for part in _PARTS.split(field):
        if not part or part.isdigit() or part.startswith("("):
            continue
        match = _key_pattern(part).search(text, position)
        if match is None:
            break
        position = match.end()
        found = text.count("\n", 0, match.start()) + 1
    return found


def text_line(field: str) -> int | None:
    """``line 34`` (the blog linter's fields) -> 34."""
    match = _LINE_FIELD.match(field.strip())
    return int(match.group(1)) if match else None


def shown(path: str | Path) -> str:
    """How a finding names a file: relative to the working directory when it is under it (a
    CI job's Code Quality report wants paths from the repository's root), else as given."""
    absolute = Path(path).absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def in_file(findings: Iterable[Finding], path: str, text: str | None = None) -> list[Finding]:
    """``findings`` about the file at ``path`` located there (``path`` as ``shown`` names it):
    the line the field names (``line N``), else the line of its JSON key when ``text`` is the
    file's JSON, else line 1."""
    path = shown(path)
    located: list[Finding] = []
    for finding in findings:
        line = text_line(finding.field)
        if line is None and text is not None and finding.field:
            line = json_key_line(text, finding.field)
        located.append(replace(finding, location=Location(path=path, line=line or 1)))
    return located
