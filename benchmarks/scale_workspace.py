"""Write a demo workspace scaled to N fixes: the demo's eleven fixes copied and renumbered.

The first eleven fixes are the demo's own; every further copy gets its own iids (security issue,
canonical issue, CVE request, and so its merge requests), CVE id, HackerOne report id, key
(and so source branches) and issue title, so no copy is taken for another (a revert names its
own MR; a ``Revert "<title>"`` matches only its own copy). The deliberate defects repeat with
each copy, so the findings grow with the release, as they would.

    .venv/bin/python benchmarks/scale_workspace.py FOLDER --fixes 200
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from psirt.demo.build import build_demo
from psirt.demo.data import FIXES, DemoFix


def scaled_fixes(count: int) -> list[DemoFix]:
    """``count`` fixes: the demo's, then renumbered copies of them, in order."""
    out: list[DemoFix] = []
    for index in range(count):
        copy, base = divmod(index, len(FIXES))
        fix = FIXES[base]
        if copy == 0:
            out.append(fix)
            continue
        number = copy * 100 + base + 1  # unique per fix, and never one of the demo's
        out.append(
            dataclasses.replace(
                fix,
                key=f"{fix.key}-{copy + 1}",
                security_iid=100_000 + number,
                canonical_iid=600_000 + number,
                cve_iid=300_000 + number,
                cve_id=f"CVE-2026-{40_000 + number}",
                issue_title=f"{fix.issue_title} (case {copy + 1})",
                report_id=f"4{number:07d}" if fix.report_id else None,
            )
        )
    return out


def write_workspace(root: Path, count: int) -> Path:
    """Write a ``count``-fix workspace into ``root`` (missing or empty) and return it."""
    build_demo(root, scaled_fixes(count))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--fixes", type=int, default=200)
    args = parser.parse_args()
    write_workspace(args.folder, args.fixes)
    print(f"{args.fixes} fixes written to {args.folder}")


if __name__ == "__main__":
    main()
