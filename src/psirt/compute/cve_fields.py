"""What the CVE YAML of one security issue should say, and how to get there without clobbering.

Three kinds of fields:

- computed from the release (``affected_versions``, ``fixed_versions``, ``solution`` and the
  version phrase of the description): always recomputed, since the release decides them;
- filled when missing (``description`` from the council's public description, ``cpes`` and
  ``product`` from the product profile, ``credit`` from the reporter, ``references``): written
  only over a placeholder; a human value that differs is kept and reported as a ``Conflict``;
- everything else: never touched.

Everything here is a pure function of the snapshot's objects, so each rule is a unit test.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from psirt.compute.description import (
    compose_description,
    edition_in,
    render_ranges,
    replace_version_phrase,
)
from psirt.compute.placeholders import is_placeholder
from psirt.core.config import Config
from psirt.core.errors import InputError, PsirtError
from psirt.core.records import IssueRef
from psirt.core.versions import Version
from psirt.core.words import quoted
from psirt.knowledge.policy import AffectedRange, affected_ranges, fixed_versions, solution_text
from psirt.model.merge_requests import reverted_merge_requests, without_reverts
from psirt.model.release import CveRequest, Release, SecurityIssue
from psirt.parsing.cve_yaml import CveDocument

COMPUTED_FIELDS = ("product.affected_versions", "product.fixed_versions", "solution")
PROFILE_FIELDS = ("product.vendor", "product.name", "product.gitlab_path")

_THANKS = re.compile(
    r"^\s*(?:\[(?P<link_name>[^\]]+)\]\([^)]*\)|(?P<name>[^(@]*?))\s*"
    r"(?:\(?@(?P<handle>[\w.\-]+)\)?)?\s*$"
)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A human-written value that differs from what would be computed: kept, and reported."""

    subject: str  # the CVE request, e.g. gitlab-org/cves#3105
    field: str
    current: str
    computed: str

    def line(self) -> str:
        return (
            f"{self.subject}: {self.field}: kept the human-written value {quoted(self.current)}; "
            f"computed {quoted(self.computed)}"
        )


@dataclass(frozen=True)
class CveUpdate:
    """The outcome for one CVE request: the YAML before and after, and what was not done."""

    security: SecurityIssue
    request: CveRequest
    before: str
    after: str
    changed_fields: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    problems: tuple[str, ...] = ()  # what could not be computed, and why

    @property
    def ref(self) -> IssueRef:
        return self.request.ref

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def description_changed(self) -> bool:
        return "description" in self.changed_fields


# -- each field, as a small pure function --------------------------------------------------


def ranges_for(
    first_affected: Version,
    release: Release,
    config: Config,
    fixed_lines: Collection[Version] | None = None,
) -> list[AffectedRange]:
    return affected_ranges(
        first_affected,
        release.versions,
        config.product.maintained_minors,
        fixed_lines=fixed_lines,
    )


def fixed_lines_of(item: SecurityIssue, release: Release, config: Config) -> set[Version] | None:
    """The release lines a fix with reduced backports reaches; None for an ordinary fix.

    The reduced-backports label says some maintained lines do not get the fix; which ones is
    told by the fix's merge requests to the release's stable branches (open or merged, and
    not reverted). An ordinary fix reaches every line it affects (ISS008 reports a missing
    backport).
    """
    if config.labels.reduced_backports not in item.issue.labels:
        return None
    undone = {mr.ref for mr in reverted_merge_requests(item.merge_requests, config.labels.reverted)}
    targets = {
        mr.target_branch
        for mr in without_reverts(item.merge_requests)
        if mr.state != "closed" and mr.ref not in undone
    }
    return {v.series for v in release.versions if v.stable_branch in targets}


