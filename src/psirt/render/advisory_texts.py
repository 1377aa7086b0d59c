"""What the CSAF and OSV documents share in wording: texts from the advisory templates, a
credit line's people and links, and the names of references."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from psirt.render.cve_record import reference
from psirt.render.env import render

_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\((https?://[^\s()<>\"']{1,500})\)")


def render_text(name: str, context: Mapping[str, Any], templates_dir: Path | None) -> str:
    """A template (``advisory/...``, overridable from the workspace) as one trimmed text."""
    return render(name, context, templates_dir).strip()


def credit_links(credit: str) -> list[tuple[str, str]]:
    """The ``[name](url)`` links of a credit line, in order: who is credited, and where."""
    return [(m.group(1).strip(), m.group(2)) for m in _LINK.finditer(credit)]


def reference_name(url: str) -> str:
    """A reference's name as the CVE records give it (``HackerOne Bug Bounty Report #N``,
    ``GitLab Issue #N``), else the URL itself."""
    return str(reference(url).get("name") or url)
