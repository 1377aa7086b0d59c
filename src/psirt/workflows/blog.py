"""``psirt blog generate`` and ``psirt blog lint``: the post from the release, and its review."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from psirt.compute.confidential import Confidential
from psirt.compute.post import BlogPost, build_post
from psirt.core.errors import InputError
from psirt.core.files import atomic_write
from psirt.core.finding import Finding
from psirt.parsing.file_lines import in_file
from psirt.render.blog import render_post
from psirt.render.findings import FindingsReport, by_subject, counts

if TYPE_CHECKING:
    from psirt.model.release import ReleaseSnapshot
    from psirt.session import Session

OUT_DIR = "out"
POST_FILE = "blog.md"


@dataclass(frozen=True)
class GeneratedPost:
    post: BlogPost
    text: str


def default_post_path(session: Session) -> Path:
    """``out/blog.md`` in the workspace: where ``blog generate`` (and the demo) writes the post
    and ``blog lint`` and ``verify-fixes`` read it unless told another file."""
    return session.workspace.root / OUT_DIR / POST_FILE


def expected_post(session: Session, snapshot: ReleaseSnapshot) -> BlogPost:
    """The post the release produces now; bug fixes are the MRs into its stable branches."""
    return build_post(snapshot, snapshot.merge_requests)


def held_back_lines(post: BlogPost) -> list[str]:
    """What the post leaves out on purpose, for the engineer to confirm."""
    return [
        f"held back: {entry.cve_id or entry.title} ({entry.ref}): a merge request of the fix "
        "was reverted, so the post leaves it out (verify-fixes says what of it still ships)"
        for entry in post.held_back
    ]


def generate(session: Session, release_issue: int | None = None) -> GeneratedPost:
    snapshot = session.snapshot(release_issue)
    post = expected_post(session, snapshot)
    text = render_post(post, session.config, session.workspace.templates_dir)
    return GeneratedPost(post, text)


def lint_text(
    text: str,
    subject: str,
    expected: BlogPost | None,
    confidential: Confidential | None = None,
) -> list[Finding]:
    """Blog lint; ``confidential``: what the release keeps secret (its issues and titles),
    psirt.toml's defaults when None."""
    from psirt.parsing.blog_post import parse_post
    from psirt.rules.blog import BlogLintContext, lint

    return lint(BlogLintContext(parse_post(text), subject, expected, confidential))


def read_post(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            "no such file (run `psirt blog generate` first, or give the post's path)",
            where=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the post: {exc}", where=str(path)) from exc


def lint_file(
    path: Path, session: Session | None, release_issue: int | None = None
) -> FindingsReport:
    """Lint a post; with a session, also against what the release contains now."""
    text = read_post(path)
    expected = confidential = None
    if session is not None:
        snapshot = session.snapshot(release_issue)
        expected = expected_post(session, snapshot)
        confidential = Confidential.of(session.config, snapshot)
    findings = in_file(lint_text(text, path.name, expected, confidential), str(path))
    return by_subject(findings, f"{path}: {counts(findings)}")


def write_text(path: Path, text: str) -> None:
    atomic_write(path, text)


def summarize(findings: list[Finding]) -> str:
    return counts(findings)
