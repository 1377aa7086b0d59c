"""Acknowledgement lines in notes: who reviewed which warning and why; nothing else counts."""

from __future__ import annotations

from psirt.core.finding import Finding
from psirt.core.records import Note
from psirt.parsing.acknowledgements import note_acknowledgements
from psirt.render.notes import FindingsComment, FindingsSection, findings_comment


def _acks(body: str, **note: object) -> list[tuple[str, str, str]]:
    found = note_acknowledgements([Note(5, body, "kim", **note)])  # type: ignore[arg-type]
    return [(a.code, a.by, a.reason) for a in found]


def test_a_line_of_its_own_acknowledges_a_code() -> None:
    body = "Looked at it.\n\nPSIRT Acknowledge cve007:  CWE-862 fits best \nthanks"
    assert _acks(body) == [("CVE007", "kim", "CWE-862 fits best")]
    (ack,) = note_acknowledgements([Note(5, body, "kim")])
    assert ack.where is not None and ack.where.note == 5


def test_quotes_code_blocks_system_and_own_notes_acknowledge_nothing() -> None:
    assert _acks("> psirt acknowledge CVE007: quoted") == []
    assert _acks("```\npsirt acknowledge CVE007: an example\n```") == []
    assert _acks("psirt acknowledge CVE007: x", system=True) == []
    assert _acks("psirt acknowledge CVE007: x\n<!-- psirt:validate -->") == []
    assert _acks("we could psirt acknowledge CVE007: later") == []  # not at the line's start
    assert _acks("psirt acknowledge CVE007:") == []  # no reason, no acknowledgement


def test_the_validate_comment_shows_how_and_is_not_read_as_one() -> None:
    warning = Finding("CVE007", "warning", "gitlab-org/cves#1", "cwe", "cwe: review", "check")
    comment = findings_comment(
        FindingsComment("GitLab", ("bob",), "18.10.1", None, (FindingsSection("x", (warning,)),))
    )
    assert "`psirt acknowledge CVE007: why it stands`" in comment
    assert _acks(comment) == [] and _acks(comment + "\n<!-- psirt:validate -->") == []
    error = Finding("CVE010", "error", "gitlab-org/cves#1", "x", "x: y", "z")
    only_errors = findings_comment(
        FindingsComment("GitLab", ("bob",), "18.10.1", None, (FindingsSection("x", (error,)),))
    )
    assert "psirt acknowledge" not in only_errors  # errors cannot be acknowledged
