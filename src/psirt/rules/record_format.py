"""CVE record lint, the checks of ``cvelint`` (github.com/mprpic/cvelint): what the schema cannot
say about a record's references, descriptions, affected products, versions, package URLs and
the CNA Rules' MUSTs. Each rule's summary names the cvelint rule it covers.

Where cvelint would raise false alarms on correct records, psirt does not follow it: semver
ranges written ``16.10`` (GitLab's, and most CNAs') are not held to strict semver, abbreviated
git commits (the kernel's) are commits, ``lessThanOrEqual: "*"`` (the kernel's) is a range's open
end, and a timeline entry is the schema's business (REC001), not ``event``/``eventDate``
(cvelint E019).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.knowledge.purl import Purl
from psirt.rules.cve_record import KIND
from psirt.rules.registry import RULES

R_URL_PROTOCOL = RULES.declare(
    "REC017",
    "error",
    KIND,
    "a reference URL uses a protocol other than http(s) or ftp(s) (cvelint E001)",
    "cite the resource by its https:// URL",
)
R_DUPLICATE_REFERENCE = RULES.declare(
    "REC018",
    "error",
    KIND,
    "the same reference URL is cited twice (cvelint E002)",
    "keep one reference per URL",
)
R_DESCRIPTION_LENGTH = RULES.declare(
    "REC019",
    "error",
    KIND,
    "there is not exactly one English description of at least 10 characters "
    "(cvelint E003, E016, CNA Rules 4 MUST)",
    "write one English description of the flaw and its impact",
)
R_WHITESPACE = RULES.declare(
    "REC020",
    "warning",
    KIND,
    "a description starts or ends with whitespace (cvelint E004)",
    "trim the description",
)
R_NO_AFFECTED = RULES.declare(
    "REC021",
    "error",
    KIND,
    "no product is affected: no version or default status is affected or unknown "
    "(cvelint E006, CNA Rules 4 MUST)",
    "name the affected product and its affected versions",
)
R_VERSION_STRING = RULES.declare(
    "REC022",
    "error",
    KIND,
    "a version is not a version string ('n/a', spaces, '<', ',', a '*' outside a range's end) "
    "(cvelint E007)",
    "write one version per field: version, lessThan, lessThanOrEqual, changes.at",
)
R_NAME_STRING = RULES.declare(
    "REC023",
    "error",
    KIND,
    "a vendor or product is 'n/a', '-', '/' or a URL (cvelint E008, E009)",
    "name the vendor and product; a URL belongs in collectionURL or repo",
)
R_SELF_REFERENCE = RULES.declare(
    "REC024",
    "warning",
    KIND,
    "a reference points at the record itself on cve.org (cvelint E010)",
    "cite the advisory or the issue instead",
)
R_CUSTOM_VERSION_TYPE = RULES.declare(
    "REC025",
    "warning",
    KIND,
    "a versionType is 'custom', which the schema asks to avoid (cvelint E011)",
    "use the product's scheme: semver, git, rpm, maven, python ...",
)
R_PURL_FORMAT = RULES.declare(
    "REC026",
    "error",
    KIND,
    "a package URL is malformed (cvelint E013)",
    "write pkg:<type>/<namespace>/<name>",
)
R_PURL_CONSISTENCY = RULES.declare(
    "REC027",
    "error",
    KIND,
    "a package URL names another package than the affected entry's packageName (cvelint E014)",
    "make packageURL and packageName name the same package",
)
R_METADATA = RULES.declare(
    "REC028",
    "error",
    KIND,
    "the CVE id is not CVE-YYYY-NNNN or the state is not PUBLISHED or REJECTED "
    "(cvelint E015, CNA Rules 4 MUST)",
    "fix cveMetadata",
)
R_UNICODE_ESCAPE = RULES.declare(
    "REC029",
    "warning",
    KIND,
    "a description holds a literal Unicode escape such as \\u00e9 (cvelint E020)",
    "write the character itself (UTF-8)",
)

_PROTOCOL = re.compile(r"^(?:ftps?|https?)://", re.I)
_VERSION_TEXT = re.compile(r"^(?:\*|[A-Za-z0-9]+[-*_:.A-Za-z0-9+~]*)$")
# A commit, full or abbreviated as the kernel's records write them (``89a4d1a89751``).
_GIT_HASH = re.compile(r"^[a-f0-9]{7,64}$")
_PEP440 = re.compile(r"^(?:\d+!)?\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$", re.I)
_BAD_NAME = re.compile(r"^(?:-|/|n/a|https?://.*)$")
_CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,19}$")
_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}")


def _cna(record: Any) -> dict[str, Any]:
    containers = record.get("containers") if isinstance(record, dict) else None
    cna = containers.get("cna") if isinstance(containers, dict) else None
    return cna if isinstance(cna, dict) else {}


def _state(record: Any) -> str:
    metadata = record.get("cveMetadata") if isinstance(record, dict) else None
    return str(metadata.get("state", "")) if isinstance(metadata, dict) else ""


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@RULES.check(KIND)
def check_references(record: Any, subject: str) -> Iterator[Finding]:
    cna = _cna(record)
    metadata = record.get("cveMetadata") if isinstance(record, dict) else None
    cve_id = str(metadata.get("cveId", "")) if isinstance(metadata, dict) else ""
    seen: set[str] = set()
    for index, ref in enumerate(_items(cna.get("references"))):
        url = str(ref.get("url", ""))
        where = f"references.{index}.url"
        if not _PROTOCOL.match(url):
            yield R_URL_PROTOCOL.finding(subject, where, f"{where}: {url!r}")
        if url in seen:
            yield R_DUPLICATE_REFERENCE.finding(subject, where, f"{where}: {url} again")
        seen.add(url)
        if cve_id and url.rstrip("/") == f"https://www.cve.org/CVERecord?id={cve_id}":
            yield R_SELF_REFERENCE.finding(subject, where, f"{where}: {url}")


@RULES.check(KIND)
def check_descriptions(record: Any, subject: str) -> Iterator[Finding]:
    if _state(record) == "REJECTED" or not _cna(record):
        return  # REC001 reports a record without a CNA container
    descriptions = _items(_cna(record).get("descriptions"))
    english = [d for d in descriptions if str(d.get("lang", "")) in ("en", "en-US", "en_US")]
    if not english:
        yield R_DESCRIPTION_LENGTH.finding(
            subject, "descriptions", "descriptions: no English description"
        )
    elif len(english) > 1:
        yield R_DESCRIPTION_LENGTH.finding(
            subject, "descriptions", f"descriptions: {len(english)} English descriptions"
        )
    for index, item in enumerate(descriptions):
        text = str(item.get("value", ""))
        where = f"descriptions.{index}"
        if item in english and len(text) < 10:
            yield R_DESCRIPTION_LENGTH.finding(subject, where, f"{where}: too short ({text!r})")
        if text != text.strip():
            yield R_WHITESPACE.finding(subject, where, f"{where}: leading or trailing whitespace")
        escape = _ESCAPE.search(text)
        if escape:
            yield R_UNICODE_ESCAPE.finding(subject, where, f"{where}: {escape.group(0)!r}")


def _version_problem(value: str, version_type: str, field: str) -> str | None:
    if value.startswith("pkg:"):
        try:
            Purl.parse(value)
        except InputError as exc:
            return f"not a package URL: {exc.message}"
        return None
    if value == "*":
        return None if field in ("lessThan", "lessThanOrEqual") else "'*' is no version"
    if not _VERSION_TEXT.match(value):
        return f"{value!r} is not a version"
    if version_type == "git" and not _GIT_HASH.match(value):
        return f"{value!r} is not a git commit hash"
    if version_type == "python" and not _PEP440.match(value):
        return f"{value!r} is not a PEP 440 version"
    return None


def _versions(product: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field path within the product, value, versionType) of every version it names."""
    for index, entry in enumerate(_items(product.get("versions"))):
        kind = str(entry.get("versionType", ""))
        for field in ("version", "lessThan", "lessThanOrEqual"):
            if field in entry:
                yield f"versions.{index}.{field}", str(entry[field]), kind
        for step, change in enumerate(_items(entry.get("changes"))):
            if "at" in change:
                yield f"versions.{index}.changes.{step}.at", str(change["at"]), kind


