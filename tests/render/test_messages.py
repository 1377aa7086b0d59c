"""The comms messages on the demo release: golden files for each, the e-mail's text and HTML
stating the same facts (and only the blog post's), escaping, the severity rules of who is told,
the thank-you naming each person once, and the task issue's links."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from psirt.compute.post import build_post
from psirt.core.config import Config, PeopleConfig
from psirt.core.errors import InputError
from psirt.core.records import IssueRef, IssueUpdate
from psirt.core.workspace import Workspace
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.parsing.council import CouncilVote
from psirt.render.blog import render_post
from psirt.render.checklist import build_checklist, render_checklist
from psirt.render.email import build_email, render_email
from psirt.render.handover import build_handover, release_status, render_handover
from psirt.render.notify import build_notifications, render_notifications
from psirt.render.task_links import TaskLinks, task_links
from psirt.render.thanks import build_thanks, names_in, render_thanks
from psirt.session import open_session

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "comms"
UPDATE = os.environ.get("PSIRT_UPDATE_GOLDEN") == "1"


def check_golden(name: str, actual: str) -> None:
    """Compare with ``tests/golden/comms/<name>``; ``PSIRT_UPDATE_GOLDEN=1`` rewrites it."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; run with PSIRT_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo(demo_template: Path) -> ReleaseSnapshot:
    return open_session(Workspace(demo_template)).snapshot()


def fix(snapshot: ReleaseSnapshot, iid: int) -> SecurityIssue:
    return next(item for item in snapshot.issues if item.ref.iid == iid)


def with_severity(item: SecurityIssue, label_level: int, vector: str | None) -> SecurityIssue:
    """The fix rated only by ``label_level`` and a council vote of ``vector``: its CVE request
    (and the request's own vector) is left out."""
    labels = tuple(lbl for lbl in item.issue.labels if not lbl.startswith("severity::"))
    council = CouncilVote(1, "ivan-appsec", vector, ("julia-appsec",), None) if vector else None
    return replace(
        item,
        issue=replace(item.issue, labels=(*labels, f"severity::{label_level}")),
        council=council,
        cve_request=None,
    )


LOW_VECTOR = "AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N"  # 3.7
HIGH_VECTOR = "AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:N"  # 8.5
CRITICAL_VECTOR = "AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"  # 9.9


# -- golden files ---------------------------------------------------------------------------


def test_checklist_planned_golden(demo: ReleaseSnapshot) -> None:
    text = render_checklist(build_checklist(demo), demo.config)
    check_golden("checklist_planned.md", text)


def test_checklist_unplanned_golden(demo: ReleaseSnapshot) -> None:
    text = render_checklist(build_checklist(demo, unplanned=True), demo.config)
    check_golden("checklist_unplanned.md", text)


def test_handover_golden(demo: ReleaseSnapshot) -> None:
    handover = build_handover(
        demo, status="CVEs updated, blog post reviewed", next_step="publish after the post"
    )
    check_golden("handover.md", render_handover(handover))


def test_notify_golden(demo: ReleaseSnapshot) -> None:
    url = "https://about.gitlab.com/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"
    check_golden("notify.md", render_notifications(build_notifications(demo, url)))


def test_email_golden(demo: ReleaseSnapshot) -> None:
    mail = render_email(build_email(demo))
    assert mail.subject == "GitLab Patch Release: 18.10.1, 18.9.3, 18.8.7"
    check_golden("email.txt", mail.text)
    check_golden("email.html", mail.html)


def test_thanks_golden(demo: ReleaseSnapshot) -> None:
    check_golden("thanks.md", render_thanks(build_thanks(demo)))


# -- checklist ------------------------------------------------------------------------------


