"""``psirt rules`` as text: one row per rule (code, level, subject kind, its sentence), the
sentence wrapped to the width of the terminal, warnings in yellow on a colour terminal.

Plain string work, so the listing starts as fast as ``psirt --help`` (a rich table of every
rule takes longer to lay out than the rest of the command).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from psirt.core.finding import Rule

HEADERS = ("code", "level", "subject", "rule")
_GAP = "  "
_BOLD, _YELLOW, _RESET = "\x1b[1m", "\x1b[33m", "\x1b[0m"


def rule_table(rules: Iterable[Rule], width: int = 100, *, color: bool = False) -> str:
    """The table, without a final newline; ``width`` is the terminal's."""
    rows = [(rule.code, rule.level, rule.subject_kind, rule.summary) for rule in rules]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(3)]
    indent = sum(widths) + len(_GAP) * 3
    text_width = max(20, width - indent)
    lines = [_line(HEADERS, widths, [HEADERS[3]], _BOLD if color else "")]
    for row in rows:
        wrapped = textwrap.wrap(row[3], text_width) or [""]
        style = _YELLOW if color and row[1] == "warning" else ""
        lines.append(_line(row, widths, wrapped[:1], style))
        lines += [_styled(" " * indent + more, style) for more in wrapped[1:]]
    return "\n".join(lines)


def _line(row: tuple[str, ...], widths: list[int], text: list[str], style: str) -> str:
    cells = [value.ljust(size) for value, size in zip(row[:3], widths, strict=True)]
    return _styled(_GAP.join([*cells, *text]).rstrip(), style)


def _styled(text: str, style: str) -> str:
    return f"{style}{text}{_RESET}" if style else text
