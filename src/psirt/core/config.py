"""``psirt.toml``: the product profile, project paths, label names and people of a workspace.

Defaults follow GitLab's own conventions, so another vendor only writes what differs.
This module is the one place that knows label names and project paths; the sections about what
psirt publishes (blog post, disclosure, advisories, CVE wording) are in ``config_publishing``.
Every key carries its description, from which ``docs/config.md`` is written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator

from psirt.core.config_errors import config_error
from psirt.core.config_publishing import (
    AdvisoryConfig,
    BlogConfig,
    CveConfig,
    DisclosureConfig,
    Section,
    check_template,
)
from psirt.core.errors import WorkspaceError
from psirt.core.remote import RetryPolicy
from psirt.core.severity_label import SEVERITY_PREFIX, severity_label
from psirt.core.workspace import CONFIG_FILE as CONFIG_FILE  # its home; imported from here too

__all__ = [
    "CONFIG_FILE",
    "AdvisoryConfig",
    "BlogConfig",
    "BountyConfig",
    "CnaConfig",
    "Config",
    "CveConfig",
    "DisclosureConfig",
    "LabelsConfig",
    "PeopleConfig",
    "ProductConfig",
    "ProjectsConfig",
    "RemoteConfig",
    "TrackerConfig",
    "check_template",
    "load_config",
]


class TrackerConfig(Section):
    kind: Literal["local", "gitlab"] = Field(
        default="local",
        description=(
            "Where the release's issues live: `local` (the workspace's files) or `gitlab` (a GitLab"
            " instance, with GITLAB_TOKEN)."
        ),
    )
    url: str = Field(
        default="https://gitlab.com",
        description=(
            'The GitLab instance\'s URL, used for links and, with kind = "gitlab", for the API '
            "(GITLAB_URL or GITLAB_HOST override it)."
        ),
    )
    max_in_flight: int = Field(
        default=24,
        ge=1,
        le=64,
        description=(
            "How many tracker requests a command keeps in flight at once while it reads a release."
        ),
    )
    user: str = Field(
        default="psirt",
        min_length=1,
        description=(
            "The local tracker's user: the author of what psirt writes there, and so whose notes "
            "with psirt's marker are psirt's own (on GitLab that is the token's user)."
        ),
    )


class BountyConfig(Section):
    kind: Literal["local", "hackerone"] = Field(
        default="local",
        description=(
            "Where bug bounty reports live: `local` (hackerone/reports/ in the workspace) or "
            "`hackerone` (HackerOne's API, with HACKERONE_API_USERNAME and HACKERONE_API_TOKEN)."
        ),
    )
    program: str = Field(default="gitlab", description="The HackerOne program's handle.")
    url: str = Field(
        default="https://api.hackerone.com/v1", description="HackerOne's API base URL."
    )
    report_url: str = Field(
        default="https://hackerone.com/reports/{id}",
        description=(
            "A report's public URL; `{id}` is the report id. Used in CVE references and messages."
        ),
    )

    @field_validator("report_url")
    @classmethod
    def _report_placeholder(cls, value: str) -> str:
        return check_template(value, id="3100001")


class CnaConfig(Section):
    kind: Literal["gitlab-cves", "cve-services", "local"] = Field(
        default="gitlab-cves",
        description=(
            "How CVEs are published: `gitlab-cves` (ticks *Publish immediately* in the request "
            "issue), `cve-services` (through CVE Services, with CVE_USER, CVE_ORG, CVE_API_KEY and "
            "CVE_ENVIRONMENT) or `local` (files in cna/ in the workspace)."
        ),
    )
    assigner: str = Field(
        default="GitLab", description="The CNA's short name, as CVE records name their assigner."
    )
    org_id: str = Field(
        default="ceab7361-8a18-47b1-92ba-4d7d25f6715a",
        description="The CNA's organization id (a UUID), as CVE records name their assigner.",
    )


class ProductConfig(Section):
    vendor: str = Field(
        default="GitLab", description="The vendor's name in CVE records and advisories."
    )
    name: str = Field(
        default="GitLab",
        description="The product's name in CVE records, the blog post and advisories.",
    )
    editions: tuple[str, ...] = Field(
        default=("CE", "EE"),
        description=(
            "The product's editions, the free one first (titles say `CE/EE`, or the last one alone "
            "for a fix in it only)."
        ),
    )
    edition_names: dict[str, str] = Field(
        default_factory=lambda: {"CE": "Community Edition", "EE": "Enterprise Edition"},
        description="Each edition's full name, as the blog post spells it out.",
    )
    cpes: tuple[str, ...] = Field(
        default=("cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*",),
        description="The product's CPE 2.3 names, written into CVE records and advisories.",
    )
    repository: str = Field(
        default="git://git@gitlab.com:gitlab-org/gitlab.git",
        description="The product's source repository, as CVE records cite it.",
    )
    gitlab_path: str = Field(
        default="gitlab-org/gitlab",
        description=(
            "The product's project path on the tracker (CVE records' package name, advisories' "
            "repository)."
        ),
    )
    default_branch: str = Field(
        default="master", description="The branch fixes merge into before their backports."
    )
    maintained_minors: int = Field(
        default=3,
        ge=1,
        le=10,
        description=(
            "How many minor versions get backports (the current one and the ones before it)."
        ),
    )
    purl: str = Field(
        default="pkg:gitlab/gitlab-org/gitlab",
        description=(
            'The product\'s package URL without a version ("" when it has none); advisories name'
            " the product by it, and an OSV package needs a purl type with an OSV ecosystem"
            " (pypi, npm, gem, maven...)."
        ),
    )

    @field_validator("editions")
    @classmethod
    def _some_edition(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or not all(edition.strip() for edition in value):
            raise ValueError('name at least one edition (e.g. ["CE", "EE"]), none empty')
        return value

    def edition_label(self, ee_only: bool) -> str:
        """``CE/EE`` or ``EE``, as titles and descriptions name the affected edition."""
        if ee_only:
            return self.editions[-1]
        return "/".join(self.editions)


class ProjectsConfig(Section):
    security: str = Field(
        default="gitlab-org/security/gitlab",
        description="The security project: the fixes' implementation issues and merge requests.",
    )
    canonical: str = Field(
        default="gitlab-org/gitlab",
        description=(
            "The public project whose (confidential until disclosure) canonical issues the fixes "
            "solve."
        ),
    )
    cve_requests: str = Field(
        default="gitlab-org/cves", description="The project of the CVE request issues."
    )
    tasks: str = Field(
        default="gitlab-org/gitlab", description="The project of the PSIRT task issue."
    )
    tracking: str = Field(
        default="gitlab-org/gitlab",
        description="The project of the security tracking issue, labelled as the upcoming release.",
    )
    www: str = Field(
        default="gitlab-com/www-gitlab-com",
        description="The project of the canonical blog post merge request.",
    )
    communications: str = Field(
        default="gitlab-com/marketing/security-communications",
        description="The project of the security communications issue.",
    )
    confidential: tuple[str, ...] = Field(
        default=("gitlab-org/security",),
        description=(
            "Groups and projects whose every issue, merge request and path is confidential: no "
            "public text may refer to them (the security project is always one of them)."
        ),
    )

    @property
    def confidential_paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.confidential, self.security)))

    @property
    def release_projects(self) -> dict[str, str]:
        """The projects a release reads and writes (``www`` and ``communications`` are only
        linked to), each path once, with the first setting that names it."""
        found: dict[str, str] = {}
        for key in ("security", "canonical", "cve_requests", "tracking", "tasks"):
            found.setdefault(getattr(self, key), key)
        return found


class LabelsConfig(Section):
    security: str = Field(default="security", description="Every security issue carries it.")
    vulnerability: str = Field(
        default="bug::vulnerability", description="The type label of a vulnerability fix."
    )
    severity_prefix: str = Field(
        default=SEVERITY_PREFIX,
        description="The prefix of severity labels (`severity::1` is critical, `severity::4` low).",
    )
    priority_prefix: str = Field(default="priority::", description="The prefix of priority labels.")
    upcoming_release: str = Field(
        default="upcoming security release",
        description="Marks the security tracking issue of the upcoming release.",
    )
    security_target: str = Field(
        default="security-target", description="Marks a fix targeted at the upcoming release."
    )
    reduced_backports: str = Field(
        default="reduced backports",
        description="A fix that is backported to fewer stable branches than the policy asks.",
    )
    notifications: str = Field(
        default="security-notifications",
        description="Asks for a security notification (e-mail) about the release.",
    )
    keep_confidential: str = Field(
        default="keep confidential",
        description="An issue that `psirt disclose` never makes public.",
    )
    council: str = Field(
        default="bug bounty council", description="An issue that the bug bounty council votes on."
    )
    description_validated: str = Field(
        default="description::validated",
        description=(
            "A CVE request whose description was reviewed; only validated requests are published."
        ),
    )
    advisory_invalid: str = Field(
        default="advisory::invalid", description="A CVE request the CNA bot found invalid."
    )
    advisory_queued: str = Field(
        default="advisory::queued", description="A CVE request queued for publication."
    )
    weakness_prefix: str = Field(
        default="Weakness::", description="The prefix of weakness labels (`Weakness::CWE-79`)."
    )
    task_issue: str = Field(
        default="AppSecWorkType::SecurityReleaseRotation",
        description="Marks the PSIRT task issue linked to the tracking issue.",
    )
    reverted: str = Field(
        default="reverted", description="A merge request that was reverted; its fix does not ship."
    )

    def severity(self, level: int) -> str:
        return severity_label(level, self.severity_prefix)


def _default_council_approvals() -> dict[str, int]:
    return {"critical": 2, "high": 2, "medium": 1, "low": 1}


class PeopleConfig(Section):
    """Display names by username, and the handles that stakeholder messages address.

    ``council``: who may approve a bug bounty council vote, as usernames and GitLab groups (an
    entry starting with ``@``, whose members the tracker lists). Empty: anyone may, except the
    people who never count (the vote's author, the fix's assignees and MR authors).
    ``council_approvals``: how many approvals a vote needs, by the severity it scores."""

    names: dict[str, str] = Field(
        default_factory=dict,
        description='Display names by username (`alice = "Alice Doe"`), for credits and messages.',
    )
    psirt: tuple[str, ...] = Field(default=(), description="The PSIRT team's usernames.")
    council: tuple[str, ...] = Field(
        default=(),
        description=(
            "Who may approve a bug bounty council vote: usernames, and GitLab groups written "
            "`@group/path`. Empty: anyone may, except the vote's author, the fix's assignees and MR"
            " authors."
        ),
    )
    council_approvals: dict[str, int] = Field(
        default_factory=_default_council_approvals,
        description=(
            "How many approvals a council vote needs, by the severity it scores (`critical`, "
            "`high`, `medium`, `low`)."
        ),
    )
    cna_bot: str = Field(
        default="cnaworkflow",
        description="The username of the CNA bot that comments on CVE requests.",
    )
    credit_hosts: tuple[str, ...] = Field(
        default=("hackerone.com", "gitlab.com"),
        description=(
            "Where a credit may link its reporter (a host, its subdomains too): a credit is "
            "public, and a link elsewhere is not a reporter's profile."
        ),
    )
    stakeholders: dict[str, str] = Field(
        default_factory=lambda: {
            "marketing": "@gitlab-com/marketing/corporate_marketing/security-communications",
            "legal": "@gitlab-com/legal-and-compliance",
            "corporate_communications": "@gitlab-com/marketing/corporate_marketing",
            "field_security": (
                "@gitlab-com/gl-security/security-assurance/governance-and-field-security/"
                "field-security-team/field-security-field-ciso-collaboration"
            ),
            "support": "@gitlab-com/support/managers",
            "dedicated": "@gitlab-com/gl-infra/gitlab-dedicated",
            "comms_channel": "#comms-team-security",
        },
        description=(
            "The handles stakeholder messages address, by role (marketing, legal, support...)."
        ),
    )

    def name_of(self, username: str) -> str:
        return self.names.get(username, username)

    @property
    def council_users(self) -> tuple[str, ...]:
        return tuple(entry for entry in self.council if not entry.startswith("@"))

    @property
    def council_groups(self) -> tuple[str, ...]:
        """The GitLab groups of ``council``, without the ``@``."""
        return tuple(entry[1:].strip("/") for entry in self.council if entry.startswith("@"))

    def approvals_needed(self, severity: str) -> int:
        """Approvals a vote of this severity (``critical`` .. ``low``) needs; at least one."""
        return self.council_approvals.get(severity.lower(), 1)

    @field_validator("council_approvals")
    @classmethod
    def _severities(cls, value: dict[str, int]) -> dict[str, int]:
        known = set(_default_council_approvals())
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(
                f"unknown severity {', '.join(unknown)} (expected {', '.join(sorted(known))})"
            )
        if any(count < 1 for count in value.values()):
            raise ValueError("every vote needs at least one approval")
        return {**_default_council_approvals(), **value}


class RemoteConfig(Section):
    """How the GitLab, HackerOne and CVE Services clients wait, all three alike.

    ``timeout``: seconds a request may go without an answer (a stalled server is an error after
    it, per attempt); ``retries``: how many times a failed request is sent again (a write whose
    outcome is unknown only after checking that it did not land); ``max_wait``: the longest
    wait after a 429 (``Retry-After``, ``RateLimit-Reset``) psirt sits through; a longer one
    ends the command with exit 3 and the time to try again."""

    timeout: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description=(
            "Seconds a request may go without an answer; a stalled server is an error after it, "
            "per attempt."
        ),
    )
    retries: int = Field(
        default=5,
        ge=0,
        le=20,
        description=(
            "How many times a failed request is sent again (a write whose outcome is unknown "
            "only after checking that it did not land)."
        ),
    )
    max_wait: float = Field(
        default=120.0,
        ge=0,
        le=86_400,
        description=(
            "The longest wait after a 429 (Retry-After, RateLimit-Reset) psirt sits through; a "
            "longer one ends the command with exit 3 and the time to try again."
        ),
    )

    def policy(self, rate_limit_window: float | None = None) -> RetryPolicy:
        """The one retry policy these settings describe (``core.remote``)."""
        return RetryPolicy(
            attempts=self.retries + 1,
            max_retry_after=self.max_wait,
            rate_limit_window=rate_limit_window,
        )


class Config(Section):
    tracker: TrackerConfig = Field(
        default=TrackerConfig(), description="Where the release's issues and merge requests live."
    )
    bounty: BountyConfig = Field(default=BountyConfig(), description="The bug bounty platform.")
    cna: CnaConfig = Field(
        default=CnaConfig(), description="The CVE Numbering Authority that publishes the CVEs."
    )
    product: ProductConfig = Field(
        default=ProductConfig(), description="The product the release ships."
    )
    projects: ProjectsConfig = Field(
        default=ProjectsConfig(), description="The tracker projects a release reads and writes."
    )
    labels: LabelsConfig = Field(
        default=LabelsConfig(), description="The label names psirt reads and writes."
    )
    people: PeopleConfig = Field(
        default=PeopleConfig(),
        description="People: display names, the PSIRT team, the council, stakeholders.",
    )
    blog: BlogConfig = Field(default=BlogConfig(), description="The patch release blog post.")
    disclosure: DisclosureConfig = Field(
        default=DisclosureConfig(), description="What happens after the release, and when."
    )
    advisory: AdvisoryConfig = Field(
        default=AdvisoryConfig(), description="Machine-readable advisories (CSAF 2.0, OSV)."
    )
    cve: CveConfig = Field(default=CveConfig(), description="How CVE texts and records are worded.")
    remote: RemoteConfig = Field(
        default=RemoteConfig(),
        description="How the GitLab, HackerOne and CVE Services clients wait and retry.",
    )


def load_config(path: Path) -> Config:
    """Read ``psirt.toml``; every problem names the file, the key and the line when it can be
    found (``ConfigError`` lists them all)."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise WorkspaceError("expected UTF-8 text", path=str(path), line=bad_line) from None
    except OSError as exc:
        raise WorkspaceError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise WorkspaceError(f"malformed TOML: {exc}", path=str(path), line=line) from exc
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise config_error(exc, Config, text, str(path)) from None
