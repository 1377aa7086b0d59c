"""``psirt blog generate`` and ``psirt blog lint``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.common import (
    FindingsFormat,
    FindingsFormatOption,
    FormatOption,
    OutputFormat,
    ReleaseIssueOption,
    command_group,
    print_findings,
)

#: Where ``blog generate`` writes the post and ``blog lint`` and ``verify-fixes`` read it
#: (``psirt.workflows.blog.default_post_path``).
DEFAULT_POST = "out/blog.md in the workspace"


def register(app: typer.Typer) -> None:
    blog_app = command_group("The patch release blog post: generate it, lint it.")

    @blog_app.command("generate")
    def generate(
        ctx: typer.Context,
        output_file: Annotated[
            str | None,
            typer.Option(
                "--output",
                "-o",
                metavar="FILE",
                help=f"Write the post here (default: {DEFAULT_POST}; '-': standard output).",
            ),
        ] = None,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """Write the post for the release (GitLab's current format) from the CVE requests."""
        from psirt.cli.common import echo_json, state
        from psirt.workflows.blog import default_post_path, held_back_lines, write_text
        from psirt.workflows.blog import generate as run_generate

        session = state(ctx).session()
        result = run_generate(session, release_issue)
        held = held_back_lines(result.post)
        path = None
        if output_file != "-":
            path = Path(output_file) if output_file else default_post_path(session)
            write_text(path, result.text)
        if output is OutputFormat.json:
            echo_json(
                {
                    "path": str(path) if path is not None else None,
                    "held_back": held,
                    "text": result.text,
                }
            )
            return
        for line in held:
            typer.echo(line, err=True)
        if path is None:
            typer.echo(result.text, nl=False)
            return
        typer.echo(f"blog post written to {path}", err=True)

    @blog_app.command("lint")
    def lint(
        ctx: typer.Context,
        post: Annotated[
            Path | None,
            typer.Argument(
                help=f"The post, Markdown with front matter (default: {DEFAULT_POST}).",
                show_default=False,
            ),
        ] = None,
        output: FindingsFormatOption = FindingsFormat.text,
        release_issue: ReleaseIssueOption = None,
    ) -> None:
        """Review the post as the handbook asks; exit 1 when any error is found.

        Inside a workspace the post is also checked against the release (every fix present and
        nothing else, the author on rotation); elsewhere only the post itself is checked.
        """
        from psirt.cli.common import state
        from psirt.core.errors import ExitCode, InputError
        from psirt.workflows.blog import default_post_path, lint_file

        session = state(ctx).optional_session()
        if post is None:
            if session is None:
                raise InputError("give the post to lint: outside a workspace there is no default")
            post = default_post_path(session)
        report = lint_file(post, session, release_issue)
        if session is None:  # said once the post was read: an unreadable post is one line
            typer.echo("note: no workspace; checking the post alone", err=True)
        print_findings(report, output)
        raise typer.Exit(int(ExitCode.FINDINGS if report.failed else ExitCode.OK))

    app.add_typer(blog_app, name="blog")
