"""``psirt doctor``: is the workspace ready for a release? Each check is one line; a problem
says how to fix it. Nothing is written anywhere.

GitLab (``tracker.kind = "gitlab"``): the token is set and GitLab accepts it (the user is
named, never the token), its scopes and roles let it see the confidential issues, each project
of ``[projects]`` is there for that user, each label psirt uses (``core/labels.py``) exists
where psirt looks for it, and the tracking issue of the upcoming release is found. Local: the
project folders and the tracking issue. Then HackerOne's and CVE Services' credentials, when
``[bounty]`` or ``[cna]`` name them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from psirt.core.config import Config
from psirt.core.errors import ExitCode, PsirtError
from psirt.core.labels import labels_in_use
from psirt.core.words import quoted
from psirt.core.workspace import Workspace
from psirt.snapshot import find_tracking_issue

if TYPE_CHECKING:
    from psirt.trackers.gitlab import GitLabTracker
    from psirt.trackers.interface import Tracker


@dataclass(frozen=True)
class Check:
    """One thing checked: ``ok`` with what was found, or a problem and its fix."""

    subject: str
    ok: bool
    message: str
    fix: str = ""

    def line(self) -> str:
        if self.ok:
            return f"ok       {self.subject}: {self.message}"
        fix = f"; fix: {self.fix}" if self.fix else ""
        return f"problem  {self.subject}: {self.message}{fix}"

    def as_json(self) -> dict[str, object]:
        return {"subject": self.subject, "ok": self.ok, "message": self.message, "fix": self.fix}


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    def add(self, subject: str, ok: bool, message: str, fix: str = "") -> None:
        self.checks.append(Check(subject, ok, message, fix))

    @property
    def problems(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def exit_code(self) -> ExitCode:
        """0 when every check passed, 1 (as for findings) when any did not."""
        return ExitCode.FINDINGS if self.problems else ExitCode.OK


def _tracking_issue(report: DoctorReport, tracker: Tracker, config: Config) -> None:
    try:
        issue = find_tracking_issue(tracker, config, None)
    except PsirtError as exc:
        report.add(
            "tracking issue",
            False,
            exc.message,
            f"label the release's open tracking issue in {config.projects.tracking} "
            f'"{config.labels.upcoming_release}", or pass --release-issue IID to each command',
        )
        return
    report.add("tracking issue", True, f"{issue.ref} {quoted(issue.title)}")


def _local(report: DoctorReport, workspace: Workspace) -> None:
    from psirt.trackers.local import LocalTracker

    config = workspace.config
    for project, key in config.projects.release_projects.items():
        folder = workspace.root / "projects" / project
        if folder.is_dir():
            report.add(f"project {project}", True, f"folder {folder}")
        else:
            report.add(
                f"project {project}",
                False,
                f"no folder {folder}",
                f"create it (mkdir -p '{folder}/issues'), or set [projects] {key} in psirt.toml",
            )
    _tracking_issue(report, LocalTracker(workspace.root, base_url=config.tracker.url), config)


def _gitlab(report: DoctorReport, workspace: Workspace, env: Mapping[str, str]) -> None:
    from psirt.trackers.gitlab import GitLabTracker

    config = workspace.config
    if not env.get("GITLAB_TOKEN"):
        report.add(
            "token",
            False,
            "GITLAB_TOKEN is not set",
            "create a personal access token with the api scope (read_api to only read) and "
            "export GITLAB_TOKEN",
        )
        return
    with GitLabTracker.from_config(config, env) as tracker:
        _gitlab_checks(report, tracker, config)


def _gitlab_checks(report: DoctorReport, tracker: GitLabTracker, config: Config) -> None:
    from psirt.trackers.gitlab_access import configured_projects

    try:
        access = tracker.token_access(configured_projects(config))
    except PsirtError as exc:
        report.add(
            "token",
            False,
            f"{tracker.url} refused it or did not answer ({exc.message})",
            "check [tracker] url (or GITLAB_URL), and that GITLAB_TOKEN is a token of this "
            "instance that has not expired or been revoked",
        )
        return
    scopes = ", ".join(access.scopes) if access.scopes is not None else "unknown"
    report.add("token", True, f"user {access.user}, scopes {scopes}")
    for problem in access.problems():
        fix = (
            "create a token with the api scope to let psirt write (read_api is enough for validate)"
            if "scopes" in problem
            else f"give {access.user} the Reporter role or higher in that project"
        )
        report.add("token", False, problem, fix)
    _gitlab_projects(report, tracker, config, access.user)
    _tracking_issue(report, tracker, config)


def _gitlab_projects(
    report: DoctorReport, tracker: GitLabTracker, config: Config, user: str
) -> None:
    keys = config.projects.release_projects
    visible: dict[str, set[str]] = {}
    for project in keys:
        try:
            seen = tracker.project_visible(project)
            labels = tracker.project_labels(project) if seen else set()
        except PsirtError as exc:
            report.add(
                f"project {project}",
                False,
                f"could not be read ({exc.message})",
                "run doctor again; if it persists, check the instance's status",
            )
            continue
        if not seen:
            report.add(
                f"project {project}",
                False,
                f"not found, or not visible to {user}",
                f"set [projects] {keys[project]} in psirt.toml to its path, or give {user} the "
                "Reporter role or higher in it",
            )
            continue
        visible[project] = labels
        report.add(f"project {project}", True, f"{len(visible[project])} labels")
    wanted = found = 0
    for use in labels_in_use(config):
        for project in use.projects:
            if project not in visible:
                continue  # the project's own problem is reported
            wanted += 1
            if use.name in visible[project]:
                found += 1
                continue
            report.add(
                f'label "{use.name}"',
                False,
                f"missing in {project} (psirt uses it: {use.purpose})",
                f"create it in {project} or its group, or set [labels] {use.key} in psirt.toml "
                "to the name you use",
            )
    if wanted and found == wanted:
        report.add("labels", True, f"all {wanted} labels psirt uses are there")


def _bounty(report: DoctorReport, config: Config, env: Mapping[str, str]) -> None:
    if config.bounty.kind != "hackerone":
        return
    from psirt.bounty.hackerone import ENV_TOKEN, ENV_USERNAME, HackerOneClient

    def ask() -> str:
        with HackerOneClient.from_env(config.bounty, env) as client:
            return client.whoami()

    check_credentials(
        report,
        "HackerOne",
        ask,
        f"export {ENV_USERNAME} and {ENV_TOKEN} of an API token of the program (its API "
        "settings), with access to its reports",
    )


def _cna(report: DoctorReport, config: Config, env: Mapping[str, str]) -> None:
    if config.cna.kind != "cve-services":
        return
    from psirt.cna.cve_services import ENV_API_KEY, ENV_ORG, ENV_USER, CveServicesCna

    check_credentials(
        report,
        "CVE Services",
        lambda: CveServicesCna.from_env(config.cna, env).whoami(),
        f"export {ENV_USER}, {ENV_ORG} and {ENV_API_KEY} of an active user of the CNA "
        "(CVE_ENVIRONMENT picks prod or test)",
    )


def check_credentials(report: DoctorReport, service: str, ask: Callable[[], str], fix: str) -> None:
    """Ask a service who the credentials are; its error is the problem, its answer the user."""
    try:
        who = ask()
    except PsirtError as exc:
        report.add(service, False, exc.message, fix)
        return
    report.add(service, True, f"credentials accepted ({who})")


def run_doctor(workspace: Workspace, env: Mapping[str, str]) -> DoctorReport:
    report = DoctorReport()
    config = workspace.config  # a broken psirt.toml stops here, each problem on its line
    report.add("psirt.toml", True, f"{workspace.config_path} reads")
    if config.tracker.kind == "gitlab":
        _gitlab(report, workspace, env)
    else:
        _local(report, workspace)
    _bounty(report, config, env)
    _cna(report, config, env)
    return report
