"""Errors that users can act on, and the exit codes the command line documents.

Every error raised for bad input names where (a file, an issue, a field) and what was expected,
so the command line can print one line instead of a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # validate/lint found errors, verify-fixes differences, doctor problems
    USAGE = 2  # bad arguments or bad input (malformed YAML, invalid CVSS, broken workspace file)
    REMOTE = 3  # a tracker, HackerOne or CVE Services failed or refused
    REFUSED = 4  # a safety rule refused the action (blog not public, CVE not validated)
    INTERRUPTED = 130  # stopped by Ctrl-C (128 + SIGINT, as shells report it)


class PsirtError(Exception):
    """Base of every error the command line reports as one line."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)

    def lines(self) -> list[str]:
        """What the command line prints, one line each (several problems: several lines)."""
        return [str(self)]


class InputError(PsirtError):
    """Bad data: a workspace file, a YAML block, a vector, a CWE id."""


class WorkspaceError(InputError):
    """The workspace cannot be found or one of its files is malformed."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = path if line is None or path is None else f"{path}:{line}"
        super().__init__(message, where=where)
        self.path = path
        self.line = line


class NotFoundError(InputError):
    """An issue, merge request or report that the release refers to does not exist."""


class RemoteError(PsirtError):
    """A remote service answered with an error or could not be reached."""

    exit_code = ExitCode.REMOTE


class RefusedError(PsirtError):
    """A safety rule refused to act."""

    exit_code = ExitCode.REFUSED


class NotVisibleError(NotFoundError):
    """Not found *for the token's user*: GitLab answers 404 alike for an issue that does not
    exist, a confidential one and one in a private project, so when the user's role cannot see
    every issue the message names the user and says so. A remote refusal: exit 3."""

    exit_code = ExitCode.REMOTE

    def __init__(self, subject: str, reason: str) -> None:
        super().__init__(f"{subject} {reason}")
        self.subject = subject
        self.reason = reason


class PermissionDeniedError(RemoteError):
    """The tracker refused a write (HTTP 403): the token's user lacks the right (a role too
    low, a token without the ``api`` scope). The message names the missing right."""
