"""``psirt rules`` as text: every rule once, in order, the sentence wrapped to the width."""

from __future__ import annotations

from psirt.core.finding import Rule
from psirt.render.rule_table import rule_table
from psirt.rules.catalog import listed_rules

RULES = [
    Rule("AAA001", "error", "CVE record", "short"),
    Rule("AAA002", "warning", "blog post", "a sentence long enough to be wrapped " * 3),
]


def test_every_rule_in_order_within_the_width() -> None:
    rules = listed_rules()
    text = rule_table(rules, 100)
    lines = text.splitlines()
    assert lines[0].split() == ["code", "level", "subject", "rule"]
    codes = [line.split()[0] for line in lines[1:] if not line.startswith(" ")]
    assert codes == [rule.code for rule in rules]
    assert all(len(line) <= 100 for line in lines)
    joined = " ".join(line.strip() for line in lines)
    assert all(rule.summary.split()[-1] in joined for rule in rules)


def test_continuation_lines_sit_under_the_sentence_and_warnings_are_yellow() -> None:
    lines = rule_table(RULES, 70).splitlines()
    start = lines[1].index("short")
    assert len(lines) > 3 and all(line[:start].strip() == "" for line in lines[3:])
    assert lines[2][start:].startswith("a sentence")
    coloured = rule_table(RULES, 70, color=True).splitlines()
    assert coloured[0].startswith("\x1b[1m") and "\x1b[33m" not in coloured[1]
    assert all(line.startswith("\x1b[33m") for line in coloured[2:])
