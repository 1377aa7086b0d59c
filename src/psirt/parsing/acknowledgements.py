"""Acknowledgements written in notes: a person's word that a warning was reviewed and stands.

A note acknowledges a warning with a line of its own::

    psirt acknowledge CVE007: CWE-862 is the most precise fit, checked with AppSec

(``psirt acknowledge``, the rule code, a colon, why). The line does not start with ``/``, so
GitLab never takes it for a quick action. Lines in code blocks or quotes, system notes and the
notes psirt writes itself (they carry a ``<!-- psirt:... -->`` marker) acknowledge nothing: a
quoted or generated example is not someone's review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from psirt.core.finding import Acknowledgement, Location
from psirt.core.records import Note

ACKNOWLEDGE_WORDS = "psirt acknowledge"
_LINE = re.compile(
    r"^\s*psirt\s+acknowledges?\s+(?P<code>[A-Za-z]{3}[0-9]{3})\s*:\s*(?P<reason>\S.*?)\s*$",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_OWN_MARKER = "<!-- psirt:"


def note_acknowledgements(notes: Iterable[Note]) -> tuple[Acknowledgement, ...]:
    """Every acknowledgement line of ``notes``, in order, by the note's author; its location
    names the note (``#note_ID`` on GitLab, the note's entry in a workspace file)."""
    found: list[Acknowledgement] = []
    for note in notes:
        if note.system or _OWN_MARKER in note.body:
            continue
        fenced = False
        for line in note.body.splitlines():
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if fenced or line.lstrip().startswith(">"):
                continue
            match = _LINE.match(line)
            if match:
                found.append(
                    Acknowledgement(
                        match["code"].upper(),
                        note.author,
                        match["reason"],
                        Location(note=note.id),
                    )
                )
    return tuple(found)
