"""The patch release blog post (DOMAIN.md section 4), as a model and its rendering.

``build_post`` is a pure function of the release snapshot (and the non-security merge requests
for "Bug fixes"); ``render_post`` fills ``blog_post.md.j2``, which a workspace may override.
Headings and their anchors are made here, with the one slug function, so every link in the table
resolves to the heading the template writes.
"""

from __future__ import annotations

from pathlib import Path

from psirt.compute.post import BlogPost
from psirt.core.config import Config
from psirt.render.env import render

TEMPLATE = "blog_post.md.j2"


def render_post(post: BlogPost, config: Config, templates_dir: Path | None = None) -> str:
    day = post.release_date
    return render(
        TEMPLATE,
        {
            "post": post,
            "product": config.product.name,
            "date_text": f"{day:%B} {day.day}, {day.year}",
        },
        templates_dir,
    )
