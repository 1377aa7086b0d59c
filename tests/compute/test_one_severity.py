"""Every public artifact rates each fix alike: the blog post's table, the Security Alerts e-mail,
the stakeholder messages of notify and the CVE record.

For each fix of the demo workspace the four rendered outputs are read back (the post's table row,
the e-mail's line, the counts notify writes for a release of that fix alone, the record's
``baseSeverity``) and compared, so a renderer that derives a severity on its own fails here. A
held-back fix (a reverted MR) must be absent from all of them. The same holds when a fix's label
and council vote are worse than its CVE vector: notify may then tell more people, but the
severity it states per fix is the one the post publishes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from psirt.compute.post import BlogPost, SecurityEntry, build_post
from psirt.core.errors import InputError
from psirt.core.workspace import Workspace
from psirt.demo.data import FIXES
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.parsing.blog_post import parse_post
from psirt.parsing.council import CouncilVote
from psirt.render.blog import render_post
from psirt.render.email import build_email, render_email
from psirt.render.notify import build_notifications, render_notifications
from psirt.session import open_session
from psirt.workflows.cve_export import records

IIDS = [fix.security_iid for fix in FIXES]
BLOG_URL = "https://about.gitlab.com/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"
# The legal message names every count: "... fixes 1 critical, 2 low security issues; ..."
_NOTIFY_COUNTS = re.compile(r" fixes (?P<counts>.+?) security issues?;")
_COUNT = re.compile(r"^(?P<n>\d+) (?P<name>critical|high|medium|low)$")
_EMAIL_LINE = re.compile(r"^- (?P<severity>\w+): (?P<rest>.+)$")


@dataclass(frozen=True)
class Published:
    """What each artifact says of one fix: a severity name in lower case, "" when it lists the
    fix unrated, None when it leaves the fix out."""

    blog: str | None
    email: str | None
    notify: str | None
    record: str | None


def _entry(post: BlogPost, item: SecurityIssue) -> SecurityEntry:
    entries = (*post.security_fixes, *post.fixes_without_cve, *post.held_back)
    return next(e for e in entries if e.ref == str(item.ref))


def _blog(text: str, entry: SecurityEntry) -> str | None:
    rows = [row for row in parse_post(text).table if row.target == f"#{entry.anchor}"]
    assert len(rows) <= 1, f"{entry.ref} has {len(rows)} rows in the table"
    return rows[0].severity.strip().lower() if rows else None


def _email(text: str, entry: SecurityEntry) -> str | None:
    shown = f"{entry.cve_id} - {entry.title}" if entry.cve_id else entry.title
    found = [
        m["severity"].lower()
        for m in map(_EMAIL_LINE.match, text.splitlines())
        if m is not None and m["rest"] == shown
    ]
    assert len(found) <= 1, f"{entry.ref} is listed {len(found)} times in the e-mail"
    if not found:
        return None
    return "" if found[0] == "unrated" else found[0]


def _notify_counts(text: str) -> dict[str, int]:
    match = _NOTIFY_COUNTS.search(text)
    assert match is not None, "notify's legal message states no counts"
    counts: dict[str, int] = {}
    for part in match["counts"].split(", "):
        count = _COUNT.match(part)
        assert count is not None, f"notify count {part!r}"
        counts[count["name"]] = int(count["n"])
    return counts


def _notify(snapshot: ReleaseSnapshot, item: SecurityIssue) -> str | None:
    """The severity notify states for a release of this fix alone; None when it counts none."""
    alone = replace(snapshot, issues=(item,))  # keeps the branch MRs that may revert it
    try:
        text = render_notifications(build_notifications(alone, BLOG_URL))
    except InputError:
        return None
    counts = _notify_counts(text)
    assert sum(counts.values()) == 1, f"{item.ref} alone is counted as {counts}"
    return next(iter(counts))


def _record_severity(record: dict[str, Any]) -> str:
    metrics = record["containers"]["cna"].get("metrics", [])
    scores = [value for m in metrics for key, value in m.items() if key.startswith("cvssV")]
    assert len(scores) <= 1
    return str(scores[0]["baseSeverity"]).lower() if scores else ""


def published(snapshot: ReleaseSnapshot) -> Iterator[tuple[SecurityIssue, Published]]:
    post = build_post(snapshot)
    blog_text = render_post(post, snapshot.config)
    email_text = render_email(build_email(snapshot)).text
    by_cve = {r["cveMetadata"]["cveId"]: r for r in records(snapshot, BLOG_URL)}
    for item in snapshot.issues:
        entry = _entry(post, item)
        record = by_cve.get(entry.cve_id) if entry.cve_id else None
        yield (
            item,
            Published(
                blog=_blog(blog_text, entry),
                email=_email(email_text, entry),
                notify=_notify(snapshot, item),
                record=_record_severity(record) if record is not None else None,
            ),
        )


def assert_one_severity(item: SecurityIssue, said: Published, held_back: bool) -> None:
    where = f"{item.ref} ({item.title})"
    if held_back:
        assert said == Published(None, None, None, None), f"{where} is held back: {said}"
        return
    assert said.blog, f"{where}: the post's table does not rate it ({said})"
    assert said.email == said.blog, f"{where}: e-mail {said.email!r}, post {said.blog!r}"
    assert said.notify == said.blog, f"{where}: notify {said.notify!r}, post {said.blog!r}"
    if item.cve_request is not None and item.cve_request.cve_id is not None:
        assert said.record == said.blog, f"{where}: record {said.record!r}, post {said.blog!r}"
    else:
        assert said.record is None, f"{where} has no CVE id but a record"


@pytest.fixture(scope="module")
def demo(demo_template: Path) -> ReleaseSnapshot:
    return open_session(Workspace(demo_template)).snapshot()


@pytest.fixture(scope="module")
def demo_published(demo: ReleaseSnapshot) -> dict[int, Published]:
    return {item.ref.iid: said for item, said in published(demo)}


def _held_back(snapshot: ReleaseSnapshot) -> set[str]:
    return {entry.ref for entry in build_post(snapshot).held_back}


def test_the_demo_has_every_fix_and_a_held_back_one(
    demo: ReleaseSnapshot, demo_published: dict[int, Published]
) -> None:
    assert sorted(demo_published) == sorted(IIDS)
    assert len(_held_back(demo)) == 1


@pytest.mark.parametrize("iid", IIDS)
def test_every_artifact_gives_the_fix_the_same_severity(
    demo: ReleaseSnapshot, demo_published: dict[int, Published], iid: int
) -> None:
    item = next(i for i in demo.issues if i.ref.iid == iid)
    assert_one_severity(item, demo_published[iid], str(item.ref) in _held_back(demo))


def test_notify_and_the_email_count_the_same_fixes(demo: ReleaseSnapshot) -> None:
    notify = _notify_counts(render_notifications(build_notifications(demo, BLOG_URL)))
    email = build_email(demo)
    assert notify == {name.lower(): n for name, n in email.counts}
    assert sum(notify.values()) == email.total


def _overrated(item: SecurityIssue) -> SecurityIssue:
    """The fix labelled critical and voted critical by the council, whatever its CVE vector."""
    labels = tuple(label for label in item.issue.labels if not label.startswith("severity::"))
    vote = CouncilVote(1, "ivan-appsec", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", (), None)
    return replace(item, issue=replace(item.issue, labels=(*labels, "severity::1")), council=vote)


def test_disagreeing_sources_change_who_is_told_not_what_is_said(demo: ReleaseSnapshot) -> None:
    overrated = replace(demo, issues=tuple(_overrated(item) for item in demo.issues))
    held_back = _held_back(overrated)
    said = {item.ref.iid: published_as for item, published_as in published(overrated)}
    for item in overrated.issues:
        assert_one_severity(item, said[item.ref.iid], str(item.ref) in held_back)
    assert {s.blog for s in said.values()} > {"critical"}, "the post still rates by the vector"
