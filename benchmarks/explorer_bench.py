"""Explorer benchmark: how long one live update of each model explorer takes (solve + redraw).

A live update is what happens when a reader releases a slider in Jupyter: the model is solved for
the new value and the kept figure is redrawn and rendered to SVG
(:meth:`immunokit.interactive.LiveFigure.update`). For every explorer this script moves its main slider
through ``n`` *distinct* values (so no cached solution is reused for the changed parameter), times
each update with a wall clock, and reports the median and the 95th percentile in milliseconds,
together with the fastest update and the CPU time of the process (both less sensitive to other load
on the machine; the load average is printed). The target is a median of at most 50 ms.

Usage: ``python benchmarks/explorer_bench.py [--n 30] [--json PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence

import numpy as np

from immunokit.interactive import EXPLORERS, Explorer, LiveFigure

TARGET_MEDIAN_MS = 50.0


def _values(ex: Explorer, n: int) -> list[float]:
    """``n`` distinct values across the frame control's range (log-spaced on a log slider)."""
    c = ex.control(ex.frame_control)
    if c.scale == "log":
        values = np.geomspace(c.min, c.max, n + 2)[1:-1]
    else:
        values = np.linspace(c.min, c.max, n + 2)[1:-1]
    if c.scale == "int":
        values = np.unique(np.round(values).astype(int))
    return [float(v) for v in values]


def _percentile(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


def measure_explorer(ex: Explorer, n: int = 30) -> dict[str, float]:
    """Time ``n`` live updates of ``ex`` (after one warm-up update); return summary statistics in ms."""
    live = LiveFigure()
    try:
        live.update(ex.solve())  # builds the figure and fixes its layout (not a timed update)
        wall: list[float] = []
        cpu: list[float] = []
        for value in _values(ex, n):
            w0, c0 = time.perf_counter(), time.process_time()
            live.update(ex.solve(**{ex.frame_control: value}))
            wall.append((time.perf_counter() - w0) * 1000.0)
            cpu.append((time.process_time() - c0) * 1000.0)
    finally:
        live.close()
    return {
        "n": len(wall),
        "median_ms": statistics.median(wall),
        "p95_ms": _percentile(wall, 95),
        "min_ms": min(wall),
        "cpu_median_ms": statistics.median(cpu),
        "cpu_p95_ms": _percentile(cpu, 95),
    }


def measure(n: int = 30) -> dict[str, dict[str, float]]:
    """Median and 95th percentile (ms) of one live update (solve + redraw) for every explorer."""
    return {name: measure_explorer(make(), n) for name, make in EXPLORERS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print a table; with ``--json PATH`` also write the numbers. Exit 1 if a median misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="updates per explorer (default 30)")
    parser.add_argument("--json", help="write the results to this JSON file")
    args = parser.parse_args(argv)
    results = measure(args.n)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"explorer live update (solve + redraw), n = {args.n}; load average {load:.2f}; "
        f"target median ≤ {TARGET_MEDIAN_MS:g} ms"
    )
    print(f"{'explorer':<15}{'median ms':>11}{'p95 ms':>9}{'min ms':>9}{'cpu median':>12}{'cpu p95':>9}")
    for name, r in results.items():
        print(
            f"{name:<15}{r['median_ms']:>11.1f}{r['p95_ms']:>9.1f}{r['min_ms']:>9.1f}"
            f"{r['cpu_median_ms']:>12.1f}{r['cpu_p95_ms']:>9.1f}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"load_average": load, "n": args.n, "results": results}, handle, indent=2)
    missed = [name for name, r in results.items() if r["median_ms"] > TARGET_MEDIAN_MS]
    if missed:
        print(f"median above {TARGET_MEDIAN_MS:g} ms: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
