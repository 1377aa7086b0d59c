"""``psirt init DIR``: a new workspace for a real upcoming release.

Local (the default): a commented ``psirt.toml``, the project folders the release reads (empty),
and the release's two issues: the tracking issue (its title names the versions, its due date is
the release's) and the PSIRT task issue linked to it. ``psirt validate`` reads it at once.

``--gitlab URL``: a ``psirt.toml`` for a GitLab instance (its URL, the project paths,
``tracker.kind = "gitlab"``) and nothing else: the release lives on GitLab, and ``psirt doctor``
checks that what the file names is there.

The versions and date come from the release calendar (``knowledge/schedule.py``) unless given.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from psirt.core.config import CONFIG_FILE, Config, ProjectsConfig
from psirt.core.errors import InputError
from psirt.core.records import Issue, IssueLink, IssueRef
from psirt.core.versions import Version
from psirt.core.words import quoted
from psirt.core.workspace import check_project_path, new_folder
from psirt.knowledge.schedule import next_planned_patch, patch_release_versions
from psirt.trackers.local import LocalTracker

TRACKING_IID = 1
TASK_IID = 2
#: The folders a local release reads, made empty so a team sees where records go.
_RECORD_FOLDERS = ("issues", "merge_requests")


@dataclass(frozen=True)
class InitOptions:
    gitlab_url: str | None = None
    versions: tuple[Version, ...] = ()
    due: dt.date | None = None
    projects: dict[str, str] = field(default_factory=dict)  # ProjectsConfig key -> path
    today: dt.date | None = None


@dataclass(frozen=True)
class Initialised:
    root: Path
    versions: tuple[Version, ...]
    due: dt.date
    estimated: bool  # the versions come from the calendar, not from --versions
    written: tuple[Path, ...]
    config: Config


def release_plan(options: InitOptions) -> tuple[tuple[Version, ...], dt.date, bool]:
    """The release's versions (newest first) and date: given, or from the calendar."""
    today = options.today or dt.date.today()
    due = options.due or next_planned_patch(today)
    if options.versions:
        return tuple(sorted(options.versions, reverse=True)), due, False
    return tuple(patch_release_versions(due)), due, True


def parse_versions(text: str) -> tuple[Version, ...]:
    """``18.10.1, 18.9.3, 18.8.7`` (commas or spaces): full X.Y.Z versions only."""
    found = []
    for word in text.replace(",", " ").split():
        version = Version.parse(word)
        if version.patch is None:
            raise InputError(f"--versions: {word} is a minor; give the patch version (18.10.1)")
        found.append(version)
    if not found:
        raise InputError("--versions: expected patch versions such as 18.10.1,18.9.3,18.8.7")
    return tuple(found)


def instance_url(text: str) -> str:
    """``--gitlab URL`` as ``[tracker] url``: ``https://`` when no scheme is given, no
    trailing slash, and never credentials (the URL is shown in messages and the journal; the
    token belongs in GITLAB_TOKEN)."""
    url = text.strip().rstrip("/")
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--gitlab {quoted(text)}: expected the instance's URL, https://host")
    if "@" in parts.netloc:
        raise InputError(
            "--gitlab: the URL carries credentials (user@ or user:secret@); give the bare URL "
            "and export the token as GITLAB_TOKEN"
        )
    return url


