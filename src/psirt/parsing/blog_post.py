"""Read a patch release post back: front matter, headings and anchors, the table of fixes, one
section per fix, bug fixes per version. Tolerant of hand edits (spacing, bold colons, missing
parts), because the post that is linted and verified is the one a person has reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from psirt.core.identifiers import cve_id_in
from psirt.parsing.markdown import heading_anchor, plain_text
from psirt.parsing.tables import atx_heading

_FENCE = re.compile(r"^\s*(```|~~~)")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_TABLE_LINK = re.compile(r"^\[(?P<text>(?:\\.|[^\]\\])*)\]\((?P<target>[^)\s]*)\)$")
_FIELD = re.compile(r"^\*\*(?P<name>[^*]+?):?\*\*:?\s*(?P<value>.*)$")
_LIST_ITEM = re.compile(r"^\s*[*\-+]\s+(.*)$")
_CVSS_FIELD = re.compile(r"^(?P<score>\d+(?:\.\d+)?)\s*\((?P<vector>[^)]*)\)\s*$")
TABLE_HEADING = "table of security fixes"
SECURITY_HEADING = "security fixes"
BUG_FIX_HEADING = "bug fixes"


@dataclass(frozen=True)
class Heading:
    level: int
    markdown: str
    text: str  # plain text
    anchor: str
    line: int  # 1-based, in the whole file


@dataclass(frozen=True)
class TableRow:
    title: str  # plain text
    target: str  # the link target as written ("#cve-...")
    severity: str
    line: int


@dataclass(frozen=True)
class FixSection:
    heading: Heading
    cve_id: str | None
    title: str  # plain heading text after "CVE-... - "
    paragraphs: tuple[tuple[int, str], ...]  # (line, Markdown text) of every paragraph
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)  # "impacted versions", "cvss"

    @property
    def description(self) -> str:
        """The first paragraph that is not a bold field (plain text)."""
        for _line, text in self.paragraphs:
            if not _FIELD.match(text):
                return plain_text(text)
        return ""

    @property
    def credit(self) -> str:
        """The paragraph after the fields, when there is one (plain text)."""
        seen_field = False
        for _line, text in self.paragraphs:
            if _FIELD.match(text):
                seen_field = True
            elif seen_field:
                return plain_text(text)
        return ""

    def field(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value[1] if value else None


@dataclass(frozen=True)
class CvssField:
    """A section's ``**CVSS**`` value as written: ``6.5 (CVSS:3.1/AV:N/...)``."""

    score: str  # as written, e.g. "6.5"
    vector: str  # what the parentheses hold, stripped


def cvss_field(value: str) -> CvssField | None:
    """The score and vector of a ``**CVSS**`` value (render.blog writes ``<score> (<vector>)``);
    None when the value does not read so."""
    match = _CVSS_FIELD.match(value)
    return CvssField(match["score"], match["vector"].strip()) if match else None


@dataclass(frozen=True)
class ParsedPost:
    text: str
    front_matter: dict[str, Any]
    front_matter_error: str | None
    body_start: int  # 1-based line where the body starts
    headings: tuple[Heading, ...]
    table: tuple[TableRow, ...]
    table_line: int | None
    sections: tuple[FixSection, ...]  # every fix section under "Security fixes"
    bug_fixes: dict[str, tuple[str, ...]]

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def body_lines(self) -> list[tuple[int, str]]:
        """(line number, text) of the body, code fences left out."""
        out: list[tuple[int, str]] = []
        fenced = False
        for number, line in enumerate(self.lines, start=1):
            if number < self.body_start:
                continue
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                out.append((number, line))
        return out

    @property
    def anchors(self) -> set[str]:
        return {h.anchor for h in self.headings}

    def section_for(self, cve_id: str) -> FixSection | None:
        return next((s for s in self.sections if s.cve_id == cve_id), None)


