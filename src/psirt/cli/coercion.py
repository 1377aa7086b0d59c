"""Command-line values converted without pydantic when nothing can go wrong.

Typer converts every value it parses through a pydantic ``TypeAdapter``; importing pydantic
and building the adapter costs more than a lookup such as ``psirt cwe CWE-79`` does. For the
plain parameters those commands take (a string, a whole number without bounds, a choice of an
enum) a value that is already right is converted here, to exactly what the adapter would give;
anything else (a wrong value, a bound, a list, a path, a parser) goes to Typer's own conversion,
so its checks and its error messages are unchanged; and Typer's conversion is built only when a
value needs it (an option left out needs none). ``install()`` is called once, by the app.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from enum import Enum
from typing import Any, Union, get_args, get_origin

_WHOLE = re.compile(r"-?\d+")
_UNCHANGED = object()  # "not converted here": Typer's own conversion decides


def _plain_type(annotation: Any) -> Any:
    """``X`` for ``X`` and ``X | None``; None for anything else."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return annotation


def _converter(annotation: Any, info: Any) -> Callable[[Any], Any] | None:
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
        return None
    kind = _plain_type(annotation)
    if kind is bool:
        return lambda value: value if isinstance(value, bool) else _UNCHANGED
    if kind is str:
        return lambda value: value if isinstance(value, str) else _UNCHANGED
    if kind is int and info.min is None and info.max is None:
        return lambda value: (
            int(value) if isinstance(value, str) and _WHOLE.fullmatch(value) else _UNCHANGED
        )
    if isinstance(kind, type) and issubclass(kind, Enum) and info.case_sensitive:
        members = {str(member.value): member for member in kind}

        def choice(value: Any) -> Any:
            if isinstance(value, kind):
                return value
            return members.get(value, _UNCHANGED) if isinstance(value, str) else _UNCHANGED

        return choice
    return None


def install() -> None:
    """Route Typer's parameters through the light conversion where it applies (once)."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:  # another Typer: its own conversion, as it is
        return
    if getattr(_TyperParameter, "_psirt_light", False):
        return

    class _Light(RuntimeParam):
        """A frozen dataclass like its base; ``convert`` set after construction."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            converted = self.__dict__["convert"](value)
            if converted is not _UNCHANGED:
                return converted
            full = self.__dict__.get("full")
            if full is None:
                full = build_runtime_param(param.type_descriptor)
                object.__setattr__(self, "full", full)
            return full._coerce_value(value, param=param, ctx=ctx)

    original = _TyperParameter.get_runtime_param

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            descriptor = self.type_descriptor
            convert = (
                None
                if descriptor.file_annotation is not None
                else _converter(descriptor.annotation, descriptor.parameter_info)
            )
            light = _Light(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
            object.__setattr__(light, "convert", convert or (lambda value: _UNCHANGED))
            self._runtime_param = light
        return original(self)

    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]
    _TyperParameter._psirt_light = True  # type: ignore[attr-defined]
