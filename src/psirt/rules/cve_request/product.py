"""CVE request rules on ``product``: vendor, name and path of the configured product, and CPE
names that name it."""

from __future__ import annotations

from collections.abc import Iterator

from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.knowledge.cpe import Cpe, cpe_names_product
from psirt.rules.cve_request.subject import KIND, CveSubject, per_request
from psirt.rules.registry import RULES

CPES = RULES.declare(
    "CVE008",
    "error",
    KIND,
    "product.cpes holds valid CPE 2.3 names, one naming the product.",
    "Use the product's CPE, e.g. cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*.",
)
PRODUCT = RULES.declare(
    "CVE028",
    "error",
    KIND,
    "product.vendor, product.name and product.gitlab_path name the configured product.",
    "Use the product of psirt.toml ([product] vendor, name, gitlab_path).",
)


@RULES.check(KIND)
@per_request
def check_product(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None:
        return
    product = cve.snapshot.config.product
    for path, expected in (
        ("product.vendor", product.vendor),
        ("product.name", product.name),
        ("product.gitlab_path", product.gitlab_path),
    ):
        value = document.text_of(path).strip()
        if value and value != expected:
            yield cve.finding(PRODUCT, path, f"{path}: {value!r} (expected {expected!r})")
    cpes = document.list_of("product.cpes")
    if not cpes:
        return
    named = False
    for text in cpes:
        try:
            cpe = Cpe.parse(text)
        except InputError as exc:
            yield cve.finding(CPES, "product.cpes", f"product.cpes: {exc.message}")
            continue
        named = named or cpe_names_product(cpe, product.vendor, product.name)
    if not named:
        yield cve.finding(
            CPES,
            "product.cpes",
            f"product.cpes: none names {product.vendor} {product.name} "
            f"(expected e.g. {product.cpes[0] if product.cpes else 'cpe:2.3:a:vendor:product:*'})",
        )
