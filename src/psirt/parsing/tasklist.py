"""GitLab task lists (``* [ ] item``, ``- [x] item``): read them, tick or untick one box."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TASK = re.compile(
    r"^(?P<lead>\s*(?:[*+-]|\d+[.)])\s+\[)(?P<mark>[ xX~])(?P<tail>\]\s+)(?P<text>.*)$"
)


@dataclass(frozen=True, slots=True)
class Task:
    text: str
    checked: bool
    line: int  # 0-based line number in the description


def parse_tasks(description: str) -> list[Task]:
    tasks: list[Task] = []
    for number, line in enumerate(description.splitlines()):
        match = _TASK.match(line)
        if match:
            tasks.append(Task(match["text"].strip(), match["mark"] in "xX", number))
    return tasks


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_`]", "", text)).strip().lower()


def find_task(description: str, text: str) -> Task | None:
    """The first task whose text starts with ``text`` (case, spacing and emphasis ignored)."""
    wanted = _normal(text)
    for task in parse_tasks(description):
        if _normal(task.text).startswith(wanted):
            return task
    return None


def set_task(description: str, text: str, checked: bool) -> str:
    """The description with that box ticked or unticked; every other byte unchanged.

    Raises KeyError when no task starts with ``text``.
    """
    task = find_task(description, text)
    if task is None:
        raise KeyError(text)
    lines = description.splitlines(keepends=True)
    match = _TASK.match(lines[task.line].rstrip("\r\n"))
    assert match is not None
    ending = lines[task.line][len(lines[task.line].rstrip("\r\n")) :]
    mark = "x" if checked else " "
    lines[task.line] = f"{match['lead']}{mark}{match['tail']}{match['text']}{ending}"
    return "".join(lines)
