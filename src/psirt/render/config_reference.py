"""``docs/config.md``: the ``psirt.toml`` reference, written from the configuration model.

Every section and key comes from ``core/config.py`` (its name, type, default and description),
so the page cannot drift from the code: ``psirt config reference -o docs/config.md`` rewrites
it and a test compares the two.
"""

from __future__ import annotations

import json
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from psirt.core.config import CONFIG_FILE, Config

_INTRO = f"""\
# `{CONFIG_FILE}` reference

<!-- Written by `psirt config reference -o docs/config.md` from src/psirt/core/config.py;
     edit the model's descriptions, not this page. -->

A workspace's `{CONFIG_FILE}` holds its settings, in [TOML](https://toml.io). Every key is
optional: the default follows GitLab's own conventions, so a team writes only what differs.
A key psirt does not know is an error (a typo is caught, not ignored); each problem is reported
on its own line with the file, the line and the key, and the command exits with code 2.

`psirt init DIR` writes a commented `{CONFIG_FILE}` to start from; `psirt doctor` checks that
what it names exists (projects, labels, the tracking issue, credentials).
"""


def _scalar(annotation: Any) -> str:
    if annotation is str:
        return "string"
    if annotation is int:
        return "integer"
    if annotation is bool:
        return "boolean"
    if annotation is float:
        return "number"
    return getattr(annotation, "__name__", str(annotation))


def type_name(field: FieldInfo) -> str:
    """The key's TOML type, in words: ``string``, ``integer, 1 to 64``, ``list of strings``,
    ``"local" or "gitlab"``, ``table of integers``."""
    annotation = field.annotation
    origin = get_origin(annotation)
    if origin is Literal:
        values = [f'"{value}"' for value in get_args(annotation)]
        return ", ".join(values[:-1]) + f" or {values[-1]}"
    if origin is tuple:
        return f"list of {_scalar(get_args(annotation)[0])}s"
    if origin is dict:
        return f"table of {_scalar(get_args(annotation)[1])}s"
    name = _scalar(annotation)
    bounds = {
        key: getattr(m, key)
        for m in field.metadata
        for key in ("ge", "gt", "le", "lt")
        if getattr(m, key, None) is not None
    }
    words = [
        f"at least {bounds['ge']}" if "ge" in bounds else "",
        f"more than {bounds['gt']}" if "gt" in bounds else "",
        f"at most {bounds['le']}" if "le" in bounds else "",
        f"less than {bounds['lt']}" if "lt" in bounds else "",
    ]
    if "ge" in bounds and "le" in bounds:
        return f"{name}, {bounds['ge']} to {bounds['le']}"
    said = ", ".join(word for word in words if word)
    return f"{name}, {said}" if said else name


def toml_value(value: Any) -> str:
    """A default as it would be written in ``psirt.toml``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section(name: str, field: FieldInfo, model: type[BaseModel]) -> list[str]:
    defaults = model()
    lines = [f"## `[{name}]`", "", field.description or "", ""]
    lines += ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for key, info in model.model_fields.items():
        default = toml_value(getattr(defaults, key))
        lines.append(
            f"| `{key}` | {_cell(type_name(info))} | `{_cell(default)}` | "
            f"{_cell(info.description or '')} |"
        )
    return [*lines, ""]


def config_reference() -> str:
    """The whole reference page, in Markdown."""
    lines = [_INTRO]
    for name, field in Config.model_fields.items():
        model = field.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"[{name}] is not a section model")  # the model is all sections
        lines += _section(name, field, model)
    return "\n".join(lines).rstrip("\n") + "\n"


def undescribed() -> list[str]:
    """Keys of the model without a description (the reference needs one for each)."""
    missing = []
    for name, field in Config.model_fields.items():
        if not field.description:
            missing.append(name)
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            missing += [f"{name}.{k}" for k, f in model.model_fields.items() if not f.description]
    return missing
