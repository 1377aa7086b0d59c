"""Whose approval of a bug bounty council vote counts.

The council votes a CVSS vector in a note; its members approve it with a thumbs-up. An approval
counts when it comes from a council member (``[people] council``: usernames and GitLab groups;
anyone when it is not configured) who is not the vote's author, not an assignee of the fix and
not the author of one of its merge requests: nobody approves the score of their own work. The
number of approvals a vote needs follows its severity (``[people] council_approvals``, the
handbook's 1 for Low and Medium, 2 for High and Critical by default).
"""

from __future__ import annotations

from dataclasses import dataclass

from psirt.core.errors import InputError
from psirt.knowledge.cvss import CvssScore, parse_vector
from psirt.model.release import ReleaseSnapshot, SecurityIssue

VOTE_AUTHOR = "the vote's author"
ASSIGNEE = "assignee"
MR_AUTHOR = "MR author"
NOT_ON_COUNCIL = "not on the council"


@dataclass(frozen=True)
class CouncilTally:
    """The approvals of one vote, counted."""

    score: CvssScore
    needed: int
    counted: tuple[str, ...]  # who approved and counts, in the order they approved
    not_counted: tuple[tuple[str, str], ...]  # (who, why) for each approval that does not

    @property
    def enough(self) -> bool:
        return len(self.counted) >= self.needed

    @property
    def severity(self) -> str:
        return self.score.severity.lower()


def required_approvals(score: CvssScore, snapshot: ReleaseSnapshot) -> int:
    """What a vote of this score needs (``[people] council_approvals``)."""
    return snapshot.config.people.approvals_needed(score.severity)


def own_work(item: SecurityIssue) -> dict[str, list[str]]:
    """The people whose approval of the fix's vote never counts, with why."""
    reasons: dict[str, list[str]] = {}
    vote = item.council
    if vote is not None and vote.author:
        reasons.setdefault(vote.author, []).append(VOTE_AUTHOR)
    for user in item.issue.assignees:
        reasons.setdefault(user, []).append(ASSIGNEE)
    for mr in item.merge_requests:
        if mr.author and MR_AUTHOR not in reasons.get(mr.author, []):
            reasons.setdefault(mr.author, []).append(MR_AUTHOR)
    return reasons


def tally(item: SecurityIssue, snapshot: ReleaseSnapshot) -> CouncilTally | None:
    """The vote's approvals counted; None without a vote with a valid vector (ISS005)."""
    vote = item.council
    if vote is None or vote.vector is None:
        return None
    try:
        score = parse_vector(vote.vector)
    except InputError:
        return None
    excluded = own_work(item)
    configured = bool(snapshot.config.people.council)
    members = set(snapshot.council_members)
    counted: list[str] = []
    not_counted: list[tuple[str, str]] = []
    approvers = ([vote.author] if vote.author_approved else []) + list(vote.approvals)
    for user in approvers:
        why = list(excluded.get(user, []))
        if configured and user not in members:
            why.append(NOT_ON_COUNCIL)
        if why:
            not_counted.append((user, ", ".join(why)))
        else:
            counted.append(user)
    return CouncilTally(
        score, required_approvals(score, snapshot), tuple(counted), tuple(not_counted)
    )
