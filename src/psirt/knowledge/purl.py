"""Package URLs (``pkg:type/namespace/name@version?qualifiers#subpath``, the purl specification,
github.com/package-url/purl-spec): parsed once, for two uses. CVE JSON 5.2's ``packageURL``
must be well formed and name the product (record lint); advisories write the product's purl at a
version and, when the purl's type has an OSV ecosystem, the OSV package it stands for.

The type-to-ecosystem table is the one OSV's tools use for the ecosystems that take a purl name
directly; types without an OSV ecosystem (``gitlab``, ``github``, ``generic``, ``docker`` ...)
give no OSV package, and the product is named in ``database_specific`` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from psirt.core.errors import InputError

_TYPE = re.compile(r"^[A-Za-z.+-][A-Za-z0-9.+-]*$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")

OSV_ECOSYSTEMS: dict[str, str] = {
    "cargo": "crates.io",
    "composer": "Packagist",
    "cran": "CRAN",
    "gem": "RubyGems",
    "golang": "Go",
    "hackage": "Hackage",
    "hex": "Hex",
    "maven": "Maven",
    "npm": "npm",
    "nuget": "NuGet",
    "pub": "Pub",
    "pypi": "PyPI",
    "swift": "SwiftURL",
}


@dataclass(frozen=True, slots=True)
class Purl:
    """A parsed package URL; namespace, name and version are unescaped, ``rest`` (qualifiers
    and subpath) is kept as written."""

    type: str
    namespace: str  # "" when none
    name: str
    version: str  # "" when none
    rest: str = ""

    @classmethod
    def parse(cls, text: str) -> Purl:
        """The parts of a package URL; ``InputError`` naming what is wrong otherwise."""
        if not text.startswith("pkg:"):
            raise InputError(f"{text!r}: no 'pkg:' scheme")
        body = text[4:].lstrip("/")
        cut = min((i for i in (body.find("?"), body.find("#")) if i >= 0), default=len(body))
        body, rest = body[:cut], body[cut:]
        if _BAD_ESCAPE.search(body):
            raise InputError(f"{text!r}: a '%' that starts no escape")
        kind, sep, path = body.partition("/")
        if not sep or not _TYPE.match(kind):
            raise InputError(f"{text!r}: no package type (expected pkg:<type>/<name>)")
        path, _, version = path.partition("@")
        segments = [unquote(s) for s in path.strip("/").split("/") if s]
        if not segments:
            raise InputError(f"{text!r}: no package name")
        return cls(kind.lower(), "/".join(segments[:-1]), segments[-1], unquote(version), rest)

    def with_version(self, version: str) -> str:
        """This purl at ``version``: ``pkg:gitlab/gitlab-org/gitlab@18.10.1``."""
        segments = [*self.namespace.split("/"), self.name] if self.namespace else [self.name]
        path = "/".join(quote(segment, safe="") for segment in segments)
        return f"pkg:{self.type}/{path}@{quote(version, safe='')}{self.rest}"

    def osv_package(self) -> tuple[str, str] | None:
        """(ecosystem, name) of the OSV package, or None when the type has no OSV ecosystem."""
        ecosystem = OSV_ECOSYSTEMS.get(self.type)
        if ecosystem is None:
            return None
        if self.type == "maven":
            return ecosystem, f"{self.namespace}:{self.name}"
        if self.namespace:
            return ecosystem, f"{self.namespace}/{self.name}"
        return ecosystem, self.name