def test_checklist_is_a_task_list_with_the_tool_commands(demo: ReleaseSnapshot) -> None:
    text = render_checklist(build_checklist(demo), demo.config)
    for command in (
        "psirt validate",
        "psirt update-cves",
        "psirt blog generate",
        "psirt blog lint",
        "psirt verify-fixes",
        "psirt close --close-issues --publish-cves --notify-hackerone",
        "psirt thanks",
        "psirt email",
        "psirt notify",
        "psirt handover",
    ):
        assert command in text, command
    sections = re.findall(r"^### (.+)$", text, re.M)
    assert sections == [
        "Pre-release (starts about 2 days before the release)",
        "Release day",
        "Post-release (after the blog post is published)",
    ]
    assert "Unplanned critical" not in text
    assert len(re.findall(r"^\s*- \[ \] ", text, re.M)) >= 15


def test_unplanned_checklist_adds_the_s1_steps_first_and_tells_everyone(
    demo: ReleaseSnapshot,
) -> None:
    low_only = replace(demo, issues=(with_severity(demo.issues[0], 4, LOW_VECTOR),))
    planned = build_checklist(low_only)
    assert [p.key for p in planned.pings] == ["marketing", "legal"]
    unplanned = build_checklist(low_only, unplanned=True)
    assert unplanned.severity == 1
    assert "dedicated" in [p.key for p in unplanned.pings]
    text = render_checklist(unplanned, demo.config)
    assert text.index("### Unplanned critical (S1) release") < text.index("### Pre-release")
    assert "Request the CVE as soon as the vulnerability is verified" in text
    assert '~"security" and ~"upcoming security release"' in text
    assert "confirm that GitLab.com is remediated" in text


def test_checklist_label_names_come_from_the_config(demo: ReleaseSnapshot) -> None:
    config = demo.config.model_copy(
        update={
            "labels": demo.config.labels.model_copy(
                update={"description_validated": "cve::reviewed"}
            )
        }
    )
    text = render_checklist(build_checklist(demo), config)
    assert '~"cve::reviewed"' in text
    assert "description::validated" not in text


# -- severity and stakeholders --------------------------------------------------------------


@pytest.mark.parametrize(
    ("vector", "label", "expected"),
    [
        (LOW_VECTOR, 4, ["marketing", "legal"]),
        (HIGH_VECTOR, 2, ["marketing", "legal", "field_security", "support"]),
        (
            CRITICAL_VECTOR,
            1,
            [
                "marketing",
                "legal",
                "field_security",
                "support",
                "dedicated",
                "corporate_communications",
                "comms_channel",
            ],
        ),
    ],
)
def test_notify_tells_who_the_worst_fix_requires(
    demo: ReleaseSnapshot, vector: str, label: int, expected: list[str]
) -> None:
    lone = replace(demo, issues=(with_severity(demo.issues[0], label, vector),))
    notes = build_notifications(lone, "https://example.com/post/")
    assert [p.key for p in notes.pings] == expected
    text = render_notifications(notes)
    handles = demo.config.people.stakeholders
    addressed = re.findall(r"^### \d+\. [^:]+: (\S+)$", text, re.M)
    assert addressed == [handles[key] for key in expected]


def test_notify_names_the_missing_handle(demo: ReleaseSnapshot) -> None:
    config = demo.config.model_copy(
        update={"people": PeopleConfig(stakeholders={"marketing": "@m", "legal": "@l"})}
    )
    with pytest.raises(InputError, match=r"people\.stakeholders has no handle for field_security"):
        build_notifications(replace(demo, config=config), None)


def test_notify_counts_the_shipped_fixes_as_published_and_tells_by_the_worst_source(
    demo: ReleaseSnapshot,
) -> None:
    """A low fix labelled critical: the post and the e-mail rate it low, and so do notify's
    counts; who is told follows the label (telling too many is the smaller mistake)."""
    lone = replace(demo, issues=(with_severity(demo.issues[0], 1, LOW_VECTOR),))
    notes = build_notifications(lone, None)
    assert notes.counts == (("low", 1),)
    assert [e.severity for e in build_email(lone).fixes] == ["Low"]
    assert notes.severity_name == "critical"
    assert "dedicated" in [p.key for p in notes.pings]


