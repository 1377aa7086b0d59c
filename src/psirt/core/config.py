"""``psirt.toml``: the product profile, project paths, label names and people of a workspace.

Defaults follow GitLab's own conventions, so another vendor only writes what differs.
This module is the one place that knows label names and project paths.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from psirt.core.errors import WorkspaceError
from psirt.core.remote import RetryPolicy

CONFIG_FILE = "psirt.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_template(value: str, **sample: object) -> str:
    """``value`` when it formats with the placeholders of ``sample`` (and only those); a
    ``ValueError`` naming them otherwise, so a typo fails at load, not in the middle of a run."""
    try:
        value.format(**sample)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        names = ", ".join(f"{{{name}}}" for name in sample)
        raise ValueError(f"only {names} may be used in the template ({exc!r})") from None
    return value


class TrackerConfig(_Section):
    kind: Literal["local", "gitlab"] = "local"
    url: str = "https://gitlab.com"
    max_in_flight: int = Field(default=24, ge=1, le=64)
    # The local tracker's user: the author of what psirt writes there, and so whose notes with
    # psirt's marker are psirt's own (on GitLab that is the token's user).
    user: str = Field(default="psirt", min_length=1)


class BountyConfig(_Section):
    kind: Literal["local", "hackerone"] = "local"
    program: str = "gitlab"
    url: str = "https://api.hackerone.com/v1"
    report_url: str = "https://hackerone.com/reports/{id}"

    @field_validator("report_url")
    @classmethod
    def _report_placeholder(cls, value: str) -> str:
        return check_template(value, id="3100001")


class CnaConfig(_Section):
    kind: Literal["gitlab-cves", "cve-services", "local"] = "gitlab-cves"
    assigner: str = "GitLab"
    org_id: str = "ceab7361-8a18-47b1-92ba-4d7d25f6715a"


class ProductConfig(_Section):
    vendor: str = "GitLab"
    name: str = "GitLab"
    editions: tuple[str, ...] = ("CE", "EE")
    edition_names: dict[str, str] = Field(
        default_factory=lambda: {"CE": "Community Edition", "EE": "Enterprise Edition"}
    )
    cpes: tuple[str, ...] = ("cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*",)
    repository: str = "git://git@gitlab.com:gitlab-org/gitlab.git"
    gitlab_path: str = "gitlab-org/gitlab"
    default_branch: str = "master"
    maintained_minors: int = Field(default=3, ge=1, le=10)
    # The product's package URL without a version; "" when it has none. Advisories name the
    # product by it (CSAF product helpers, OSV). An OSV package needs an OSV ecosystem, which
    # only some purl types have (pypi, npm, gem, maven ...).
    purl: str = "pkg:gitlab/gitlab-org/gitlab"

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


class ProjectsConfig(_Section):
    security: str = "gitlab-org/security/gitlab"
    canonical: str = "gitlab-org/gitlab"
    cve_requests: str = "gitlab-org/cves"
    tasks: str = "gitlab-org/gitlab"
    tracking: str = "gitlab-org/gitlab"
    www: str = "gitlab-com/www-gitlab-com"
    communications: str = "gitlab-com/marketing/security-communications"
    # Groups and projects whose every issue, merge request and path is confidential: no public
    # text may refer to them (the security project is always one of them).
    confidential: tuple[str, ...] = ("gitlab-org/security",)

    @property
    def confidential_paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.confidential, self.security)))


class LabelsConfig(_Section):
    security: str = "security"
    vulnerability: str = "bug::vulnerability"
    severity_prefix: str = "severity::"
    priority_prefix: str = "priority::"
    upcoming_release: str = "upcoming security release"
    security_target: str = "security-target"
    reduced_backports: str = "reduced backports"
    notifications: str = "security-notifications"
    keep_confidential: str = "keep confidential"
    council: str = "bug bounty council"
    description_validated: str = "description::validated"
    advisory_invalid: str = "advisory::invalid"
    advisory_queued: str = "advisory::queued"
    weakness_prefix: str = "Weakness::"
    task_issue: str = "AppSecWorkType::SecurityReleaseRotation"
    reverted: str = "reverted"

    def severity(self, level: int) -> str:
        return f"{self.severity_prefix}{level}"


def _default_council_approvals() -> dict[str, int]:
    return {"critical": 2, "high": 2, "medium": 1, "low": 1}


class PeopleConfig(_Section):
    """Display names by username, and the handles that stakeholder messages address.

    ``council``: who may approve a bug bounty council vote, as usernames and GitLab groups (an
    entry starting with ``@``, whose members the tracker lists). Empty: anyone may, except the
    people who never count (the vote's author, the fix's assignees and MR authors).
    ``council_approvals``: how many approvals a vote needs, by the severity it scores."""

    names: dict[str, str] = Field(default_factory=dict)
    psirt: tuple[str, ...] = ()
    council: tuple[str, ...] = ()
    council_approvals: dict[str, int] = Field(default_factory=_default_council_approvals)
    cna_bot: str = "cnaworkflow"
    # Where a credit may link its reporter (a host, its subdomains too): a credit is public, and
    # a link elsewhere is not a reporter's profile.
    credit_hosts: tuple[str, ...] = ("hackerone.com", "gitlab.com")
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
        }
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


class BlogConfig(_Section):
    base_url: str = "https://about.gitlab.com"
    path_template: str = (
        "/releases/{year:04d}/{month:02d}/{day:02d}/patch-release-gitlab-{slug}-released/"
    )
    title_template: str = "GitLab Patch Release: {versions}"
    image_title: str = "/images/blogimages/security-cover-new.png"

    @field_validator("path_template")
    @classmethod
    def _path_placeholders(cls, value: str) -> str:
        return check_template(value, year=2026, month=3, day=25, slug="18-10-1")

    @field_validator("title_template")
    @classmethod
    def _title_placeholder(cls, value: str) -> str:
        return check_template(value, versions="18.10.1, 18.9.3, 18.8.7")


class DisclosureConfig(_Section):
    """What happens after the release, and when.

    ``issues_public_after_days``: the release's issues are made public this many days after the
    release. GitLab's policy as its patch release posts state it is 30 ("the issues detailing
    each vulnerability are made public on our issue tracker 30 days after the release in which
    they were patched", e.g. the 18.3.1 post of 2025-08-27); docs/release.md names the sources.

    ``cves_published_within_days``: a CVE of a released fix that is not PUBLISHED this many days
    after the release is reported by ``psirt cve status``; the CNA rules ask for publication
    within 72 hours of public disclosure, and the blog post is the disclosure.
    """

    issues_public_after_days: int = Field(default=30, ge=0, le=3650)
    cves_published_within_days: int = Field(default=3, ge=0, le=365)

    def issues_public_on(self, released: date) -> date:
        return released + timedelta(days=self.issues_public_after_days)

    def cves_published_by(self, released: date) -> date:
        return released + timedelta(days=self.cves_published_within_days)


class AdvisoryConfig(_Section):
    """Machine-readable advisories (``psirt advisory export``): who publishes them and their ids.

    ``csaf_id`` is formatted with the release date (``year``, ``month``, ``day``), its newest
    version (``version``: ``18.10.1``) and that version as a slug (``slug``: ``18-10-1``). OSV ids
    are ``<osv_prefix>-<CVE id>``; the ``x_`` prefix marks a database OSV.dev does not aggregate.
    """

    publisher: str = "GitLab"
    publisher_category: Literal[
        "coordinator", "discoverer", "other", "translator", "user", "vendor"
    ] = "vendor"
    namespace: str = "https://about.gitlab.com"
    contact_details: str = ""
    csaf_id: str = "gitlab-sa-{year:04d}{month:02d}{day:02d}-{slug}"
    policy_url: str = "https://about.gitlab.com/security/disclosure/"
    # Where provider-metadata.json and the CSAF documents (white/<year>/<file>) are served.
    provider_url: str = "https://about.gitlab.com/.well-known/csaf"
    # A trusted provider also signs and hashes its documents, which psirt does not do.
    provider_role: Literal["csaf_publisher", "csaf_provider", "csaf_trusted_provider"] = (
        "csaf_provider"
    )
    osv_prefix: str = "x_GITLAB"


class CveConfig(_Section):
    """How the CVE texts and records are worded: GitLab's current conventions by default.

    ``connective`` joins a range's first affected and fixed versions in the version phrase
    (``from 16.10 before 18.8.7``); ``reference_style`` is how the canonical issue is cited:
    ``work_item`` (``.../-/work_items/N``, no name or tags, GitLab's records since 2026) or
    ``issue`` (``.../-/issues/N`` named ``GitLab Issue #N`` with tags, until late 2025);
    ``solution`` is the solution's template (``{versions}``: the fixed versions, oldest first).
    """

    connective: Literal["before", "prior to"] = "before"
    reference_style: Literal["work_item", "issue"] = "work_item"
    solution: str = "Upgrade to versions {versions} or above."

    @field_validator("solution")
    @classmethod
    def _one_placeholder(cls, value: str) -> str:
        return check_template(value, versions="18.10.1")


class RemoteConfig(_Section):
    """How the GitLab, HackerOne and CVE Services clients wait, all three alike.

    ``timeout``: seconds a request may go without an answer (a stalled server is an error after
    it, per attempt); ``retries``: how many times a failed request is sent again (a write whose
    outcome is unknown only after checking that it did not land); ``max_wait``: the longest
    wait after a 429 (``Retry-After``, ``RateLimit-Reset``) psirt sits through; a longer one
    ends the command with exit 3 and the time to try again."""

    timeout: float = Field(default=30.0, gt=0, le=600)
    retries: int = Field(default=5, ge=0, le=20)
    max_wait: float = Field(default=120.0, ge=0, le=86_400)

    def policy(self, rate_limit_window: float | None = None) -> RetryPolicy:
        """The one retry policy these settings describe (``core.remote``)."""
        return RetryPolicy(
            attempts=self.retries + 1,
            max_retry_after=self.max_wait,
            rate_limit_window=rate_limit_window,
        )


class Config(_Section):
    tracker: TrackerConfig = TrackerConfig()
    bounty: BountyConfig = BountyConfig()
    cna: CnaConfig = CnaConfig()
    product: ProductConfig = ProductConfig()
    projects: ProjectsConfig = ProjectsConfig()
    labels: LabelsConfig = LabelsConfig()
    people: PeopleConfig = PeopleConfig()
    blog: BlogConfig = BlogConfig()
    disclosure: DisclosureConfig = DisclosureConfig()
    advisory: AdvisoryConfig = AdvisoryConfig()
    cve: CveConfig = CveConfig()
    remote: RemoteConfig = RemoteConfig()


def load_config(path: Path) -> Config:
    """Read ``psirt.toml``; every problem names the file and the key."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
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
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise WorkspaceError(
            f"{key}: {first['msg']} (and {exc.error_count() - 1} more)"
            if exc.error_count() > 1
            else f"{key}: {first['msg']}",
            path=str(path),
        ) from exc