@RULES.check(KIND)
def check_affected(record: Any, subject: str) -> Iterator[Finding]:
    if _state(record) == "REJECTED" or not _cna(record):
        return
    products = _items(_cna(record).get("affected"))
    statuses = [
        str(entry.get("status", ""))
        for product in products
        for entry in _items(product.get("versions"))
    ] + [str(product.get("defaultStatus", "")) for product in products]
    if not {"affected", "unknown"} & set(statuses):
        yield R_NO_AFFECTED.finding(
            subject, "affected", "affected: no version or default status affected or unknown"
        )
    for number, product in enumerate(products):
        where = f"affected.{number}"
        for key in ("vendor", "product"):
            value = product.get(key)
            if isinstance(value, str) and _BAD_NAME.match(value):
                yield R_NAME_STRING.finding(subject, f"{where}.{key}", f"{where}.{key}: {value!r}")
        for path, value, kind in _versions(product):
            field = path.rsplit(".", 1)[-1]
            problem = _version_problem(value, kind, field)
            if problem:
                yield R_VERSION_STRING.finding(
                    subject, f"{where}.{path}", f"{where}.{path}: {problem}"
                )
        for index, entry in enumerate(_items(product.get("versions"))):
            if entry.get("versionType") == "custom":
                path = f"{where}.versions.{index}.versionType"
                yield R_CUSTOM_VERSION_TYPE.finding(subject, path, f"{path}: 'custom'")
        yield from _package_url(product, where, subject)


def _package_url(product: dict[str, Any], where: str, subject: str) -> Iterator[Finding]:
    for key in ("packageURL", "purl"):
        text = product.get(key)
        if not isinstance(text, str):
            continue
        path = f"{where}.{key}"
        try:
            purl = Purl.parse(text)
        except InputError as exc:
            yield R_PURL_FORMAT.finding(subject, path, f"{path}: {exc.message}")
            continue
        name = product.get("packageName")
        if isinstance(name, str) and name.strip():
            named = {purl.name.lower(), f"{purl.namespace}/{purl.name}".strip("/").lower()}
            if (
                name.strip().lower() not in named
                and name.split("/")[-1].lower() != purl.name.lower()
            ):
                yield R_PURL_CONSISTENCY.finding(
                    subject, path, f"{path}: names {purl.name!r}, packageName is {name!r}"
                )


@RULES.check(KIND)
def check_metadata(record: Any, subject: str) -> Iterator[Finding]:
    metadata = record.get("cveMetadata") if isinstance(record, dict) else None
    if not isinstance(metadata, dict):
        return  # REC001 reports the missing block
    cve_id = str(metadata.get("cveId", ""))
    if not _CVE_ID.match(cve_id):
        yield R_METADATA.finding(subject, "cveMetadata.cveId", f"cveMetadata.cveId: {cve_id!r}")
    state = str(metadata.get("state", ""))
    if state not in ("PUBLISHED", "REJECTED"):
        yield R_METADATA.finding(subject, "cveMetadata.state", f"cveMetadata.state: {state!r}")
