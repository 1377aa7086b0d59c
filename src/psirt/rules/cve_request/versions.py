"""CVE request rules on the versions: ``product.affected_versions`` as the policy computes them,
``product.fixed_versions`` equal to the release, and a ``solution`` that names them."""

from __future__ import annotations

from collections.abc import Iterator

from psirt.compute.placeholders import find_placeholders
from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.core.versions import Version
from psirt.knowledge.policy import AffectedRange, fixed_versions, solution_text
from psirt.rules.cve_request.subject import KIND, CveSubject, per_request
from psirt.rules.registry import RULES

AFFECTED_FORMAT = RULES.declare(
    "CVE009",
    "error",
    KIND,
    "product.affected_versions are ranges '>=X.Y, <X.Y.Z'.",
    "Write one range per maintained line ('>=16.10, <18.8.7'); psirt update-cves computes them.",
)
AFFECTED_VALUES = RULES.declare(
    "CVE010",
    "error",
    KIND,
    "product.affected_versions start at the issue's Version affected and end at the release.",
    "Run psirt update-cves to compute the ranges from 'Version affected' and the release.",
)
FIXED_VERSIONS = RULES.declare(
    "CVE011",
    "error",
    KIND,
    "product.fixed_versions equal the release versions that carry the fix.",
    "Run psirt update-cves to set fixed_versions from the release versions.",
)
SOLUTION = RULES.declare(
    "CVE026",
    "warning",
    KIND,
    "solution, when written, recommends the fixed versions.",
    "Empty solution (it is computed) or write 'Upgrade to versions ... or above.'",
)


def _written_ranges(cve: CveSubject) -> tuple[list[AffectedRange], list[Finding]]:
    assert cve.document is not None
    ranges: list[AffectedRange] = []
    problems: list[Finding] = []
    for text in cve.document.list_of("product.affected_versions"):
        if find_placeholders(text):
            continue  # CVE003 reports it
        try:
            ranges.append(AffectedRange.parse(text))
        except InputError as exc:
            problems.append(
                cve.finding(
                    AFFECTED_FORMAT,
                    "product.affected_versions",
                    f"product.affected_versions: {exc.message}",
                )
            )
    return ranges, problems


@RULES.check(KIND)
@per_request
def check_versions(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None:
        return
    written, problems = _written_ranges(cve)
    yield from problems
    expected = cve.expected_ranges
    written_texts = document.list_of("product.affected_versions")
    if expected is not None and written_texts and not problems:
        first = cve.item.first_affected
        left = any(find_placeholders(text) for text in written_texts)
        if (
            not left
            and written
            and first is not None
            and sorted(written, key=lambda r: r.fixed)[0].start != first
        ):
            yield cve.finding(
                AFFECTED_VALUES,
                "product.affected_versions",
                f"product.affected_versions: the first range starts at "
                f"{sorted(written, key=lambda r: r.fixed)[0].start}, but Version affected of "
                f"{cve.item.ref} is {first}",
            )
        elif left or sorted(written, key=lambda r: r.fixed) != expected:
            yield cve.finding(
                AFFECTED_VALUES,
                "product.affected_versions",
                "product.affected_versions: "
                + ("; ".join(written_texts) or "none")
                + (", template placeholders left" if left else "")
                + f" (expected {'; '.join(str(r) for r in expected)})",
            )
    if expected is None:
        return
    want = [str(v) for v in fixed_versions(expected)]
    have = document.list_of("product.fixed_versions")
    try:
        have_sorted = [str(v) for v in sorted(Version.parse(v) for v in have)]
    except InputError:
        have_sorted = have
    if have_sorted != want:
        yield cve.finding(
            FIXED_VERSIONS,
            "product.fixed_versions",
            f"product.fixed_versions: {', '.join(have) or 'empty'} "
            f"(expected the release versions {', '.join(want)})",
        )
    solution = document.text_of("solution").strip()
    house = solution_text(fixed_versions(expected), cve.snapshot.config.cve.solution)
    if solution and solution != house:
        missing = [v for v in want if v not in solution]
        if missing:
            yield cve.finding(
                SOLUTION,
                "solution",
                f"solution: does not name {', '.join(missing)}",
                hint=f"Write '{house}' or leave it empty.",
            )
