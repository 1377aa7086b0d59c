"""CVE Services as a CNA back end, through ``cvelib.CveApi``.

``publish`` validates the record's CNA container against the schema cvelib ships before any
request, so a bad record never half-reaches the CNA. It then looks at the id: a RESERVED id is
published (``POST /cve/{id}/cna``), a PUBLISHED one is compared with what CVE Services holds and
updated (``PUT``) only when the content differs, so a rerun writes nothing. After publication,
``published_record`` reads the record as CVE Services serves it (``GET /cve/{id}``, ADP containers
included) and ``update_cna_container`` sends a new CNA container alone (``PUT /cve/{id}/cna``):
CVE Services replaces that container and keeps the others.

cvelib itself does not retry. Reads and a 429 are retried here; a write that ends in a 5xx or a
lost connection is not repeated blindly: the state is read again first, since the write may have
landed. The API key travels only in cvelib's ``CVE-API-KEY`` header and is scrubbed from every
message this module builds.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urljoin

import requests
from cvelib.cve_api import CveApi, CveRecord, CveRecordValidationError

from psirt.cna.interface import PUBLISHED, REJECTED, RESERVED, PublishResult, record_cve_id
from psirt.core.config import CnaConfig
from psirt.core.errors import InputError, NotFoundError, PsirtError, RefusedError, RemoteError
from psirt.core.records import Issue
from psirt.core.remote import (
    RetryPolicy,
    Secrets,
    Transient,
    keep_out_of_logs,
    rate_limited,
    retrying,
    write_once,
)
from psirt.parsing.published_record import same_container

ENV_USER = "CVE_USER"
ENV_ORG = "CVE_ORG"
ENV_API_KEY = "CVE_API_KEY"
ENV_ENVIRONMENT = "CVE_ENVIRONMENT"
ENV_API_URL = "CVE_API_URL"  # the variable cvelib's own CLI reads for a URL override

#: CVE Services' default address when run from its repository (``npm start``).
LOCAL_URL = "http://127.0.0.1:3000/api/"

T = TypeVar("T")


class TimedCveApi(CveApi):  # type: ignore[misc]  # cvelib has no type hints
    """cvelib's client with the request timeout of ``[remote] timeout`` (cvelib fixes 60 s)."""

    def __init__(self, *args: Any, timeout: float = 60.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout = timeout

    def _http_request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {
            "CVE-API-KEY": self.api_key,
            "CVE-API-ORG": self.org,
            "CVE-API-USER": self.username,
        }
        response = requests.request(
            method=method,
            url=urljoin(self.url, path),
            timeout=self.timeout,
            headers=headers,
            **kwargs,
        )
        response.raise_for_status()
        return response


class CveServicesCna:
    """The ``Cna`` port over CVE Services."""

    updates_published = True  # a changed record is sent again; CVE Services updates it

    def publication_edit(self, request: Issue) -> str | None:
        return None  # the record itself is sent

    def __init__(
        self,
        api: CveApi,
        *,
        org_id: str,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api = api
        self._org_id = org_id
        self._clean = Secrets.of(str(getattr(api, "api_key", "") or ""))
        keep_out_of_logs(self._clean)
        self._retry = retry
        self._sleep = sleep

    @classmethod
    def from_env(
        cls,
        config: CnaConfig,
        env: Mapping[str, str] | None = None,
        *,
        timeout: float = 60.0,
        **options: Any,
    ) -> CveServicesCna:
        """Credentials and environment from ``CVE_*`` variables, as cvelib's CLI reads them.

        ``CVE_ENVIRONMENT`` is ``prod`` (the default), ``test``, ``dev``, ``local``, or a URL;
        ``CVE_API_URL``, when set, wins over it.
        """
        source = os.environ if env is None else env
        missing = [n for n in (ENV_USER, ENV_ORG, ENV_API_KEY) if not source.get(n)]
        if missing:
            raise PsirtError(
                f"CVE Services credentials missing: set {', '.join(missing)} "
                "(the CNA user, its organization short name and its API key)"
            )
        url = source.get(ENV_API_URL) or None
        environment = source.get(ENV_ENVIRONMENT) or "prod"
        if url is None:
            if environment.startswith(("http://", "https://")):
                url = environment
            elif environment == "local":
                url = LOCAL_URL
            elif environment not in CveApi.ENVS:
                known = ", ".join([*CveApi.ENVS, "local"])
                raise PsirtError(
                    f"{ENV_ENVIRONMENT}={environment!r} is not known: expected one of "
                    f"{known}, or a URL"
                )
        if url is not None and not url.endswith("/"):
            url += "/"  # cvelib joins paths with urljoin, which drops a last segment without it
        api = TimedCveApi(
            timeout=timeout,
            username=source[ENV_USER],
            org=source[ENV_ORG],
            api_key=source[ENV_API_KEY],
            env=environment if environment in CveApi.ENVS else "prod",
            url=url,
        )
        return cls(api, org_id=config.org_id, **options)

    # -- the port ----------------------------------------------------------------------------

    def whoami(self) -> str:
        """The organization the credentials belong to (``GET /org/{short name}``): a check
        that reads no CVE (``psirt doctor``)."""
        answer = self._read("(credentials check)", "show organization", self._api.show_org)
        name = answer.get("short_name") if isinstance(answer, dict) else None
        return f"{self._api.username} of {name or self._api.org}"

    def publication_state(self, cve_id: str) -> str | None:
        try:
            answer = self._read(cve_id, "show CVE id", lambda: self._api.show_cve_id(cve_id))
        except NotFoundError:
            return None
        state = answer.get("state") if isinstance(answer, dict) else None
        if not isinstance(state, str):
            raise RemoteError("CVE Services answered without a state", where=cve_id)
        return state

    def publish(self, cve_id: str, record: dict[str, Any]) -> PublishResult:
        container = self.validated_container(cve_id, record)
        state = self.publication_state(cve_id)
        if state is None:
            raise NotFoundError(
                "CVE Services does not know this id (is it reserved by this organization?)",
                where=cve_id,
            )
        if state == REJECTED:
            raise RefusedError(
                "the id is REJECTED in CVE Services; publishing it needs a person to reserve "
                "it again first",
                where=cve_id,
            )
        if state == RESERVED:
            self._write(cve_id, "publish", container, self._api.publish)
            return PublishResult(cve_id, "published", "record published to CVE Services")
        if state != PUBLISHED:
            raise RemoteError(f"CVE Services reports an unexpected state {state!r}", where=cve_id)
        if self._same_as_published(cve_id, container):
            return PublishResult(cve_id, "unchanged", "CVE Services already has this record")
        self._write(cve_id, "update", container, self._api.update_published)
        return PublishResult(cve_id, "updated", "published record updated in CVE Services")

    def published_record(self, cve_id: str) -> dict[str, Any] | None:
        try:
            answer = self._read(
                cve_id, "show CVE record", lambda: self._api.show_cve_record(cve_id)
            )
        except NotFoundError:
            return None
        if not isinstance(answer, dict):
            raise RemoteError("CVE Services answered a record that is not an object", where=cve_id)
        return answer

    def update_cna_container(self, cve_id: str, container: dict[str, Any]) -> PublishResult:
        if not isinstance(container, dict) or "adp" in container:
            raise InputError("expected a CNA container (and only that)", where=cve_id)
        checked = self._checked(cve_id, container)
        state = self.publication_state(cve_id)
        if state != PUBLISHED:
            raise NotFoundError(
                f"the record is not published (CVE Services says {state or 'unknown id'})",
                where=cve_id,
            )
        if self._same_as_published(cve_id, checked):
            return PublishResult(cve_id, "unchanged", "CVE Services already has this container")
        self._write(cve_id, "update", checked, self._api.update_published)
        return PublishResult(cve_id, "updated", "CNA container updated in CVE Services")

    # -- validation (no request) -------------------------------------------------------------

    def validated_container(self, cve_id: str, record: dict[str, Any]) -> dict[str, Any]:
        """The record's CNA container, checked against cvelib's CNA published schema.

        ``providerMetadata.orgId`` is filled from ``[cna] org_id`` when absent, which also
        spares cvelib the ``show_org`` request it would make to find it.
        """
        if record.get("dataType") != "CVE_RECORD":
            raise InputError(
                "expected a full CVE JSON 5 record (dataType: CVE_RECORD), "
                f"found dataType {record.get('dataType')!r}",
                where=cve_id,
            )
        named = record_cve_id(record)
        if named is not None and named != cve_id:
            raise InputError(f"record is for {named} (cveMetadata.cveId)", where=cve_id)
        containers = record.get("containers")
        cna = containers.get("cna") if isinstance(containers, dict) else None
        if not isinstance(cna, dict):
            raise InputError("record has no containers.cna object", where=cve_id)
        return self._checked(cve_id, cna)

    def _checked(self, cve_id: str, cna: dict[str, Any]) -> dict[str, Any]:
        container = copy.deepcopy(cna)
        container.setdefault("providerMetadata", {"orgId": self._org_id})
        try:
            CveRecord.validate(container, CveRecord.Schemas.CNA_PUBLISHED)
        except CveRecordValidationError as exc:
            raise InputError(
                "containers.cna does not match the CVE JSON 5 CNA published schema: "
                + _schema_errors(exc),
                where=cve_id,
            ) from None
        return container

    # -- plumbing ----------------------------------------------------------------------------

    def _same_as_published(self, cve_id: str, container: dict[str, Any]) -> bool:
        current = self._read(cve_id, "show CVE record", lambda: self._api.show_cve_record(cve_id))
        held = (current.get("containers") or {}).get("cna") if isinstance(current, dict) else None
        return isinstance(held, dict) and same_container(held, container)

    def _write(
        self,
        cve_id: str,
        what: str,
        container: dict[str, Any],
        method: Callable[..., Any],
    ) -> None:
        """Send the container; after an unknown outcome, check whether it landed first."""

        def send() -> bool:
            self._call(
                cve_id,
                what,
                lambda: method(cve_id, copy.deepcopy(container), validate=False),
                uncertain=True,
            )
            return True

        def landed() -> bool | None:
            published = self.publication_state(cve_id) == PUBLISHED
            return True if published and self._same_as_published(cve_id, container) else None

        write_once(
            self._retry, self._sleep, send, landed, lambda last: self._gave_up(what, cve_id, last)
        )

    def _read(self, cve_id: str, what: str, call: Callable[[], T]) -> T:
        return self._call(cve_id, what, call, uncertain=False)

    def _call(self, cve_id: str, what: str, call: Callable[[], T], *, uncertain: bool) -> T:
        def once() -> T:
            try:
                return call()
            except OSError as exc:  # requests' exceptions all derive from OSError
                raise self._failure(exc, cve_id, what) from None

        def too_long(wait: float) -> RemoteError:
            cap = self._retry.max_retry_after
            return rate_limited("CVE Services", what, wait, cap, where=cve_id)

        return retrying(
            self._retry,
            self._sleep,
            once,
            uncertain=uncertain,
            too_long=too_long,
            gave_up=lambda last: self._gave_up(what, cve_id, last),
        )

    def _failure(self, exc: OSError, cve_id: str, what: str) -> Exception:
        """What a failed call means: ``Transient`` (worth another try) or a final error."""
        if isinstance(exc, ValueError):  # requests.JSONDecodeError is both
            return RemoteError(
                f"CVE Services answered {what} with a body that is not JSON", where=cve_id
            )
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        if not isinstance(status, int):
            if isinstance(exc, requests.Timeout):
                timeout = getattr(self._api, "timeout", None)
                within = f" within {timeout:g}s ([remote] timeout)" if timeout else ""
                return Transient(f"{type(exc).__name__}: no answer{within}")
            return Transient(f"{type(exc).__name__}: connection failed or dropped")
        if status == 429:
            headers = getattr(response, "headers", None) or {}
            return Transient(
                "429 Too Many Requests",
                rate_limited=True,
                retry_after=headers.get("Retry-After"),
                reset=headers.get("RateLimit-Reset"),
            )
        if status >= 500:
            return Transient(f"{status} {self._detail(response)}")
        if status == 404:
            return NotFoundError(
                f"CVE Services answered 404 to {what}: {self._detail(response)}", where=cve_id
            )
        if status == 403 and _error_code(response) == "CVEID_ORG_DOES_NOT_MATCH":
            return RefusedError(
                f"CVE Services refused {what}: the id belongs to another CNA "
                f"({self._detail(response)})",
                where=cve_id,
            )
        if status in (401, 403) and _is_auth_error(response):
            return RemoteError(
                f"CVE Services refused the credentials ({status}) for {what}: check "
                f"{ENV_USER}, {ENV_ORG} and {ENV_API_KEY}",
                where=cve_id,
            )
        return RemoteError(
            f"CVE Services answered {status} to {what}: {self._detail(response)}", where=cve_id
        )

    def _gave_up(self, what: str, cve_id: str, last: str) -> RemoteError:
        return RemoteError(
            f"CVE Services: {what} failed {self._retry.attempts} times (last: {last})",
            where=cve_id,
        )

    def _detail(self, response: Any) -> str:
        """``error: message`` from a CVE Services error body, without the API key in it."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and (body.get("error") or body.get("message")):
            text = ": ".join(str(body[k]) for k in ("error", "message") if body.get(k))
        else:
            text = str(getattr(response, "reason", "") or "no detail")
        return self._clean(text)


def _schema_errors(exc: CveRecordValidationError, limit: int = 3) -> str:
    errors = list(getattr(exc, "errors", None) or [])
    if not errors:
        return str(exc).splitlines()[-1]
    parts = []
    for error in errors[:limit]:
        path = ".".join(str(p) for p in getattr(error, "absolute_path", ()))
        parts.append(f"{path or '(top)'}: {error.message}")
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    return "; ".join(parts) + more


def _error_code(response: Any) -> str | None:
    """The ``error`` code of a CVE Services error body (``CVE_RECORD_DNE`` ...)."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def _is_auth_error(response: Any) -> bool:
    """401 always; 403 only when CVE Services says the credentials are wrong, not the action."""
    if getattr(response, "status_code", None) == 401:
        return True
    return _error_code(response) in ("UNAUTHORIZED", "NOT_ALLOWED")
