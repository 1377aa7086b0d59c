"""``psirt.toml``'s problems as sentences: the file, the line when it can be found, the key,
what is wrong and what is expected. Every problem is listed, none of the validation library's
own wording is shown.

The TOML reader gives values without positions, so the line of a key is found again in the
text (:func:`key_line`): the table headers (``[people.names]``) and the ``key =`` lines, dotted
keys included, are matched against the key's path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from psirt.core.errors import WorkspaceError

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


class ConfigError(WorkspaceError):
    """``psirt.toml`` has problems: one ``WorkspaceError`` per problem, each printed on its
    own line (:meth:`lines`)."""

    def __init__(self, problems: Sequence[WorkspaceError]) -> None:
        first = problems[0]
        super().__init__(first.message, path=first.path, line=first.line)
        self.problems = tuple(problems)

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return tuple(part.strip("\"'") for part in parts)


def key_line(text: str, loc: Sequence[str | int]) -> int | None:
    """The line (from 1) that sets ``loc`` (``("people", "names", "alice")``), or part of it,
    or failing that its nearest parent (its table's header); None when no line names any part
    of it."""
    want = tuple(str(part) for part in loc if not isinstance(part, int))
    best: tuple[int, int] | None = None  # (matched parts, line)
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("[["):
            table = ()
            continue
        header = _HEADER.match(line)
        if header:
            table = _split_key(header.group(1))
            path = table
        else:
            key = _KEY.match(line)
            if not key:
                continue
            path = table + _split_key(key.group(1))
        depth = min(len(path), len(want))
        # the key itself, a table above it, or a dotted key below it (``a.b = 1`` sets ``a``)
        if depth and path[:depth] == want[:depth] and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'"{shown}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    return str(value)


def _section_of(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model (section) that holds the last key of ``loc``."""
    current: type[BaseModel] = model
    for part in loc[:-1]:
        field = current.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        current = annotation
    return current


def _unknown_key(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    section = _section_of(model, loc)
    name = str(loc[-1])
    if section is None:
        return "psirt has no such setting"
    known = list(section.model_fields)
    where = (
        "no such section" if len(loc) == 1 else f"no such key in [{'.'.join(map(str, loc[:-1]))}]"
    )
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
    return f"psirt has {where} ({hint})"


def _sentence(model: type[BaseModel], error: Any) -> str:
    kind: str = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(model, loc)
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", '"')
        return f"{_show(given)} is not allowed; use {expected}"
    if kind == "model_type":
        return (
            f"expected a table ([{'.'.join(map(str, loc))}] with keys under it), got {_show(given)}"
        )
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        word = "at least" if kind == "greater_than_equal" else "more than"
        return f"{_show(given)} is too small; use {word} {bound}"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        word = "at most" if kind == "less_than_equal" else "less than"
        return f"{_show(given)} is too large; use {word} {bound}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_show(given)}"
    if kind in ("string_type", "string_sub_type"):
        return f'expected a string in quotes ("..."), got {_show(given)}'
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_show(given)}"
    if kind in ("tuple_type", "list_type", "set_type"):
        return f'expected a list such as ["a", "b"], got {_show(given)}'
    if kind in ("dict_type", "mapping_type"):
        return f'expected a table such as {{ key = "value" }}, got {_show(given)}'
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "missing":
        return "is required"
    return f"{_show(given)} is not a valid value"


def config_error(exc: ValidationError, model: type[BaseModel], text: str, path: str) -> ConfigError:
    """Every problem of one validation, as a sentence with the file, line and key."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        key = ".".join(str(part) if not isinstance(part, int) else f"[{part}]" for part in loc)
        key = key.replace(".[", "[")
        message = f"{key}: {_sentence(model, error)}"
        problems.append(WorkspaceError(message, path=path, line=key_line(text, loc)))
    problems.sort(key=lambda problem: (problem.line is None, problem.line or 0))
    return ConfigError(problems)
