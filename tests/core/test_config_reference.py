"""docs/config.md is the configuration model, written out; psirt.toml's errors are sentences."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.config import Config, load_config
from psirt.core.config_errors import ConfigError, key_line
from psirt.core.errors import ExitCode
from psirt.render.config_reference import config_reference, toml_value, undescribed

DOCS = Path(__file__).resolve().parents[2] / "docs" / "config.md"


def test_the_reference_page_is_the_model() -> None:
    assert DOCS.read_text(encoding="utf-8") == config_reference(), (
        "docs/config.md differs from the model: run `psirt config reference -o docs/config.md`"
    )


def test_every_key_is_described_and_listed_with_its_default() -> None:
    assert undescribed() == []
    page = config_reference()
    defaults = Config()
    for section, field in Config.model_fields.items():
        assert f"## `[{section}]`" in page
        model = field.annotation
        assert model is not None
        for key in model.model_fields:
            value = toml_value(getattr(getattr(defaults, section), key))
            assert f"| `{key}` |" in page and f"`{value.replace('|', chr(92) + '|')}`" in page


def test_the_defaults_shown_read_back_as_the_defaults() -> None:
    """Each default, written as the page shows it, is what the model holds."""
    defaults = Config()
    for section, field in Config.model_fields.items():
        model = field.annotation
        assert model is not None
        for key in model.model_fields:
            shown = toml_value(getattr(getattr(defaults, section), key))
            read = tomllib.loads(f"[{section}]\n{key} = {shown}\n")
            assert Config.model_validate(read) == defaults, (section, key)


def test_the_command_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "config.md"
    assert run_app(app, ["config", "reference", "-o", str(out)]) == ExitCode.OK
    assert out.read_text(encoding="utf-8") == config_reference()


BROKEN = """\
# a comment
[tracker]
kind = "jira"
knd = "local"
max_in_flight = 0

[trackr]

[people.names]
alice = 3

[people]
psirt = "ana"
"""


def test_every_problem_is_a_sentence_with_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "psirt.toml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = caught.value.lines()
    assert lines == [
        f'{path}:3: tracker.kind: "jira" is not allowed; use "local" or "gitlab"',
        f"{path}:4: tracker.knd: psirt has no such key in [tracker] (did you mean kind?)",
        f"{path}:5: tracker.max_in_flight: 0 is too small; use at least 1",
        f"{path}:7: trackr: psirt has no such section (did you mean tracker?)",
        f'{path}:10: people.names.alice: expected a string in quotes ("..."), got 3',
        f'{path}:13: people.psirt: expected a list such as ["a", "b"], got "ana"',
    ]
    for line in lines:
        assert "Input should" not in line and "Extra inputs" not in line and "more)" not in line


def test_the_command_line_prints_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "psirt.toml").write_text(BROKEN, encoding="utf-8")
    assert run_app(app, ["validate", "-w", str(tmp_path)]) == ExitCode.USAGE
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 6 and all(line.startswith("psirt: error: ") for line in err)


def test_key_lines_follow_tables_dotted_keys_and_inline_tables() -> None:
    text = (
        "[people]\nnames = { a = 1 }\ncouncil_approvals.high = 0\n"
        "[people.stakeholders]\nlegal = 2\n"
    )
    assert key_line(text, ("people", "names", "a")) == 2
    assert key_line(text, ("people", "council_approvals")) == 3
    assert key_line(text, ("people", "stakeholders", "legal")) == 5
    assert key_line(text, ("people", "psirt")) == 1  # not set: its table
    assert key_line(text, ("blog", "base_url")) is None
