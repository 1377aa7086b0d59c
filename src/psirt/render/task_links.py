"""Where the release's messages point: the tracker's URLs for issues and merge requests, and the
links the PSIRT task issue lists (tracking issue, communications issue, blog MRs).

The checklist, the handover and notify all link to the same places, so they read them here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psirt.core.config import Config
from psirt.core.records import IssueRef, MergeRequestRef
from psirt.model.release import Release
from psirt.parsing.links import link_target


def issue_url(ref: IssueRef, config: Config) -> str:
    return f"{config.tracker.url.rstrip('/')}/{ref.project}/-/issues/{ref.iid}"


def merge_request_url(ref: MergeRequestRef, config: Config) -> str:
    return f"{config.tracker.url.rstrip('/')}/{ref.project}/-/merge_requests/{ref.iid}"


_URL = re.compile(r"^https?://\S+$")
_KEY_VALUE = re.compile(
    r"^\s*(?:[*+-]\s+)?(?:\*\*)?(?P<key>[A-Za-z][^:|*]{2,60}?)(?:\*\*)?\s*:\s*"
    r"(?:\*\*)?\s*(?P<value>\S.*?)\s*$"
)
_TABLE_ROW = re.compile(r"^\s*\|\s*(?P<key>[^|]+?)\s*\|\s*(?P<value>[^|]+?)\s*\|\s*$")

# Roles of the task issue's links, by words of the line's label (first match wins).
_LINK_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("draft_blog_mr", ("draft blog",)),
    ("blog_mr", ("canonical blog", "blog post mr", "blog mr", "release blog")),
    ("communications", ("communications issue", "comms issue", "communications")),
    ("tracking", ("tracking issue", "patch release issue", "release issue")),
)


@dataclass(frozen=True)
class TaskLinks:
    """What the PSIRT task issue links to, as URLs (None when the task issue does not say)."""

    tracking: str | None = None
    communications: str | None = None
    draft_blog_mr: str | None = None
    blog_mr: str | None = None


def _as_url(value: str, config: Config) -> str | None:
    text = link_target(value)
    issue = IssueRef.parse(text)
    if issue is not None and not text.startswith("http"):
        return issue_url(issue, config)
    mr = MergeRequestRef.parse(text)
    if mr is not None and not text.startswith("http"):
        return merge_request_url(mr, config)
    return text if _URL.match(text) else None


def task_links(description: str, config: Config) -> TaskLinks:
    """The links of a task issue description: ``Label: ref-or-URL`` lines, list items or
    two-column table rows (GitLab references, URLs or Markdown links)."""
    found: dict[str, str] = {}
    for line in description.splitlines():
        match = _TABLE_ROW.match(line) or _KEY_VALUE.match(line)
        if match is None:
            continue
        key = match["key"].strip().lower()
        url = _as_url(match["value"], config)
        if url is None:
            continue
        for role, words in _LINK_ROLES:
            if role not in found and any(word in key for word in words):
                found[role] = url
                break
    return TaskLinks(**found)


def links_of(release: Release, config: Config) -> TaskLinks:
    task = release.task_issue
    return task_links(task.description, config) if task is not None else TaskLinks()


def web_url(issue_ref: IssueRef, web_url: str, config: Config) -> str:
    return web_url or issue_url(issue_ref, config)
