"""Markdown pipe tables and ATX headings as GitLab issue templates and blog posts write them."""

from __future__ import annotations

import re

_SEPARATOR_CELL = re.compile(r"^:?-{1,}:?$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def atx_heading(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of an ATX heading line (``## Links ##`` -> ``(2, "Links")``), else None."""
    match = _HEADING.match(line)
    return (len(match.group(1)), match.group(2)) if match else None


def split_row(line: str) -> list[str] | None:
    """The cells of one ``| a | b |`` line, or None when the line is not a table row."""
    stripped = line.strip()
    if not stripped.startswith("|"):
        return None
    body = stripped[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def is_separator(cells: list[str]) -> bool:
    return bool(cells) and all(_SEPARATOR_CELL.match(c.replace(" ", "")) for c in cells if c != "")


def section_start(text: str, heading: str) -> int | None:
    """The 1-based line of the first heading named ``heading`` (any level, any case)."""
    wanted = heading.strip().lower()
    for index, line in enumerate(text.splitlines()):
        found = atx_heading(line)
        if found and found[1].strip().lower() == wanted:
            return index + 1
    return None


def row_line(text: str, heading: str, key: str) -> int | None:
    """The 1-based line in ``text`` of the table row named ``key`` (normalised, as
    ``key_value_rows`` reads it) under ``heading``; the heading's line when the row is missing,
    None without the heading."""
    start = section_start(text, heading)
    if start is None:
        return None
    wanted = normalise_key(key)
    body = section(text, heading) or ""
    for offset, line in enumerate(body.splitlines()):
        cells = split_row(line)
        if cells and cells[0] and normalise_key(cells[0]) == wanted:
            return start + 1 + offset
    return start


def section(text: str, heading: str) -> str | None:
    """The lines under the first heading named ``heading`` (any level, any case), up to the next
    heading of the same or a higher level."""
    lines = text.splitlines()
    wanted = heading.strip().lower()
    for index, line in enumerate(lines):
        found = atx_heading(line)
        if found and found[1].strip().lower() == wanted:
            level = found[0]
            body: list[str] = []
            for following in lines[index + 1 :]:
                other = atx_heading(following)
                if other and other[0] <= level:
                    break
                body.append(following)
            return "\n".join(body)
    return None


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the first table in ``text`` (header and separator dropped)."""
    rows: list[list[str]] = []
    started = False
    header_seen = False
    for line in text.splitlines():
        cells = split_row(line)
        if cells is None:
            if started:
                break
            continue
        started = True
        if not header_seen:
            header_seen = True
            continue
        if is_separator(cells):
            continue
        rows.append(cells)
    return rows


def key_value_rows(text: str) -> dict[str, str]:
    """First column (normalised: lower case, single spaces, no trailing ``?``/``:``) to second."""
    result: dict[str, str] = {}
    for cells in table_rows(text):
        if not cells or not cells[0]:
            continue
        key = normalise_key(cells[0])
        value = cells[1] if len(cells) > 1 else ""
        result.setdefault(key, value)
    return result


def normalise_key(text: str) -> str:
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip().rstrip("?:").strip().lower()
