"""Inline Markdown both ways: escaping text so it renders as itself, the one heading-slug
function, and the plain text of an inline Markdown heading.

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


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


_LINE_START = re.compile(r"^(\s*)([-+>=#]|\d+[.)])")


_SAFE_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\((https?://[^\s()<>\"']{1,500})\)")


def escape_html(text: object) -> str:
    """``&``, ``<``, ``>`` and quotes as entities: no tag, no attribute can be opened."""
    value = "" if text is None else str(text)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


_MENTION = re.compile(r"([@!])(?=[\w<])")


def escape_slack(text: object) -> str:
    """Text for a Slack message that shows as itself: ``&``, ``<`` and ``>`` as the entities
    Slack's formatting reference asks for (so ``<!channel>``, ``<@U123>`` or ``<https://x|y>``
    are text, not a mention or a link), and an invisible word joiner (U+2060) after each ``@``
    or ``!`` that starts a word, so ``@here``, ``@channel`` or ``@someone`` typed in a name
    pings nobody; on one line."""
    value = " ".join(("" if text is None else str(text)).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("\\1\u2060", value)


def _escape_inline(value: str) -> str:
    value = escape_html(value).replace("&quot;", '"')
    return _MD_SPECIAL.sub(r"\\\1", value)


def escape_markdown(text: object) -> str:
    """Inline Markdown that renders as the literal text, on one line."""
    value = " ".join(("" if text is None else str(text)).split())
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), _escape_inline(value))


def escape_markdown_links(text: object) -> str:
    """Escaped like :func:`escape_markdown`, keeping http(s) links of the ``[text](url)`` form."""
    value = " ".join(("" if text is None else str(text)).split())
    parts: list[str] = []
    last = 0
    for match in _SAFE_LINK.finditer(value):
        parts.append(_escape_inline(value[last : match.start()]))
        parts.append(f"[{_escape_inline(match.group(1))}]({match.group(2)})")
        last = match.end()
    parts.append(_escape_inline(value[last:]))
    joined = "".join(parts)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), joined)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def escape_quick_actions(text: str) -> str:
    """``text`` with every line that starts with ``/`` escaped as ``\\/``, outside code blocks.

    GitLab runs a quick action (``/label``, ``/close`` ...) written at the very start of a line
    of a note or description, outside code blocks, code spans and HTML blocks, and removes the
    line (lib/gitlab/quick_actions/extractor.rb: the command pattern is anchored as ``^\\/``).
    A backslash before the slash is a CommonMark backslash escape, which GitLab Flavored
    Markdown keeps: the line no longer matches and still reads as ``/label ...``. Inside a fenced
    code block nothing runs and a backslash would show, so those lines are left alone.
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)[0] * len(opened.group(1))
        elif fence is not None and opened and opened.group(1).startswith(fence):
            fence = None
        elif fence is None and line.startswith("/"):
            line = "\\" + line
        out.append(line)
    return "".join(out)
