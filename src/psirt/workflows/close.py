"""``psirt close``: the end of a release, as one plan of idempotent actions.

Three steps, each optional, applied in this order (the handbook's):

1. **close issues**: on each fix's canonical issue, a note naming the versions that carry the fix
   (and, when the HackerOne report has no bounty yet, an internal note reminding to pay it: the
   issue becomes public 30 days later), then close it;
2. **publish CVEs**: request publication of each CVE through the configured CNA back end, refused
   while the CNA bot says ``advisory::invalid`` or before a human set ``description::validated``;
3. **notify HackerOne**: tell each reporter which versions fix their report, with the blog post
   and the CVE, then resolve the report; and list the reports nobody has paid yet.

Steps 2 and 3 disclose the vulnerability, so they refuse to run before the blog post is public.
A fix with a reverted MR did not ship in every version it claims, so nothing is done for it:
it stays open, unpublished and unannounced, and the plan says why.

Everything here decides from the snapshot; only ``run_close`` touches the outside world.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from psirt.actions.bounty_actions import CommentOnReport, ResolveReport
from psirt.actions.cna_actions import PublishCve
from psirt.actions.executor import Outcome
from psirt.actions.plan import Action, Plan
from psirt.actions.tracker_actions import CloseIssue, EditDescription, UpsertNote
from psirt.core.config import Config
from psirt.core.errors import InputError, RefusedError
from psirt.core.finding import Finding
from psirt.core.records import CLOSED_UNRESOLVED, Note, Report
from psirt.core.versions import Version
from psirt.model.merge_requests import reverted_fix_merge_requests
from psirt.model.release import CveRequest, Release, ReleaseSnapshot, SecurityIssue
from psirt.render.plan import plan_json, plan_lines

if TYPE_CHECKING:
    from psirt.cna.interface import Cna
    from psirt.core.workspace import Workspace
    from psirt.session import Session

    pass

BLOG_TIMEOUT = 3.0
CLOSE_ISSUES, PUBLISH_CVES, NOTIFY_HACKERONE = "close-issues", "publish-cves", "notify-hackerone"


@dataclass(frozen=True)
class BlogAnswer:
    """What the post's URL answered: the status, the URL it ended at after redirects, the page."""

    status: int
    url: str
    text: str = ""


#: GET a URL (following redirects); raises ``OSError``/``httpx.HTTPError`` when unreachable.
HttpGet = Callable[[str], BlogAnswer]
#: The CVE JSON 5 record of one fix (for back ends that send records).
RecordBuilder = Callable[[SecurityIssue], dict[str, Any]]


@dataclass(frozen=True)
class CloseOptions:
    close_issues: bool = True
    publish_cves: bool = True
    notify_hackerone: bool = True
    release_issue: int | None = None
    blog_url: str | None = None
    blog_published: bool = False

    @property
    def discloses(self) -> bool:
        """Publication and notification make the vulnerability public."""
        return self.publish_cves or self.notify_hackerone

    @property
    def steps(self) -> tuple[str, ...]:
        chosen = (
            (CLOSE_ISSUES, self.close_issues),
            (PUBLISH_CVES, self.publish_cves),
            (NOTIFY_HACKERONE, self.notify_hackerone),
        )
        return tuple(name for name, on in chosen if on)


@dataclass(frozen=True)
class BlogGate:
    """Whether the blog post is public, and how we know."""

    url: str | None
    public: bool
    reason: str


@dataclass(frozen=True)
class Refusal:
    """Something the plan will not do, and why (not an action: nothing is written for it)."""

    step: str
    subject: str
    reason: str


