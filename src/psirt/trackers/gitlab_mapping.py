"""GitLab REST v4 JSON to the port's records, as pure functions (no client, no I/O), and what a
re-read issue shows of an update that did not take (``unapplied``).

Kept apart from the adapter so the mapping can be read and tested field by field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar, cast

from psirt.core.errors import InputError, RemoteError
from psirt.core.labels import labels_done
from psirt.core.records import (
    AwardEmoji,
    Issue,
    IssueLink,
    IssueRef,
    IssueState,
    IssueUpdate,
    LabelEvent,
    LinkType,
    MergeRequest,
    MergeRequestRef,
    MergeRequestState,
    Note,
)

# Every note the GitLab adapter posts ends with a retry token, a fresh 32-hex id per write, so a
# retry after a lost answer can tell whether the first attempt landed. It is the adapter's own
# business: invisible in rendered markdown and stripped when notes are read (exactly what
# ``with_retry_token`` appended goes, so a body reads back as it was written, its own trailing
# newline included). Not to be confused with the rerun markers of ``psirt.actions`` (a name such
# as ``validate`` that stays in the body so a rerun finds its earlier note): same comment syntax,
# but a token is always 32 hex digits, which no marker name is.
_RETRY_TOKEN = re.compile(r"\n\n<!-- psirt:[0-9a-f]{32} -->\s*\Z")

# The longest texts GitLab stores: an issue description 1,048,576 characters (doc/api/issues.md),
# a note body 1,000,000 (doc/api/notes.md). Longer is refused with a 400; psirt says so first.
DESCRIPTION_LIMIT = 1_048_576
NOTE_LIMIT = 1_000_000

_ISSUE_STATES: dict[str, IssueState] = {"opened": "opened", "closed": "closed"}
_MR_STATES: dict[str, MergeRequestState] = {
    "opened": "opened",
    "merged": "merged",
    "closed": "closed",
    "locked": "locked",
}
_LINK_TYPES: dict[str, LinkType] = {
    "relates_to": "relates_to",
    "blocks": "blocks",
    "is_blocked_by": "is_blocked_by",
}


def check_length(what: str, text: str, limit: int, *, where: str) -> None:
    if len(text) > limit:
        raise InputError(
            f"the {what} is {len(text):,} characters; GitLab stores at most {limit:,}",
            where=where,
        )


def retry_token_comment(token: str) -> str:
    """The comment that carries ``token`` in a note body."""
    return f"<!-- psirt:{token} -->"


def with_retry_token(body: str, token: str) -> str:
    return f"{body}\n\n{retry_token_comment(token)}"


def strip_retry_token(body: str) -> str:
    return _RETRY_TOKEN.sub("", body)


def parse_datetime(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value)


def parse_date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    return date.fromisoformat(value[:10])


def _username(user: object) -> str:
    if isinstance(user, Mapping):
        return str(user.get("username") or "")
    return ""


def _usernames(users: object) -> tuple[str, ...]:
    if not isinstance(users, list):
        return ()
    return tuple(name for name in (_username(u) for u in users) if name)


def issue_ref_of(data: Mapping[str, Any], project_hint: str | None = None) -> IssueRef:
    """The issue's own ref: ``references.full``, else its URL, else the project asked for."""
    return _ref_of(data, IssueRef, "issue", project_hint)


def mr_ref_of(data: Mapping[str, Any], project_hint: str | None = None) -> MergeRequestRef:
    """The merge request's own ref, found as ``issue_ref_of`` finds an issue's."""
    return _ref_of(data, MergeRequestRef, "merge request", project_hint)


_Ref = TypeVar("_Ref", IssueRef, MergeRequestRef)


def _ref_of(data: Mapping[str, Any], kind: type[_Ref], what: str, project_hint: str | None) -> _Ref:
    references = data.get("references")
    full = str(references.get("full") or "") if isinstance(references, Mapping) else ""
    ref = kind.parse(full) or kind.parse(str(data.get("web_url") or ""))
    if ref is not None:
        return ref
    if project_hint is None:
        raise malformed(f"{what} data without a project (no references.full, no web_url)")
    return kind(project_hint, whole_number(data, "iid", what))


def malformed(what: str) -> RemoteError:
    """GitLab answered 200 with something other than the REST v4 shape (a proxy's page, a
    broken instance): a remote failure, exit 3, never a traceback."""
    return RemoteError(f"GitLab answered with {what}; expected the documented REST v4 shape")


