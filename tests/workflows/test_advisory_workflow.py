"""advisory export / lint through the command line on the demo workspace: files written and
checked, re-exports that add a CSAF revision (and keep the earlier ones), OSV dates kept or
moved, a record withdrawn when its fix is held back later, and the lint's findings."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.workflows import advisory

CSAF_FILE = "gitlab-sa-20260325-18-10-1.json"
MRS = Path("projects/gitlab-org/security/gitlab/merge_requests")
GOLDEN = Path(__file__).parent.parent / "golden"


def _run(ws: Path, *args: str) -> int:
    return run_app(app, ["--workspace", str(ws), *args])


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _ship_the_reverted_fix(ws: Path, keep: Path) -> None:
    """CVE-2026-4104 ships after all: its backport is no longer reverted."""
    backport = ws / MRS / "11042.md"
    shutil.copy(backport, keep / "11042.md")
    backport.write_text(backport.read_text().replace("  - reverted\n", ""), encoding="utf-8")
    shutil.move(ws / MRS / "11049.md", keep / "11049.md")


def _revert_it_again(ws: Path, keep: Path) -> None:
    shutil.copy(keep / "11042.md", ws / MRS / "11042.md")
    shutil.copy(keep / "11049.md", ws / MRS / "11049.md")


def _export(ws: Path, kind: str, now: datetime, **options: Any) -> advisory.Export:
    session = open_session(Workspace(ws))
    if kind == "csaf":
        return advisory.export_csaf(session, ws / "out" / "csaf", now=now, **options)
    return advisory.export_osv(session, ws / "out" / "osv", now=now)


def test_cli_export_writes_checked_files_and_a_rerun_changes_nothing(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = demo_root / "out"
    assert _run(demo_root, "advisory", "export", "--format", "csaf", "--provider-metadata") == 0
    assert _run(demo_root, "advisory", "export", "-f", "osv", "-o", str(out / "osv")) == 0
    text = capsys.readouterr().out
    assert f"{out / 'csaf' / CSAF_FILE}  written" in text
    assert "10 files exported: 0 errors, 0 warnings" in text
    assert "left out: CVE-2026-4104 (gitlab-org/security/gitlab#1104) is held back" in text
    assert sorted(p.name for p in (out / "csaf").iterdir()) == [CSAF_FILE, "provider-metadata.json"]
    assert len(list((out / "osv").glob("x_GITLAB-CVE-*.json"))) == 10
    # the first export is dated by the release, so it is the golden document byte for byte
    golden = GOLDEN / "csaf" / CSAF_FILE
    assert (out / "csaf" / CSAF_FILE).read_text() == golden.read_text()
    before = {p: p.read_bytes() for p in out.rglob("*.json")}
    assert _run(demo_root, "advisory", "export", "-f", "csaf", "--provider-metadata") == 0
    assert _run(demo_root, "advisory", "export", "-f", "osv") == 0
    assert "written" not in capsys.readouterr().out.replace("unchanged", "")
    assert {p: p.read_bytes() for p in out.rglob("*.json")} == before
    meta = _load(out / "csaf" / "provider-metadata.json")
    assert (
        meta["canonical_url"] == "https://about.gitlab.com/.well-known/csaf/provider-metadata.json"
    )
    assert meta["publisher"] == _load(golden)["document"]["publisher"]


def test_a_change_adds_a_revision_and_keeps_the_history(demo_root: Path, tmp_path: Path) -> None:
    first, second, third = (datetime(2026, 3, day, 10, 0, tzinfo=UTC) for day in (25, 27, 30))
    path = demo_root / "out" / "csaf" / CSAF_FILE
    _export(demo_root, "csaf", first)
    initial = _load(path)["document"]["tracking"]

    _ship_the_reverted_fix(demo_root, tmp_path)
    _export(demo_root, "csaf", second)
    document = _load(path)
    tracking = document["document"]["tracking"]
    assert tracking["version"] == "2"
    assert tracking["revision_history"][0] == initial["revision_history"][0]
    assert tracking["revision_history"][1] == {
        "date": "2026-03-27T10:00:00Z",
        "number": "2",
        "summary": "Added CVE-2026-4104.",
    }
    assert tracking["initial_release_date"] == initial["initial_release_date"]
    assert tracking["current_release_date"] == "2026-03-27T10:00:00Z"
    assert "CVE-2026-4104" in {v["cve"] for v in document["vulnerabilities"]}

    _export(demo_root, "csaf", third)  # nothing changed: nothing moves
    assert _load(path)["document"]["tracking"] == tracking

    _revert_it_again(demo_root, tmp_path)
    _export(demo_root, "csaf", third)
    history = _load(path)["document"]["tracking"]["revision_history"]
    assert [(r["number"], r["summary"]) for r in history] == [
        ("1", "Initial release."),
        ("2", "Added CVE-2026-4104."),
        ("3", "Removed CVE-2026-4104."),
    ]


def test_a_draft_keeps_its_number_when_it_becomes_final(demo_root: Path) -> None:
    path = demo_root / "out" / "csaf" / CSAF_FILE
    now = datetime(2026, 3, 24, 8, 0, tzinfo=UTC)
    _export(demo_root, "csaf", now, status="draft")
    draft = _load(path)["document"]["tracking"]
    assert (draft["status"], draft["version"]) == ("draft", "1")
    _export(demo_root, "csaf", now, status="final")
    final = _load(path)["document"]["tracking"]
    assert (final["status"], final["version"]) == ("final", "1")
    assert final["revision_history"] == draft["revision_history"]


def test_osv_dates_stay_until_a_record_changes_and_a_held_back_fix_is_withdrawn(
    demo_root: Path, tmp_path: Path
) -> None:
    out = demo_root / "out" / "osv"
    first, later = datetime(2026, 3, 25, tzinfo=UTC), datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    _export(demo_root, "osv", first)
    _ship_the_reverted_fix(demo_root, tmp_path)
    written = _export(demo_root, "osv", later).written
    assert [w.path.name for w in written if w.changed] == ["x_GITLAB-CVE-2026-4104.json"]
    added = _load(out / "x_GITLAB-CVE-2026-4104.json")
    assert added["published"] == added["modified"] == "2026-03-25T00:00:00Z"
    assert _load(out / "x_GITLAB-CVE-2026-4101.json")["modified"] == "2026-03-25T00:00:00Z"

    _revert_it_again(demo_root, tmp_path)
    result = _export(demo_root, "osv", later)
    assert [w.path.name for w in result.written if w.changed] == ["x_GITLAB-CVE-2026-4104.json"]
    withdrawn = _load(out / "x_GITLAB-CVE-2026-4104.json")
    assert withdrawn["withdrawn"] == withdrawn["modified"] == "2026-04-02T08:00:00Z"
    assert withdrawn["published"] == "2026-03-25T00:00:00Z"
    assert result.findings == []  # a withdrawn record is still a valid OSV record


def test_templates_are_overridden_from_the_workspace(demo_root: Path) -> None:
    folder = demo_root / "templates" / "advisory"
    folder.mkdir(parents=True)
    (folder / "legal_disclaimer.txt.j2").write_text("Use at your own risk, says {{ publisher }}.\n")
    (folder / "osv_summary.txt.j2").write_text("{{ cve_id }}: {{ severity }} in {{ product }}\n")
    now = datetime(2026, 3, 25, tzinfo=UTC)
    document = _export(demo_root, "csaf", now).written[0].document
    notes = {n["category"]: n["text"] for n in document["document"]["notes"]}
    assert notes["legal_disclaimer"] == "Use at your own risk, says GitLab."
    record = _load(_export(demo_root, "osv", now).written[0].path)
    assert record["summary"] == "CVE-2026-4101: Critical in GitLab"


def test_lint_checks_each_format_and_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = [GOLDEN / "csaf" / CSAF_FILE, *sorted((GOLDEN / "osv").glob("*.json"))]
    assert run_app(app, ["advisory", "lint", *map(str, good)]) == 0
    assert "11 files: 0 errors, 0 warnings" in capsys.readouterr().out

    document = _load(GOLDEN / "csaf" / CSAF_FILE)
    del document["document"]["title"]
    (tmp_path / "Wrong Name.json").write_text(json.dumps(document))
    record = _load(GOLDEN / "osv" / "x_GITLAB-CVE-2026-4101.json")
    record["id"] = "GITLAB-CVE-2026-4101"
    (tmp_path / "osv.json").write_text(json.dumps(record))
    (tmp_path / "provider-metadata.json").write_text(json.dumps({"metadata_version": "2.0"}))
    (tmp_path / "other.json").write_text("[1, 2]")
    files = ["Wrong Name.json", "osv.json", "provider-metadata.json", "other.json"]
    code = run_app(
        app, ["advisory", "lint", "--format", "json", *(str(tmp_path / f) for f in files)]
    )
    assert code == 1
    found = [
        (f["code"], f["subject"], f["field"])
        for f in json.loads(capsys.readouterr().out)["findings"]
    ]
    assert ("ADV001", "Wrong Name.json", "document") in found
    assert ("ADV002", "Wrong Name.json", "document/tracking/id") in found
    assert ("ADV004", "osv.json", "id") in found
    assert ("ADV003", "provider-metadata.json", "(document)") in found
    assert ("ADV005", "other.json", "") in found


def test_a_bad_id_pattern_is_one_line_naming_the_key(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = demo_root / "psirt.toml"
    config.write_text(config.read_text() + '\n[advisory]\ncsaf_id = "sa-{release}"\n')
    assert _run(demo_root, "advisory", "export", "-f", "csaf") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("psirt: error: ") and "advisory.csaf_id" in err and "\n" not in err


def test_the_demo_writes_and_checks_both_formats(demo_root: Path) -> None:
    from psirt.workflows.demo import STEPS, advisory_step

    assert advisory_step in STEPS
    result = advisory_step(open_session(Workspace(demo_root)))
    assert result.lines[:3] == (  # paths as the user can use them: absolute from elsewhere
        f"CSAF 2.0: {demo_root}/out/csaf/{CSAF_FILE} (10 vulnerabilities, version 1, final), "
        "schema: 0 errors, 0 warnings",
        f"OSV: 10 records written to {demo_root}/out/osv, schema: 0 errors, 0 warnings",
        "left out: CVE-2026-4104 (held back, as in the post)",
    )


def test_csaf_options_are_refused_with_osv(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(demo_root, "advisory", "export", "-f", "osv", "--provider-metadata") == 2
    err = capsys.readouterr().err
    assert "--provider-metadata" in err and "--format csaf" in err
    assert not (demo_root / "out" / "osv").exists()
