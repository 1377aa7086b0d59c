"""The blog gate: close writes nothing before the release's blog post is public.

Public when ``--blog-published`` says so, or when the post's URL answers 200 with the post
itself (not a redirect elsewhere, not a page that does not name the release).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.model.release import Release
from psirt.workflows.close.options import CloseOptions

BLOG_TIMEOUT = 3.0


@dataclass(frozen=True)
class BlogAnswer:
    """What the post's URL answered: the status, the URL it ended at after redirects, the page."""

    status: int
    url: str
    text: str = ""


#: GET a URL (following redirects); raises ``OSError``/``httpx.HTTPError`` when unreachable.


#: GET a URL (following redirects); raises ``OSError``/``httpx.HTTPError`` when unreachable.
HttpGet = Callable[[str], BlogAnswer]


@dataclass(frozen=True)
class BlogGate:
    """Whether the blog post is public, and how we know."""

    url: str | None
    public: bool
    reason: str


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
