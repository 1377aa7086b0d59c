"""The one confidentiality check (``CNF``) where psirt decides what is public: validate (the CVE
request and a fix listed by its title), blog lint and cve lint; the e-mail and close are in
``tests/workflows/test_confidential_workflows.py``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.compute.confidential import Confidential, confidential_project, is_web_url
from psirt.compute.post import build_post
from psirt.core.config import Config
from psirt.model.release import ReleaseSnapshot
from psirt.render.blog import render_post
from psirt.rules.cve_record import lint_record
from psirt.workflows.blog import lint_text
from psirt.workflows.validate import run_rules
from tests import factories as f
from tests.rules import broken_records

SECURITY_URL = "https://gitlab.com/gitlab-org/security/gitlab/-/merge_requests/11011"
REFERENCES = [
    "https://gitlab.com/gitlab-org/gitlab/-/issues/51001",
    "https://hackerone.com/reports/3100001",
]


def _cnf(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(x.code, x.field) for x in findings if x.code.startswith("CNF")]


def test_the_clean_release_says_nothing() -> None:
    assert _cnf(run_rules(f.snapshot())) == []


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ({"description": f.DESCRIPTION + f" Fixed by {SECURITY_URL}."}, ("CNF001", "description")),
        (
            {"description": f.DESCRIPTION + " See gitlab-org/security/gitlab#1101."},
            ("CNF001", "description"),
        ),
        (
            {"references": [*REFERENCES, "https://gitlab.com/gitlab-org%2Fsecurity%2Fgitlab"]},
            ("CNF001", "references[2]"),
        ),
        ({"references": [*REFERENCES, "gitlab-org/cves#3101"]}, ("CNF002", "references[2]")),
        ({"references": [*REFERENCES, "javascript:alert(1)"]}, ("CNF004", "references[2]")),
        ({"credit": "Thanks [x](http://evil.example/x) for reporting"}, ("CNF005", "credit")),
    ],
    ids=["url", "ref", "encoded", "request", "scheme", "credit-host"],
)
def test_validate_flags_the_cve_request(yaml: dict[str, object], expected: tuple[str, str]) -> None:
    snapshot = f.snapshot(f.security_issue(cve=f.cve_request(yaml=f.yaml_text(**yaml))))
    assert expected in _cnf(run_rules(snapshot))


def test_validate_flags_a_confidential_path_in_the_title() -> None:
    title = f"{f.CVE_TITLE} (gitlab-org/security/gitlab!11011)"
    snapshot = f.snapshot(f.security_issue(cve=f.cve_request(title=title)))
    assert ("CNF001", "title") in _cnf(run_rules(snapshot))


def test_the_canonical_issue_is_cited_unless_it_stays_confidential() -> None:
    item = f.security_issue()
    assert _cnf(run_rules(f.snapshot(item))) == []  # cited on purpose: disclose opens it
    assert item.canonical is not None
    kept = replace(
        item, canonical=replace(item.canonical, labels=(f.CONFIG.labels.keep_confidential,))
    )
    assert ("CNF002", "references[0]") in _cnf(run_rules(f.snapshot(kept)))


def test_validate_flags_a_fix_listed_by_its_confidential_title() -> None:
    assert _cnf(run_rules(f.snapshot(f.security_issue(cve=None)))) == [("CNF003", "title")]
    public = f.with_issue(f.security_issue(cve=None), confidential=False)
    # the canonical issue carries the same title, and is confidential too
    assert _cnf(run_rules(f.snapshot(public))) == [("CNF003", "title")]
    assert public.canonical is not None
    both = replace(public, canonical=replace(public.canonical, confidential=False))
    assert _cnf(run_rules(f.snapshot(both))) == []


def _dated(snapshot: ReleaseSnapshot) -> ReleaseSnapshot:
    return replace(snapshot, release=replace(snapshot.release, due_date=date(2026, 3, 25)))


def test_blog_lint_finds_a_confidential_title_and_path_in_the_post() -> None:
    snapshot = _dated(f.snapshot(f.security_issue(cve=None)))
    post = build_post(snapshot)
    text = render_post(post, snapshot.config) + f"\nSee [the fix]({SECURITY_URL}).\n"
    found = lint_text(text, "post.md", post, Confidential.of(snapshot.config, snapshot))
    codes = [code for code, _ in _cnf(found)]
    assert "CNF003" in codes and "CNF001" in codes
    # outside a release, psirt.toml alone still knows the confidential projects
    alone = lint_text(text, "post.md", None)
    assert [code for code, _ in _cnf(alone)] == ["CNF001"]


def test_blog_lint_checks_credit_links() -> None:
    snapshot = _dated(f.snapshot())
    post = build_post(snapshot)
    text = render_post(post, snapshot.config).replace(
        "https://hackerone.com/kaizen-sec", "https://tracker.example/kaizen-sec"
    )
    assert "tracker.example" in text
    assert [code for code, _ in _cnf(lint_text(text, "post.md", post))] == ["CNF005"]


def _record(**cna: object) -> dict[str, object]:
    record = json.loads(json.dumps(broken_records.CLEAN))
    record["containers"]["cna"].update(cna)
    return record


def test_cve_lint_flags_the_records_texts_and_references() -> None:
    clean = _record()
    assert _cnf(lint_record(clean, "r.json")) == []
    references = [
        *clean["containers"]["cna"]["references"],
        {"url": SECURITY_URL},
        {"url": "ftp://x.example/y"},
    ]  # type: ignore[index]
    record = _record(
        title="Issue in gitlab-org/security/gitlab#3",
        descriptions=[{"lang": "en", "value": f"See {SECURITY_URL}"}],
        references=references,
        credits=[{"lang": "en", "value": "Thanks [x](https://evil.example/x)"}],
    )
    found = _cnf(lint_record(record, "r.json"))
    last = len(references) - 1
    assert found == [
        ("CNF001", "containers.cna.title"),
        ("CNF001", "containers.cna.descriptions[0].value"),
        ("CNF001", f"containers.cna.references[{last - 1}].url"),
        ("CNF004", f"containers.cna.references[{last}].url"),
        ("CNF005", "containers.cna.credits[0].value"),
    ]


def test_cve_lint_command_fails_on_a_leak(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "CVE-2026-4101.json"
    path.write_text(json.dumps(_record(descriptions=[{"lang": "en", "value": SECURITY_URL}])))
    assert run_app(app, ["cve", "lint", str(path), "--format", "json"]) == 1
    assert "CNF001" in {x["code"] for x in json.loads(capsys.readouterr().out)["findings"]}


def test_only_web_urls_and_configured_paths() -> None:
    assert is_web_url("https://gitlab.com/x") and is_web_url("http://example.com")
    assert not any(
        is_web_url(u) for u in ("javascript:alert(1)", "file:///etc", "//x", "ftp://a/b")
    )
    config = Config()
    assert confidential_project("gitlab-org/security/gitlab", config)
    assert not confidential_project("gitlab-org/security-products/analyzers", config)
    assert not confidential_project("gitlab-org/gitlab", config)
