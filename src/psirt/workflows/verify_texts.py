"""What a fix's section of the post says, compared field by field with what the release says now:
the title, the description, the versions, the CVSS vector and score, the CWE its title names,
and the credit. Each difference is (kind, message); ``workflows/verify.py`` names the fix.

The release's side is rendered through the same filters the post template uses, then read back
as plain text, so only a change of content is a difference, not Markdown escaping.
"""

from __future__ import annotations

import re

from psirt.compute.post import SecurityEntry
from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.cvss import same_vector
from psirt.parsing.blog_post import FixSection, cvss_field
from psirt.parsing.markdown import escape_markdown, escape_markdown_links, plain_text

_FIXED_IN = re.compile(r"\bbefore\s+(\d+\.\d+\.\d+)\b")
_CWE_IN_TITLE = re.compile(r"^(?P<cwe>.+?) issue in ", re.IGNORECASE)


def _flat(text: str) -> str:
    return " ".join(text.split())


def impacted(section: FixSection) -> str:
    """The section's impacted versions, without the product and edition before the colon."""
    value = section.field("impacted versions") or ""
    return _flat(value.split(":", 1)[-1]).rstrip(".")


def claimed_versions(section: FixSection) -> list[Version]:
    """The versions the post says fix it: every ``before X.Y.Z`` of its impacted versions."""
    return [Version.parse(v) for v in _FIXED_IN.findall(impacted(section))]


def _cwe_differs(title: str, cwe: str | None) -> str | None:
    """The CWE name the post's title starts with, when it is not the name of ``cwe``."""
    match = _CWE_IN_TITLE.match(title)
    if match is None or not cwe:
        return None
    from psirt.knowledge.cwe import lookup, same_cwe_name

    try:
        entry = lookup(cwe)
    except InputError:
        return None
    said = match["cwe"].strip()
    return (
        None
        if same_cwe_name(said, entry.name)
        else f"{said!r}; the CVE request now has {entry.id} ({entry.name!r})"
    )


def text_differences(section: FixSection, entry: SecurityEntry) -> list[tuple[str, str]]:
    """(kind, message) for each field of the section that the release now says otherwise."""
    name = entry.cve_id or entry.title
    out: list[tuple[str, str]] = []
    said_title, now_title = _flat(section.title), _flat(entry.title)
    if said_title and said_title != now_title:
        out.append(
            (
                "title",
                f"{name}: the post's title is {said_title!r}; the release now has {now_title!r}",
            )
        )
    cwe = _cwe_differs(said_title, entry.cwe)
    if cwe:
        out.append(("cwe", f"{name}: the post's title names {cwe}"))
    if entry.cve_id:  # a fix without a CVE has a fixed sentence, not a description
        said = _flat(section.description)
        now = _flat(plain_text(escape_markdown(entry.description)))
        if said != now:
            out.append(
                (
                    "description",
                    f"{name}: the post's description differs from the CVE request's now",
                )
            )
    said_versions = impacted(section)
    if said_versions and entry.versions and said_versions != entry.versions:
        out.append(
            (
                "versions",
                f"{name}: the post says {said_versions!r}; "
                f"the release now gives {entry.versions!r}",
            )
        )
    out.extend(_cvss(section, entry, name))
    said_credit = _flat(section.credit)
    now_credit = _flat(plain_text(escape_markdown_links(entry.credit)))
    if now_credit and said_credit != now_credit:
        out.append(
            (
                "credit",
                f"{name}: the post credits {said_credit!r}; the release now says {now_credit!r}",
            )
        )
    return out


def _cvss(section: FixSection, entry: SecurityEntry, name: str) -> list[tuple[str, str]]:
    said = cvss_field(section.field("cvss") or "")
    now = cvss_field(entry.cvss)
    if said is None or now is None or not entry.vector:
        return []
    if said.vector and not same_vector(said.vector, now.vector):
        return [
            (
                "cvss",
                f"{name}: the post gives {said.score} ({said.vector}); the CVE request now has "
                f"{now.score} ({now.vector})",
            )
        ]
    if said.score != now.score:
        return [
            ("cvss", f"{name}: the post scores {said.score}; the vector now scores {now.score}")
        ]
    return []
