"""``run_close``: load the release, check the blog gate, plan, and run the plan (dry or live)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from psirt.workflows.close.gate import HttpGet, check_blog, http_get
from psirt.workflows.close.options import CloseOptions
from psirt.workflows.close.plan import ClosePlan, build_close_plan, record_builder

if TYPE_CHECKING:
    from psirt.cna.interface import Cna
    from psirt.core.workspace import Workspace
    from psirt.session import Session


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
    templates = session.workspace.templates_dir
    result = build_close_plan(snapshot, options, blog, cna, builder, templates)
    if result.blocked:
        if live:
            raise result.blocked_error()
        return result
    result.outcomes = run_plan(session, result.plan, live, cna=cna)
    return result
