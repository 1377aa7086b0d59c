"""Versions as GitLab numbers them: ``major.minor.patch``, minors ``X.Y``, stable branches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from psirt.core.errors import InputError

_VERSION = re.compile(r"^\s*v?(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?\s*$")  # no 5,000-digit parts


@total_ordering
@dataclass(frozen=True, slots=True)
class Version:
    """A release version; ``patch`` is None for a bare minor such as ``18.10``."""

    major: int
    minor: int
    patch: int | None = None

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION.match(str(text))
        if not match:
            raise InputError(f"not a version: {text!r} (expected X.Y or X.Y.Z, e.g. 18.10.1)")
        major, minor, patch = match.groups()
        return cls(int(major), int(minor), None if patch is None else int(patch))

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _VERSION.match(str(text)) is not None

    @property
    def series(self) -> Version:
        """The minor this version belongs to (``18.10`` for ``18.10.1``)."""
        return Version(self.major, self.minor)

    @property
    def is_minor(self) -> bool:
        return self.patch is None

    @property
    def stable_branch(self) -> str:
        """The stable branch of this version's minor, e.g. ``18-10-stable-ee``."""
        return f"{self.major}-{self.minor}-stable-ee"

    def _key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, -1 if self.patch is None else self.patch)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        if self.patch is None:
            return f"{self.major}.{self.minor}"
        return f"{self.major}.{self.minor}.{self.patch}"


VERSION_IN_TEXT = re.compile(r"(?<![\w.])(\d+\.\d+(?:\.\d+)?)(?![\w.]*\d)")


def versions_in(text: str) -> list[Version]:
    """Every ``X.Y`` or ``X.Y.Z`` that stands as a version in running text."""
    return [Version.parse(m.group(1)) for m in VERSION_IN_TEXT.finditer(text)]
