"""CPE 2.3 formatted strings (NISTIR 7695): parsed, checked component by component, and matched
against the product a workspace is configured for, so a CVE record never names another product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from psirt.core.errors import InputError

COMPONENTS: tuple[str, ...] = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)
PARTS = {"a": "application", "o": "operating system", "h": "hardware"}

# One avstring of the formatted-string grammar: a logical value (* or -) alone, or characters
# that are alphanumeric, '-', '.', '_' or escaped punctuation, with optional * or ?s at the ends.
_SPECIAL = r"\\[!-/:-@\[-`{-~]"  # a backslash before any ASCII punctuation
_AVSTRING = re.compile(rf"^(?:[*-]|(?:\?+|\*)?(?:[A-Za-z0-9._-]|{_SPECIAL})+(?:\?+|\*)?)$")
_LANGUAGE = re.compile(r"^(?:[*-]|[A-Za-z]{2,3}(?:-(?:[A-Za-z]{2}|[0-9]{3}))?)$")
_UNESCAPE = re.compile(r"\\(.)")


def _split_unescaped(text: str) -> list[str]:
    """Split on ``:`` that is not escaped by a backslash."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ":":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        raise InputError(f"dangling backslash at the end of CPE {text!r}")
    parts.append("".join(current))
    return parts


def unescape(value: str) -> str:
    """The value a formatted-string component stands for (``1\\.0`` -> ``1.0``)."""
    return _UNESCAPE.sub(r"\1", value)


def cpe_name(text: str) -> str:
    """How the CPE dictionary writes a vendor or product name: lower case, ``_`` for spaces."""
    return re.sub(r"\s+", "_", text.strip().lower())


@dataclass(frozen=True)
class Cpe:
    """A CPE 2.3 name; each field holds the component as written in the formatted string."""

    part: str
    vendor: str
    product: str
    version: str = "*"
    update: str = "*"
    edition: str = "*"
    language: str = "*"
    sw_edition: str = "*"
    target_sw: str = "*"
    target_hw: str = "*"
    other: str = "*"

    @classmethod
    def parse(cls, text: str) -> Cpe:
        raw = str(text).strip()
        if not raw.lower().startswith("cpe:2.3:"):
            raise InputError(f"not a CPE 2.3 formatted string: {raw!r} (expected cpe:2.3:part:...)")
        values = _split_unescaped(raw)[2:]
        if len(values) != len(COMPONENTS):
            raise InputError(
                f"CPE {raw!r} has {len(values) + 2} components (expected 13: "
                f"cpe:2.3:{':'.join(COMPONENTS)})"
            )
        for name, value in zip(COMPONENTS, values, strict=True):
            _check_component(name, value, raw)
        return cls(*values)

    @classmethod
    def is_valid(cls, text: str) -> bool:
        try:
            cls.parse(text)
        except InputError:
            return False
        return True

    def value(self, component: str) -> str:
        """A component unescaped (``*`` and ``-`` stay as the logical values ANY and NA)."""
        if component not in COMPONENTS:
            raise KeyError(component)
        return unescape(str(getattr(self, component)))

    def __str__(self) -> str:
        return "cpe:2.3:" + ":".join(getattr(self, f.name) for f in fields(self))


def _check_component(name: str, value: str, raw: str) -> None:
    if name == "part":
        if value not in (*PARTS, "*", "-"):
            raise InputError(f"CPE {raw!r}: part: {value!r} (expected a, o, h, * or -)")
        return
    if value == "":
        raise InputError(f"CPE {raw!r}: {name}: empty (expected a value, * or -)")
    pattern = _LANGUAGE if name == "language" else _AVSTRING
    if not pattern.match(value):
        expected = (
            "a language tag such as en or en-us, * or -"
            if name == "language"
            else "letters, digits, '.', '-', '_' or backslash-escaped punctuation"
        )
        raise InputError(f"CPE {raw!r}: {name}: invalid value {value!r} (expected {expected})")


def cpe_names_product(cpe: Cpe, vendor: str, product: str) -> bool:
    """Whether the CPE names exactly this vendor and product (a wildcard names none)."""
    return cpe.value("vendor").lower() == cpe_name(vendor) and cpe.value(
        "product"
    ).lower() == cpe_name(product)
