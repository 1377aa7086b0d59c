"""What ``psirt validate`` and ``psirt update-cves`` tell people about the demo release, for the
cases whose wording is easy to get wrong, byte for byte against ``tests/golden/hints.txt``:

* CVE001 names the line of the description and the file line, with no leftover arithmetic;
* a placeholder range is one finding (CVE010, fix: update-cves), not also CVE003;
* CVE020's hint quotes the versions computed now;
* the CNA bot's comment is quoted as text, not as a Python repr;
* an acknowledged warning says who acknowledged it and why;
* counts agree in number ("1 warning", "1 conflict");
* update-cves with nothing to write but a conflict does not say "up to date", and says which
  description its edits change.

``PSIRT_UPDATE_GOLDEN=1`` rewrites the file; review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from tests.rules.golden import fail_unless_golden

GOLDEN = Path(__file__).parent.parent / "golden" / "hints.txt"
UPDATE = os.environ.get("PSIRT_UPDATE_GOLDEN") == "1"
ISSUES = Path("projects")
CVES = ISSUES / "gitlab-org" / "cves" / "issues"
SECURITY = ISSUES / "gitlab-org" / "security" / "gitlab" / "issues"


def _edit(root: Path, path: Path, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    run_app(app, ["-w", str(root), *args])
    return capsys.readouterr().out


def _groups(text: str, *headings: str) -> str:
    """The blocks of the validate output whose heading starts with one of ``headings``, and
    the summary line."""
    blocks = text.split("\n\n")
    kept = [b for b in blocks if b.split("  ")[0] in headings]
    return "\n\n".join([*kept, blocks[-1].strip()])


def render(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    # CVE001: a YAML block that does not parse
    _edit(root, CVES / "3101.md", "  cwe: ", "  cwe: [")
    # CVE020: the description names other versions than the computed ones
    _edit(root, CVES / "3103.md", "18.9 before 18.9.3", "18.9 before 18.9.2")
    # an acknowledged warning (CVE007 on #1107's request), by a person, with why
    _edit(
        root,
        SECURITY / "1107.md",
        "acknowledgements: []\n",
        "acknowledgements:\n  - code: CVE007\n    by: kim-appsec\n"
        "    reason: CWE-862 is the most precise fit, reviewed with AppSec\n",
    )
    validate = _run(root, capsys, "validate")
    sections = [
        "$ psirt validate (CVE001, CVE020, CVE010 on placeholders, CVE025, an acknowledgement)",
        _groups(
            validate,
            "gitlab-org/security/gitlab#1101",
            "gitlab-org/security/gitlab#1103",
            "gitlab-org/security/gitlab#1105",
            "gitlab-org/security/gitlab#1106",
            "gitlab-org/security/gitlab#1107",
        ),
    ]
    # update-cves: what it would change (which description, and the label that goes), ...
    _edit(root, CVES / "3101.md", "  cwe: [", "  cwe: ")
    planned = _run(root, capsys, "update-cves").splitlines()
    said = [line for line in planned if "would change" in line or "label ~" in line]
    said += [line.strip() for line in planned if "update the CVE YAML" in line]
    sections += ["$ psirt update-cves (the dry run's summary lines)", "\n".join(said)]
    # ... then, applied, a human value it keeps: nothing left to write
    run_app(app, ["-w", str(root), "update-cves", "--live"])
    _edit(root, CVES / "3109.md", "    vendor: GitLab\n", "    vendor: GitLab Inc.\n")
    sections += ["$ psirt update-cves (one conflict, nothing to write)"]
    sections += [_run(root, capsys, "update-cves").strip()]
    return "\n\n".join(sections).replace(str(root), "<workspace>") + "\n"


def test_hints_match_golden(demo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = render(demo_root, capsys)
    if UPDATE:
        GOLDEN.write_text(text, encoding="utf-8")
        return
    golden = GOLDEN.read_text(encoding="utf-8")
    fail_unless_golden(text, golden, GOLDEN, "the hints differ")
    # what the golden file must keep saying, whatever else changes
    assert "+ n" not in golden and "\\'" not in golden
    assert "1 warning, 1 acknowledged" in golden and "1 conflict " in golden
    assert "up to date" not in golden.split("$ psirt update-cves")[1]
