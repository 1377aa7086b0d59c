import pytest

from psirt.compute.placeholders import find_placeholders, is_placeholder

SEED_DESCRIPTION = (
    '"[VULNTYPE] in [COMPONENT] in [VENDOR][PRODUCT] affecting all versions from 1X.X prior to '
    "16.X.X, 16.Y prior to 16.Y.Y, and 16.Z prior to 16.Z.Z allows [ATTACKER] to [IMPACT] via "
    '[VECTOR]"'
)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "TODO",
        "todo",
        "TODO: describe the impact",
        "X.Y",
        "16.Y.Y",
        "'>=1X.X, <16.X.X'",
        ">=16.Z, <16.Z.Z",
        SEED_DESCRIPTION,
        "Thanks [example](https://hackerone.com/) for reporting this vulnerability "
        "through our HackerOne bug bounty program",
        "This vulnerability has been discovered internally by GitLab team member "
        "<TEAM MEMBER NAME>",
        "${CWE_TITLE} issue in ${COMPONENT} impacts GitLab ${GITLAB_EDITION}",
        "https://gitlab.com/",
    ],
)
def test_whole_template_values_are_placeholders(text: str | None) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize(
    "text",
    [
        "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 1X.X before "
        "18.9.X, and 18.10 before 18.10.X that could have allowed a denial of service.",
        ">=16.10, <18.8.7",
        "18.9.3",
        "Thanks [kaizen-sec](https://hackerone.com/kaizen-sec) for reporting this vulnerability",
        "https://gitlab.com/gitlab-org/gitlab/-/issues/51001",
        "Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above.",
    ],
)
def test_human_values_are_not_placeholders(text: str) -> None:
    assert not is_placeholder(text)


def test_find_lists_every_token_in_order() -> None:
    assert find_placeholders(SEED_DESCRIPTION) == [
        "[VULNTYPE]",
        "[COMPONENT]",
        "[VENDOR]",
        "[PRODUCT]",
        "1X.X",
        "16.X.X",
        "16.Y",
        "16.Y.Y",
        "16.Z",
        "16.Z.Z",
        "[ATTACKER]",
        "[IMPACT]",
        "[VECTOR]",
    ]


def test_find_version_placeholders_in_a_sentence() -> None:
    text = "from 1X.X before 18.9.X, and 18.10 before 18.10.x. TODO"
    assert find_placeholders(text) == ["1X.X", "18.9.X", "18.10.x", "TODO"]


def test_real_versions_and_typos_are_not_placeholders() -> None:
    # 16.2.x8 is a typo for the blog lint to catch, not a template placeholder
    assert find_placeholders("from 16.10 before 18.8.7 and 16.2.x8, see example.com") == []


def test_template_credit_token_is_reported() -> None:
    found = find_placeholders("Thanks [example](https://hackerone.com/) for reporting")
    assert found == ["Thanks [example](https://hackerone.com/)"]
