"""Package URLs (``pkg:type/namespace/name@version?qualifiers#subpath``), as CVE JSON 5.2's
``packageURL`` carries them: parsed just enough to say whether one is well formed and which
package it names (the purl specification, github.com/package-url/purl-spec)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from psirt.core.errors import InputError

_TYPE = re.compile(r"^[A-Za-z.+-][A-Za-z0-9.+-]*$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True, slots=True)
class PackageUrl:
    type: str
    namespace: str
    name: str
    version: str


def parse_purl(text: str) -> PackageUrl:
    """The parts of a package URL; InputError naming what is wrong otherwise."""
    if not text.startswith("pkg:"):
        raise InputError(f"{text!r}: no 'pkg:' scheme")
    rest = text[4:].lstrip("/")
    rest = rest.split("#", 1)[0].split("?", 1)[0]
    if _BAD_ESCAPE.search(rest):
        raise InputError(f"{text!r}: a '%' that starts no escape")
    kind, sep, path = rest.partition("/")
    if not sep or not _TYPE.match(kind):
        raise InputError(f"{text!r}: no package type (expected pkg:<type>/<name>)")
    path, _, version = path.partition("@")
    segments = [unquote(s) for s in path.strip("/").split("/") if s]
    if not segments:
        raise InputError(f"{text!r}: no package name")
    return PackageUrl(kind.lower(), "/".join(segments[:-1]), segments[-1], unquote(version))
