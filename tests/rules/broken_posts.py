# ruff: noqa: E501  (the clean post fixture keeps its long Markdown lines as a post has them)
"""A clean blog post, the release it should describe, and one change per blog rule that breaks
it. Shared by the blog lint tests and the golden list of rule messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from psirt.compute.post import BlogPost, SecurityEntry

A = "cve-2026-0001---missing-authorization-issue-in-related-issues-impacts-gitlab-ceee"
B = "cve-2026-0002---observable-discrepancy-issue-in-password-reset-impacts-gitlab-ceee"

CLEAN = f"""---
title: "GitLab Patch Release: 18.10.1, 18.9.3, 18.8.7"
description: "Learn more about GitLab Patch Release: 18.10.1, 18.9.3, 18.8.7."
canonical_path: "/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"
categories: releases
author: "Ana Ramos"
author_gitlab: "ana-psirt"
tags: security
---

On March 25, 2026, we released versions 18.10.1, 18.9.3, 18.8.7 for GitLab Community Edition (CE) and Enterprise Edition (EE).

Fixes are listed with their Common Vulnerability Scoring System (CVSS) score and their Common Vulnerabilities and Exposures (CVE) identifier.

## Security fixes

### Table of security fixes

| Title | Severity |
| ----- | -------- |
| [Missing Authorization issue in related issues impacts GitLab CE/EE](#{A}) | Medium |
| [Observable Discrepancy issue in password reset impacts GitLab CE/EE](#{B}) | Low |

### [CVE-2026-0001](https://www.cve.org/CVERecord?id=CVE-2026-0001) - Missing Authorization issue in related issues impacts GitLab CE/EE

GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an authenticated user to view the titles of confidential issues.

**Impacted Versions**: GitLab CE/EE: all versions from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1

**CVSS**: 4.3 (CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N)

Thanks [someone](https://hackerone.com/someone) for reporting this vulnerability through our HackerOne bug bounty program

### [CVE-2026-0002](https://www.cve.org/CVERecord?id=CVE-2026-0002) - Observable Discrepancy issue in password reset impacts GitLab CE/EE

GitLab has remediated an issue in GitLab CE/EE affecting all versions from 18.8 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an unauthenticated user to determine whether an account exists.

**Impacted Versions**: GitLab CE/EE: all versions from 18.8 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1

**CVSS**: 3.7 (CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N)

Thanks [other](https://hackerone.com/other) for reporting this vulnerability through our HackerOne bug bounty program

## Bug fixes

### 18.10.1

* [Fix pipeline graph rendering](https://gitlab.com/gitlab-org/gitlab/-/merge_requests/1)
"""


def _entry(cve_id: str, title: str, cwe: str) -> SecurityEntry:
    return SecurityEntry(
        ref=f"gitlab-org/security/gitlab#{cve_id[-1]}",
        cve_id=cve_id,
        title=title,
        heading=title,
        anchor="",
        severity="",
        description="",
        versions="",
        edition="CE/EE",
        cvss="",
        credit="",
        sort_key=(3, 0.0, cve_id),
        cwe=cwe,
    )


EXPECTED = BlogPost(
    title="GitLab Patch Release: 18.10.1, 18.9.3, 18.8.7",
    description="",
    canonical_path="/releases/2026/03/25/patch-release-gitlab-18-10-1-released/",
    url="",
    image_title="",
    author="Ana Ramos",
    author_gitlab="ana-psirt",
    release_date=date(2026, 3, 25),
    versions=("18.10.1", "18.9.3", "18.8.7"),
    editions="",
    security_fixes=(
        _entry("CVE-2026-0001", "Missing Authorization issue", "CWE-862"),
        _entry("CVE-2026-0002", "Observable Discrepancy issue", "CWE-203"),
    ),
    fixes_without_cve=(),
    bug_fixes=(),
    upgrade_notes=(),
    migrations=False,
)


def drop_second_section(text: str) -> str:
    start = text.index("### [CVE-2026-0002]")
    return text[:start] + text[text.index("## Bug fixes") :]


SECOND_TITLE = "Observable Discrepancy issue in password reset impacts GitLab CE/EE"
XSS_TITLE = "Missing Authorization issue in related issues impacts GitLab CE/EE"

BROKEN: dict[str, Callable[[str], str]] = {
    "BLG001": drop_second_section,
    "BLG002": lambda t: t.replace("CVE-2026-0002", "CVE-2026-0009"),
    "BLG003": lambda t: t.replace("16.10 before 18.8.7, 18.9", "1X.X before 18.8.7, 18.9", 1),
    "BLG004": lambda t: t.replace("that could have allowed an authenticated", "in 18.9.2 an", 1),
    "BLG005": lambda t: (
        t.replace("| Medium |", "| TMP |")
        .replace("| Low |", "| Medium |")
        .replace("| TMP |", "| Low |")
    ),
    "BLG006": lambda t: t.replace(f"(#{A})", "(#cve-2026-0001-missing)"),
    "BLG007": lambda t: t.replace("Common Vulnerability Scoring System (CVSS)", "CVSS"),
    "BLG008": lambda t: t.replace('author_gitlab: "ana-psirt"', 'author_gitlab: "someone"'),
    "BLG009": lambda t: t.replace("(CVSS:3.1/AV:N/AC:L/PR:L", "(AV:N/AC:L/PR:L"),
    "BLG010": lambda t: t.replace(
        "view the titles of confidential issues.",
        "view titles by sending a GET request to /api/v4/projects/:id/issues.",
    ),
    "BLG011": lambda t: t.replace(SECOND_TITLE, XSS_TITLE).replace(
        "could have allowed an unauthenticated user to determine whether an account exists.",
        "could have allowed an authenticated user to view the titles of confidential issues.",
    ),
    "BLG012": lambda t: t.replace("Release: 18.10.1, 18.9.3, 18.8.7", "Release: 18.10.2, 18.9.4"),
    "BLG013": lambda t: t.replace("| Low |", "| High |"),
}


def release_for(code: str) -> BlogPost | None:
    """The release a broken post is linted against: without one, weaknesses are told apart by
    the title (BLG011); with one, by the CWE."""
    return None if code == "BLG011" else EXPECTED
