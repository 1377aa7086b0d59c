"""The security implementation issue's **Details** table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from psirt.parsing.tables import key_value_rows, normalise_key, section

# Row names as the template has them, normalised; the attribute each fills.
DETAILS_ROWS: dict[str, str] = {
    "version affected": "version_affected",
    "date introduced on .com": "date_introduced",
    "mr that introduced the bug": "introducing_mr",
    "date detected": "date_detected",
    "gitlab ee only": "ee_only",
    "upgrade notes": "upgrade_notes",
    "creates, updates or removes gitlab settings": "settings_change",
    "migration required": "migration_required",
    "breaking change to ui or public api": "breaking_change",
    "thanks": "thanks",
}

_EMPTY = {"", "-", "n/a", "na", "none", "tbd", "todo", "?", "x.y", "x.y.z"}
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


@dataclass(frozen=True, slots=True)
class Details:
    """Values as written (stripped), None when the row is missing or left empty."""

    version_affected: str | None = None
    date_introduced: str | None = None
    introducing_mr: str | None = None
    date_detected: str | None = None
    ee_only: str | None = None
    upgrade_notes: str | None = None
    settings_change: str | None = None
    migration_required: str | None = None
    breaking_change: str | None = None
    thanks: str | None = None
    present: frozenset[str] = field(default_factory=frozenset)  # attributes whose row exists

    @property
    def ee_only_flag(self) -> bool | None:
        """True/False for Yes/No, None when missing or not a yes/no answer."""
        if self.ee_only is None:
            return None
        word = self.ee_only.strip().lower().rstrip(".")
        if word in _YES:
            return True
        if word in _NO:
            return False
        return None


def _clean(value: str) -> str | None:
    value = re.sub(r"<!--.*?-->", "", value).strip().strip("`").strip()
    return None if value.lower() in _EMPTY else value


def parse_details(description: str) -> Details:
    """Read the Details table: tolerant of case, spacing, bold and missing rows."""
    body = section(description, "Details")
    rows = key_value_rows(body if body is not None else description)
    values: dict[str, str | None] = {}
    present: set[str] = set()
    for key, raw in rows.items():
        attribute = DETAILS_ROWS.get(normalise_key(key))
        if attribute is None:
            continue
        present.add(attribute)
        values[attribute] = _clean(raw)
    return Details(**values, present=frozenset(present))
