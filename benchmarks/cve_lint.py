"""How fast ``psirt cve lint`` checks a corpus of CVE records, against cvelib's schema loop.

Writes a corpus of real-shaped records (default 10,000): the records of
``tests/data/records/*.json``, copied in turn and renumbered (``cveId`` and file name
``CVE-2099-NNNNN.json``, in ``NNxxx`` folders as the CVE list lays them out). Then times, as
fresh processes with the modes interleaved in each repetition:

* ``psirt cve lint FOLDER`` (schema and every record rule; worker processes on every core),
* ``psirt cve lint --jobs 1 FOLDER`` (one process: the figure per core),
* cvelib's schema loop: ``CveRecord.validate`` of each record's CNA container against the
  bundled CNA schema, as cvelib validates before it publishes (``jsonschema``, pure Python;
  a sample of the corpus, as it is slow, scaled to records/s).

For comparison (not run here: a Go binary): cvelint, Go, checked 7,460 records/s on the same
kind of corpus (10,000 real-shaped records) on this 2-core machine, in the measurement that
opened the work on this benchmark; psirt checked 196/s and cvelib's loop 181/s then. cvelint
reads and checks one file after another in one goroutine (``internal/linter.go``), so that
figure is also its figure per core; its default rules are about twenty ``gjson`` look-ups and
do not validate the record against the CVE JSON 5 schema, which psirt does for every record
before its own rules (CVSS, CWE, versions, wording, overshare, confidentiality).

Prints records/s and seconds for the whole corpus, min/median/max over the repetitions.

    .venv/bin/python benchmarks/cve_lint.py [--records 10000] [--reps 3] [--cvelib-sample 500]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from psirt_command import psirt_executable

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "records"
CVELINT_RECORDS_PER_S = 7460  # Go, 10,000 records, same machine (see the docstring)

_CVELIB_LOOP = """
import json, sys
from cvelib.cve_api import CveRecord, CveRecordValidationError
for line in sys.stdin.read().splitlines():
    record = json.loads(open(line, encoding="utf-8").read())
    try:
        CveRecord.validate(record["containers"]["cna"])
    except CveRecordValidationError:
        pass
"""


def write_corpus(root: Path, count: int) -> list[Path]:
    """``count`` records under ``root``, renumbered copies of the test corpus."""
    sources = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.json"))]
    written: list[Path] = []
    for index in range(count):
        record = json.loads(json.dumps(sources[index % len(sources)]))
        cve_id = f"CVE-2099-{10000 + index}"
        record["cveMetadata"]["cveId"] = cve_id
        folder = root / f"{(10000 + index) // 1000}xxx"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{cve_id}.json"
        path.write_text(json.dumps(record, indent=2), encoding="utf-8")
        written.append(path)
    return written


def _time(command: list[str], stdin: str | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        command, input=stdin, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the corpus has findings
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cvelib-sample", type=int, default=500)
    args = parser.parse_args()
    psirt = psirt_executable()
    with tempfile.TemporaryDirectory(prefix="psirt-cve-lint-") as tmp:
        root = Path(tmp) / "cves"
        paths = write_corpus(root, args.records)
        sample = "\n".join(str(p) for p in paths[: args.cvelib_sample])
        modes = {
            "psirt cve lint (all cores)": (
                [psirt, "cve", "lint", str(root)],
                None,
                len(paths),
            ),
            "psirt cve lint --jobs 1": (
                [psirt, "cve", "lint", "--jobs", "1", str(root)],
                None,
                len(paths),
            ),
            "cvelib schema loop": (
                [sys.executable, "-c", _CVELIB_LOOP],
                sample,
                min(args.cvelib_sample, len(paths)),
            ),
        }
        rates: dict[str, list[float]] = {name: [] for name in modes}
        for _ in range(args.reps):
            for name, (command, stdin, count) in modes.items():
                rates[name].append(count / _time(command, stdin))
    print(
        f"{args.records} records, {args.reps} repetitions "
        f"(records/s, then seconds for {args.records} records: min / median / max)"
    )
    for name, values in rates.items():
        low, median, high = min(values), statistics.median(values), max(values)
        n = args.records
        print(
            f"  {name:28s} {low:8.0f} {median:8.0f} {high:8.0f}"
            f"   {n / high:7.2f} s {n / median:7.2f} s {n / low:7.2f} s"
        )
    print(f"  {'cvelint (Go, recorded)':28s} {CVELINT_RECORDS_PER_S:8d}")


if __name__ == "__main__":
    main()
