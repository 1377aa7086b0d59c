"""Each CVE request's YAML is parsed once per run: the snapshot parses it (the C loader) and
carries the parsed document; update-cves computes on a copy of that tree, and parses round trip
(comments and quoting kept) only a request whose YAML it rewrites, once. Counted at ruamel's
``YAML.load``, whatever calls it, by loader."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.parsing.cve_yaml import ROOT_KEY

TEXT_FIELDS = (
    "description",
    "cwe",
    "product.vendor",
    "product.name",
    "impact",
    "solution",
    "credit",
)
LIST_FIELDS = ("product.cpes", "product.affected_versions", "product.fixed_versions", "references")


@pytest.fixture
def cve_parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[tuple[str, str]]]:
    """How often each CVE YAML document (by its text) was parsed, by loader ("safe", "rt")."""
    parsed: Counter[tuple[str, str]] = Counter()
    load = YAML.load

    def counted(self: YAML, stream: Any) -> Any:
        if isinstance(stream, str) and stream.lstrip().startswith(f"{ROOT_KEY}:"):
            parsed[(stream, "+".join(self.typ))] += 1
        return load(self, stream)

    monkeypatch.setattr(YAML, "load", counted)
    yield parsed


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("update-cves",),
        ("blog", "generate"),
        ("cve", "export"),
        ("close", "--blog-published"),
    ],
)
def test_each_cve_yaml_is_parsed_once_per_run(
    demo_root: Path, cve_parses: Counter[tuple[str, str]], command: tuple[str, ...]
) -> None:
    run_app(app, ["--workspace", str(demo_root), *command])
    plain = {text for text, loader in cve_parses if loader == "safe"}
    round_trip = {text for text, loader in cve_parses if loader == "rt"}
    assert len(plain) >= 10  # the demo's CVE requests were read, by the C loader
    assert set(cve_parses.values()) == {1}, cve_parses.most_common(1)[0][1]
    if command == ("update-cves",):  # the requests it rewrites, and only those
        assert 3 <= len(round_trip) < len(plain) and round_trip <= plain
    else:
        assert not round_trip


def test_update_cves_edits_a_copy_as_it_edited_a_fresh_parse(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy keeps comments and quoting: update-cves writes byte for byte what it wrote when
    it parsed the text again, and the snapshot's own document stays as read."""
    from psirt.compute.cve_fields import compute_update
    from psirt.core.workspace import find_workspace
    from psirt.parsing.cve_yaml import CveDocument
    from psirt.session import open_session

    snapshot = open_session(find_workspace(explicit=demo_root)).snapshot(round_trip=True)
    items = [i for i in snapshot.issues if i.cve_request and i.cve_request.document]
    copied = [compute_update(item, snapshot.release, snapshot.config) for item in items]
    monkeypatch.setattr(CveDocument, "copy", lambda self: CveDocument(self.original))
    fresh = [compute_update(item, snapshot.release, snapshot.config) for item in items]
    assert [u.after for u in copied if u] == [u.after for u in fresh if u]
    assert sum(1 for u in copied if u and u.after != u.before) >= 3  # edits were made
    for item in items:
        request = item.cve_request
        assert request is not None and request.document is not None
        assert not request.document.changed and request.document.dump() == request.yaml_text


def test_a_read_only_run_reads_and_computes_as_the_round_trip(demo_root: Path) -> None:
    """A run that only reads loads the CVE YAML with the C loader: every field reads the same
    and update-cves' computation changes the same fields (what validate asks of it)."""
    from psirt.compute.cve_fields import compute_updates
    from psirt.core.workspace import find_workspace
    from psirt.session import open_session

    session = open_session(find_workspace(explicit=demo_root))
    plain, kept = session.snapshot(), session.snapshot(round_trip=True)
    documents = [
        (a.cve_request.document, b.cve_request.document)
        for a, b in zip(plain.issues, kept.issues, strict=True)
        if a.cve_request and b.cve_request
    ]
    assert documents and all(p is not None and k is not None for p, k in documents)
    assert not any(p.round_trip for p, _ in documents if p)  # the demo's blocks are plain
    for fast, full in documents:
        assert fast is not None and full is not None
        assert fast.to_plain() == full.to_plain()
        assert [fast.text_of(f) for f in TEXT_FIELDS] == [full.text_of(f) for f in TEXT_FIELDS]
        assert [fast.list_of(f) for f in LIST_FIELDS] == [full.list_of(f) for f in LIST_FIELDS]
        fields = (*TEXT_FIELDS, *LIST_FIELDS, "product", "references[1]", "missing", "product.x")
        assert [fast.line_of(f) for f in fields] == [full.line_of(f) for f in fields]
    by_plain = compute_updates(plain.issues, plain.release, plain.config)
    by_kept = compute_updates(kept.issues, kept.release, kept.config)
    assert [(u.changed, u.changed_fields, u.conflicts) for u in by_plain] == [
        (u.changed, u.changed_fields, u.conflicts) for u in by_kept
    ]


@pytest.mark.parametrize(
    "text",
    [
        "vulnerability:\n  cwe: &c CWE-79\n  impact: *c\n",  # an alias: the round trip refuses
        "vulnerability:\n  cwe: CWE-79\n  cwe: CWE-80\n",  # a duplicate key
        "vulnerability: [\n",  # malformed
    ],
)
def test_anything_unusual_takes_the_round_trip_and_its_message(text: str) -> None:
    from psirt.core.errors import InputError
    from psirt.parsing.cve_yaml import CveDocument

    try:
        expected: object = CveDocument(text, where="x").to_plain()
    except InputError as exc:
        expected = exc.message
    try:
        document = CveDocument.read(text, where="x", round_trip=False)
    except InputError as exc:
        assert exc.message == expected
    else:
        assert document.round_trip and document.to_plain() == expected
