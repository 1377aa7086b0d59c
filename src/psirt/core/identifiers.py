"""Identifiers that appear in running text: CVE ids."""

from __future__ import annotations

import re

CVE_ID = re.compile(r"\bCVE-\d{4}-\d{4,}\b")


def is_cve_id(text: str) -> bool:
    """The whole of ``text`` is one CVE id (``CVE-2026-4101``), nothing around it."""
    return CVE_ID.fullmatch(text) is not None


def cve_id_in(text: str) -> str | None:
    match = CVE_ID.search(text)
    return match.group(0) if match else None