def issue_ranges(item: SecurityIssue, release: Release, config: Config) -> list[AffectedRange]:
    """The affected ranges of one fix in this release: from its Details 'Version affected' to the
    release versions that carry the fix. Raises InputError when they cannot be computed."""
    first = item.first_affected
    if first is None:
        written = item.details.version_affected
        raise InputError(
            f"{item.ref}: Details 'Version affected' is "
            + (f"not a version ({written!r})" if written else "missing")
            + " (expected X.Y, e.g. 16.10)"
        )
    try:
        return ranges_for(first, release, config, fixed_lines_of(item, release, config))
    except InputError as exc:
        raise InputError(f"{item.ref}: {exc.message}") from exc


def affected_versions_field(ranges: Sequence[AffectedRange]) -> list[str]:
    """``['>=16.10, <18.8.7', '>=18.9, <18.9.3', '>=18.10, <18.10.1']``, oldest line first."""
    return [str(r) for r in sorted(ranges, key=lambda r: r.fixed)]


def fixed_versions_field(ranges: Sequence[AffectedRange]) -> list[str]:
    return [str(v) for v in fixed_versions(ranges)]


def solution_field(ranges: Sequence[AffectedRange], config: Config | None = None) -> str:
    template = (config or Config()).cve.solution
    return solution_text(fixed_versions(ranges), template)