def test_notify_leaves_out_a_held_back_fix(demo: ReleaseSnapshot) -> None:
    post = build_post(demo)
    held = {entry.ref for entry in post.held_back}
    assert held, "the demo holds a fix back"
    counted = sum(n for _name, n in build_notifications(demo, None).counts)
    assert counted == len(post.table) == len(demo.issues) - len(held)


def test_notify_needs_a_severity(demo: ReleaseSnapshot) -> None:
    item = replace(
        demo.issues[0],
        issue=replace(demo.issues[0].issue, labels=()),
        council=None,
        cve_request=None,
    )
    with pytest.raises(InputError, match="no shipped fix of the release has a severity"):
        build_notifications(replace(demo, issues=(item,)), None)


# -- e-mail ---------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The visible text of the HTML body, blocks separated by spaces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_body = self._in_body or tag == "body"
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._in_body:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def text_facts(text: str) -> str:
    lines = [re.sub(r"^- ", "", line) for line in text.splitlines()]
    return " ".join(" ".join(lines).split())


def test_email_html_and_text_say_the_same(demo: ReleaseSnapshot) -> None:
    mail = render_email(build_email(demo))
    assert html_text(mail.html) == text_facts(mail.text)
    assert "10 security vulnerabilities: 2 critical, 1 high, 5 medium, 2 low." in mail.text


def test_email_says_nothing_the_blog_post_does_not(demo: ReleaseSnapshot) -> None:
    post = build_post(demo)
    blog = render_post(post, demo.config)
    email = build_email(demo)
    mail = render_email(email)
    assert email.blog_url == post.url and post.url in mail.text
    assert email.versions == post.versions
    for item in email.fixes:
        assert item.cve_id is None or item.cve_id in blog
        assert item.severity in blog
    for entry in post.table:  # the blog post's titles, escaped as Markdown there
        assert entry.title in mail.text
    # no description, vector or credit: the overshared description stays out of the e-mail
    assert "/api/v4/projects" in blog
    assert "/api/v4" not in mail.text and "CVSS" not in mail.text
    assert "hackerone" not in mail.text.lower()


def test_email_escapes_html(demo_root: Path) -> None:
    session = open_session(Workspace(demo_root))
    nasty = '<script>alert("x")</script> & <b>bold</b> issue in export impacts GitLab CE/EE'
    session.tracker.update_issue(IssueRef("gitlab-org/cves", 3101), IssueUpdate(title=nasty))
    mail = render_email(build_email(session.snapshot()))
    assert "<script>" not in mail.html and "<b>" not in mail.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in mail.html
    assert nasty in mail.text
    assert html_text(mail.html) == text_facts(mail.text)


# -- thank-you ------------------------------------------------------------------------------


def test_thanks_names_each_person_once_in_their_first_role(demo: ReleaseSnapshot) -> None:
    thanks = build_thanks(demo)
    names = names_in(thanks.groups)
    assert len(names) == len(set(names))
    groups = {group.role: group.names for group in thanks.groups}
    assert groups["release_managers"] == ("Ana Ramos", "Ben Okafor")
    # Hana Sato reviews and authored a revert: a reviewer, not a fix author
    assert groups["authors"] == ("Chen Wei", "Dana Diaz", "Erik Eriksen", "Fatima Haddad")
    assert groups["reviewers"] == ("Gus Moreau", "Hana Sato")
    assert groups["psirt_reviewers"] == ("Ivan Petrov", "Julia Kowalski")
    # the internal find credits Dana Diaz, already thanked as an author
    assert "rxss (HackerOne)" in groups["reporters"]
    assert not any("Dana" in name for name in groups["reporters"])