@dataclass
class ClosePlan:
    options: CloseOptions
    release: Release
    blog: BlogGate | None
    plan: Plan = field(default_factory=Plan)
    refusals: list[Refusal] = field(default_factory=list)
    unpaid: list[Report] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """Every step of close comes after the announcement (the handbook's post-release):
        the notes say the fix *was released*, publication and notification disclose it."""
        return self.blog is None or not self.blog.public

    def blocked_error(self) -> RefusedError:
        reason = self.blog.reason if self.blog else "no blog post URL"
        return RefusedError(
            f"refusing to close the release before the blog post is public ({reason}); "
            "publish the post first, or pass --blog-url URL, or --blog-published if you have "
            "checked it yourself. Nothing was written."
        )

    def render(self, *, live: bool = False, diffs: bool = True) -> str:
        lines = [
            f"close plan for {self.release.version_list} ({self.release.tracking_issue.ref}): "
            + ", ".join(self.options.steps)
        ]
        if self.blog is not None:
            state = "public" if self.blog.public else "NOT public"
            lines.append(
                f"blog post {self.blog.url or '(unknown URL)'}: {state} ({self.blog.reason})"
            )
        lines.append("")
        lines.append("actions:" if self.plan.actions else "actions: none")
        if self.plan.actions:
            lines += plan_lines(self.plan, self.outcomes, diffs=diffs)
        if self.refusals:
            lines.append("")
            lines.append("refused (not in the plan):")
            lines.extend(f"- [{r.step}] {r.subject}: {r.reason}" for r in self.refusals)
        if self.unpaid:
            lines.append("")
            lines.append("reports still without a bounty:")
            lines.extend(f"- {r.id} ({r.reporter}): {r.url or r.title}" for r in self.unpaid)
        if not live and self.plan.actions:
            lines.append("")
            lines.append("dry run: nothing was written; add --live to apply.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "release": self.release.version_list,
            "steps": list(self.options.steps),
            "blog": None
            if self.blog is None
            else {"url": self.blog.url, "public": self.blog.public, "reason": self.blog.reason},
            "blocked": self.blocked,
            "actions": plan_json(self.plan, self.outcomes),
            "refused": [r.__dict__ for r in self.refusals],
            "unpaid": [{"id": r.id, "reporter": r.reporter, "url": r.url} for r in self.unpaid],
        }


# -- the blog gate ---------------------------------------------------------------------------


def default_blog_url(release: Release, config: Config) -> str:
    from psirt.compute.post import post_url

    return post_url(release, config)


def http_get(url: str) -> BlogAnswer:
    import httpx

    response = httpx.get(url, timeout=BLOG_TIMEOUT, follow_redirects=True)
    return BlogAnswer(response.status_code, str(response.url), response.text)


def _same_page(asked: str, answered: str) -> bool:
    """The same host and path (http to https and a trailing slash aside): a redirect elsewhere,
    to a login page or the blog's index, is not the post."""
    first, last = urlsplit(asked), urlsplit(answered)
    same_host = (first.hostname or "").lower() == (last.hostname or "").lower()
    return same_host and first.path.rstrip("/") == last.path.rstrip("/")


def check_blog(
    options: CloseOptions,
    release: Release,
    config: Config,
    get: HttpGet = http_get,
) -> BlogGate:
    """Public when ``--blog-published`` says so, or when the post's URL answers 200 with the post
    itself: not after a redirect to another page (a login page, the index), and only when the
    page names the release's newest version (a soft 404 or a placeholder page does not)."""
    url = options.blog_url
    if url is None:
        try:
            url = default_blog_url(release, config)
        except InputError as exc:
            if options.blog_published:
                return BlogGate(None, True, "declared public with --blog-published")
            return BlogGate(None, False, f"cannot compute its URL: {exc}; pass --blog-url URL")
    if options.blog_published:
        return BlogGate(url, True, "declared public with --blog-published")
    try:
        answer = get(url)
    except Exception as exc:  # httpx errors, OSError: unreachable means not public
        return BlogGate(url, False, f"could not be reached: {type(exc).__name__}")
    if answer.status != 200:
        return BlogGate(url, False, f"answered {answer.status}, not 200")
    if not _same_page(url, answer.url):
        return BlogGate(url, False, f"redirected to {answer.url}, not the post")
    newest = str(release.newest) if release.newest else None
    if newest and newest not in answer.text:
        return BlogGate(
            url, False, f"answered 200, but the page does not mention {newest} (not the post yet?)"
        )
    return BlogGate(url, True, "answered 200")


