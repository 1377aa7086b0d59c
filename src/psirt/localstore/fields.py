"""Typed access to a YAML mapping read from a workspace file, with errors that name the file,
the line and the key path (``notes[2].id: expected a whole number``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ruamel.yaml.scalarbool import ScalarBoolean

from psirt.core.errors import WorkspaceError
from psirt.core.records import IssueRef
from psirt.localstore.yaml_io import Source, load_mapping, load_yaml

_T = TypeVar("_T")
_When = TypeVar("_When", date, datetime)
_MISSING: Any = object()


class Fields:
    """Typed access to one YAML mapping; errors name the key path and its line."""

    def __init__(self, data: Mapping[str, Any], source: Source, prefix: str = "") -> None:
        self.data = data
        self.source = source
        self.prefix = prefix

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key (expected one of: {', '.join(allowed)})")

    def line0(self, key: str | None = None) -> int | None:
        lc = getattr(self.data, "lc", None)
        if lc is None:
            return None
        if key is not None and key in self.data:
            with contextlib.suppress(Exception):
                return int(lc.key(key)[0])
        return int(lc.line) if lc.line is not None else None

    def error(self, key: str, message: str) -> WorkspaceError:
        return self.source.error(f"{self.prefix}{key}: {message}", self.line0(key))

    def get(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            return self._missing(key)
        return default

    def _missing(self, key: str) -> Any:
        where = f" in {self.prefix.rstrip('.')}" if self.prefix else ""
        raise self.source.error(f"missing key '{key}'{where}", self.line0())

    def string(self, key: str, default: Any = _MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, "expected a string")
        return str(value)

    def optional_string(self, key: str) -> str | None:
        value = self.get(key, None)
        if value is not None and not isinstance(value, str):
            raise self.error(key, "expected a string or null")
        return None if value is None else str(value)

    def integer(self, key: str, default: Any = _MISSING) -> int:
        value = self.get(key, default)
        if isinstance(value, bool | ScalarBoolean) or not isinstance(value, int):
            raise self.error(key, "expected a whole number")
        return int(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool | ScalarBoolean):
            raise self.error(key, "expected true or false")
        return bool(value)

    def number(self, key: str) -> float | None:
        value = self.get(key, None)
        if value is None:
            return None
        if isinstance(value, bool | ScalarBoolean) or not isinstance(value, int | float):
            raise self.error(key, "expected a number or null")
        return float(value)

    def decimal(self, key: str, default: Any = _MISSING) -> Decimal:
        value = self.get(key, default)
        if isinstance(value, bool | ScalarBoolean) or not isinstance(value, int | float | str):
            raise self.error(key, "expected an amount such as 500 or 1000.50")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise self.error(key, "expected an amount such as 500 or 1000.50") from None

    def choice(self, key: str, allowed: Sequence[_T], default: Any = _MISSING) -> _T:
        value = self.get(key, default)
        for option in allowed:
            if value == option:
                return option
        raise self.error(key, f"expected one of {', '.join(map(str, allowed))} (found {value!r})")

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "expected a list of strings")
        return tuple(dict.fromkeys(str(v) for v in value))

    def day(self, key: str) -> date | None:
        return self._iso(key, date.fromisoformat, "expected a date YYYY-MM-DD or null")

    def moment(self, key: str) -> datetime | None:
        return self._iso(
            key,
            datetime.fromisoformat,
            "expected an ISO 8601 date and time such as 2026-03-25T10:00:00Z, or null",
        )

    def _iso(self, key: str, parse: Callable[[str], _When], problem: str) -> _When | None:
        """The ISO 8601 text under ``key`` parsed, None when absent or null."""
        value = self.get(key, None)
        if value is None:
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            return parse(value)
        except ValueError:
            raise self.error(key, problem) from None

    def maps(self, key: str) -> list[Fields]:
        value = self.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.error(key, "expected a list of mappings (- key: value)")
        return [
            Fields(item, self.source, f"{self.prefix}{key}[{index}].")
            for index, item in enumerate(value)
        ]

    def optional_map(self, key: str) -> Fields | None:
        value = self.get(key, None)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(key, "expected a mapping or null")
        return Fields(value, self.source, f"{self.prefix}{key}.")

    def ref(self, key: str) -> IssueRef:
        value = self.get(key)
        parsed = IssueRef.parse(value) if isinstance(value, str) else None
        if parsed is None:
            raise self.error(key, "expected an issue reference such as group/project#12")
        return parsed

    def ref_list(self, key: str) -> tuple[IssueRef, ...]:
        values = self.string_list(key)
        refs = [IssueRef.parse(v) for v in values]
        for value, parsed in zip(values, refs, strict=True):
            if parsed is None:
                raise self.error(
                    key, f"expected issue references such as group/project#12 (found {value!r})"
                )
        return tuple(r for r in refs if r is not None)


def decode_fast(text: str, source: Source, decode: Callable[[Fields], _T]) -> _T:
    """Decode with the fast loader; on a problem, decode again round-trip, whose error names
    the line (the fast loader does not keep line numbers of keys)."""
    try:
        return decode(Fields(load_mapping(text, source, fast=True), source))
    except WorkspaceError as fast_error:
        if fast_error.line is not None:
            raise
        decode(Fields(load_yaml(text, source), source))
        raise


def iso(value: date | datetime | None) -> str | None:
    """A date or time as the ISO text a file stores; None stays None."""
    return None if value is None else value.isoformat()
