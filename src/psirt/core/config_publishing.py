"""The sections of ``psirt.toml`` about what psirt publishes: the blog post, when issues are
disclosed and CVEs published, the machine-readable advisories and the CVE texts' wording; and
what every section shares (``Section``, ``check_template``). ``core.config`` assembles them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Section(BaseModel):
    """A section of psirt.toml: frozen, and an unknown key in it is an error."""

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


class BlogConfig(Section):
    base_url: str = Field(
        default="https://about.gitlab.com", description="The site the blog post is published on."
    )
    path_template: str = Field(
        default=(
            "/releases/{year:04d}/{month:02d}/{day:02d}/patch-release-gitlab-{slug}-released/"
        ),
        description=(
            "The post's path; `{year}`, `{month}`, `{day}` (the release date) and `{slug}` (the "
            "versions) are filled in."
        ),
    )
    title_template: str = Field(
        default="GitLab Patch Release: {versions}",
        description="The post's title; `{versions}` is filled in.",
    )
    image_title: str = Field(
        default="/images/blogimages/security-cover-new.png", description="The post's cover image."
    )

    @field_validator("path_template")
    @classmethod
    def _path_placeholders(cls, value: str) -> str:
        return check_template(value, year=2026, month=3, day=25, slug="18-10-1")

    @field_validator("title_template")
    @classmethod
    def _title_placeholder(cls, value: str) -> str:
        return check_template(value, versions="18.10.1, 18.9.3, 18.8.7")


class DisclosureConfig(Section):
    """What happens after the release, and when.

    ``issues_public_after_days``: the release's issues are made public this many days after the
    release. GitLab's policy as its patch release posts state it is 30 ("the issues detailing
    each vulnerability are made public on our issue tracker 30 days after the release in which
    they were patched", e.g. the 18.3.1 post of 2025-08-27); docs/release.md names the sources.

    ``cves_published_within_days``: a CVE of a released fix that is not PUBLISHED this many days
    after the release is reported by ``psirt cve status``; the CNA rules ask for publication
    within 72 hours of public disclosure, and the blog post is the disclosure.
    """

    issues_public_after_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description=(
            "`psirt disclose` makes the release's issues public this many days after the release "
            "(GitLab's policy: 30)."
        ),
    )
    cves_published_within_days: int = Field(
        default=3,
        ge=0,
        le=365,
        description=(
            "`psirt cve status` reports a CVE of a released fix not PUBLISHED this many days after "
            "the release (PUB001)."
        ),
    )

    def issues_public_on(self, released: date) -> date:
        return released + timedelta(days=self.issues_public_after_days)

    def cves_published_by(self, released: date) -> date:
        return released + timedelta(days=self.cves_published_within_days)


class AdvisoryConfig(Section):
    """Machine-readable advisories (``psirt advisory export``): who publishes them and their ids.

    ``csaf_id`` is formatted with the release date (``year``, ``month``, ``day``), its newest
    version (``version``: ``18.10.1``) and that version as a slug (``slug``: ``18-10-1``). OSV ids
    are ``<osv_prefix>-<CVE id>``; the ``x_`` prefix marks a database OSV.dev does not aggregate.
    """

    publisher: str = Field(default="GitLab", description="The advisories' publisher name.")
    publisher_category: Literal[
        "coordinator", "discoverer", "other", "translator", "user", "vendor"
    ] = Field(default="vendor", description="The CSAF publisher category.")
    namespace: str = Field(
        default="https://about.gitlab.com", description="The publisher's namespace URL (CSAF)."
    )
    contact_details: str = Field(
        default="", description='How to reach the publisher (CSAF); "" to leave it out.'
    )
    csaf_id: str = Field(
        default="gitlab-sa-{year:04d}{month:02d}{day:02d}-{slug}",
        description=(
            "The CSAF document id; `{year}`, `{month}`, `{day}`, `{version}` (18.10.1) and `{slug}`"
            " (18-10-1) are filled in."
        ),
    )
    policy_url: str = Field(
        default="https://about.gitlab.com/security/disclosure/",
        description="The disclosure policy's URL, cited by the advisories.",
    )
    provider_url: str = Field(
        default="https://about.gitlab.com/.well-known/csaf",
        description=(
            "Where provider-metadata.json and the CSAF documents (white/<year>/<file>) are served."
        ),
    )
    provider_role: Literal["csaf_publisher", "csaf_provider", "csaf_trusted_provider"] = Field(
        default=("csaf_provider"),
        description=(
            "The CSAF provider role claimed in provider-metadata.json (a trusted provider also "
            "signs and hashes its documents, which psirt does not do)."
        ),
    )
    osv_prefix: str = Field(
        default="x_GITLAB",
        description=(
            "OSV ids are `<osv_prefix>-<CVE id>`; the `x_` prefix marks a database OSV.dev does not"
            " aggregate."
        ),
    )


class CveConfig(Section):
    """How the CVE texts and records are worded: GitLab's current conventions by default.

    ``connective`` joins a range's first affected and fixed versions in the version phrase
    (``from 16.10 before 18.8.7``); ``reference_style`` is how the canonical issue is cited:
    ``work_item`` (``.../-/work_items/N``, no name or tags, GitLab's records since 2026) or
    ``issue`` (``.../-/issues/N`` named ``GitLab Issue #N`` with tags, until late 2025);
    ``solution`` is the solution's template (``{versions}``: the fixed versions, oldest first).
    """

    connective: Literal["before", "prior to"] = Field(
        default="before",
        description=(
            "The words between a range's first affected and fixed versions in the version phrase "
            "(`from 16.10 before 18.8.7`)."
        ),
    )
    reference_style: Literal["work_item", "issue"] = Field(
        default="work_item",
        description=(
            "How the canonical issue is cited: `work_item` (`.../-/work_items/N`, no name) or "
            "`issue` (`.../-/issues/N`, named `GitLab Issue #N`)."
        ),
    )
    solution: str = Field(
        default="Upgrade to versions {versions} or above.",
        description="The solution's template; `{versions}` is the fixed versions, oldest first.",
    )

    @field_validator("solution")
    @classmethod
    def _one_placeholder(cls, value: str) -> str:
        return check_template(value, versions="18.10.1")
