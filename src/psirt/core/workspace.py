"""Finding the workspace (like git: upward to the first ``psirt.toml``), keeping paths inside it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from psirt.core.errors import WorkspaceError

if TYPE_CHECKING:  # the config (pydantic) loads when a command reads it, not to find the folder
    from psirt.core.config import Config

CONFIG_FILE = "psirt.toml"

_PROJECT_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$")


def check_project_path(path: str) -> str:
    """A GitLab project path such as ``gitlab-org/security/gitlab``; nothing that climbs out."""
    if not _PROJECT_PATH.match(path) or any(part in ("..", ".") for part in path.split("/")):
        raise WorkspaceError(f"not a project path: {path!r} (expected group/project)")
    return path


def safe_join(root: Path, *parts: str) -> Path:
    """``root/parts...``, refusing any result that would leave ``root`` (``..``, absolute parts,
    links that point outside)."""
    candidate = root.joinpath(*parts)
    resolved_root = root.resolve()
    try:
        resolved = candidate.resolve()
    except (RuntimeError, OSError):  # a symbolic link loop (RuntimeError before Python 3.13)
        raise WorkspaceError(
            "cannot resolve the path: a symbolic link that loops", path=str(candidate)
        ) from None
    if resolved != resolved_root and resolved_root not in resolved.parents:
        raise WorkspaceError(f"path leaves the workspace: {'/'.join(parts)!r}", path=str(root))
    return candidate


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @cached_property
    def config(self) -> Config:
        from psirt.core.config import load_config

        return load_config(self.config_path)

    @property
    def journal_path(self) -> Path:
        return self.root / "journal.jsonl"

    @property
    def templates_dir(self) -> Path:
        """Templates a team overrides: a file here wins over the packaged one of the same name."""
        return self.root / "templates"


def shown_path(path: Path) -> str:
    """A path as the user can use it where they stand: relative to the current folder when
    it is inside it, else absolute (never relative to a workspace they are not in)."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return str(absolute)
    return str(relative)


def new_folder(root: Path, command: str) -> None:
    """Create ``root`` for ``command`` (``psirt demo``, ``psirt init``) to write into,
    refusing a folder that holds anything: nothing of the user's is ever overwritten."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise WorkspaceError(
            f"not empty; {command} writes only into a new or empty folder", path=str(root)
        )
    root.mkdir(parents=True, exist_ok=True)


def find_workspace(start: Path | None = None, explicit: Path | None = None) -> Workspace:
    """The workspace named by ``--workspace``, or the nearest folder upward with ``psirt.toml``."""
    if explicit is not None:
        if not (explicit / CONFIG_FILE).is_file():
            raise WorkspaceError(
                f"no {CONFIG_FILE} here (is it a psirt workspace?)", path=str(explicit)
            )
        return Workspace(explicit.resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return Workspace(folder)
    raise WorkspaceError(
        f"no {CONFIG_FILE} in {here} or any parent; pass --workspace DIR (or set "
        "PSIRT_WORKSPACE), or start one with `psirt init DIR`"
    )
