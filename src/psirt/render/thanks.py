"""The thank-you to everyone who made the release: release managers, authors, reviewers, PSIRT
reviewers and reporters, each person named once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from psirt.core.config import Config
from psirt.model.merge_requests import release_reverts
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.render.env import render

THANKS_TEMPLATE = "thanks.md.j2"


@dataclass(frozen=True)
class ThanksGroup:
    role: str  # "release_managers", "authors", "reviewers", "psirt_reviewers", "reporters"
    names: tuple[str, ...]


@dataclass(frozen=True)
class Thanks:
    versions: str
    groups: tuple[ThanksGroup, ...]  # only non-empty groups, each person in their first one


_HANDLE = re.compile(r"@([\w.\-]+)")
_PROFILE_LINK = re.compile(r"\[(?P<name>[^\]]+)\]\((?P<url>[^)\s]*)\)")


def _credited(item: SecurityIssue, config: Config) -> list[tuple[str, str]]:
    """(key, shown name) of who the fix credits: the report's finders, else the Details
    table's Thanks row. A team member is keyed by username however the row names them
    (``@dana-dev``, ``[Dana Diaz](https://gitlab.com/dana-dev)``, or the display name the
    workspace knows), so an author who also found a bug is thanked once."""
    if item.report is not None and item.report.finders:
        return [(f"hackerone:{name}", f"{name} (HackerOne)") for name in item.report.finders]
    thanks = (item.details.thanks or "").strip()
    if not thanks:
        return []
    handle = _HANDLE.search(thanks)
    if handle:
        return [(handle.group(1), "")]
    shown = thanks
    link = _PROFILE_LINK.fullmatch(thanks)
    if link is not None:
        shown = link["name"].strip()
        profile = config.tracker.url.rstrip("/") + "/"
        username = link["url"][len(profile) :].strip("/")
        if link["url"].startswith(profile) and username and "/" not in username:
            return [(username, shown if username not in config.people.names else "")]
    by_name = {name.casefold(): user for user, name in config.people.names.items()}
    username = by_name.get(shown.casefold())
    return [(username, "")] if username else [(shown, shown)]


def build_thanks(snapshot: ReleaseSnapshot) -> Thanks:
    config, release = snapshot.config, snapshot.release
    people = config.people
    bots = {people.cna_bot}
    roles: list[tuple[str, list[tuple[str, str]]]] = [
        ("release_managers", [(u, "") for u in release.release_managers]),
        ("authors", []),
        ("reviewers", []),
        ("psirt_reviewers", []),
        ("reporters", []),
    ]
    by_role = dict(roles)
    for item in snapshot.issues:
        # a revert's author undid part of the fix rather than made it
        for mr in release_reverts(snapshot).without_reverts(item):
            if mr.state != "merged":
                continue
            by_role["authors"].append((mr.author, ""))
            by_role["reviewers"].extend((user, "") for user in mr.reviewers)
        if item.council is not None:
            by_role["psirt_reviewers"].extend((user, "") for user in item.council.approvals)
        by_role["reporters"].extend(_credited(item, config))
    seen: set[str] = set()
    groups: list[ThanksGroup] = []
    for role, entries in roles:
        names: list[str] = []
        for key, shown in entries:
            if not key or key in seen or key in bots:
                continue
            seen.add(key)
            names.append(shown or people.name_of(key))
        if names:
            groups.append(
                ThanksGroup(
                    role,
                    tuple(sorted(names, key=str.casefold))
                    if role != "release_managers"
                    else tuple(names),
                )
            )
    return Thanks(versions=release.version_list, groups=tuple(groups))


def render_thanks(thanks: Thanks, templates_dir: Path | None = None) -> str:
    return render(THANKS_TEMPLATE, {"t": thanks}, templates_dir)


def names_in(groups: Sequence[ThanksGroup]) -> list[str]:
    return [name for group in groups for name in group.names]