def names_phrase(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b, and c``: several finders in one credit."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f", and {names[-1]}"


def hackerone_credit(*usernames: str) -> str:
    """GitLab's credit of a report's finders: ``Thanks [a](https://hackerone.com/a) and
    [b](https://hackerone.com/b) for reporting this vulnerability through our HackerOne bug
    bounty program``."""
    links = [f"[{name}](https://hackerone.com/{name})" for name in dict.fromkeys(usernames)]
    return (
        f"Thanks {names_phrase(links)} for reporting this vulnerability "
        "through our HackerOne bug bounty program"
    )


def internal_credit(name: str) -> str:
    return f"This vulnerability has been discovered internally by GitLab team member {name}"


def _thanks_parts(thanks: str) -> tuple[str | None, str | None]:
    """(display name, handle) of a Details ``Thanks`` cell: ``Dana Diaz (@dana-dev)``,
    ``@dana-dev``, ``[Dana Diaz](https://gitlab.com/dana-dev)`` or a bare name."""
    match = _THANKS.match(thanks)
    if match is None:
        return thanks.strip() or None, None
    name = (match.group("link_name") or match.group("name") or "").strip() or None
    return name, match.group("handle")


def credit_field(item: SecurityIssue, config: Config) -> tuple[str, tuple[str, ...]] | None:
    """The credit line and the names any acceptable credit must mention; None when unknown.

    A HackerOne report credits its finders (the reporter and the collaborators); otherwise the
    ``Thanks`` row credits a team member.
    """
    if item.report is not None and item.report.finders:
        return hackerone_credit(*item.report.finders), item.report.finders
    thanks = item.details.thanks
    if not thanks or is_placeholder(thanks):
        return None
    name, handle = _thanks_parts(thanks)
    if item.report_id is not None:
        username = handle or name
        if username is None or " " in username:
            return None
        return hackerone_credit(username), (username,)
    display = name or (config.people.name_of(handle) if handle else None)
    if display is None:
        return None
    return internal_credit(display), tuple(n for n in (display, handle) if n)


def issue_url(ref: IssueRef, config: Config) -> str:
    """An issue's URL as the records cite it (``[cve] reference_style``): the work item
    (``.../-/work_items/N``) or the issue (``.../-/issues/N``)."""
    kind = "work_items" if config.cve.reference_style == "work_item" else "issues"
    return f"{config.tracker.url.rstrip('/')}/{ref.project}/-/{kind}/{ref.iid}"


def tracker_issue(url: str, config: Config) -> IssueRef | None:
    """The tracker's issue a URL names, as an issue or a work item (the same issue either way);
    None for any other URL."""
    text = url.strip()
    if not text.lower().startswith(config.tracker.url.rstrip("/").lower() + "/"):
        return None
    return IssueRef.parse(text)


def canonical_url(item: SecurityIssue, config: Config) -> str | None:
    ref = item.canonical.ref if item.canonical is not None else item.links.canonical
    return issue_url(ref, config) if ref is not None else None


def report_url(item: SecurityIssue, config: Config) -> str | None:
    report_id = item.report_id or (item.report.id if item.report is not None else None)
    if not report_id:
        return None
    return config.bounty.report_url.format(id=report_id)


def references_field(item: SecurityIssue, config: Config) -> list[str]:
    """The references every record must carry: the canonical issue and the report."""
    return [url for url in (canonical_url(item, config), report_url(item, config)) if url]


def same_reference(a: str, b: str, config: Config) -> bool:
    """One resource: the same URL (case and a trailing slash aside), or one tracker issue named
    as an issue in one and as a work item in the other."""
    if a.strip().rstrip("/").lower() == b.strip().rstrip("/").lower():
        return True
    issue = tracker_issue(a, config)
    return issue is not None and issue == tracker_issue(b, config)


# -- the whole document --------------------------------------------------------------------


@dataclass
class _Work:
    subject: str
    document: CveDocument
    changed: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def compute(self, path: str, value: str | list[str]) -> None:
        if self.wrong_type(path):
            return
        if self.document.set(path, value):
            self.changed.append(path)

    def wrong_type(self, path: str) -> bool:
        """A person's value of the wrong kind (CVE030) is theirs to fix, never overwritten."""
        wrong = self.document.wrong_types(path)
        if not wrong:
            return False
        where, expected, found = wrong[0]
        problem = f"{self.subject}: {where}: expected {expected}, found {found}; not updated"
        if problem not in self.problems:
            self.problems.append(problem)
        return True

    def fill(self, path: str, value: str | list[str]) -> None:
        """Write ``value`` over a missing or placeholder value; report a differing human one."""
        current: object = self.document.get(path)
        if self.wrong_type(path):
            return
        if isinstance(value, list):
            items = self.document.list_of(path)
            if not items or all(is_placeholder(i) for i in items):
                self.compute(path, value)
            elif sorted(items) != sorted(value):
                self.conflicts.append(
                    Conflict(self.subject, path, ", ".join(items), ", ".join(value))
                )
            return
        text = "" if current is None or isinstance(current, dict | list) else str(current)
        if is_placeholder(text):
            self.compute(path, value)
        elif text != value:
            self.conflicts.append(Conflict(self.subject, path, text, value))


def compute_update(item: SecurityIssue, release: Release, config: Config) -> CveUpdate | None:
    """The CVE YAML this security issue's request should carry; None without a request."""
    request = item.cve_request
    if request is None:
        return None
    subject = str(request.ref)
    if request.document is None or request.yaml_text is None:
        reason = request.yaml_error or "the description has no ```yaml block"
        return CveUpdate(item, request, "", "", problems=(f"{subject}: {reason}",))
    document = request.document.copy()  # parsed once, by the snapshot; edited here
    work = _edit(item, document, release, config)
    if document.changed and not document.round_trip:
        # The plain document (the C loader's) says what changes; the text written keeps the
        # request's comments and quoting, so only a request that changes is parsed round trip.
        document = CveDocument(request.document.original, where=subject)
        work = _edit(item, document, release, config)
    return CveUpdate(
        security=item,
        request=request,
        before=request.yaml_text,
        after=document.dump(),
        changed_fields=tuple(dict.fromkeys(work.changed)),
        conflicts=tuple(work.conflicts),
        problems=tuple(work.problems),
    )


def _edit(item: SecurityIssue, document: CveDocument, release: Release, config: Config) -> _Work:
    """Each computed field set in ``document``, and what was changed, in conflict or missing."""
    assert item.cve_request is not None
    work = _Work(str(item.cve_request.ref), document)
    ranges = _ranges(item, release, config, work)
    if ranges is not None:
        work.compute("product.affected_versions", affected_versions_field(ranges))
        work.compute("product.fixed_versions", fixed_versions_field(ranges))
        work.compute("solution", solution_field(ranges, config))
    _description(item, config, ranges, work)
    _profile(config, work)
    _credit(item, config, work)
    _references(item, config, work)
    return work


def _ranges(
    item: SecurityIssue, release: Release, config: Config, work: _Work
) -> list[AffectedRange] | None:
    try:
        return issue_ranges(item, release, config)
    except InputError as exc:
        work.problems.append(f"{exc.message}; affected and fixed versions not computed")
        return None


def _description(
    item: SecurityIssue, config: Config, ranges: list[AffectedRange] | None, work: _Work
) -> None:
    if work.wrong_type("description"):
        return
    current = work.document.text_of("description")
    product = config.product
    if is_placeholder(current):
        public = item.council.public_description if item.council is not None else None
        missing = []
        if not public or is_placeholder(public):
            missing.append("the council note has no 'Public description'")
        if item.ee_only is None:
            missing.append("Details 'GitLab EE only' is not Yes or No")
        if ranges is None:
            missing.append("the affected versions are unknown")
        if missing or public is None or ranges is None or item.ee_only is None:
            work.problems.append(
                f"{work.subject}: description is a placeholder and cannot be composed: "
                + "; ".join(missing)
            )
            return
        composed = compose_description(
            vendor=product.vendor,
            product=product.name,
            edition=product.edition_label(item.ee_only),
            ranges=ranges,
            public_description=public,
            connective=config.cve.connective,
        )
        work.compute("description", composed)
        return
    if ranges is not None:
        connective = config.cve.connective
        updated = replace_version_phrase(current, ranges, connective)
        if updated is None:
            work.conflicts.append(
                Conflict(
                    work.subject,
                    "description",
                    current,
                    "a version phrase 'affecting all versions "
                    f"{render_ranges(ranges, connective=connective)}'",
                )
            )
        else:
            work.compute("description", updated)
    if item.ee_only is not None:
        written = edition_in(current, product.name)
        wanted = product.edition_label(item.ee_only)
        if written is not None and written != wanted:
            work.conflicts.append(Conflict(work.subject, "description (edition)", written, wanted))


def _profile(config: Config, work: _Work) -> None:
    product = config.product
    work.fill("product.vendor", product.vendor)
    work.fill("product.name", product.name)
    work.fill("product.gitlab_path", product.gitlab_path)
    work.fill("product.cpes", list(product.cpes))


def _credit(item: SecurityIssue, config: Config, work: _Work) -> None:
    computed = credit_field(item, config)
    current = work.document.text_of("credit")
    if computed is None:
        if is_placeholder(current):
            work.problems.append(
                f"{work.subject}: credit is missing and there is no HackerOne reporter or "
                f"Details 'Thanks' row on {item.ref} to compute it from"
            )
        return
    credit, names = computed
    if is_placeholder(current):
        work.compute("credit", credit)
    elif not any(name.lower() in current.lower() for name in names):
        work.conflicts.append(Conflict(work.subject, "credit", current, credit))


def _references(item: SecurityIssue, config: Config, work: _Work) -> None:
    current = work.document.list_of("references")
    missing = [
        url
        for url in references_field(item, config)
        if not any(same_reference(url, existing, config) for existing in current)
    ]
    if missing:
        work.compute("references", current + missing)
    for url in current:
        if is_placeholder(url):
            work.problems.append(
                f"{work.subject}: references: {url!r} is a template placeholder; remove it by hand "
                "(update-cves never removes a reference)"
            )


def compute_updates(
    issues: Sequence[SecurityIssue], release: Release, config: Config
) -> list[CveUpdate]:
    """One update per security issue that has a CVE request, in the snapshot's order."""
    updates: list[CveUpdate] = []
    for item in issues:
        try:
            update = compute_update(item, release, config)
        except PsirtError as exc:
            request = item.cve_request
            assert request is not None
            update = CveUpdate(item, request, "", "", problems=(str(exc),))
        if update is not None:
            updates.append(update)
    return updates
