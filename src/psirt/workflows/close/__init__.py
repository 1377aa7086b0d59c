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

One job per module, in the order a run goes through them:

* ``options``: what was asked (the steps, the blog URL or ``--blog-published``);
* ``gate``: whether the blog post is public (over HTTP);
* ``facts``: per fix, the versions that carry it, the markers, whether its CVE may be published;
* ``steps``: the actions of each step for one fix, or why it is refused;
* ``plan``: the whole plan, pure, from the snapshot;
* ``run``: ``run_close``, the only part that touches the outside world;
* ``report``: the plan for people and for scripts.

The texts that close writes (the canonical issue's note, the bounty reminder, the reporter's
comment and the resolve message) are templates in ``psirt/render/templates/close/``.
"""

from psirt.workflows.close.facts import version_words
from psirt.workflows.close.gate import BlogAnswer, BlogGate, HttpGet, check_blog, http_get
from psirt.workflows.close.options import (
    CLOSE_ISSUES,
    NOTIFY_HACKERONE,
    PUBLISH_CVES,
    CloseOptions,
)
from psirt.workflows.close.plan import ClosePlan, build_close_plan, record_builder
from psirt.workflows.close.report import close_json, render_close
from psirt.workflows.close.run import run_close
from psirt.workflows.close.steps import Refusal

__all__ = [
    "CLOSE_ISSUES",
    "NOTIFY_HACKERONE",
    "PUBLISH_CVES",
    "BlogAnswer",
    "BlogGate",
    "CloseOptions",
    "ClosePlan",
    "HttpGet",
    "Refusal",
    "build_close_plan",
    "check_blog",
    "close_json",
    "http_get",
    "record_builder",
    "render_close",
    "run_close",
    "version_words",
]
