"""How the contract suite compares two trackers: an issue's end state, and a diff by path.

Shared by every scenario, so "the same end state" means one thing across the suite: title,
description, label set, state and the (body, internal) of each non-system note, in order; no ids
and no timestamps (those are each tracker's own).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from psirt.core.records import IssueRef
from psirt.model.release import ReleaseSnapshot
from psirt.trackers.gitlab_mapping import strip_retry_token
from psirt.trackers.interface import Tracker


@dataclass(frozen=True)
class IssueEnd:
    """An issue as the contract compares it: no ids, no timestamps, labels as a set."""

    title: str
    description: str
    labels: frozenset[str]
    state: str
    notes: tuple[tuple[str, bool], ...]  # (body, internal) of each non-system note, in order


def normal_text(text: str) -> str:
    return text.replace("\r\n", "\n")


def issue_end(tracker: Tracker, ref: IssueRef) -> IssueEnd:
    issue = tracker.get_issue(ref)
    notes = tuple(
        (normal_text(strip_retry_token(note.body)), note.internal)
        for note in tracker.notes(ref)
        if not note.system
    )
    return IssueEnd(
        title=issue.title.strip(),
        description=normal_text(issue.description),
        labels=frozenset(issue.labels),
        state=issue.state,
        notes=notes,
    )


def release_refs(snapshot: ReleaseSnapshot) -> list[IssueRef]:
    """Every issue of the release: tracking and task issues, then each fix's three issues."""
    release = snapshot.release
    refs = [release.tracking_issue.ref]
    if release.task_issue is not None:
        refs.append(release.task_issue.ref)
    for item in snapshot.issues:
        refs.append(item.ref)
        if item.canonical is not None:
            refs.append(item.canonical.ref)
        if item.cve_request is not None:
            refs.append(item.cve_request.ref)
    return refs


def plain(value: Any) -> Any:
    """A comparable, printable form: dataclasses as dicts, enums and dates as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Every leaf where ``a`` and ``b`` differ, by path (so a failure names the field)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: only on one side" for k in a.keys() ^ b.keys()]
        for key in a.keys() & b.keys():
            out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    if a == b:
        return []
    if isinstance(a, str) and isinstance(b, str):
        at = next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        start = max(0, at - 30)
        return [f"{path}: from char {at}: {a[start : at + 30]!r} != {b[start : at + 30]!r}"]
    return [f"{path}: {a!r} != {b!r}"]
