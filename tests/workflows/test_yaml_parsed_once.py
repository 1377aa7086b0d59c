"""Each CVE request's YAML is parsed once per run: the snapshot parses it and carries the parsed
document; update-cves edits a copy of that tree instead of parsing the text again. Counted at
ruamel's ``YAML.load``, whatever calls it."""

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


@pytest.fixture
def cve_parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How often each CVE YAML document (by its text) was parsed."""
    parsed: Counter[str] = Counter()
    load = YAML.load

    def counted(self: YAML, stream: Any) -> Any:
        if isinstance(stream, str) and stream.lstrip().startswith(f"{ROOT_KEY}:"):
            parsed[stream] += 1
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
    demo_root: Path, cve_parses: Counter[str], command: tuple[str, ...]
) -> None:
    run_app(app, ["--workspace", str(demo_root), *command])
    assert len(cve_parses) >= 10  # the demo's CVE requests were read
    assert set(cve_parses.values()) == {1}, cve_parses.most_common(1)[0][1]


def test_update_cves_edits_a_copy_as_it_edited_a_fresh_parse(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy keeps comments and quoting: update-cves writes byte for byte what it wrote when
    it parsed the text again, and the snapshot's own document stays as read."""
    from psirt.compute.cve_fields import compute_update
    from psirt.core.workspace import find_workspace
    from psirt.parsing.cve_yaml import CveDocument
    from psirt.session import open_session

    snapshot = open_session(find_workspace(explicit=demo_root)).snapshot()
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