def test_thanks_credits_an_internal_finder_by_name(demo: ReleaseSnapshot) -> None:
    internal = fix(demo, 1109)
    details = replace(internal.details, thanks="Olga Novak (@olga-sec)")
    names = demo.config.people.names | {"olga-sec": "Olga Novak"}
    config = demo.config.model_copy(
        update={"people": demo.config.people.model_copy(update={"names": names})}
    )
    snapshot = replace(demo, config=config, issues=(replace(internal, details=details),))
    groups = {g.role: g.names for g in build_thanks(snapshot).groups}
    assert groups["reporters"] == ("Olga Novak",)


# -- the task issue's links -----------------------------------------------------------------


def test_task_links_from_lines_lists_tables_and_markdown_links() -> None:
    config = Config()
    description = (
        "Security tracking issue: gitlab-org/gitlab#50000\n"
        "- **Security communications issue**: "
        "[comms](https://gitlab.com/gitlab-com/marketing/security-communications/-/issues/7)\n"
        "| Draft blog post MR | gitlab-org/security/www-gitlab-com!413 |\n"
        "* Canonical blog post MR: https://gitlab.com/gitlab-com/www-gitlab-com/-/merge_requests/9\n"
        "Notes: nothing to link here\n"
    )
    links = task_links(description, config)
    assert links.tracking == "https://gitlab.com/gitlab-org/gitlab/-/issues/50000"
    assert links.communications == (
        "https://gitlab.com/gitlab-com/marketing/security-communications/-/issues/7"
    )
    assert links.draft_blog_mr == (
        "https://gitlab.com/gitlab-org/security/www-gitlab-com/-/merge_requests/413"
    )
    assert links.blog_mr == "https://gitlab.com/gitlab-com/www-gitlab-com/-/merge_requests/9"
    assert task_links("nothing here\n", config) == TaskLinks()


def test_handover_defaults_to_the_other_release_manager(demo: ReleaseSnapshot) -> None:
    assert build_handover(demo, status="s", next_step="n").to == "ben-psirt"
    back = build_handover(demo, status="s", next_step="n", sender="ben-psirt")
    assert back.to == "ana-psirt"
    assert build_handover(demo, status="s", next_step="n", to="@zoe").to == "zoe"
    alone = replace(demo, release=replace(demo.release, release_managers=("ana-psirt",)))
    with pytest.raises(InputError, match="pass --to USER"):
        build_handover(alone, status="s", next_step="n")


def test_release_status_counts_what_is_left(demo: ReleaseSnapshot) -> None:
    status = release_status(demo, (3, 1))
    assert status.cves_not_validated == (
        "gitlab-org/cves#3105",
        "gitlab-org/cves#3106",
        "gitlab-org/cves#3108",
        "gitlab-org/cves#3110",
    )
    assert status.line() == (
        "11 fixes, 4 findings left (3 errors), 4 CVEs not yet validated, 0 MRs not merged"
    )
    item = demo.issues[0]
    opened = replace(item.merge_requests[0], state="opened")
    pending = replace(item, merge_requests=(opened, *item.merge_requests[1:]))
    later = release_status(replace(demo, issues=(pending, *demo.issues[1:])))
    assert later.mrs_not_merged == (str(opened.ref),)
    assert "findings" not in later.line()


def test_a_one_version_release_speaks_of_one_version(demo: ReleaseSnapshot) -> None:
    # An unplanned critical release may ship a single version: the post and the e-mail must
    # not say "versions 18.10.2 ... one of these versions".
    from psirt.core.versions import Version

    one = replace(demo, release=replace(demo.release, versions=(Version.parse("18.10.2"),)))
    post = render_post(build_post(one), one.config)
    email = render_email(build_email(one))
    for text in (post, email.text, email.html):
        assert "we released version 18.10.2 for" in text
        assert "This version contains important bug and security fixes" in text
        assert "be upgraded to this version immediately" in text
        assert "these versions" not in text.lower()
    assert "GitLab Patch Release: 18.10.2" in post
