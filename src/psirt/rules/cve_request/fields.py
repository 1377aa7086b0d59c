"""CVE request rules on the YAML block as a whole: it parses, every field is filled, and no
template placeholder is left."""

from __future__ import annotations

import re
from collections.abc import Iterator

from psirt.compute.placeholders import find_placeholders
from psirt.core.finding import Finding
from psirt.core.json_paths import json_leaves
from psirt.core.words import quoted
from psirt.rules.cve_request.subject import KIND, CveSubject, is_empty, per_request
from psirt.rules.registry import RULES

YAML = RULES.declare(
    "CVE001",
    "error",
    KIND,
    "The description holds one ```yaml block that parses, with 'vulnerability:' at the top.",
    "Restore the CVE YAML block from the template and fill it in.",
)
MISSING_FIELD = RULES.declare(
    "CVE002",
    "error",
    KIND,
    "Every field of the CVE YAML is present and not empty.",
    "Fill the field in the CVE YAML (see the template in the handbook).",
)
TODO = RULES.declare(
    "CVE003",
    "error",
    KIND,
    "No 'TODO' or template placeholder is left in the CVE YAML.",
    "Replace the placeholder with the real value.",
)
WRONG_TYPE = RULES.declare(
    "CVE030",
    "error",
    KIND,
    "Each field of the CVE YAML holds the kind of value the template gives it: a text, or a "
    "list of texts.",
    "Write the field as the template does (a text on one line, or a list of '- item' lines).",
)


REQUIRED_FIELDS: tuple[str, ...] = (
    "description",
    "cwe",
    "product.gitlab_path",
    "product.vendor",
    "product.name",
    "product.cpes",
    "product.affected_versions",
    "impact",
    "credit",
    "references",
)


COMPUTED_FIELDS = ("product.affected_versions", "product.fixed_versions")


@RULES.check(KIND)
@per_request
def check_yaml(cve: CveSubject) -> Iterator[Finding]:
    if cve.document is None:
        yield cve.finding(YAML, "yaml", f"yaml: {cve.request.yaml_error or 'not readable'}")
        return
    document = cve.document
    for path, expected, kind in document.wrong_types():
        yield cve.finding(WRONG_TYPE, path, f"{path}: expected {expected}, found {kind}")
    for path in REQUIRED_FIELDS:
        if is_empty(document.get(path)):
            state = "missing" if not document.has(path) else "empty"
            yield cve.finding(MISSING_FIELD, path, f"{path}: {state}")
    # With the release's ranges known, CVE010 and CVE011 report these fields (placeholders
    # included) with the one fix, update-cves: one finding per field.
    computed = COMPUTED_FIELDS if cve.expected_ranges is not None else ()
    placeholders: dict[str, list[str]] = {}
    for path, value in json_leaves(document.to_plain()):
        for token in find_placeholders(str(value)):
            found = placeholders.setdefault(re.sub(r"\[\d+\]$", "", path), [])
            if token not in found:
                found.append(token)
    for path, found in placeholders.items():
        if path in computed:
            continue
        shown = ", ".join(quoted(text) for text in found)
        yield cve.finding(TODO, path, f"{path}: template placeholder {shown} left")
