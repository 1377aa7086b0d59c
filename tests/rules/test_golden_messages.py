"""Every rule's wording, byte for byte against ``tests/golden/rules.txt``, so a change to what
psirt tells the release engineer shows in review.

For each rule code the file holds its level, subject kind, summary and hint, then every finding of
that code that its broken fixture produces (``tests/rules/broken_*.py``): level, subject, field,
message and hint.

``PSIRT_UPDATE_GOLDEN=1`` rewrites the file, but refuses while the set of rule codes differs from
the codes the file lists (as golang vulndb's lint tests refuse when the number of lints changed):
adding or removing a rule is done by hand, by adding or deleting its header line (``CVE029`` at
the start of a line is enough), so the new or dropped code is a visible, deliberate edit.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest

from psirt.core.finding import Finding, Rule
from psirt.parsing.blog_post import parse_post
from psirt.rules.blog import BlogLintContext, lint
from psirt.rules.cve_record import lint_record
from psirt.rules.published import check_published
from psirt.rules.registry import load_all
from psirt.workflows.validate import run_rules
from tests import factories
from tests.rules import (
    broken_advisories,
    broken_posts,
    broken_published,
    broken_records,
    broken_snapshots,
)
from tests.rules.golden import fail_unless_golden

GOLDEN = Path(__file__).parent.parent / "golden" / "rules.txt"
UPDATE = os.environ.get("PSIRT_UPDATE_GOLDEN") == "1"
HEADER = re.compile(r"^([A-Z]{3}[0-9]{3})\b", re.MULTILINE)
PREAMBLE = (
    "# Every rule: code | level | subject kind, its summary and hint, then each finding\n"
    "# its broken fixture (tests/rules/broken_*.py) produces. Written by\n"
    "# tests/rules/test_golden_messages.py with PSIRT_UPDATE_GOLDEN=1; a new or removed\n"
    "# rule code is added or deleted here by hand (see tests/golden/README.md).\n"
)


class RuleCodesChanged(AssertionError):
    """The update would add or drop rule codes: that is an edit for a person, not the update."""


def fixture_findings(rule: Rule) -> list[Finding]:
    """The findings of ``rule``'s code that its broken fixture produces, in the order found."""
    code = rule.code
    if rule.subject_kind in ("security issue", "CVE request", "release"):
        found = run_rules(broken_snapshots.BROKEN[code]())
    elif rule.subject_kind == "blog post":
        post = parse_post(broken_posts.BROKEN[code](broken_posts.CLEAN))
        found = lint(BlogLintContext(post, "post.md", broken_posts.release_for(code)))
    elif rule.code.startswith("ADV"):
        found = broken_advisories.findings(code)
    elif rule.subject_kind in ("CVE record", "exported CVE record"):
        record = copy.deepcopy(broken_records.CLEAN)
        broken_records.BROKEN[code](record)
        found = lint_record(record, "broken.json", exported=rule.subject_kind != "CVE record")
    elif rule.subject_kind == "CVE export folder":
        present = ["CVE-2026-0001.json", "CVE-2026-0009.json", "CVE-2026-0010.json"]
        found = load_all().run(
            rule.subject_kind, present, {"CVE-2026-0001.json"}, {"CVE-2026-0009.json"}
        )
    elif rule.subject_kind == "published CVE":
        found = check_published(broken_published.BROKEN[code](), factories.CONFIG)
    else:
        raise AssertionError(f"no broken fixture for the subject kind {rule.subject_kind!r}")
    return [finding for finding in found if finding.code == code]


def _line(text: str) -> str:
    """One line whatever the text holds: line breaks are shown as ``\\n``."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def render(rules: list[Rule]) -> str:
    blocks = [PREAMBLE]
    for rule in rules:
        lines = [
            f"{rule.code} | {rule.level} | {rule.subject_kind}",
            f"  summary: {_line(rule.summary)}",
            f"  hint: {_line(rule.hint)}",
        ]
        findings = fixture_findings(rule)
        assert findings, f"{rule.code}: its broken fixture reports nothing"
        for finding in findings:
            lines += [
                f"  finding: {finding.code} | {finding.level} | {finding.subject}"
                f" | {_line(finding.field)}",
                f"    message: {_line(finding.message)}",
                f"    hint: {_line(finding.hint)}",
            ]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def codes_in(text: str) -> set[str]:
    """The rule codes a golden text lists: the lines that start with one."""
    return set(HEADER.findall(text))


def check_codes(golden: str, codes: set[str]) -> None:
    listed = codes_in(golden)
    if listed != codes:
        new, gone = sorted(codes - listed), sorted(listed - codes)
        raise RuleCodesChanged(
            f"the rule codes differ from {GOLDEN.name}: new {', '.join(new) or 'none'}, "
            f"gone {', '.join(gone) or 'none'}. Add a line with each new code (and delete the "
            "block of each gone one) in the golden file by hand, then update it again."
        )


def update(golden: str, text: str) -> str:
    """The text to write in update mode: ``text``, unless the rule codes changed."""
    check_codes(golden, codes_in(text))
    return text


def test_rule_messages_match_golden() -> None:
    rules = list(load_all())
    text = render(rules)
    golden = GOLDEN.read_text(encoding="utf-8") if GOLDEN.is_file() else ""
    if UPDATE:
        GOLDEN.write_text(update(golden, text), encoding="utf-8")
        return
    assert golden, f"{GOLDEN} missing: list the rule codes in it, then PSIRT_UPDATE_GOLDEN=1"
    check_codes(golden, {rule.code for rule in rules})
    fail_unless_golden(text, golden, GOLDEN, "rule wording differs")


def test_update_refuses_when_rule_codes_are_added_or_removed() -> None:
    text = "CVE001 | error | CVE request\n  summary: s\n\nCVE002 | error | CVE request\n"
    assert update(text, text.replace("summary: s", "summary: t")).endswith("CVE request\n")
    with pytest.raises(RuleCodesChanged, match="new CVE002, gone none"):
        update(text.split("\n\n")[0], text)
    with pytest.raises(RuleCodesChanged, match="new none, gone CVE002"):
        update(text, text.split("\n\n")[0])
    assert update("CVE001\nCVE002\n", text) == text  # header lines added by hand are enough
