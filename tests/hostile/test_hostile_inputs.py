"""Hostile and broken input, through the real command line: each case breaks one thing in a
copy of the demo workspace (or hands the command a hostile file) and runs ``psirt`` in process.

Every case ends in either ONE line ``psirt: error: ...`` naming the file (and line, where there
is one) with the documented exit code (``core/errors.py``: 2 bad input, 3 a remote service), or
in findings (exit 1) that name the problem; never a traceback, never a hang. A refused or
read-only run leaves the workspace byte for byte as it was. None takes more than a moment
(``benchmarks/hostile_inputs.py`` prints the times; nothing here asserts one).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.trackers.gitlab_access import configured_projects
from tests.conftest import tree_digest
from tests.fakes.gitlab_server import FakeGitLab, seed_from_tracker, use_fake_gitlab

ISSUE = "projects/gitlab-org/security/gitlab/issues/1101.md"
CVE_REQUEST = "projects/gitlab-org/cves/issues/3101.md"
HUGE = "9" * 5000  # more digits than Python converts to int (4,300)


# -- how a case breaks the workspace -----------------------------------------------------------


def _edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def setup(ws: Path) -> None:
        file = ws / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def _alias_bomb(ws: Path) -> None:
    """Nine aliases per level, seven levels: 9**7 strings once expanded (about 2 KB here)."""
    lines = ['  a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n']
    for level in range(1, 8):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"  a{level}: &a{level} [{refs}]\n")
    _edit(CVE_REQUEST, "  cwe: CWE-94\n", "  cwe: CWE-94\n" + "".join(lines))(ws)


def _unclosed_fences(ws: Path) -> None:
    """32,000 lines that each open a yaml fence and none closes (quadratic for a regex)."""
    file = ws / CVE_REQUEST
    text = file.read_text(encoding="utf-8")
    file.write_text(text[: text.index("```yaml")] + "```yaml\n" * 32_000, encoding="utf-8")


def _deep_flow(ws: Path) -> None:
    _edit(
        CVE_REQUEST, "  cwe: CWE-94\n", "  deep: " + "[" * 5000 + "]" * 5000 + "\n  cwe: CWE-94\n"
    )(ws)


def _post(front_matter: str) -> Callable[[Path], None]:
    """A post (outside the workspace) whose front matter holds ``front_matter``."""

    def setup(ws: Path) -> None:
        text = f"---\ntitle: GitLab Patch Release\n{front_matter}---\n\n## Security fixes\n"
        (ws.parent / "post.md").write_text(text, encoding="utf-8")

    return setup


_BOMB = "".join(
    [f"a0: &a0 [{', '.join(['x'] * 9)}]\n"]
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 8)]
)


def _append(path: str, data: bytes) -> Callable[[Path], None]:
    def setup(ws: Path) -> None:
        with (ws / path).open("ab") as handle:
            handle.write(data)

    return setup


def _symlink_loop(ws: Path) -> None:
    issue = ws / "projects/gitlab-org/security/gitlab/issues/1102.md"
    issue.unlink()
    issue.symlink_to(issue.name)


def _fifo(ws: Path) -> None:
    os.mkfifo(ws / "projects/gitlab-org/security/gitlab/issues/1199.md")


def _template(name: str, text: str) -> Callable[[Path], None]:
    def setup(ws: Path) -> None:
        (ws / "templates").mkdir(exist_ok=True)
        (ws / "templates" / name).write_text(text, encoding="utf-8")

    return setup


def _deep_json(ws: Path) -> None:
    (ws.parent / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def _wrong_types(ws: Path) -> None:
    file = ws / CVE_REQUEST
    text = file.read_text(encoding="utf-8")
    text = re.sub(r'  description: ".*"\n', "  description:\n    - one\n    - two\n", text, count=1)
    file.write_text(text.replace('  credit: "Thanks', '  credit: {a: 1}\n  note: "Thanks'), "utf-8")


@dataclass(frozen=True)
class Case:
    """``args`` run with ``{ws}`` and ``{tmp}`` filled in, after ``setup`` broke the copy.

    ``says``: fragments of the one error line (an error case) or of standard output (a
    findings case, ``code`` 1); ``absent``: what standard output must not hold."""

    id: str
    setup: Callable[[Path], None]
    args: tuple[str, ...]
    code: int
    says: tuple[str, ...]
    absent: tuple[str, ...] = ()


CASES = [
    Case(
        "crlf-cve-request",
        lambda ws: (ws / CVE_REQUEST).write_bytes(
            (ws / CVE_REQUEST).read_bytes().replace(b"\n", b"\r\n")
        ),
        ("validate",),
        1,
        ("checked",),
        absent=("gitlab-org/cves#3101 yaml",),
    ),
    Case(
        "yaml-alias-bomb",
        _alias_bomb,
        ("validate",),
        1,
        (
            "CVE001 gitlab-org/cves#3101 yaml",
            "aliases (*a0) are not allowed",
            # the alias is on line 6 of the block: line 12 of the description
            "at line 12 of the description",
            "at projects/gitlab-org/cves/issues/3101.md:",
        ),
    ),
    Case(
        "unclosed-yaml-fence",
        _unclosed_fences,
        ("validate",),
        1,
        ("CVE001 gitlab-org/cves#3101 yaml: no ```yaml block",),
    ),
    Case(
        "yaml-nested-flow",
        _deep_flow,
        ("validate",),
        1,
        ("CVE001 gitlab-org/cves#3101 yaml", "nested more than 32 levels"),
    ),
    Case(
        "post-front-matter-alias-bomb",
        _post(_BOMB),
        ("blog", "lint", "{tmp}/post.md"),
        1,
        ("BLG012", "aliases (*a0) are not allowed"),
    ),
    Case(
        "post-front-matter-nested-flow",
        _post("deep: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("blog", "lint", "{tmp}/post.md"),
        1,
        ("BLG012", "nested more than 32 levels"),
    ),
    Case(
        "huge-iid",
        _edit(ISSUE, "iid: 1101", f"iid: {HUGE}"),
        ("validate",),
        2,
        (f"{{ws}}/{ISSUE}:2", "5000 digits"),
    ),
    Case(
        "huge-reference",
        _edit(ISSUE, "issue: gitlab-org/cves#3101", f"issue: gitlab-org/cves#{HUGE}"),
        ("validate",),
        2,
        (f"{{ws}}/{ISSUE}:21", "links[1].issue", "issue reference"),
    ),
    Case(
        "huge-cwe-in-cve-yaml",
        _edit(CVE_REQUEST, "cwe: CWE-94", f"cwe: CWE-{HUGE}"),
        ("validate",),
        1,
        ("CVE004 gitlab-org/cves#3101 cwe",),
    ),
    Case(
        "huge-cwe-on-the-command-line",
        lambda ws: None,
        ("cwe", f"CWE-{HUGE}"),
        2,
        ("not a CWE id",),
    ),
    Case(
        "huge-version-affected",
        _edit(ISSUE, "| Version affected | 16.10 |", f"| Version affected | {HUGE}.1 |"),
        ("validate",),
        1,
        ("ISS001 Details: Version affected",),
    ),
    Case(
        "config-not-utf8",
        _append("psirt.toml", b"\n# caf\xe9\n"),
        ("validate",),
        2,
        ("{ws}/psirt.toml:", "expected UTF-8 text"),
    ),
    Case(
        "config-no-editions",
        _edit("psirt.toml", "[product]\n", "[product]\neditions = []\n"),
        ("validate",),
        2,
        ("{ws}/psirt.toml", "product.editions", "at least one edition"),
    ),
    Case(
        "config-blog-placeholder",
        _append("psirt.toml", b'\n[blog]\ntitle_template = "GitLab {version}"\n'),
        ("validate",),
        2,
        ("{ws}/psirt.toml", "blog.title_template", "{versions}", "'version'"),
    ),
    Case(
        "config-bounty-placeholder",
        _edit("psirt.toml", "[bounty]\n", '[bounty]\nreport_url = "https://h1.example/{report}"\n'),
        ("validate",),
        2,
        ("{ws}/psirt.toml", "bounty.report_url", "{id}"),
    ),
    Case(
        "symlink-loop",
        _symlink_loop,
        ("validate",),
        2,
        ("{ws}/projects/gitlab-org/security/gitlab/issues/1102.md", "symbolic link that loops"),
    ),
    Case(
        "fifo-named-like-an-issue",
        _fifo,
        ("validate",),
        2,
        ("{ws}/projects/gitlab-org/security/gitlab/issues/1199.md", "not a regular file"),
    ),
    Case(
        "cve-lint-deep-json",
        _deep_json,
        ("cve", "lint", "{tmp}/deep.json"),
        2,
        ("{tmp}/deep.json", "nested more than 64 levels"),
    ),
    Case(
        "hackerone-row-other-host",
        _edit(
            ISSUE,
            "| HackerOne report | https://hackerone.com/reports/3100001 |",
            "| HackerOne report | https://hackerone.co/reports/3100001 |",
        ),
        ("validate",),
        1,
        ('ISS016 Links: HackerOne report "https://hackerone.co/reports/3100001"',),
    ),
    Case(
        "hackerone-row-typo-refuses-close",
        _edit(
            ISSUE,
            "| HackerOne report | https://hackerone.com/reports/3100001 |",
            "| HackerOne report | https://hackerone.com/report/3100001 |",
        ),
        ("close", "--notify-hackerone", "--blog-published"),
        4,
        ("[notify-hackerone] gitlab-org/security/gitlab#1101", "names no HackerOne report"),
    ),
    Case(
        "invalid-cvss-vector-export",
        _edit(CVE_REQUEST, "S:C/C:H/I:H/A:H   #", "S:C/C:H/I:H/A:Q   #"),
        ("cve", "export", "-o", "{tmp}/cves"),
        1,
        ("CVE-2026-4101", "REC031 metrics: none"),
    ),
    Case(
        "cve-yaml-wrong-types",
        _wrong_types,
        ("validate",),
        1,
        (
            "CVE030 gitlab-org/cves#3101 description: expected a text, found a list",
            "CVE030 gitlab-org/cves#3101 credit: expected a text, found a mapping",
        ),
        absent=("['one', 'two']",),
    ),
    Case(
        "template-escapes-the-sandbox",
        _template("thanks.md.j2", "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"),
        ("thanks",),
        2,
        ("thanks.md.j2", "sandbox", "__class__"),
    ),
    Case(
        "template-huge-range",
        _template("thanks.md.j2", "{{ range(10**9) | list }}\n"),
        ("thanks",),
        2,
        ("thanks.md.j2", "template failed"),
    ),
]


def _fill(text: str, ws: Path, tmp: Path) -> str:
    return text.replace("{ws}", str(ws)).replace("{tmp}", str(tmp))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_input_is_one_line_or_a_finding(
    case: Case,
    tmp_path: Path,
    demo_template: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(demo_template, ws)
    case.setup(ws)
    monkeypatch.chdir(ws)
    before = tree_digest(ws)

    code = run_app(app, [_fill(arg, ws, tmp_path) for arg in case.args])

    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == case.code, err
    if case.code in (ExitCode.USAGE, ExitCode.REMOTE):
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("psirt: error: "), err
        shown = lines[0]
    else:
        shown = out
    for fragment in case.says:
        assert _fill(fragment, ws, tmp_path) in shown, shown[-2000:]
    for fragment in case.absent:
        assert fragment not in out
    assert tree_digest(ws) == before  # read-only or refused: nothing in the workspace changed


# -- GitLab answering 200 with the wrong shape -----------------------------------------------


@pytest.mark.parametrize(
    ("path", "payload", "says"),
    [
        ("/issues", {"message": "not a list"}, "search issues failed"),
        ("/notes", {"id": 1}, "list notes failed"),
        ("/issues", [{"title": "no iid", "web_url": "nope"}], "without a whole-number 'iid'"),
    ],
    ids=["object-for-issue-list", "object-for-note-list", "issue-without-iid"],
)
def test_a_malformed_gitlab_answer_is_one_line_and_exit_3(
    path: str,
    payload: object,
    says: str,
    demo_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = open_session(Workspace(demo_root), env={})
    with FakeGitLab() as fake:
        seed_from_tracker(fake, local.tracker, configured_projects(local.config))
        use_fake_gitlab(demo_root, fake, monkeypatch)
        fake.answer(payload, path=path, times=1000)
        before = tree_digest(demo_root)
        code = run_app(app, ["-w", str(demo_root), "validate"])
    out, err = capsys.readouterr()
    assert code == ExitCode.REMOTE, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("psirt: error: "), err
    assert says in lines[0] and "Traceback" not in out + err
    assert tree_digest(demo_root) == before


# -- CRLF: read as LF, written back as CRLF ----------------------------------------------------


def _to_crlf(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def test_a_crlf_workspace_validates_as_the_lf_one(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_app(app, ["-w", str(demo_root), "validate"]) == ExitCode.FINDINGS
    as_lf = capsys.readouterr().out
    for path in (demo_root / "projects").rglob("*.md"):
        _to_crlf(path)
    assert run_app(app, ["-w", str(demo_root), "validate"]) == ExitCode.FINDINGS
    assert capsys.readouterr().out == as_lf


def test_update_cves_keeps_a_crlf_request_crlf(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """3105 is a request update-cves fills in: after the live run the file has CRLF on every
    line (front matter and description alike) and reads the same as the LF run's."""
    lf_root = demo_root.parent / "lf"
    shutil.copytree(demo_root, lf_root)
    request = "projects/gitlab-org/cves/issues/3105.md"
    _to_crlf(demo_root / request)
    for root in (lf_root, demo_root):
        assert run_app(app, ["-w", str(root), "update-cves", "--live"]) == ExitCode.OK
    capsys.readouterr()
    written = (demo_root / request).read_bytes()
    assert written.count(b"\n") == written.count(b"\r\n") > 40
    assert b"fixed_versions: ['18.9.3', '18.10.1']" in written  # it was updated
    lf_text = (lf_root / request).read_text(encoding="utf-8")
    crlf_text = written.decode().replace("\r\n", "\n")
    dates = re.compile(r"\d{4}-\d\d-\d\dT[\d:]+\+00:00")  # each run stamps its own time
    assert dates.sub("T", crlf_text) == dates.sub("T", lf_text)
    assert run_app(app, ["-w", str(demo_root), "update-cves"]) == ExitCode.OK
    assert "every CVE request is up to date" in capsys.readouterr().out


