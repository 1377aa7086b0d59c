"""Time one CWE lookup in a fresh process: psirt's cached index against cwe2's own API.

Run: ``.venv/bin/python benchmarks/cwe_lookup.py [--runs 15] [--cwe 400]``. Each figure is the
median wall time of a new interpreter that imports the library and looks up one CWE, so it is
what an engineer waits for when typing ``psirt cwe CWE-400``. The psirt cache is warmed first
(in a private directory), which is the state every lookup after the first one sees.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BASELINE = "pass"
PSIRT = "from psirt.knowledge.cwe import lookup; e = lookup({cwe!r}); print(e.id, e.name)"
CWE2 = "from cwe2.database import Database; w = Database().get({cwe}); print(w.cwe_id, w.name)"


def run_once(code: str, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return time.perf_counter() - start, done.stdout.strip()


def medians_ms(codes: list[str], env: dict[str, str], runs: int) -> list[tuple[float, str]]:
    """Interleaved, so a busy machine slows every contender alike."""
    times: list[list[float]] = [[] for _ in codes]
    outs = [""] * len(codes)
    for _ in range(runs):
        for index, code in enumerate(codes):
            elapsed, outs[index] = run_once(code, env)
            times[index].append(elapsed)
    return [(statistics.median(t) * 1000, o) for t, o in zip(times, outs, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cwe", default="400", help="numeric CWE id, e.g. 400 or 1009")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PSIRT_CACHE_DIR": cache}
        cold, _ = run_once(PSIRT.format(cwe=args.cwe), env)  # builds the index once
        (base, _), (ours, our_out), (theirs, their_out) = medians_ms(
            [BASELINE, PSIRT.format(cwe=args.cwe), CWE2.format(cwe=args.cwe)], env, args.runs
        )

    print(f"CWE-{args.cwe}, median of {args.runs} new processes ({sys.version.split()[0]})")
    print(f"  python startup only                  {base:8.1f} ms")
    print(f"  psirt, first run (parse + index)     {cold * 1000:8.1f} ms")
    print(f"  psirt lookup, warm index             {ours:8.1f} ms   -> {our_out}")
    print(f"  {'cwe2 Database().get(' + args.cwe + ')':<36} {theirs:8.1f} ms   -> {their_out}")
    print(f"  ratio cwe2 / psirt                   {theirs / ours:8.1f} x")
    beyond = (theirs - base) / max(ours - base, 0.01)
    print(f"  ratio beyond startup                 {beyond:8.1f} x")


if __name__ == "__main__":
    main()
