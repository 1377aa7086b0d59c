"""References as GitLab's records cite them, in both configured styles, and the record's
version and whole scores."""

from __future__ import annotations

from psirt.core.config import Config, CveConfig
from psirt.render.cve_record import DATA_VERSION, references

ISSUE = "https://gitlab.com/gitlab-org/gitlab/-/issues/51001"
ITEM = "https://gitlab.com/gitlab-org/gitlab/-/work_items/51001"
H1 = "https://hackerone.com/reports/3100001"
BLOG = "https://about.gitlab.com/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"
H1_REF = {
    "url": H1,
    "name": "HackerOne Bug Bounty Report #3100001",
    "tags": ["technical-description", "exploit", "permissions-required"],
}


def test_work_item_style_by_default_one_reference_per_issue_blog_last() -> None:
    urls = (BLOG, ISSUE, H1, ITEM + "/", "https://gitlab.com/")
    assert references(urls, Config(), BLOG) == [{"url": ITEM}, H1_REF, {"url": BLOG}]


def test_the_older_issue_style() -> None:
    config = Config(cve=CveConfig(reference_style="issue"))
    assert references((H1, ITEM), config, None) == [
        H1_REF,
        {
            "url": ISSUE,
            "name": "GitLab Issue #51001",
            "tags": ["issue-tracking", "permissions-required"],
        },
    ]


def test_records_are_cve_json_5_2() -> None:
    assert DATA_VERSION == "5.2"


def test_a_whole_base_score_is_written_as_gitlab_writes_it() -> None:
    from dataclasses import replace

    from psirt.compute.facts import resolve
    from psirt.knowledge.cvss import parse_vector
    from psirt.render.cve_record import build_record
    from tests.compute.builders import release, security_issue
    from tests.factories import CONFIG

    facts = resolve(security_issue(), release(), CONFIG)
    eight = parse_vector("AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:H/A:N")  # CVE-2024-4835's: 8
    record = build_record(replace(facts, cve_id="CVE-2026-0001", score=eight), CONFIG)
    score = record["containers"]["cna"]["metrics"][0]["cvssV3_1"]["baseScore"]
    assert score == 8 and isinstance(score, int)