# -- cve export: what no longer belongs to the release ---------------------------------------


def test_cve_export_removes_only_its_own_stale_records_and_names_the_others(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cves"
    run_app(app, ["-w", str(demo_root), "cve", "export", "-o", str(out)])
    assert (out / "CVE-2026-4101.json").is_file()
    (out / "CVE-2020-0001.json").write_text("{}\n", encoding="utf-8")  # someone else's file
    edited = out / "CVE-2026-4102.json"
    edited.write_text(edited.read_text(encoding="utf-8") + " ", encoding="utf-8")
    for request in ("3101", "3102"):  # both fixes lose their CVE id
        path = CVE_REQUEST.replace("3101", request)
        _edit(path, f"Reserved: CVE-2026-4{request[1:]}", "Reserved: (none yet)")(demo_root)
    capsys.readouterr()

    run_app(app, ["-w", str(demo_root), "cve", "export", "-o", str(out)])

    text = capsys.readouterr().out
    assert not (out / "CVE-2026-4101.json").exists()  # psirt wrote it, nobody changed it
    assert edited.is_file() and (out / "CVE-2020-0001.json").is_file()
    assert re.search(r"REC032 CVE-2026-4101\.json not a record of this release: removed", text)
    assert re.search(r"REC032 CVE-2026-4102\.json not a record of this release: left", text)
    assert re.search(r"REC032 CVE-2020-0001\.json not a record of this release: left", text)


# -- psirt thanks: data cannot ping a channel ------------------------------------------------


def test_thanks_escapes_slack_mentions_and_html_from_a_report(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(
        "hackerone/reports/3100001.yaml",
        "reporter: kaizen-sec",
        'reporter: "<!channel> @here <@U024BE7LH> <b>x</b>"',
    )(demo_root)
    assert run_app(app, ["-w", str(demo_root), "thanks"]) == ExitCode.OK
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("* Reported by"))
    for raw in ("<!channel>", "@here", "<@U024BE7LH>", "<b>"):
        assert raw not in line
    assert "&lt;!\u2060channel&gt;" in line and "&lt;b&gt;x&lt;/b&gt;" in line
    assert "@\u2060here" in line


def test_fields_of_the_wrong_kind_never_reach_the_post_or_a_record_as_python(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _wrong_types(demo_root)
    _edit(CVE_REQUEST, "    - https://hackerone.com/reports/3100001", "    - [nested, list]")(
        demo_root
    )
    post, records = tmp_path / "post.md", tmp_path / "cves"
    run_app(app, ["-w", str(demo_root), "blog", "generate", "-o", str(post)])
    run_app(app, ["-w", str(demo_root), "cve", "export", "-o", str(records)])
    capsys.readouterr()
    texts = [post.read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted(records.glob("*.json"))]
    assert len(texts) > 5
    for text in texts:
        for python in ("['", "{'", "', '", "nested, list"):
            assert python not in text
