"""The close plan for people and for scripts: close's own sections (the blog gate, what is
refused, the reports nobody has paid) around the actions as every plan renders them."""

from __future__ import annotations

from typing import Any

from psirt.render.plan import plan_json, plan_lines
from psirt.workflows.close.plan import ClosePlan


def render_close(result: ClosePlan, *, live: bool = False, diffs: bool = True) -> str:
    release, blog = result.release, result.blog
    lines = [
        f"close plan for {release.version_list} ({release.tracking_issue.ref}): "
        + ", ".join(result.options.steps)
    ]
    if blog is not None:
        state = "public" if blog.public else "NOT public"
        lines.append(f"blog post {blog.url or '(unknown URL)'}: {state} ({blog.reason})")
    lines.append("")
    lines.append("actions:" if result.plan.actions else "actions: none")
    if result.plan.actions:
        lines += plan_lines(result.plan, result.outcomes, diffs=diffs)
    if result.refusals:
        lines.append("")
        lines.append("refused (not in the plan):")
        lines.extend(f"- [{r.step}] {r.subject}: {r.reason}" for r in result.refusals)
    if result.unpaid:
        lines.append("")
        lines.append("reports still without a bounty:")
        lines.extend(f"- {r.id} ({r.reporter}): {r.url or r.title}" for r in result.unpaid)
    if not live and result.plan.actions:
        lines.append("")
        lines.append("dry run: nothing was written; add --live to apply.")
    return "\n".join(lines)


def close_json(result: ClosePlan) -> dict[str, Any]:
    blog = result.blog
    return {
        "release": result.release.version_list,
        "steps": list(result.options.steps),
        "blog": None
        if blog is None
        else {"url": blog.url, "public": blog.public, "reason": blog.reason},
        "blocked": result.blocked,
        "actions": plan_json(result.plan, result.outcomes),
        "refused": [r.__dict__ for r in result.refusals],
        "unpaid": [{"id": r.id, "reporter": r.reporter, "url": r.url} for r in result.unpaid],
    }
