from __future__ import annotations

import pytest

from psirt.core.config import ProductConfig
from psirt.core.errors import InputError
from psirt.knowledge.cpe import Cpe, cpe_name, cpe_names_product, unescape

GITLAB = "cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*"


def test_parses_the_configured_product_cpe() -> None:
    cpe = Cpe.parse(ProductConfig().cpes[0])
    assert (cpe.part, cpe.vendor, cpe.product, cpe.version) == ("a", "gitlab", "gitlab", "*")
    assert str(cpe) == GITLAB
    assert cpe_names_product(cpe, "GitLab", "GitLab")


def test_all_components_and_round_trip() -> None:
    text = "cpe:2.3:o:microsoft:windows_10:1607:sp1:pro:en-us:*:*:x64:-"
    cpe = Cpe.parse(text)
    assert (cpe.update, cpe.edition, cpe.language, cpe.target_hw, cpe.other) == (
        "sp1",
        "pro",
        "en-us",
        "x64",
        "-",
    )
    assert str(cpe) == text


def test_escaped_colon_and_punctuation_stay_inside_a_component() -> None:
    cpe = Cpe.parse(r"cpe:2.3:a:foo\:bar:big\$money_manager:2\.0\!:*:*:*:*:*:*:*")
    assert cpe.vendor == r"foo\:bar"
    assert cpe.value("vendor") == "foo:bar"
    assert cpe.value("product") == "big$money_manager"
    assert cpe.value("version") == "2.0!"
    assert unescape(r"1\.0") == "1.0"


def test_wildcards_at_the_ends_of_a_value() -> None:
    cpe = Cpe.parse("cpe:2.3:a:gitlab:gitlab:18.*:*:*:*:*:*:*:*")
    assert cpe.version == "18.*"
    assert Cpe.parse("cpe:2.3:a:gitlab:gitlab:??.10:*:*:*:*:*:*:*").version == "??.10"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cpe:/a:gitlab:gitlab", r"not a CPE 2\.3 formatted string"),
        ("cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*", r"has 12 components \(expected 13"),
        ("cpe:2.3:x:gitlab:gitlab:*:*:*:*:*:*:*:*", r"part: 'x' \(expected a, o, h"),
        ("cpe:2.3:a::gitlab:*:*:*:*:*:*:*:*", r"vendor: empty"),
        ("cpe:2.3:a:git lab:gitlab:*:*:*:*:*:*:*:*", r"vendor: invalid value 'git lab'"),
        ("cpe:2.3:a:gitlab:git*lab:*:*:*:*:*:*:*:*", r"product: invalid value"),
        ("cpe:2.3:a:gitlab:gitlab:*:*:*:english:*:*:*:*", r"language: invalid value 'english'"),
        ("cpe:2.3:a:gitlab:gitlab:1$:*:*:*:*:*:*:*", r"version: invalid value '1\$'"),
        ("cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:x\\", r"dangling backslash"),
    ],
)
def test_invalid_cpes_name_the_component(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Cpe.parse(text)
    assert not Cpe.is_valid(text)


def test_value_of_an_unknown_component() -> None:
    with pytest.raises(KeyError):
        Cpe.parse(GITLAB).value("colour")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (GITLAB, True),
        ("cpe:2.3:a:GitLab:GitLab:18.10.1:*:*:*:*:*:*:*", True),
        ("cpe:2.3:a:gitlab:gitlab_runner:*:*:*:*:*:*:*:*", False),
        ("cpe:2.3:a:*:gitlab:*:*:*:*:*:*:*:*", False),
        ("cpe:2.3:a:gitlab:*:*:*:*:*:*:*:*:*", False),
        ("cpe:2.3:a:github:gitlab:*:*:*:*:*:*:*:*", False),
    ],
)
def test_cpe_names_product(text: str, names: bool) -> None:
    assert cpe_names_product(Cpe.parse(text), "GitLab", "GitLab") is names


def test_product_names_with_spaces_use_underscores() -> None:
    assert cpe_name(" GitLab Runner ") == "gitlab_runner"
    cpe = Cpe.parse("cpe:2.3:a:gitlab:gitlab_runner:*:*:*:*:*:*:*:*")
    assert cpe_names_product(cpe, "GitLab", "GitLab Runner")
