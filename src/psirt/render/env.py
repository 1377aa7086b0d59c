"""The Jinja2 environment every public text renders through (blog post, CVE texts, comms).

Templates ship in ``psirt/render/templates``; a team overrides one by putting a file of the same
name in its workspace's ``templates/`` folder; every template renders in Jinja's sandbox
(``SandboxedEnvironment``), so a workspace template cannot reach Python internals
(``__class__``, ``__globals__``, unsafe methods): it fails with a one-line error. Autoescaping
is off because the output is Markdown or plain text, not HTML, so templates escape what came
from an issue explicitly:

* ``md``: Markdown *and* HTML escaping for inline text (titles, descriptions): a title cannot
  open a link, an image, emphasis, a table cell or a tag; newlines become spaces.
* ``md_links``: like ``md`` but keeps well-formed ``[text](https://...)`` links (credit lines),
  with their text escaped and any other URL scheme refused.
* ``html``: HTML escaping only, for plain-text channels that are later shown as HTML.
* ``yaml_str``: a double-quoted YAML scalar (front matter).
* ``slack``: Slack escaping, for messages pasted into Slack: no mention (``<!channel>``,
  ``@here``), no link, no tag can come from the data.
* ``code``: inline code, for quoted payloads, paths and handles that must be shown, never
  rendered or turned into a mention.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from psirt.core.words import noun, plural
from psirt.parsing.markdown import escape_html, escape_markdown, escape_markdown_links, escape_slack

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def yaml_string(text: object) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML), safe for front matter."""
    return json.dumps("" if text is None else str(text), ensure_ascii=False)


def code_span(text: object) -> str:
    """Inline Markdown code holding ``text`` (a longer fence when it contains a backtick)."""
    value = "" if text is None else str(text)
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def environment(templates_dir: Path | None = None) -> jinja2.sandbox.SandboxedEnvironment:
    """The environment: workspace templates first (when the folder exists), then the package's.
    One per folder and process, so each template compiles once (Jinja reloads a template whose
    file changed)."""
    present = templates_dir is not None and templates_dir.is_dir()
    return _environment(templates_dir if present else None)


@lru_cache(maxsize=16)
def _environment(templates_dir: Path | None) -> jinja2.sandbox.SandboxedEnvironment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["md_links"] = escape_markdown_links
    env.filters["html"] = escape_html
    env.filters["yaml_str"] = yaml_string
    env.filters["code"] = code_span
    env.filters["slack"] = escape_slack
    env.filters["plural"] = plural  # {{ n | plural("warning") }} -> "1 warning", "2 warnings"
    env.filters["noun"] = noun  # {{ "security issue" | noun(n) }} -> "security issues"
    return env


def render(name: str, context: Mapping[str, Any], templates_dir: Path | None = None) -> str:
    """Render one template by file name (``blog_post.md.j2``)."""
    from psirt.core.errors import InputError

    env = environment(templates_dir)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"no template named {name!r}", where=str(templates_dir or "")) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            f"template syntax error: {exc.message}", where=f"{exc.filename or name}:{exc.lineno}"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise InputError(f"template uses an unknown value: {exc.message}", where=name) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise InputError(f"template refused by the sandbox: {exc}", where=name) from None
    except jinja2.TemplateError as exc:
        raise InputError(f"template error: {exc.message or exc}", where=name) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        # a template is code a team writes: its runtime errors are bad input, in one line
        raise InputError(f"template failed: {type(exc).__name__}: {exc}", where=name) from None
