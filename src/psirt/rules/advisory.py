"""Advisory lint (``ADV0xx``): CSAF 2.0 documents, CSAF provider metadata and OSV records from
any publisher, checked against the official JSON schemas shipped with psirt (no network, no
Node). CSAF's mandatory tests (section 6.1) are not schema; the test suite runs them with the
BSI/Secvisogram validator library on what psirt writes.
"""

from __future__ import annotations

from typing import Any

from psirt.core.finding import Finding
from psirt.knowledge.schemas import (
    csaf_errors,
    csaf_file_name,
    osv_errors,
    provider_metadata_errors,
)
from psirt.rules.registry import RULES

CSAF = "CSAF document"
PROVIDER = "CSAF provider metadata"
OSV = "OSV record"

R_CSAF_SCHEMA = RULES.declare(
    "ADV001",
    "error",
    CSAF,
    "the document does not match the CSAF 2.0 JSON schema",
    "fix the field the schema names",
)
R_CSAF_FILE_NAME = RULES.declare(
    "ADV002",
    "error",
    CSAF,
    "the file name is not the one CSAF 2.0 section 5.1 derives from the tracking id",
    "rename the file (lower case; runs of other characters than a-z, 0-9, + and - become _)",
)
R_PROVIDER_SCHEMA = RULES.declare(
    "ADV003",
    "error",
    PROVIDER,
    "provider-metadata.json does not match the CSAF 2.0 provider metadata schema",
    "fix the field the schema names",
)
R_OSV_SCHEMA = RULES.declare(
    "ADV004",
    "error",
    OSV,
    "the record does not match the OSV schema",
    "fix the field the schema names",
)
R_UNKNOWN = RULES.declare(
    "ADV005",
    "error",
    "advisory",
    "the file is neither a CSAF 2.0 document, CSAF provider metadata nor an OSV record",
    "lint CSAF documents, provider-metadata.json or OSV records only",
)


def kind_of(document: Any) -> str | None:
    """Which format a parsed JSON document is, judged by the members each one requires."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("document"), dict):
        return CSAF
    if "metadata_version" in document or "canonical_url" in document:
        return PROVIDER
    if "id" in document and ("modified" in document or "schema_version" in document):
        return OSV
    return None


def _field(message: str) -> str:
    return message.split(":", 1)[0]


def lint_advisory(document: Any, subject: str, file_name: str | None = None) -> list[Finding]:
    """Every finding about one document; ``file_name`` (the name it is stored under) is checked
    against the CSAF naming rule when given."""
    kind = kind_of(document)
    if kind == CSAF:
        findings = [R_CSAF_SCHEMA.finding(subject, _field(m), m) for m in csaf_errors(document)]
        tracking = document.get("document", {}).get("tracking")
        document_id = tracking.get("id") if isinstance(tracking, dict) else None
        if file_name is not None and isinstance(document_id, str):
            expected = csaf_file_name(document_id)
            if file_name != expected and file_name != expected.replace(".json", "_invalid.json"):
                findings.append(
                    R_CSAF_FILE_NAME.finding(
                        subject,
                        "document/tracking/id",
                        f"file name: {file_name} (the tracking id {document_id!r} gives "
                        f"{expected})",
                    )
                )
        return findings
    if kind == PROVIDER:
        return [
            R_PROVIDER_SCHEMA.finding(subject, _field(m), m)
            for m in provider_metadata_errors(document)
        ]
    if kind == OSV:
        return [R_OSV_SCHEMA.finding(subject, _field(m), m) for m in osv_errors(document)]
    return [
        R_UNKNOWN.finding(
            subject,
            "",
            "(document): no CSAF 'document', no provider 'metadata_version', no OSV 'id' and "
            "'modified'",
        )
    ]