# -- facts per fix ---------------------------------------------------------------------------


def fixed_versions(item: SecurityIssue, snapshot: ReleaseSnapshot) -> list[Version]:
    """The release versions that carry the fix, newest first, as its CVE ranges say (fewer
    with reduced backports); all of the release when they cannot be computed."""
    from psirt.compute.cve_fields import issue_ranges
    from psirt.knowledge.policy import fixed_versions as fixed_of

    release = snapshot.release
    try:
        return sorted(fixed_of(issue_ranges(item, release, snapshot.config)), reverse=True)
    except InputError:
        return list(release.versions)


def version_words(versions: Sequence[Version]) -> str:
    names = [str(v) for v in versions]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _marker(release: Release) -> str:
    return "close:" + "/".join(str(v) for v in release.versions)


def _bounty_marker(release: Release) -> str:
    return "close-bounty:" + "/".join(str(v) for v in release.versions)


def last_bot_comment(request: CveRequest, bot: str) -> Note | None:
    bot_notes = [n for n in request.notes if n.author == bot and not n.system]
    return bot_notes[-1] if bot_notes else None


def _quote(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# -- planning --------------------------------------------------------------------------------


def _close_actions(
    item: SecurityIssue, snapshot: ReleaseSnapshot, refusals: list[Refusal]
) -> list[Action]:
    """A public note naming the fixed versions, an internal bounty reminder when one fits, and
    the close. The canonical issue becomes public 30 days after the release, and an internal
    note stays internal then: the reminder never shares a note with the public text."""
    if item.canonical is None:
        refusals.append(Refusal(CLOSE_ISSUES, str(item.ref), "no canonical issue is linked"))
        return []
    canonical = item.canonical.ref
    project = snapshot.config.projects.canonical
    if canonical.project != project:
        refusals.append(
            Refusal(
                CLOSE_ISSUES,
                str(item.ref),
                f"its canonical issue {canonical} is not in {project}; fix the Links table "
                "(or close the right issue by hand)",
            )
        )
        return []
    versions = fixed_versions(item, snapshot)
    body = (
        f"The fix for this issue was released in {snapshot.config.product.name} "
        f"{version_words(versions)} (security patch release {snapshot.release.version_list})."
    )
    why = f"the fix shipped in {version_words(versions)}"
    actions: list[Action] = [UpsertNote(canonical, _marker(snapshot.release), body, why)]
    if item.report_id is not None and (item.report is None or not item.report.has_bounty):
        actions.append(
            UpsertNote(
                canonical,
                _bounty_marker(snapshot.release),
                f"Reminder: HackerOne report {item.report_id} has no bounty yet; please award it.",
                "the report has no bounty yet (internal note)",
                internal=True,
            )
        )
    actions.append(CloseIssue(canonical, why))
    return actions


def request_errors(snapshot: ReleaseSnapshot) -> dict[str, list[Finding]]:
    """Validate's errors by subject: a CVE request with one is not valid, so not published."""
    from psirt.workflows.validate import validate

    errors: dict[str, list[Finding]] = {}
    for finding in validate(snapshot).findings:
        if finding.is_error:
            errors.setdefault(finding.subject, []).append(finding)
    return errors


def _publication_refusal(
    item: SecurityIssue, config: Config, errors: Mapping[str, Sequence[Finding]]
) -> str | None:
    request = item.cve_request
    if request is None:
        return "no CVE request is linked"
    labels = config.labels
    if labels.advisory_invalid in request.issue.labels:
        note = last_bot_comment(request, config.people.cna_bot)
        said = (
            f'; {config.people.cna_bot} said: "{_quote(note.body)}"'
            if note
            else f"; no comment from {config.people.cna_bot} explains it"
        )
        return f"{request.ref} has ~{labels.advisory_invalid}{said}"
    if labels.description_validated not in request.issue.labels:
        return (
            f"{request.ref} lacks ~{labels.description_validated} "
            "(a human has not approved its title and description)"
        )
    if request.cve_id is None:
        return f"{request.ref} names no CVE id yet"
    found = errors.get(str(request.ref), ())
    if found:
        codes = ", ".join(sorted({f.code for f in found}))
        return (
            f"{request.ref} is not valid: psirt validate reports {len(found)} "
            f"error{'s' if len(found) > 1 else ''} ({codes})"
        )
    return None


def _publish_actions(
    item: SecurityIssue,
    snapshot: ReleaseSnapshot,
    refusals: list[Refusal],
    cna: Cna,
    record_for: RecordBuilder | None,
    errors: Mapping[str, Sequence[Finding]],
) -> list[Action]:
    config = snapshot.config
    refusal = _publication_refusal(item, config, errors)
    subject = (item.cve_request.cve_id if item.cve_request else None) or str(item.ref)
    if refusal is not None:
        refusals.append(Refusal(PUBLISH_CVES, subject, refusal))
        return []
    request = item.cve_request
    assert request is not None and request.cve_id is not None
    why = f"fixed in {version_words(fixed_versions(item, snapshot))}"
    try:
        edited = cna.publication_edit(request.issue)
    except InputError as exc:
        refusals.append(Refusal(PUBLISH_CVES, subject, exc.message))
        return []
    if edited is not None:  # the CNA publishes from the request issue: show the edit
        why = f"request publication of {request.cve_id}: {why}"
        return [EditDescription(request.ref, request.issue.description, edited, why)]
    if record_for is None:
        refusals.append(Refusal(PUBLISH_CVES, subject, "no CVE record exporter"))
        return []
    try:
        record = record_for(item)
    except InputError as exc:
        refusals.append(Refusal(PUBLISH_CVES, subject, f"its CVE record cannot be built: {exc}"))
        return []
    from psirt.knowledge.schemas import schema_errors

    broken = schema_errors(record)
    if broken:  # refused in the plan, so one bad record cannot stop the run half way
        refusals.append(
            Refusal(PUBLISH_CVES, subject, "its CVE record breaks the schema: " + "; ".join(broken))
        )
        return []
    return [
        PublishCve(
            request.cve_id,
            request.ref,
            record,
            why,
            update_published=cna.updates_published,
        )
    ]


def _notify_actions(
    item: SecurityIssue,
    snapshot: ReleaseSnapshot,
    refusals: list[Refusal],
    blog_url: str | None,
    errors: Mapping[str, Sequence[Finding]],
) -> list[Action]:
    if item.report_id is None:
        return []  # an internal find: nobody to notify
    if item.report is None:
        refusals.append(
            Refusal(NOTIFY_HACKERONE, f"report {item.report_id}", "the report could not be read")
        )
        return []
    if item.report.state in CLOSED_UNRESOLVED:
        refusals.append(
            Refusal(
                NOTIFY_HACKERONE,
                f"report {item.report_id}",
                f"the report is closed as {item.report.state}; resolving it would reopen that "
                "decision (check the Links table names the right report)",
            )
        )
        return []
    config = snapshot.config
    versions = version_words(fixed_versions(item, snapshot))
    # name the CVE only when this release publishes it (not while it is invalid or unvalidated)
    publishable = _publication_refusal(item, config, errors) is None
    cve_id = item.cve_request.cve_id if item.cve_request and publishable else None
    lines = [
        f"Hi @{item.report.reporter},",
        "",
        f"The fix for this report was released in {config.product.name} {versions}.",
    ]
    if blog_url:
        lines.append(f"Details are in the release blog post: {blog_url}")
    if cve_id:
        lines.append(f"This vulnerability is tracked as {cve_id}.")
    lines += ["", f"Thank you for reporting it to the {config.product.vendor} bug bounty program."]
    why = f"the fix shipped in {versions}"
    return [
        CommentOnReport(item.report_id, _marker(snapshot.release), "\n".join(lines), why),
        ResolveReport(
            item.report_id,
            f"Fixed in {config.product.name} {versions}.",
            why,
        ),
    ]


def build_close_plan(
    snapshot: ReleaseSnapshot,
    options: CloseOptions,
    blog: BlogGate | None,
    cna: Cna | None = None,
    record_for: RecordBuilder | None = None,
) -> ClosePlan:
    """The plan (pure): close-issue actions first, then publications, then notifications.

    ``cna`` is needed only with ``publish_cves``: it says how it publishes (an edit of the
    request issue, or the record sent to it)."""
    result = ClosePlan(options, snapshot.release, blog)
    shipped: list[SecurityIssue] = []
    for item in snapshot.issues:
        reverted = reverted_fix_merge_requests(item, snapshot)
        if reverted:
            names = ", ".join(f"{mr.ref} ({mr.target_branch})" for mr in reverted)
            for step in options.steps:
                result.refusals.append(
                    Refusal(
                        step,
                        str(item.ref),
                        f"not shipped: merge request {names} was reverted; the fix goes in a "
                        "later release (leave it open, unpublished and unannounced)",
                    )
                )
            continue
        shipped.append(item)
    blog_url = blog.url if blog else None
    errors = request_errors(snapshot) if options.discloses else {}
    if options.close_issues:
        for item in shipped:
            result.plan.extend(_close_actions(item, snapshot, result.refusals))
    if options.publish_cves:
        if cna is None:
            raise ValueError("publishing CVEs is planned with the CNA that will publish them")
        for item in shipped:
            result.plan.extend(
                _publish_actions(item, snapshot, result.refusals, cna, record_for, errors)
            )
    if options.notify_hackerone:
        for item in shipped:
            result.plan.extend(_notify_actions(item, snapshot, result.refusals, blog_url, errors))
    if options.close_issues or options.notify_hackerone:
        result.unpaid = [
            item.report
            for item in snapshot.issues
            if item.report is not None and not item.report.has_bounty
        ]
    return result


def record_builder(snapshot: ReleaseSnapshot, blog_url: str | None) -> RecordBuilder:
    """The CVE JSON 5 export of ``render/cve_record.py``, bound to this release and post."""
    from psirt.compute.facts import resolve
    from psirt.render.cve_record import build_record

    def build(item: SecurityIssue) -> dict[str, Any]:
        facts = resolve(item, snapshot.release, snapshot.config)
        return build_record(facts, snapshot.config, blog_url)

    return build


# -- running ---------------------------------------------------------------------------------


def run_close(
    workspace: Workspace,
    options: CloseOptions,
    *,
    live: bool,
    env: Mapping[str, str] | None = None,
    get: HttpGet = http_get,
    session: Session | None = None,
    cna: Cna | None = None,
) -> ClosePlan:
    """Load the release, plan, and (dry run) check or (``live``) apply the plan.

    Raises ``RefusedError`` before any write when a disclosing step is asked for while the blog
    post is not public; a live run that stops half way raises ``ExecutionStopped`` and is
    finished by running it again.
    """
    from psirt.actions.run import run_plan
    from psirt.session import open_session

    session = session or open_session(workspace, env)
    snapshot = session.snapshot(options.release_issue)
    blog = check_blog(options, snapshot.release, snapshot.config, get)
    if options.publish_cves and cna is None:
        cna = session.cna()
    builder = record_builder(snapshot, blog.url if blog else None)
    result = build_close_plan(snapshot, options, blog, cna, builder)
    if result.blocked:
        if live:
            raise result.blocked_error()
        return result
    result.outcomes = run_plan(session, result.plan, live, cna=cna)
    return result


# -- the demo ----------------------------------------------------------------------------------
