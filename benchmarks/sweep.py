"""Sweep throughput and memory: scenario evaluations per second and peak RSS.

Sweeps the default scenario (us-russia-2023) over two axes,
``russia.systems.icbm_mobile.launchers`` × ``us.defences.gmd.interceptors``, on local
worker processes, at ``--points`` and at a tenth of it, each in a fresh process so that
the peak resident memory (``getrusage`` ``ru_maxrss`` of the process and of its worker
processes) belongs to that size alone. Memory stays bounded because every chunk builds
its own points from the flat index; what grows with the sweep is only the result
(8 bytes × 14 metrics per point).

    python benchmarks/sweep.py                     # 100,000 and 1,000,000 points, 2 workers
    python benchmarks/sweep.py --points 200000 --workers 4 --output /tmp/sweep.nc
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AXIS_1 = "russia.systems.icbm_mobile.launchers"
AXIS_2 = "us.defences.gmd.interceptors"


def _child(points: int, workers: int, chunk_size: int, output: str | None) -> dict:
    from security_equation.analysis.executors import LocalExecutor
    from security_equation.analysis.sweep import run_sweep
    from security_equation.io import load_scenario

    n1 = min(1000, points)
    n2 = math.ceil(points / n1)
    # Whole-number fields take whole-number grids: steps of one launcher and one interceptor.
    axes = [f"{AXIS_1}=0:{n1 - 1}:{n1}", f"{AXIS_2}=0:{n2 - 1}:{n2}"]
    scenario = load_scenario("us-russia-2023")
    started = time.perf_counter()
    ds = run_sweep(
        scenario, axes, executor=LocalExecutor(workers), chunk_size=chunk_size, output=output, force=True
    )
    seconds = time.perf_counter() - started
    evaluated = int(ds["fsi"].size)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB → MB on Linux
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "points": evaluated,
        "grid": [n1, n2],
        "workers": workers,
        "seconds": seconds,
        "evaluations_per_second": evaluated / seconds,
        "peak_rss_main_mb": own,
        "peak_rss_worker_mb": children,
        "result_mb": ds.nbytes / 2**20,
        "fsi_min": float(ds["fsi"].min()),
        "fsi_max": float(ds["fsi"].max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=16_384)
    parser.add_argument("--output", help="also write NetCDF here (and time it)")
    parser.add_argument("--single", action="store_true", help="only --points, not a tenth too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.points, args.workers, args.chunk_size, args.output)))
        return
    sizes = [args.points] if args.single else [max(1, args.points // 10), args.points]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            output = str(Path(tmp) / f"sweep-{n}.nc") if args.output else None
            cmd = [
                sys.executable,
                __file__,
                "--child",
                "--points",
                str(n),
                "--workers",
                str(args.workers),
                "--chunk-size",
                str(args.chunk_size),
            ]
            if output:
                cmd += ["--output", output]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        f"{'points':>10} {'grid':>11} {'workers':>7} {'seconds':>8} {'evals/s':>10}"
        f" {'peak main MB':>12} {'peak worker MB':>14} {'result MB':>9}"
    )
    for r in rows:
        print(
            f"{r['points']:>10,} {r['grid'][0]:>5}x{r['grid'][1]:<5} {r['workers']:>7}"
            f" {r['seconds']:>8.2f} {r['evaluations_per_second']:>10,.0f}"
            f" {r['peak_rss_main_mb']:>12.0f} {r['peak_rss_worker_mb']:>14.0f}"
            f" {r['result_mb']:>9.0f}"
        )
    if len(rows) == 2:
        a, b = rows
        print(
            f"points x{b['points'] / a['points']:.0f}: peak worker memory"
            f" x{b['peak_rss_worker_mb'] / a['peak_rss_worker_mb']:.2f}, peak main memory"
            f" x{b['peak_rss_main_mb'] / a['peak_rss_main_mb']:.2f}"
            f" (the main process holds the results: {b['result_mb']:.0f} MB)"
        )


if __name__ == "__main__":
    main()
