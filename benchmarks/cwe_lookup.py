"""Time one CWE lookup in a fresh process: psirt's index against cwe2's own API.

Run: ``.venv/bin/python benchmarks/cwe_lookup.py [--runs 15] [--cwe 400]``. Each figure is the
median wall time of a new interpreter that imports the library and looks up one CWE, so it is
what an engineer waits for when typing ``psirt cwe CWE-400``; the command itself
(``psirt cwe``) is timed too, with a warm cache and with an empty one (a new cache folder each
run: the index psirt ships is read, no XML is parsed). Contenders are interleaved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMPTY = "(a new empty folder each run)"
BASELINE = "pass"
PSIRT = "from psirt.knowledge.cwe import lookup; e = lookup({cwe!r}); print(e.id, e.name)"
CWE2 = "from cwe2.database import Database; w = Database().get({cwe}); print(w.cwe_id, w.name)"


def run_once(code: str, env: dict[str, str]) -> tuple[float, str]:
    """``code``: Python source, or ``psirt ARGS`` for the command line."""
    if code.startswith("psirt "):
        command = [str(Path(sys.executable).with_name("psirt")), *code.split()[1:]]
    else:
        command = [sys.executable, "-c", code]
    if env.get("PSIRT_CACHE_DIR") == EMPTY:
        with tempfile.TemporaryDirectory() as empty:
            return run_once(code, {**env, "PSIRT_CACHE_DIR": empty})
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - start, (done.stdout.strip().splitlines() or [""])[0]


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

    command = f"psirt cwe CWE-{args.cwe}"
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PSIRT_CACHE_DIR": cache}
        cold, _ = run_once(PSIRT.format(cwe=args.cwe), env)  # an empty cache: the shipped index
        (base, _), (ours, our_out), (theirs, their_out), (cli, _) = medians_ms(
            [BASELINE, PSIRT.format(cwe=args.cwe), CWE2.format(cwe=args.cwe), command],
            env,
            args.runs,
        )
        ((cli_empty, _),) = medians_ms([command], {**env, "PSIRT_CACHE_DIR": EMPTY}, args.runs)

    print(f"CWE-{args.cwe}, median of {args.runs} new processes ({sys.version.split()[0]})")
    print(f"  python startup only                  {base:8.1f} ms")
    print(f"  psirt, first run (empty cache)       {cold * 1000:8.1f} ms")
    print(f"  psirt lookup, warm index             {ours:8.1f} ms   -> {our_out}")
    print(f"  {command + ', warm cache':<36} {cli:8.1f} ms")
    print(f"  {command + ', empty cache':<36} {cli_empty:8.1f} ms")
    print(f"  {'cwe2 Database().get(' + args.cwe + ')':<36} {theirs:8.1f} ms   -> {their_out}")
    print(f"  ratio cwe2 / psirt                   {theirs / ours:8.1f} x")
    beyond = (theirs - base) / max(ours - base, 0.01)
    print(f"  ratio beyond startup                 {beyond:8.1f} x")


if __name__ == "__main__":
    main()
