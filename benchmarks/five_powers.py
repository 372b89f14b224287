"""Speed of the five-power default (``five-powers-2026``, issue 13): every ordered pair
(20 first strikes) and the stability of every pair of sides (10 FSIs) per evaluation.

The scenario is the bundled file compiled as ``seceq run`` compiles it, in three modes
(``--mode``, all by default):

* ``bundled``: as the file says (the UK and France committed to the US, every reserve
  ``fixed``);
* ``endogenous``: every side's reserve ``endogenous`` and no commitments;
* ``allies``: every reserve ``endogenous`` and the file's commitments.

Three paths are timed per mode, each in one process and over ``--workers`` processes,
by the wall clock and per CPU second (this process and its workers: on a busy machine
the wall clock measures the other load too; evaluations per CPU second times the
workers is what the pool reaches with a core per worker):

* ``engine``: ``exchange`` + ``stability`` on perturbed copies (every system and defence
  number of every side scaled as in ``benchmarks/exchange.py``), in chunks of
  ``analysis.plans.EVAL_BLOCK``;
* ``monte carlo``: ``analysis.montecarlo.monte_carlo`` over the scenario's own
  distributions, what ``seceq run five-powers-2026 --samples N`` runs (the analysis
  functions, metrics included, without the table);
* ``sweep``: ``analysis.sweep.run_sweep`` over a grid of China's DF-31 silo launchers times
  US GMD interceptors (:data:`SWEEP_AXES`), what ``seceq sweep`` runs (without writing the file).

    python benchmarks/five_powers.py [--batch 40960] [--workers 2] [--mode bundled] [--paths engine]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exchange import perturb  # noqa: E402

from security_equation.analysis.executors import LocalExecutor  # noqa: E402
from security_equation.analysis.montecarlo import monte_carlo  # noqa: E402
from security_equation.analysis.plans import EVAL_BLOCK  # noqa: E402
from security_equation.analysis.sweep import run_sweep  # noqa: E402
from security_equation.engine.exchange import exchange  # noqa: E402
from security_equation.engine.stability import stability  # noqa: E402
from security_equation.io.loading import load_scenario  # noqa: E402
from security_equation.model.compile import compile_scenario  # noqa: E402

SCENARIO = "five-powers-2026"
MODES = ("bundled", "endogenous", "allies")
PATHS = ("engine", "monte-carlo", "sweep")


@cache
def scenario(mode: str):
    """The bundled scenario in one of :data:`MODES`, through ``--set`` as the CLI does."""
    base = load_scenario(SCENARIO)
    sets: dict = {}
    if mode in ("endogenous", "allies"):
        sets.update({f"{name}.posture.reserve": "endogenous" for name in base.sides})
    if mode == "endogenous":
        sets.update({f"{name}.commits_to": [] for name, side in base.sides.items() if side.commits_to})
    return load_scenario(SCENARIO, set_values=sets) if sets else base


#: The sweep: China's DF-31 silo launchers times the US's GMD interceptors (40,501 points).
SWEEP_AXES = ("china.systems.df31_silo.launchers=50:450:401", "us.defences.gmd.interceptors=0:400:101")


@cache
def arrays(mode: str):
    return compile_scenario(scenario(mode))


def engine_chunk(spec) -> tuple[np.ndarray, float]:
    """``exchange`` + ``stability`` of ``size`` perturbed copies: every pair's FSI, and the
    CPU seconds it took."""
    mode, size, seed = spec
    t0 = time.process_time()
    batch = arrays(mode).repeat(size)
    rng = np.random.default_rng(seed)
    for side in batch.sides:
        perturb(side, rng)
    st = stability(exchange(batch))
    return np.stack([st.fsi[pair] for pair in st.pairs]), time.process_time() - t0


class _Clock:
    """Wall time and CPU time (this process and its finished children) of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Rates:
    """Evaluations per second: wall clock in one process and over the pool, and per CPU
    second (times the workers for the pool: the rate with a whole core per worker, which
    is what the pool reaches on an otherwise idle machine)."""

    one: float
    many: float
    one_cpu: float
    many_cpu: float


def time_engine(mode: str, batch: int, workers: int) -> Rates:
    jobs = [(mode, min(EVAL_BLOCK, batch - s), 20261205 + s) for s in range(0, batch, EVAL_BLOCK)]
    engine_chunk((mode, 64, 1))  # warm-up
    t0 = time.perf_counter()
    done = [engine_chunk(job) for job in jobs]
    one = time.perf_counter() - t0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(engine_chunk, [(mode, 64, 1)] * workers))  # start the workers
        t0 = time.perf_counter()
        pooled = list(pool.map(engine_chunk, jobs))
        many = time.perf_counter() - t0
    fsi = np.concatenate([f for f, _ in done], axis=1)
    assert np.array_equal(np.concatenate([f for f, _ in pooled], axis=1), fsi, equal_nan=True), (
        "process pool and in-process results differ"
    )
    one_cpu, many_cpu = sum(c for _, c in done), sum(c for _, c in pooled)
    return Rates(batch / one, batch / many, batch / one_cpu, workers * batch / many_cpu)


def _timed(fn, evaluations: int, workers: int) -> Rates:
    clocks = []
    for w in (1, workers):
        with LocalExecutor(w) as executor:
            fn(executor, small=True)  # warm-up
            with _Clock() as clock:  # the executor's pool ends within the call
                fn(executor, small=False)
        clocks.append(clock)
    one, many = clocks
    return Rates(
        evaluations / one.wall,
        evaluations / many.wall,
        evaluations / one.cpu,
        workers * evaluations / many.cpu,
    )


def time_monte_carlo(mode: str, samples: int, workers: int) -> Rates:
    sc = scenario(mode)

    def run(executor, small):
        return monte_carlo(sc, EVAL_BLOCK * workers if small else samples, seed=0, executor=executor)

    return _timed(run, samples, workers)


def time_sweep(mode: str, workers: int) -> tuple[int, Rates]:
    sc = scenario(mode)
    points = int(np.prod([int(a.rsplit(":", 1)[1]) for a in SWEEP_AXES]))

    def run(executor, small):
        axes = ["china.systems.df31_silo.launchers=50:450:5"] if small else SWEEP_AXES
        return run_sweep(sc, axes, executor=executor)

    return points, _timed(run, points, workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=10 * EVAL_BLOCK, help="engine evaluations")
    parser.add_argument("--samples", type=int, default=10 * EVAL_BLOCK, help="Monte Carlo samples")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--mode", choices=MODES, action="append", help="default: all")
    parser.add_argument("--paths", choices=PATHS, action="append", help="default: all")
    args = parser.parse_args()
    w = args.workers
    print(
        f"{SCENARIO}: 20 first strikes + 10 FSIs per evaluation; evaluations/s wall clock in 1 process"
        f" | {w} processes, and per CPU second in 1 process | x {w} (a core per worker)"
    )
    for mode in args.mode or MODES:
        for path in args.paths or PATHS:
            if path == "engine":
                rates = time_engine(mode, args.batch, w)
                what = f"engine ({args.batch:,} perturbed)"
            elif path == "monte-carlo":
                rates = time_monte_carlo(mode, args.samples, w)
                what = f"monte carlo ({args.samples:,} samples)"
            else:
                points, rates = time_sweep(mode, w)
                what = f"sweep ({points:,} points)"
            print(
                f"{mode:<11} {what:<30} wall {rates.one:>7,.0f} | {rates.many:>7,.0f}"
                f"   cpu {rates.one_cpu:>7,.0f} | {rates.many_cpu:>7,.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
