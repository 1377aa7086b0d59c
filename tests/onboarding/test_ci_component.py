"""The GitLab CI/CD component (``templates/validate.yml``): its job's script lines, read from the
YAML, run against the loopback fake GitLab holding the demo release, and write the Code Quality
report the job publishes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from psirt.core.errors import ExitCode
from psirt.core.workspace import Workspace
from psirt.trackers.gitlab_access import configured_projects
from psirt.trackers.local import LocalTracker
from tests.fakes.gitlab_server import DEFAULT_TOKEN, FakeGitLab, seed_from_tracker

COMPONENT = Path(__file__).resolve().parents[2] / "templates" / "validate.yml"
_INPUT = re.compile(r"\$\[\[\s*inputs\.(\w+)\s*\]\]")
_VARIABLE = re.compile(r"\$\{?(\w+)\}?")


def load_component(inputs: dict[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The spec and the jobs, with ``$[[ inputs.x ]]`` interpolated as GitLab does (the given
    value, else the input's default)."""
    spec_doc, _ = COMPONENT.read_text(encoding="utf-8").split("\n---\n", 1)
    spec = YAML(typ="safe").load(spec_doc)["spec"]["inputs"]
    values = {name: str(field["default"]) for name, field in spec.items()}
    values.update(inputs or {})
    text = _INPUT.sub(lambda m: values[m.group(1)], COMPONENT.read_text(encoding="utf-8"))
    jobs = YAML(typ="safe").load(text.split("\n---\n", 1)[1])
    return spec, jobs


def expand(value: str, env: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: env.get(m.group(1), ""), value)


def test_the_job_runs_on_a_schedule_and_on_demand_and_publishes_code_quality() -> None:
    spec, jobs = load_component()
    job = jobs["psirt-validate"]
    sources = {rule["if"].split("==")[1].strip().strip('"') for rule in job["rules"]}
    assert {"schedule", "web"} <= sources
    assert job["artifacts"]["reports"]["codequality"] == spec["report"]["default"]
    assert job["artifacts"]["when"] == "always"
    assert job["allow_failure"]["exit_codes"] == [ExitCode.FINDINGS]
    assert "GITLAB_TOKEN" not in job.get("variables", {})  # a masked CI/CD variable, not here


def test_the_script_writes_the_report_from_the_fake_gitlab(
    tmp_path: Path, demo_template: Path
) -> None:
    project_dir = tmp_path / "security-project"
    workspace = project_dir / "release"
    shutil.copytree(demo_template, workspace)
    config = workspace / "psirt.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('kind = "local"', 'kind = "gitlab"', 1),
        encoding="utf-8",
    )
    _, jobs = load_component({"workspace": "release"})
    job = jobs["psirt-validate"]
    with FakeGitLab() as fake:
        demo = Workspace(demo_template)
        seed_from_tracker(fake, LocalTracker(demo_template), configured_projects(demo.config))
        ci = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp_path),
            "CI_SERVER_URL": fake.url,
            "CI_PIPELINE_SOURCE": "schedule",
            "GITLAB_TOKEN": DEFAULT_TOKEN,  # the masked CI/CD variable
        }
        env = {**ci, **{key: expand(str(v), ci) for key, v in job["variables"].items()}}
        assert job["before_script"][0].startswith("pip install")  # psirt is installed here
        result = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", "\n".join(job["script"])],
            cwd=project_dir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert fake.request_count > 0  # read from GitLab, not from the workspace's files
    assert result.returncode in job["allow_failure"]["exit_codes"], result.stderr
    report_path = project_dir / job["artifacts"]["reports"]["codequality"]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report and isinstance(report, list)
    for entry in report:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(entry)
        assert entry["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert entry["location"]["path"] and entry["location"]["lines"]["begin"] >= 1
    assert "ISS006" in {entry["check_name"] for entry in report}  # the demo's own approval
    for text in (result.stdout, result.stderr, report_path.read_text(encoding="utf-8")):
        assert DEFAULT_TOKEN not in text


def test_the_script_says_when_the_token_is_missing(tmp_path: Path) -> None:
    _, jobs = load_component()
    job = jobs["psirt-validate"]
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", "\n".join(job["script"])],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ExitCode.USAGE
    assert "GITLAB_TOKEN" in result.stderr
    assert not (tmp_path / "gl-code-quality-report.json").exists()
