"""What advisories lean on in ``knowledge/``: vers ranges and their matcher, package URLs and
their OSV packages, and the official schemas shipped as package data."""

from __future__ import annotations

import hashlib
import re

import pytest

from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.policy import AffectedRange
from psirt.knowledge.purl import Purl
from psirt.knowledge.schemas import DATA, csaf_errors, csaf_file_name, osv_errors
from psirt.knowledge.vers import VersRange, semver, vers_semver

V = Version.parse


def test_vers_is_canonical_semver_in_version_order() -> None:
    ranges = [AffectedRange(V("18.9"), V("18.9.3")), AffectedRange(V("16.10"), V("18.8.7"))]
    assert vers_semver(ranges) == "vers:semver/>=16.10.0|<18.8.7|>=18.9.0|<18.9.3"
    assert semver(V("18.10")) == "18.10.0"
    with pytest.raises(InputError):
        vers_semver([])


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("16.9.9", False),
        ("16.10.0", True),
        ("18.8.6", True),
        ("18.8.7", False),
        ("18.8.8", False),
        ("18.9", True),
        ("18.9.2", True),
        ("18.9.3", False),
        ("19.0.0", False),
    ],
)
def test_vers_matcher(version: str, affected: bool) -> None:
    vers = VersRange.parse("vers:semver/>=16.10.0|<18.8.7|>=18.9.0|<18.9.3")
    assert (V(version) in vers) is affected


def test_vers_matcher_other_comparators() -> None:
    assert V("2.0.0") in VersRange.parse("vers:semver/2.0.0")
    assert V("1.0.0") in VersRange.parse("vers:semver/<2.0.0")
    assert V("3.0.0") in VersRange.parse("vers:semver/>=2.0.0")
    assert V("2.1.0") not in VersRange.parse("vers:semver/>=2.0.0|!=2.1.0")
    for bad in ("vers:npm/1.0.0", "vers:semver/<2.0.0|>=1.0.0", "vers:semver/>=1.0"):
        with pytest.raises(InputError):
            VersRange.parse(bad)


def test_purl_versions_and_osv_packages() -> None:
    gitlab = Purl.parse("pkg:gitlab/gitlab-org/gitlab")
    assert gitlab.with_version("18.10.1") == "pkg:gitlab/gitlab-org/gitlab@18.10.1"
    assert gitlab.osv_package() is None  # no OSV ecosystem for a GitLab project
    assert Purl.parse("pkg:pypi/psirt").osv_package() == ("PyPI", "psirt")
    assert Purl.parse("pkg:npm/%40scope/lib").osv_package() == ("npm", "@scope/lib")
    assert Purl.parse("pkg:maven/org.acme/app@1.0").osv_package() == ("Maven", "org.acme:app")
    with pytest.raises(InputError):
        Purl.parse("gitlab-org/gitlab")


def test_csaf_file_names_follow_section_5_1() -> None:
    assert csaf_file_name("Example Company - 2019-YH3234") == "example_company_-_2019-yh3234.json"
    assert csaf_file_name("RHBA-2019:0024") == "rhba-2019_0024.json"
    assert csaf_file_name("2022_#01-A") == "2022_01-a.json"


def test_schema_messages_name_the_field() -> None:
    assert csaf_errors({"document": {}})[0].startswith("document: ")
    errors = osv_errors({"id": "x_X-1", "modified": "2026-03-25 10:00"})
    assert errors and all(e.startswith("modified: ") for e in errors)
    assert osv_errors({"id": "x_X-1", "modified": "2026-03-25T10:00:00Z"}) == []


def test_shipped_schemas_are_the_files_the_readme_names() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    listed = dict(
        (name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    )
    shipped = {
        str(p.relative_to(DATA)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in DATA.rglob("*.json")
    }
    assert listed == shipped
