"""The C loader's resolver that picks its implicit resolvers once resolves as ruamel's does."""

from __future__ import annotations

import math
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.resolver import VersionedResolver

from psirt.core.yaml_limits import OnceVersionedResolver
from psirt.localstore.yaml_io import Source, load_mapping

SCALARS = """\
date: 2024-01-02
time: 2024-01-02T03:04:05Z
yes_word: yes
true_word: true
octal: 0o17
old_octal: 017
hex: 0x1f
float: 1.5e3
inf: .inf
nan: .nan
null_word: null
tilde: ~
empty:
int: -12
text: plain words
quoted: "12"
list: [1, two, 3.0, false]
"""


def _load(resolver: type[VersionedResolver], text: str) -> Any:
    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = resolver
    return yaml.load(text)


def test_same_values_as_ruamels_resolver_over_many_documents() -> None:
    expected = _load(VersionedResolver, SCALARS)
    for _ in range(3):  # later documents take the shared table
        got = _load(OnceVersionedResolver, SCALARS)
        assert math.isnan(got.pop("nan")) and math.isnan(expected["nan"])
        assert got == {k: v for k, v in expected.items() if k != "nan"}
        assert {k: type(v) for k, v in got.items()} == {
            k: type(v) for k, v in expected.items() if k != "nan"
        }


def test_a_narrowed_subclass_keeps_its_own_table() -> None:
    class NoInts(OnceVersionedResolver):
        def add_version_implicit_resolver(
            self, version: Any, tag: Any, regexp: Any, first: Any
        ) -> None:
            if tag != "tag:yaml.org,2002:int":
                super().add_version_implicit_resolver(version, tag, regexp, first)

    assert _load(OnceVersionedResolver, "a: 12\n") == {"a": 12}
    assert _load(NoInts, "a: 12\n") == {"a": "12"}
    assert _load(OnceVersionedResolver, "a: 12\n") == {"a": 12}


def test_workspace_loader_keeps_dates_as_strings_and_reads_like_the_round_trip() -> None:
    text = SCALARS.replace("nan: .nan\n", "")  # nan equals nothing
    fast = load_mapping(text, Source("x.md"), fast=True)
    round_trip = load_mapping(text, Source("x.md"), fast=False)
    assert fast["date"] == "2024-01-02" and fast["time"] == "2024-01-02T03:04:05Z"
    assert fast == round_trip
