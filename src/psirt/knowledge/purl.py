"""Package URLs (purl) as advisories use them: the product's purl with a version, and the OSV
package (ecosystem and name) a purl stands for, when its type has an OSV ecosystem.

The type-to-ecosystem table is the one OSV's tools use for the ecosystems that take a purl name
directly; types without an OSV ecosystem (``gitlab``, ``github``, ``generic``, ``docker`` ...)
give no OSV package, and the product is named in ``database_specific`` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from psirt.core.errors import InputError

_PURL = re.compile(
    r"^pkg:(?P<type>[A-Za-z.+-][A-Za-z0-9.+-]*)/(?P<path>[^@?#]+)"
    r"(?:@(?P<version>[^?#]*))?(?P<rest>[?#].*)?$"
)

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


@dataclass(frozen=True)
class Purl:
    type: str
    namespace: str  # "" when none
    name: str
    version: str  # "" when none
    rest: str  # qualifiers and subpath, as written

    @classmethod
    def parse(cls, text: str) -> Purl:
        match = _PURL.match(text.strip())
        if not match:
            raise InputError(f"not a package URL: {text!r} (expected pkg:type/namespace/name)")
        *namespace, name = match["path"].strip("/").split("/")
        return cls(
            type=match["type"].lower(),
            namespace="/".join(namespace),
            name=name,
            version=match["version"] or "",
            rest=match["rest"] or "",
        )

    def with_version(self, version: str) -> str:
        """This purl at ``version``: ``pkg:gitlab/gitlab-org/gitlab@18.10.1``."""
        path = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"pkg:{self.type}/{path}@{version}{self.rest}"

    def osv_package(self) -> tuple[str, str] | None:
        """(ecosystem, name) of the OSV package, or None when the type has no OSV ecosystem."""
        ecosystem = OSV_ECOSYSTEMS.get(self.type)
        if ecosystem is None:
            return None
        namespace, name = unquote(self.namespace), unquote(self.name)
        if self.type == "maven":
            return ecosystem, f"{namespace}:{name}"
        if namespace:
            return ecosystem, f"{namespace}/{name}"
        return ecosystem, name
