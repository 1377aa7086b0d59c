"""What close needs to know about one fix: the versions that carry it, the markers that let a
rerun find its own writes, and whether its CVE may be published now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from psirt.core.config import Config
from psirt.core.finding import Finding
from psirt.core.records import Note
from psirt.core.versions import Version
from psirt.core.words import plural
from psirt.model.release import CveRequest, Release, ReleaseSnapshot, SecurityIssue


def version_words(versions: Sequence[Version]) -> str:
    names = [str(v) for v in versions]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def marker(release: Release) -> str:
    return "close:" + "/".join(str(v) for v in release.versions)


def bounty_marker(release: Release) -> str:
    return "close-bounty:" + "/".join(str(v) for v in release.versions)


def last_bot_comment(request: CveRequest, bot: str) -> Note | None:
    bot_notes = [n for n in request.notes if n.author == bot and not n.system]
    return bot_notes[-1] if bot_notes else None


def quote(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def request_errors(snapshot: ReleaseSnapshot) -> dict[str, list[Finding]]:
    """Validate's errors by subject: a CVE request with one is not valid, so not published."""
    from psirt.workflows.validate import validate

    errors: dict[str, list[Finding]] = {}
    for finding in validate(snapshot).findings:
        if finding.is_error:
            errors.setdefault(finding.subject, []).append(finding)
    return errors


def publication_refusal(
    item: SecurityIssue, config: Config, errors: Mapping[str, Sequence[Finding]]
) -> str | None:
    """Why the fix's CVE is not published by this release, or None when it may be: only a
    validated request, not ``advisory::invalid``, with a CVE id and no validate error."""
    request = item.cve_request
    if request is None:
        return "no CVE request is linked"
    labels = config.labels
    if labels.advisory_invalid in request.issue.labels:
        note = last_bot_comment(request, config.people.cna_bot)
        said = (
            f'; {config.people.cna_bot} said: "{quote(note.body)}"'
            if note
            else f"; no comment from {config.people.cna_bot} explains it"
        )
        return f"{request.ref} has ~{labels.advisory_invalid}{said}"
    if labels.description_validated not in request.issue.labels:
        return (
            f"{request.ref} lacks ~{labels.description_validated} "
            "(a human has not approved its title and description)"
        )
    if request.cve_id is None:
        return f"{request.ref} names no CVE id yet"
    found = errors.get(str(request.ref), ())
    if found:
        codes = ", ".join(sorted({f.code for f in found}))
        return (
            f"{request.ref} is not valid: psirt validate reports "
            f"{plural(len(found), 'error')} ({codes})"
        )
    return None
