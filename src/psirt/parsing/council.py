"""The bug bounty council's note: the CVSS vector voted on, approvals, the public description."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from psirt.core.records import Note
from psirt.knowledge.cvss import find_vectors

COUNCIL_MARKER = "bug bounty council"
APPROVAL_EMOJI = frozenset({"thumbsup", "+1", "white_check_mark", "heavy_check_mark"})

_PUBLIC = re.compile(
    r"^\s*(?:[*_]{0,2})public description(?:[*_]{0,2})\s*:(?:[*_]{0,2})\s*(?P<text>.*)$",
    re.I | re.M,
)


@dataclass(frozen=True, slots=True)
class CouncilVote:
    note_id: int
    author: str
    vector: str | None
    approvals: tuple[str, ...]  # who approved, the note's author left out
    public_description: str | None
    author_approved: bool = False  # the note's author approved their own vote (never counts)


def is_council_note(note: Note) -> bool:
    first = note.body.strip().splitlines()[0] if note.body.strip() else ""
    return COUNCIL_MARKER in first.lower()


def _public_description(body: str) -> str | None:
    match = _PUBLIC.search(body)
    if match is None:
        return None
    lines = [match.group("text").strip()]
    for line in body[match.end() :].splitlines()[1:]:
        if not line.strip():
            break
        lines.append(line.strip())
    text = " ".join(part for part in lines if part).strip()
    return text or None


def parse_council(notes: Iterable[Note]) -> CouncilVote | None:
    """The last council note among ``notes`` (a later vote supersedes an earlier one)."""
    vote: CouncilVote | None = None
    for note in notes:
        if note.system or not is_council_note(note):
            continue
        vectors = find_vectors(note.body)
        approvers: list[str] = []
        author_approved = False
        for emoji in note.award_emoji:
            if emoji.name not in APPROVAL_EMOJI:
                continue
            if emoji.user == note.author:
                author_approved = True
            elif emoji.user not in approvers:
                approvers.append(emoji.user)
        vote = CouncilVote(
            note_id=note.id,
            author=note.author,
            vector=vectors[0] if vectors else None,
            approvals=tuple(approvers),
            public_description=_public_description(note.body),
            author_approved=author_approved,
        )
    return vote
