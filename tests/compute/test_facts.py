"""A fix's facts kept apart where they differ on purpose: the versions its CVE states and the
versions the release ships it in; and which title and description a public artifact shows."""

from __future__ import annotations

from psirt.compute.facts import public_texts, resolve, shipped_versions
from psirt.core.versions import Version
from tests import factories as f

NEWEST_FIRST = tuple(Version.parse(v) for v in f.RELEASE_VERSIONS)


def test_the_release_ships_the_fix_where_the_policy_says_whatever_the_yaml_states() -> None:
    wrong = f.yaml_text(fixed_versions=["18.8.6", "18.9.2", "18.10.0"])
    item = f.security_issue(cve=f.cve_request(yaml=wrong))
    snapshot = f.snapshot(item)
    facts = resolve(item, snapshot.release, snapshot.config)
    assert [str(v) for v in facts.fixed] == ["18.8.6", "18.9.2", "18.10.0"]  # what the CVE says
    assert facts.shipped == NEWEST_FIRST == shipped_versions(item, snapshot.release, f.CONFIG)


def test_without_a_first_affected_version_the_fix_is_in_every_release_version() -> None:
    item = f.security_issue(version_affected=None)
    snapshot = f.snapshot(item)
    assert shipped_versions(item, snapshot.release, f.CONFIG) == NEWEST_FIRST
    assert resolve(item, snapshot.release, f.CONFIG).shipped == NEWEST_FIRST


def test_the_cve_texts_apply_once_the_request_has_a_cve_id() -> None:
    item = f.security_issue()
    assert public_texts(item) == (f.CVE_TITLE, f.DESCRIPTION)
    pending = f.security_issue(cve=f.cve_request(cve_id="(not yet)"))
    assert public_texts(pending) == (item.title, "")
    assert public_texts(f.security_issue(cve=None)) == (item.title, "")
    snapshot = f.snapshot(pending)
    facts = resolve(pending, snapshot.release, f.CONFIG)
    assert (facts.cve_id, facts.title, facts.description) == (None, item.title, "")
