"""Published CVE rules (``PUB``): what happened to a release's CVEs after the release.

A CVE may stay RESERVED because a publication request was lost; others enrich a published record
(CISA's ADP container: SSVC decision points, KEV entries, CVSS or CWE) and some of that calls for
action: a vulnerability exploited in the wild is news for the stakeholders, and a score or
weakness that disagrees with the CNA's deserves a second look. ``psirt cve status`` runs these.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from psirt.core.config import Config
from psirt.core.finding import Finding
from psirt.knowledge.stakeholders import stakeholders_for_exploitation
from psirt.parsing.published_record import AdpContainer, PublishedRecord
from psirt.rules.registry import RULES

KIND = "published CVE"

NOT_PUBLISHED = RULES.declare(
    "PUB001",
    "error",
    KIND,
    "A CVE of a released fix is PUBLISHED within [disclosure] cves_published_within_days of "
    "the release.",
    "Request publication again (psirt close --publish-cves) and check with the CNA why the "
    "first request did not land.",
)
EXPLOITED = RULES.declare(
    "PUB002",
    "error",
    KIND,
    "No ADP container says SSVC Exploitation 'active' (exploited in the wild).",
    "Tell the stakeholders named in the message now, with the CVE, the fixed versions and "
    "the blog post.",
)
KNOWN_EXPLOITED = RULES.declare(
    "PUB003",
    "error",
    KIND,
    "The CVE is not in CISA's Known Exploited Vulnerabilities catalog (KEV).",
    "Tell the stakeholders named in the message now; US federal agencies have a due date.",
)
PROOF_OF_CONCEPT = RULES.declare(
    "PUB004",
    "warning",
    KIND,
    "No ADP container says SSVC Exploitation 'poc' (a public proof of concept exists).",
    "Expect questions from customers; consider reminding them to upgrade.",
)
CVSS_DISAGREES = RULES.declare(
    "PUB005",
    "warning",
    KIND,
    "An ADP container's CVSS vector agrees with the CNA's vector of the same CVSS version.",
    "Compare the two vectors; correct the CNA's (psirt cve sync) or tell the ADP why it holds.",
)
CWE_DISAGREES = RULES.declare(
    "PUB006",
    "warning",
    KIND,
    "An ADP container's CWE is one the CNA's record names too.",
    "Compare the weaknesses; correct the CNA's (psirt cve sync) or tell the ADP why it holds.",
)
EXPORT_DIFFERS = RULES.declare(
    "PUB007",
    "warning",
    KIND,
    "The published CNA container says what psirt would export now.",
    "Run psirt cve sync to see the difference, then psirt cve sync --live to update it.",
)


@dataclass(frozen=True)
class WatchedCve:
    """One CVE of the release as the CNA serves it now, with what the release knows of it."""

    cve_id: str
    state: str | None  # PUBLISHED, RESERVED, REJECTED; None when the CNA does not know the id
    record: PublishedRecord | None
    shipped: bool  # False: its fix was held back (a reverted merge request)
    released_on: date | None
    today: date
    export_differs: bool | None = None  # None: not compared


def _stakeholders(config: Config) -> str:
    handles = config.people.stakeholders
    return ", ".join(handles.get(s.key) or s.key for s in stakeholders_for_exploitation())


def _why_each(rule_hint: str, config: Config) -> str:
    handles = config.people.stakeholders
    reasons = "; ".join(
        f"{handles.get(s.key) or s.key}: {s.why}" for s in stakeholders_for_exploitation()
    )
    return f"{rule_hint} Why each: {reasons}."


def _since(adp: AdpContainer) -> str:
    return f" (updated {adp.date_updated[:10]})" if adp.date_updated else ""


def _publication(watch: WatchedCve, config: Config) -> Iterator[Finding]:
    if not watch.shipped or watch.released_on is None or watch.state == "PUBLISHED":
        return
    due = config.disclosure.cves_published_by(watch.released_on)
    if watch.today <= due:
        return
    days = (watch.today - watch.released_on).days
    state = watch.state or "unknown to the CNA"
    yield NOT_PUBLISHED.finding(
        watch.cve_id,
        "state",
        f"state: {state} {days} days after the release of {watch.released_on} "
        f"(due PUBLISHED by {due})",
    )


def _enrichment(watch: WatchedCve, record: PublishedRecord, config: Config) -> Iterator[Finding]:
    for adp in record.enrichments:
        exploitation = adp.exploitation
        if exploitation == "active":
            role = f", {adp.ssvc_role}" if adp.ssvc_role else ""
            yield EXPLOITED.finding(
                watch.cve_id,
                "adp.ssvc.Exploitation",
                f"adp.ssvc.Exploitation: {adp.provider} says 'active'{role}{_since(adp)}; "
                f"notify {_stakeholders(config)}",
                _why_each(EXPLOITED.hint, config),
            )
        elif exploitation == "poc":
            yield PROOF_OF_CONCEPT.finding(
                watch.cve_id,
                "adp.ssvc.Exploitation",
                f"adp.ssvc.Exploitation: {adp.provider} says 'poc'{_since(adp)}",
            )
        for entry in adp.kev:
            added = f" on {entry.date_added}" if entry.date_added else ""
            reference = f" ({entry.reference})" if entry.reference else ""
            yield KNOWN_EXPLOITED.finding(
                watch.cve_id,
                "adp.kev",
                f"adp.kev: {adp.provider} lists it as known exploited{added}{reference}; "
                f"notify {_stakeholders(config)}",
                _why_each(KNOWN_EXPLOITED.hint, config),
            )
        cna_cvss = record.cna_cvss
        for score in adp.cvss:
            same_version = [c for c in cna_cvss if c.key == score.key]
            if same_version and all(c.vector != score.vector for c in same_version):
                theirs = ", ".join(c.label for c in same_version)
                yield CVSS_DISAGREES.finding(
                    watch.cve_id,
                    f"adp.metrics.{score.key}",
                    f"adp.metrics.{score.key}: {adp.provider} scores {score.label}, "
                    f"the CNA {theirs}",
                )
        cna_cwes = record.cna_cwes
        for cwe in adp.cwes:
            if cna_cwes and cwe not in cna_cwes:
                yield CWE_DISAGREES.finding(
                    watch.cve_id,
                    "adp.problemTypes",
                    f"adp.problemTypes: {adp.provider} names {cwe}, the CNA {', '.join(cna_cwes)}",
                )


@RULES.check(KIND)
def check_published(watch: WatchedCve, config: Config) -> list[Finding]:
    findings = list(_publication(watch, config))
    if watch.record is not None:
        findings += _enrichment(watch, watch.record, config)
    if watch.export_differs:
        findings.append(
            EXPORT_DIFFERS.finding(
                watch.cve_id,
                "containers.cna",
                "containers.cna: the published record differs from psirt's export",
            )
        )
    return findings
