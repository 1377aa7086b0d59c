"""What a label write does on GitLab, as psirt expects it: scoped labels replace each other.

A label named ``key::value`` is scoped; its scope is everything before the last ``::``, so
``workflow::backend::review`` is in the scope ``workflow::backend`` (doc/user/project/labels.md,
"Scoped labels" and "Nested scopes"). An issue holds one label per scope: adding one removes the
others of its scope, and when one write adds two of a scope only the last one stays
(gitlab-org/gitlab-ee!9983, which introduced them: "if multiple labels with the same key are
added, only last selected is added, also any existing labels with the same key are removed").

psirt never sends two labels of one scope in one write (:func:`check_one_per_scope`), so what it
asks for is what GitLab does, and a re-read after a write is checked against GitLab's result
(:func:`labels_done`), not against a plain union. The local tracker applies the same rule
(:func:`apply_label_write`), so both trackers end a run in the same state.

The names themselves are settings (``[labels]`` in psirt.toml, ``core/config.py``);
:func:`labels_in_use` is the one list of those psirt reads or writes, and where.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from psirt.core.config import Config
from psirt.core.errors import InputError

SCOPE_SEPARATOR = "::"


def label_scope(name: str) -> str | None:
    """The scope of a scoped label (before the last ``::``), None for a plain label."""
    scope, separator, value = name.rpartition(SCOPE_SEPARATOR)
    return scope if separator and scope and value else None


def scope_conflicts(labels: Iterable[str]) -> dict[str, list[str]]:
    """The scopes that ``labels`` name more than once, with the labels of each."""
    by_scope: dict[str, list[str]] = {}
    for name in dict.fromkeys(labels):
        scope = label_scope(name)
        if scope is not None:
            by_scope.setdefault(scope, []).append(name)
    return {scope: names for scope, names in by_scope.items() if len(names) > 1}


def check_one_per_scope(labels: Iterable[str], *, where: str | None = None) -> None:
    """Refuse a write that adds two labels of one scope: GitLab would keep only the last."""
    conflicts = scope_conflicts(labels)
    if conflicts:
        named = "; ".join(f"{scope}:: has {', '.join(names)}" for scope, names in conflicts.items())
        raise InputError(
            f"one write adds two labels of one scope ({named}); GitLab keeps one label per "
            "scope, so send only the one meant to stay",
            where=where,
        )


def check_label_write(
    add: Sequence[str], remove: Sequence[str], *, where: str | None = None
) -> None:
    """A write psirt may send: one label per scope added, and no label both added and removed
    (GitLab adds, then removes, so the label would silently not be there)."""
    check_one_per_scope(add, where=where)
    both = [name for name in dict.fromkeys(add) if name in remove]
    if both:
        raise InputError(
            f"one write both adds and removes {', '.join(both)}; say which one is meant",
            where=where,
        )


def apply_label_write(
    current: Sequence[str], add: Sequence[str], remove: Sequence[str]
) -> tuple[str, ...]:
    """The labels after a write that adds ``add`` and removes ``remove``, as GitLab does it:
    added ones come, then removed ones go (``IssuableBaseService#process_label_ids``), and each
    added scoped label drops the other labels of its scope (of two added in one scope, the last
    wins). Order: what stays in its old order, then what is new."""
    dropped = set(remove)
    added = [name for name in dict.fromkeys(add) if name not in dropped]
    winners: dict[str, str] = {}
    for name in added:
        scope = label_scope(name)
        if scope is not None:
            winners[scope] = name
    out = [name for name in dict.fromkeys(current) if name not in dropped]
    out += [name for name in added if name not in out]
    return tuple(
        name
        for name in out
        if (scope := label_scope(name)) is None or winners.get(scope, name) == name
    )


def labels_done(labels: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> list[str]:
    """What a re-read shows is not as GitLab leaves it after the write (empty: it took)."""
    problems = []
    missing = [name for name in add if name not in labels and name not in remove]
    if missing:
        problems.append(f"labels not added: {', '.join(missing)}")
    kept = [name for name in remove if name in labels]
    if kept:
        problems.append(f"labels not removed: {', '.join(kept)}")
    scopes = {label_scope(name) for name in add} - {None}
    stale = [
        name
        for name in labels
        if name not in add and label_scope(name) in scopes and label_scope(name) is not None
    ]
    if stale:
        problems.append(f"labels of a replaced scope still there: {', '.join(stale)}")
    return problems


@dataclass(frozen=True)
class LabelUse:
    """A label psirt reads or writes, the projects it must exist in, and what it is for."""

    name: str
    key: str  # its key in [labels]
    projects: tuple[str, ...]
    purpose: str


def labels_in_use(config: Config) -> list[LabelUse]:
    """Every label psirt reads or writes, by the names ``[labels]`` gives them, with the
    projects whose issues or merge requests carry it (what ``psirt doctor`` looks for)."""
    labels, p = config.labels, config.projects
    uses = [
        LabelUse(
            labels.upcoming_release, "upcoming_release", (p.tracking,), "finds the tracking issue"
        ),
        LabelUse(labels.task_issue, "task_issue", (p.tasks,), "finds the PSIRT task issue"),
        LabelUse(labels.security, "security", (p.security,), "tells security MRs from bug fixes"),
        LabelUse(
            labels.security_target,
            "security_target",
            (p.security,),
            "marks the fixes of the release",
        ),
        LabelUse(
            labels.reduced_backports,
            "reduced_backports",
            (p.security,),
            "a fix with fewer backports",
        ),
        LabelUse(labels.reverted, "reverted", (p.security,), "a reverted merge request"),
        *(
            LabelUse(labels.severity(level), "severity_prefix", (p.security,), "a fix's severity")
            for level in (1, 2, 3, 4)
        ),
        LabelUse(
            labels.description_validated,
            "description_validated",
            (p.cve_requests,),
            "a reviewed CVE request",
        ),
        LabelUse(
            labels.advisory_invalid,
            "advisory_invalid",
            (p.cve_requests,),
            "a CVE request the CNA bot refused",
        ),
        LabelUse(
            labels.keep_confidential,
            "keep_confidential",
            (p.canonical,),
            "an issue disclose never opens",
        ),
    ]
    return uses