def _front_matter(lines: list[str]) -> tuple[dict[str, Any], str | None, int]:
    if not lines or lines[0].strip() != "---":
        return {}, "no front matter (expected the post to start with ---)", 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            from ruamel.yaml.error import YAMLError

            from psirt.core.text import long_number_message
            from psirt.core.yaml_limits import guarded_safe_yaml

            text = "\n".join(lines[1:index])
            try:
                data = guarded_safe_yaml().load(text)
            except YAMLError as exc:
                return {}, f"malformed front matter: {exc}".splitlines()[0], index + 2
            except RecursionError:
                return {}, "malformed front matter: nested too deeply", index + 2
            except ValueError:  # a number of more digits than Python converts
                return {}, f"malformed front matter: {long_number_message(text)}", index + 2
            if not isinstance(data, dict):
                return {}, "front matter is not a mapping", index + 2
            return {str(k): v for k, v in data.items()}, None, index + 2
    return {}, "front matter is not closed by ---", 1


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip() for cell in _CELL_SPLIT.split(inner)]


def _paragraphs(block: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Paragraphs, with each bold ``**Field**:`` line its own paragraph."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in block:
        stripped = line.strip()
        if not stripped or _FIELD.match(stripped):
            if current:
                out.append((start, " ".join(current)))
                current = []
            if stripped:
                out.append((number, stripped))
            continue
        if not current:
            start = number
        current.append(stripped)
    if current:
        out.append((start, " ".join(current)))
    return out


def _section(heading: Heading, block: list[tuple[int, str]]) -> FixSection:
    cve_id = cve_id_in(heading.markdown)
    title = heading.text
    if cve_id and title.startswith(cve_id):
        title = title[len(cve_id) :].lstrip(" -–—:").strip()
    paragraphs = _paragraphs(block)
    fields: dict[str, tuple[int, str]] = {}
    for number, text in paragraphs:
        match = _FIELD.match(text)
        if match:
            fields[match["name"].strip().lower()] = (number, match["value"].strip())
    return FixSection(heading, cve_id, title, tuple(paragraphs), fields)


def parse_post(text: str) -> ParsedPost:
    lines = text.splitlines()
    front, error, body_start = _front_matter(lines)
    headings: list[Heading] = []
    table: list[TableRow] = []
    table_line: int | None = None
    sections: list[FixSection] = []
    bug_fixes: dict[str, list[str]] = {}

    h2 = ""
    current: Heading | None = None  # the open fix section
    block: list[tuple[int, str]] = []
    in_table = False
    bug_version: str | None = None
    fenced = False

    def close() -> None:
        nonlocal current, block
        if current is not None:
            sections.append(_section(current, block))
        current, block = None, []

    for number, line in enumerate(lines, start=1):
        if number < body_start:
            continue
        if _FENCE.match(line):
            fenced = not fenced
        if fenced:
            continue
        found = atx_heading(line)
        if found:
            level, markdown = found
            heading = Heading(
                level, markdown, plain_text(markdown), heading_anchor(markdown), number
            )
            headings.append(heading)
            if level <= 3:
                close()
                in_table = False
            if level <= 2:
                h2 = heading.text.lower()
                bug_version = None
            elif level == 3 and h2 == SECURITY_HEADING:
                if heading.text.lower() == TABLE_HEADING:
                    in_table, table_line = True, number
                else:
                    current = heading
            elif level == 3 and h2 == BUG_FIX_HEADING:
                bug_version = heading.text.strip()
                bug_fixes.setdefault(bug_version, [])
            continue
        if in_table and line.strip().startswith("|"):
            cells = _cells(line)
            if len(cells) < 2 or set(cells[0]) <= set("-: ") or cells[0].lower() == "title":
                continue
            link = _TABLE_LINK.match(cells[0])
            title = plain_text(link["text"]) if link else plain_text(cells[0])
            target = link["target"] if link else ""
            table.append(TableRow(title, target, plain_text(cells[1]), number))
            continue
        if current is not None:
            block.append((number, line))
        elif bug_version is not None:
            item = _LIST_ITEM.match(line)
            if item:
                bug_fixes[bug_version].append(plain_text(item.group(1)))
    close()
    return ParsedPost(
        text=text,
        front_matter=front,
        front_matter_error=error,
        body_start=body_start,
        headings=tuple(headings),
        table=tuple(table),
        table_line=table_line,
        sections=tuple(sections),
        bug_fixes={k: tuple(v) for k, v in bug_fixes.items()},
    )
