"""validate's description template (CVE019) accepts the wordings GitLab publishes, and the
version phrase (CVE020) is the house phrase of ``[cve] connective``."""

from __future__ import annotations

import pytest

from psirt.core.config import Config, CveConfig
from psirt.workflows.validate import run_rules
from tests import factories as f

HEAD = (
    "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 before "
    "18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1"
)
TAIL = " an authenticated user to cause a denial of service."


def _codes(description: str, config: Config = f.CONFIG) -> set[str]:
    item = f.security_issue(cve=f.cve_request(yaml=f.yaml_text(description=description)))
    snapshot = f.snapshot(item)
    if config is not f.CONFIG:
        from dataclasses import replace

        snapshot = replace(snapshot, config=config)
    return {finding.code for finding in run_rules(snapshot)}


@pytest.mark.parametrize(
    "description",
    [
        HEAD + " that could have allowed" + TAIL,
        HEAD + " that under certain conditions could have allowed" + TAIL,
        HEAD + " that, under certain conditions could have allowed" + TAIL,
        HEAD + " that could have, under certain circumstances, allowed" + TAIL,
        HEAD + " affecting Jira Connect installations that could have allowed" + TAIL,
        HEAD.replace("has remediated an issue", "has remediated a security issue")
        + " that could have allowed"
        + TAIL,
    ],
)
def test_the_wordings_gitlab_publishes_follow_the_template(description: str) -> None:
    assert not {"CVE019", "CVE020"} & _codes(description)


def test_prior_to_is_not_the_house_phrase_unless_configured() -> None:
    drafted = (HEAD + " that could have allowed" + TAIL).replace(" before ", " prior to ")
    assert "CVE020" in _codes(drafted)
    prior = Config(cve=CveConfig(connective="prior to"))
    assert "CVE020" not in _codes(drafted, prior)