def whole_number(data: Mapping[str, Any], key: str, what: str) -> int:
    value = data.get(key) if isinstance(data, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise malformed(
            f"{what} data without a whole-number {key!r} (found {type(value).__name__})"
        )
    return value


def issue_from(data: Mapping[str, Any], project_hint: str | None = None) -> Issue:
    return Issue(
        ref=issue_ref_of(data, project_hint),
        title=str(data.get("title") or ""),
        description=str(data.get("description") or ""),
        labels=tuple(str(label) for label in data.get("labels") or ()),
        state=_ISSUE_STATES.get(str(data.get("state")), "opened"),
        confidential=bool(data.get("confidential", False)),
        author=_username(data.get("author")),
        assignees=_usernames(data.get("assignees")),
        due_date=parse_date(data.get("due_date")),
        web_url=str(data.get("web_url") or ""),
        created_at=parse_datetime(data.get("created_at")),
        updated_at=parse_datetime(data.get("updated_at")),
    )


def link_from(data: Mapping[str, Any]) -> IssueLink:
    """A link, carrying the linked issue when the answer describes it (title and description)."""
    described = "title" in data and "description" in data
    return IssueLink(
        target=issue_ref_of(data),
        link_type=_LINK_TYPES.get(str(data.get("link_type")), "relates_to"),
        issue=issue_from(data) if described else None,
    )


def emoji_from(data: Mapping[str, Any]) -> AwardEmoji:
    return AwardEmoji(name=str(data.get("name") or ""), user=_username(data.get("user")))


def note_from(data: Mapping[str, Any], emoji: tuple[AwardEmoji, ...] = ()) -> Note:
    return Note(
        id=whole_number(data, "id", "note"),
        body=strip_retry_token(str(data.get("body") or "")),
        author=_username(data.get("author")),
        created_at=parse_datetime(data.get("created_at")),
        internal=bool(data.get("internal", data.get("confidential", False))),
        system=bool(data.get("system", False)),
        award_emoji=emoji,
    )


def label_event_from(data: Mapping[str, Any]) -> LabelEvent | None:
    """A resource label event; None for one whose label was deleted since (GitLab sends
    ``label: null``) or whose action is neither add nor remove."""
    label = data.get("label")
    action = str(data.get("action") or "")
    if not isinstance(label, Mapping) or action not in ("add", "remove"):
        return None
    return LabelEvent(
        id=whole_number(data, "id", "label event"),
        action="add" if action == "add" else "remove",
        label=str(label.get("name") or ""),
        user=_username(data.get("user")),
        created_at=parse_datetime(data.get("created_at")),
    )


def merge_request_from(
    data: Mapping[str, Any],
    project_hint: str | None = None,
    related_issues: tuple[IssueRef, ...] = (),
) -> MergeRequest:
    return MergeRequest(
        ref=mr_ref_of(data, project_hint),
        title=str(data.get("title") or ""),
        state=_MR_STATES.get(str(data.get("state")), "opened"),
        source_branch=str(data.get("source_branch") or ""),
        target_branch=str(data.get("target_branch") or ""),
        description=str(data.get("description") or ""),
        author=_username(data.get("author")),
        reviewers=_usernames(data.get("reviewers")),
        labels=tuple(str(label) for label in data.get("labels") or ()),
        merged_at=parse_datetime(data.get("merged_at")),
        web_url=str(data.get("web_url") or ""),
        related_issues=related_issues,
        merge_commit_sha=str(data.get("merge_commit_sha") or data.get("squash_commit_sha") or ""),
    )


def attributes(obj: object) -> dict[str, Any]:
    """The JSON of a python-gitlab object, or the dict that some of its calls return."""
    if isinstance(obj, dict):
        return cast(dict[str, Any], obj)
    data = getattr(obj, "attributes", None)
    if not isinstance(data, dict):
        raise malformed(f"{type(obj).__name__} where an object belongs")
    return cast(dict[str, Any], data)


def unapplied(update: IssueUpdate, issue: Issue) -> list[str]:
    """What the re-read after an issue update shows was not applied."""
    problems = []
    if update.description is not None and issue.description != update.description:
        problems.append("description differs")
    if update.title is not None and issue.title != update.title:
        problems.append("title differs")
    # GitLab's result: one label per scope, the added one (psirt.core.labels)
    problems += labels_done(issue.labels, update.add_labels, update.remove_labels)
    wanted = {"close": "closed", "reopen": "opened"}.get(update.state_event or "")
    if wanted and issue.state != wanted:
        problems.append(f"state is {issue.state}, not {wanted}")
    return problems
