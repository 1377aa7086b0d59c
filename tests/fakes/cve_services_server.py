"""A stateful fake of the CVE Services API subset that cvelib uses to publish, on 127.0.0.1.

Routes (under ``/api/``): ``GET cve-id/{id}``, ``GET cve/{id}``, ``POST cve/{id}/cna``,
``PUT cve/{id}/cna``, ``GET org/{short_name}``. It checks the ``CVE-API-ORG``/``CVE-API-USER``/
``CVE-API-KEY`` headers, validates CNA containers against cvelib's bundled schema as the real
service does, stamps ``providerMetadata.shortName``/``dateUpdated`` and ``cveMetadata`` on what it
stores, and shares the fault injection and request log of the fake HackerOne server.

Writes answer as CVE Services' ``cve.controller`` does (CVEProject/cve-services,
``src/controller/cve.controller``): the body is checked first (400 ``INVALID_JSON_SCHEMA`` with
``details.errors``), then the id (400 ``CVEID_DNE``), then its owner (403
``CVEID_ORG_DOES_NOT_MATCH`` for another CNA's id), then the record (403 ``CVE_RECORD_EXISTS`` on
create, 403 ``CVE_RECORD_DNE`` on update). An update replaces ``containers.cna`` and keeps every
other container: the ADP containers others added (``add_adp``, or a real record seeded with
``seed_record``) come back unchanged.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

from cvelib.cve_api import CveRecord, CveRecordValidationError

from tests.fakes.hackerone_server import FakeApp

_ROUTE = re.compile(r"^/api/(?P<kind>cve-id|cve|org)/(?P<id>[^/?]+)(?P<rest>/[a-z]+)?/?(?:\?.*)?$")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class FakeCveServices(FakeApp):
    """``with FakeCveServices() as cna: cna.reserve("CVE-2026-0001"); CveApi(url=cna.url, ...)``."""

    def __init__(
        self,
        user: str = "psirt@example.com",
        org: str = "gitlab",
        api_key: str = "cve-secret-api-key",
        org_id: str = "ceab7361-8a18-47b1-92ba-4d7d25f6715a",
    ) -> None:
        super().__init__()
        self.user = user
        self.org = org
        self.api_key = api_key
        self.org_id = org_id
        self.ids: dict[str, str] = {}  # cve id -> state
        self.owners: dict[str, str] = {}  # cve id -> owning CNA's short name (default: org)
        self.records: dict[str, dict[str, Any]] = {}  # cve id -> full record

    @property
    def url(self) -> str:
        return f"{self.root}/api/"

    def reserve(self, cve_id: str, owner: str | None = None) -> None:
        self.ids[cve_id] = "RESERVED"
        if owner is not None:
            self.owners[cve_id] = owner

    def seed_record(self, record: dict[str, Any], owner: str | None = None) -> None:
        """Hold ``record`` (a full published record, e.g. a real one) as published."""
        cve_id = record["cveMetadata"]["cveId"]
        self.ids[cve_id] = record["cveMetadata"].get("state", "PUBLISHED")
        self.records[cve_id] = copy.deepcopy(record)
        if owner is not None:
            self.owners[cve_id] = owner

    def add_adp(self, cve_id: str, container: dict[str, Any]) -> None:
        """What an ADP (CISA, the CVE Program) does to a published record: add a container."""
        self.records[cve_id]["containers"].setdefault("adp", []).append(copy.deepcopy(container))

    def adp(self, cve_id: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self.records[cve_id]["containers"].get("adp", []))

    def stamp(self, cve_id: str, when: str) -> None:
        """Change only what CVE Services and the CVE Program set: dates and ``x_`` fields."""
        record = self.records[cve_id]
        record["cveMetadata"]["dateUpdated"] = when
        cna = record["containers"]["cna"]
        cna["providerMetadata"]["dateUpdated"] = when
        cna["x_generator"] = {"engine": "Vulnogram 0.2.0"}
        for reference in cna.get("references", []):
            reference["tags"] = [*reference.get("tags", []), "x_transferred"]

    def reject(self, cve_id: str) -> None:
        self.ids[cve_id] = "REJECTED"

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.log if r.method in ("POST", "PUT")]

    # -- FakeApp -----------------------------------------------------------------------------

    def authorized(self, headers: Any) -> bool:
        return bool(
            headers.get("CVE-API-ORG") == self.org
            and headers.get("CVE-API-USER") == self.user
            and headers.get("CVE-API-KEY") == self.api_key
        )

    def unauthorized(self) -> tuple[int, Any]:
        return 401, {"error": "UNAUTHORIZED", "message": "Unauthorized"}

    def error_body(self, status: int, title: str) -> Any:
        return {"error": title.upper().replace(" ", "_"), "message": title}

    def dispatch(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        match = _ROUTE.match(path)
        if not match:
            return 404, self.error_body(404, "Not Found")
        kind, key, rest = match["kind"], match["id"], match["rest"] or ""
        if kind == "org" and method == "GET" and not rest:
            if key != self.org:
                return 404, self.error_body(404, "Org Dne")
            return 200, {"UUID": self.org_id, "short_name": self.org, "name": self.org.title()}
        if kind == "cve-id" and method == "GET" and not rest:
            return self._show_id(key)
        if kind == "cve" and method == "GET" and not rest:
            if key not in self.records:
                return 404, {
                    "error": "CVE_RECORD_DNE",
                    "message": "The cve record for the cve id does not exist.",
                }
            return 200, copy.deepcopy(self.records[key])
        if kind == "cve" and rest == "/cna" and method in ("POST", "PUT"):
            return self._write_cna(key, body, create=method == "POST")
        return 404, self.error_body(404, "Not Found")

    def _show_id(self, cve_id: str) -> tuple[int, Any]:
        state = self.ids.get(cve_id)
        if state is None:
            return 404, {"error": "CVEID_DNE", "message": f"The CVE ID {cve_id} does not exist."}
        return 200, {
            "cve_id": cve_id,
            "cve_year": cve_id.split("-")[1],
            "state": state,
            "owning_cna": self.owners.get(cve_id, self.org),
            "requested_by": {"cna": self.org, "user": self.user},
            "reserved": "2026-03-01T00:00:00.000Z",
            "time": {"created": "2026-03-01T00:00:00.000Z", "modified": _now()},
        }

    def _write_cna(self, cve_id: str, body: Any, *, create: bool) -> tuple[int, Any]:
        container = body.get("cnaContainer") if isinstance(body, dict) else None
        if not isinstance(container, dict):
            return 400, {"error": "CVE_BAD_REQUEST", "message": "Request body format is incorrect."}
        try:
            CveRecord.validate(container, CveRecord.Schemas.CNA_PUBLISHED)
        except CveRecordValidationError as exc:
            errors = [str(e.message) for e in getattr(exc, "errors", [])] or [str(exc)]
            return 400, {
                "error": "INVALID_JSON_SCHEMA",
                "message": "CVE cnaContainer JSON schema validation FAILED.",
                "details": {"errors": errors},
            }
        state = self.ids.get(cve_id)
        if state is None:
            return 400, {"error": "CVEID_DNE", "message": "The cve id does not exist."}
        if self.owners.get(cve_id, self.org) != self.org:
            return 403, {
                "error": "CVEID_ORG_DOES_NOT_MATCH",
                "message": "The cve id owning org does not match user org.",
            }
        if create and cve_id in self.records:
            return 403, {
                "error": "CVE_RECORD_EXISTS",
                "message": "The cve record for the cve id already exists.",
            }
        if not create and cve_id not in self.records:
            return 403, {
                "error": "CVE_RECORD_DNE",
                "message": "The cve record for the cve id does not exist.",
            }
        now = _now()
        stored = copy.deepcopy(container)
        stored["providerMetadata"] = {
            "orgId": self.org_id,
            "shortName": self.org,
            "dateUpdated": now,
        }
        previous = copy.deepcopy(self.records.get(cve_id, {}))
        metadata = previous.get("cveMetadata", {})
        containers = previous.get("containers", {})
        containers["cna"] = stored  # the other containers (adp) stay as they are
        record = {
            "dataType": "CVE_RECORD",
            "dataVersion": "5.1",
            "cveMetadata": {
                "cveId": cve_id,
                "assignerOrgId": self.org_id,
                "assignerShortName": self.org,
                "state": "PUBLISHED",
                "dateReserved": metadata.get("dateReserved", "2026-03-01T00:00:00.000Z"),
                "datePublished": metadata.get("datePublished", now),
                "dateUpdated": now,
            },
            "containers": containers,
        }
        self.records[cve_id] = record
        self.ids[cve_id] = "PUBLISHED"
        verb = "created" if create else "updated"
        return 200, {"message": f"{cve_id} record was successfully {verb}.", verb: record}