def _projects(options: InitOptions) -> ProjectsConfig:
    for path in options.projects.values():
        check_project_path(path)
    return ProjectsConfig.model_validate(options.projects)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def config_text(options: InitOptions, projects: ProjectsConfig) -> str:
    """The commented ``psirt.toml``: what a team sets first, every other key documented in
    docs/config.md (``psirt config reference``)."""
    defaults = Config()
    gitlab = options.gitlab_url is not None
    url = instance_url(options.gitlab_url) if options.gitlab_url else defaults.tracker.url
    project_lines = "\n".join(
        "\n".join(f"# {line}" for line in textwrap.wrap(info.description or "", 94))
        + f"\n{key} = {_quote(getattr(projects, key))}"
        for key, info in ProjectsConfig.model_fields.items()
    )
    tracker = (
        '# "gitlab": the release lives on this GitLab instance; export GITLAB_TOKEN (a token\n'
        "# with the api scope, or read_api to only read), then run `psirt doctor`.\n"
        if gitlab
        else '# "local": the release lives in this folder (projects/...), as docs/workspace.md\n'
        '# describes; "gitlab" reads it from a GitLab instance instead.\n'
    )
    return f"""\
# psirt workspace. Every key has a default that follows GitLab's conventions: set only what
# differs. All keys, their types and defaults: docs/config.md (`psirt config reference`).
# `psirt doctor` checks that what this file names exists.

[tracker]
{tracker}kind = {_quote("gitlab" if gitlab else "local")}
url = {_quote(url)}

[bounty]
# "local": reports in hackerone/reports/; "hackerone": HackerOne's API, with
# HACKERONE_API_USERNAME and HACKERONE_API_TOKEN.
kind = "local"

[cna]
# "gitlab-cves" ticks *Publish immediately* in each CVE request; "cve-services" publishes
# through CVE Services (CVE_USER, CVE_ORG, CVE_API_KEY, CVE_ENVIRONMENT); "local" keeps
# records in cna/.
kind = {_quote(defaults.cna.kind)}

[projects]
{project_lines}

[people]
# The PSIRT team's usernames, and who may approve a bug bounty council vote (usernames, or
# GitLab groups written "@group/path"; empty: anyone but the fix's own people).
psirt = []
council = []

# Display names for credits and messages: alice = "Alice Doe"
[people.names]
"""


def _release_issues(
    root: Path, config: Config, versions: tuple[Version, ...], due: dt.date
) -> list[Path]:
    projects, labels = config.projects, config.labels
    tracker = LocalTracker(root, base_url=config.tracker.url)
    listed = ", ".join(str(v) for v in versions)
    tracking = IssueRef(projects.tracking, TRACKING_IID)
    task = IssueRef(projects.tasks, TASK_IID if projects.tasks == projects.tracking else 1)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    tracker.save_issue(
        Issue(
            ref=tracking,
            title=f"Security patch release: {listed}",
            description=(
                f"Planned security patch release {listed}, due {due.isoformat()}.\n\n"
                f"Link each security issue of {projects.security} that the release ships.\n"
            ),
            labels=(labels.security, labels.upcoming_release),
            due_date=due,
            created_at=now,
        ),
        links=[IssueLink(task)],
    )
    tracker.save_issue(
        Issue(
            ref=task,
            title=f"PSIRT Task Issue: security patch release {listed}",
            description=(
                f"Security tracking issue: {tracking}\n\n"
                "Assign the release managers here, the primary first.\n"
            ),
            labels=(labels.task_issue,),
            due_date=due,
            created_at=now,
        ),
        links=[IssueLink(tracking)],
    )
    return [
        root / "projects" / ref.project / "issues" / f"{ref.iid}.md" for ref in (tracking, task)
    ]


def init_workspace(root: Path, options: InitOptions) -> Initialised:
    """Write the workspace into ``root`` (new or empty) and return what was written."""
    versions, due, estimated = release_plan(options)
    projects = _projects(options)
    if options.gitlab_url is not None:
        instance_url(options.gitlab_url)  # refused before anything is written
    new_folder(root, "psirt init")
    config_path = root / CONFIG_FILE
    config_path.write_text(config_text(options, projects), encoding="utf-8")
    from psirt.core.config import load_config

    config = load_config(config_path)  # what was written must read back
    written = [config_path]
    if options.gitlab_url is None:
        for project in dict.fromkeys(
            (projects.security, projects.canonical, projects.cve_requests)
        ):
            for folder in _RECORD_FOLDERS:
                (root / "projects" / project / folder).mkdir(parents=True, exist_ok=True)
        (root / "hackerone" / "reports").mkdir(parents=True, exist_ok=True)
        written += _release_issues(root, config, versions, due)
    return Initialised(root, versions, due, estimated, tuple(written), config)
