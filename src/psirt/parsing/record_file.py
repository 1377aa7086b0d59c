"""A CVE JSON 5 record file read for checking: its JSON and its text (for the lines of findings),
refused with one clear message when it is not a record psirt can check (not UTF-8, not JSON, a
number longer than Python converts, nested far deeper than any record).

Kept apart from the export so ``psirt cve lint`` imports what reading a file needs, not the
release's computations.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from psirt.core.errors import InputError
from psirt.core.text import MAX_DIGITS

#: A CVE JSON 5 record nests about eight levels; far deeper is no record (and would exhaust
#: the recursion of the decoder and of the schema check).
MAX_RECORD_DEPTH = 64


def load_record_file(path: Path) -> Any:
    return read_record_file(path)[0]


def read_record_file(path: Path) -> tuple[Any, str]:
    """A record file's JSON and its text."""
    try:
        text = path.read_text(encoding="utf-8")
        record = json.loads(text)
    except FileNotFoundError:
        raise InputError("no such file", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from exc
    except RecursionError:
        raise InputError(
            f"not a record: JSON nested more than {MAX_RECORD_DEPTH} levels", where=str(path)
        ) from None
    except ValueError:  # a number of more digits than Python converts
        raise InputError(
            f"not a record: a number of more than {MAX_DIGITS} digits", where=str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", where=str(path)) from exc
    if nested_deeper_than(text, MAX_RECORD_DEPTH):
        raise InputError(
            f"not a record: JSON nested more than {MAX_RECORD_DEPTH} levels", where=str(path)
        )
    return record, text


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether ``text`` nests deeper than ``limit``. It cannot with no more opening brackets
    than that, in strings or not, and nearly every record has fewer: no need to find its
    strings then."""
    if text.count("[") + text.count("{") <= limit:
        return False
    return nesting_depth(text) > limit


def nesting_depth(text: str) -> int:
    """How deep lists and objects nest in a JSON text that parsed (a scalar: 0): its brackets
    counted outside strings, in C but for the brackets themselves (a record has a few hundred)."""
    deepest = depth = 0
    for bracket in _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
