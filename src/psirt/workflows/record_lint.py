"""``psirt cve lint`` over many records: files, folders (every ``*.json`` below, recursively) and
``-`` (a list of paths on standard input, one per line), linted in order and reported as each
record is done.

A large input (``PARALLEL_FROM`` records or more) is shared among worker processes, one per core
unless told otherwise, in chunks; the results still come back in input order. The workers are
forked after the schema validator and the CWE catalog are ready, so no worker builds them again.
A file that is not a readable JSON record stops the run with its name (exit 2), after the
records before it were reported.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from psirt.core.errors import InputError, PsirtError
from psirt.core.finding import Finding
from psirt.core.words import plural
from psirt.render.findings import FindingGroup, FindingsReport, counts

if TYPE_CHECKING:
    from psirt.compute.confidential import Confidential
    from psirt.session import Session

#: Below this many records one process lints them all: starting workers costs more.
PARALLEL_FROM = 400
#: Records per task sent to a worker.
CHUNK = 128
STDIN = "-"

# One record's result: (file name, findings) or (file name, (message, where)) for bad input.
_Result = tuple[str, tuple[Finding, ...] | tuple[str, str | None]]


def record_paths(args: Sequence[Path], stdin: TextIO | None = None) -> list[Path]:
    """The record files named by ``args``: a file as given, a folder's ``*.json`` files below it
    (sorted), ``-`` the paths read from ``stdin`` (one per line, blank lines skipped; a folder
    there is expanded too). A missing file is reported when it is read, in its turn."""
    found: list[Path] = []
    for arg in args:
        if str(arg) == STDIN:
            lines = (stdin or sys.stdin).read().splitlines()
            found += _expand(Path(line.strip()) for line in lines if line.strip())
        else:
            found += _expand([arg])
    return found


def _expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        else:
            yield path


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# What the confidentiality check knows, in a worker process (set by ``_start_worker``).
_worker_confidential: Confidential | None = None


def _lint_one(path: Path, confidential: Confidential | None) -> _Result:
    from psirt.parsing.file_lines import in_file
    from psirt.parsing.record_file import read_record_file
    from psirt.rules.cve_record import lint_record

    try:
        record, text = read_record_file(path)
    except InputError as exc:
        return path.name, (exc.message, exc.where)
    found = lint_record(record, path.name, confidential=confidential)
    return path.name, tuple(in_file(found, str(path), text))


def _start_worker(confidential: Confidential | None) -> None:
    global _worker_confidential
    _worker_confidential = confidential


def _lint_chunk(paths: list[Path]) -> list[_Result]:
    return [_lint_one(path, _worker_confidential) for path in paths]


def _warm() -> None:
    """Build what every record needs once, before the workers are forked."""
    from psirt.knowledge.cwe import load_catalog
    from psirt.knowledge.schemas import schema_valid

    load_catalog()
    schema_valid({})


def _chunks(paths: Sequence[Path]) -> Iterator[list[Path]]:
    for start in range(0, len(paths), CHUNK):
        yield list(paths[start : start + CHUNK])


class RecordLint:
    """Lint ``paths`` with up to ``jobs`` processes (0: every core); iterate ``groups()`` for the
    records with findings as they are done, then read ``summary``."""

    def __init__(
        self, paths: Sequence[Path], jobs: int = 0, *, confidential: Confidential | None = None
    ) -> None:
        self.paths = list(paths)
        self.confidential = confidential
        self.jobs = jobs if jobs > 0 else available_cores()
        self.checked = 0
        self.findings: list[Finding] = []

    @property
    def parallel(self) -> bool:
        return self.jobs > 1 and len(self.paths) >= PARALLEL_FROM

    def _results(self) -> Iterator[_Result]:
        if not self.parallel:
            for path in self.paths:
                yield _lint_one(path, self.confidential)
            return
        _warm()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.confidential,),
        )
        try:
            for chunk in pool.map(_lint_chunk, _chunks(self.paths)):
                yield from chunk
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def groups(self) -> Iterator[FindingGroup]:
        """One group per record with findings, in input order; InputError at a bad file."""
        for name, outcome in self._results():
            if outcome and not isinstance(outcome[0], Finding):
                message, where = outcome
                raise InputError(str(message), where=where)
            found = tuple(f for f in outcome if isinstance(f, Finding))
            self.checked += 1
            self.findings += found
            if found:
                yield FindingGroup(name, "", found)

    @property
    def summary(self) -> str:
        return f"{plural(self.checked, 'record')}: {counts(self.findings)}"

    def report(self) -> FindingsReport:
        """Everything at once: the groups, then the summary."""
        groups = tuple(self.groups())
        return FindingsReport(groups, self.summary)


def release_confidential(session: Session | None) -> Confidential | None:
    """What the confidentiality check knows inside a workspace: the release's confidential
    issues and titles, or only the workspace's settings when no release can be read; None
    outside a workspace (psirt.toml's defaults)."""
    if session is None:
        return None
    from psirt.compute.confidential import Confidential

    try:
        snapshot = session.snapshot()
    except PsirtError:  # no release to read: the workspace's settings still say a lot
        return Confidential.of(session.config)
    return Confidential.of(session.config, snapshot)
