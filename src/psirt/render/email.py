"""The Security Alerts e-mail, in text and HTML.

It is built from the blog post's own model, so it cannot state a fix, a version or a severity
that the post does not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from psirt.compute.post import build_post
from psirt.compute.severity import SEVERITY_TITLES
from psirt.model.release import ReleaseSnapshot
from psirt.render.env import render

EMAIL_TEXT_TEMPLATE = "email.txt.j2"
EMAIL_HTML_TEMPLATE = "email.html.j2"


@dataclass(frozen=True)
class EmailFix:
    severity: str  # "Critical" .. "Low", "" when unknown
    title: str
    cve_id: str | None


@dataclass(frozen=True)
class Email:
    subject: str
    product: str
    editions: str
    date_text: str
    versions: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]  # ("Critical", 2) ... in severity order, non-zero only
    fixes: tuple[EmailFix, ...]  # the post's table order
    blog_url: str

    @property
    def total(self) -> int:
        return len(self.fixes)


def build_email(snapshot: ReleaseSnapshot) -> Email:
    """The Security Alerts e-mail, from the blog post's model: same versions, same fixes, same
    severities, same URL; no description, vector or credit (the post is where those live)."""
    post = build_post(snapshot)
    counted = Counter(entry.severity for entry in post.table)
    counts = tuple((name, counted[name]) for name in SEVERITY_TITLES if counted[name])
    if counted[""]:
        counts = (*counts, ("Unrated", counted[""]))
    day = post.release_date
    return Email(
        subject=post.title,
        product=snapshot.config.product.name,
        editions=post.editions,
        date_text=f"{day:%B} {day.day}, {day.year}",
        versions=post.versions,
        counts=counts,
        fixes=tuple(EmailFix(e.severity, e.title, e.cve_id) for e in post.table),
        blog_url=post.url,
    )


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(email: Email, templates_dir: Path | None = None) -> RenderedEmail:
    context = {"e": email}
    return RenderedEmail(
        subject=email.subject,
        text=render(EMAIL_TEXT_TEMPLATE, context, templates_dir),
        html=render(EMAIL_HTML_TEMPLATE, context, templates_dir),
    )
