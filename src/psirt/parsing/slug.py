"""The one heading-slug function, and the plain text of an inline Markdown heading.

The blog's table links to each fix by the anchor the site generator gives its heading: lower
case, punctuation dropped, each space a hyphen (so `` - `` becomes ``---`` and ``CE/EE``
becomes ``ceee``). Generating and linting the post both go through :func:`slug`, so a link the
generator writes is a link the linter resolves.
"""

from __future__ import annotations

import re

_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
_LINK = re.compile(r"!?\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`|~~)")
_TAG = re.compile(r"<[^>]*>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&"}


def slug(text: str) -> str:
    """The anchor of a heading whose plain text is ``text``."""
    return _DROP.sub("", text.strip().lower()).replace(" ", "-")


def plain_text(markdown: str) -> str:
    """What a reader sees of an inline Markdown text: link texts, no emphasis, no escapes."""
    text = _LINK.sub(lambda m: m.group(1), markdown)
    text = _TAG.sub("", text)
    placeholder = "\x00"
    text = text.replace("\\\\", placeholder)
    escaped: list[str] = []

    def keep(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\x01{len(escaped) - 1}\x01"

    text = _ESCAPE.sub(keep, text)
    text = _EMPHASIS.sub("", text)
    text = re.sub("\x01(\\d+)\x01", lambda m: escaped[int(m.group(1))], text)
    text = text.replace(placeholder, "\\")
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text.strip()


def heading_anchor(markdown: str) -> str:
    """The anchor of a Markdown heading line's text (without the leading ``#``)."""
    return slug(plain_text(markdown))
