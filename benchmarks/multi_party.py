"""Exchange engine speed with five sides: every ordered pair (20 first strikes) and the
stability of every pair of sides (10 FSIs) per evaluation.

The batch is the two-side default (``us-russia-2023``) plus three sides made of scaled
copies of its systems (shapes and magnitudes of a five-power world, not data), each
member perturbed as in ``benchmarks/exchange.py``. The bundled five-power scenario
itself, with the Monte Carlo and sweep paths, is timed by ``benchmarks/five_powers.py``.
``--mode`` chooses the third-party rules (``engine/thirdparty.py``): ``fixed`` (every
side keeps its ``holdback_fraction``), ``endogenous`` (every side keeps what its
requirement against each other adversary needs) or ``allies`` (endogenous, and the
first side committed to the third and fourth).
Prints evaluations per second in one process and over a process pool, and with
``--profile`` where one process spends its time.

    python benchmarks/multi_party.py [--batch 20000] [--chunk 5000] [--workers 2] [--mode allies]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np

# The two-side benchmark's default arrays and perturbation (benchmarks/ is on sys.path).
from exchange import _default_arrays, perturb  # noqa: E402

from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.exchange import exchange, ordered_pairs, third_party_contexts
from security_equation.engine.stability import stability

#: The three added sides: (name, copy of side, launcher scale, interceptor scale).
EXTRA_SIDES = (("china", 1, 0.25, 0.0), ("uk", 0, 0.08, 0.0), ("france", 0, 0.12, 0.0))
MODES = ("fixed", "endogenous", "allies")


def five_sides(batch: int, seed: int = 20261124, mode: str = "allies") -> ScenarioArrays:
    """``batch`` perturbed copies of a five-side world (see the module docstring)."""
    base = _default_arrays().repeat(batch)
    sides = list(base.sides)
    for _, source, launchers, interceptors in EXTRA_SIDES:
        side = base.sides[source].copy()
        side.systems["launchers"] *= launchers
        side.layers["interceptors"] *= interceptors
        sides.append(side)
    names = (*base.side_names, *(name for name, *_ in EXTRA_SIDES))
    arrays = replace(base, side_names=names, sides=tuple(sides), slots={})
    rng = np.random.default_rng(seed)
    for side in arrays.sides:
        perturb(side, rng)
        side.scalars["required_arriving_warheads"][:] = rng.uniform(20.0, 200.0, batch)
        side.scalars["reserve_mode"] = np.full(batch, 0.0 if mode == "fixed" else 1.0)
    if mode == "allies":
        committed = np.zeros((len(names), len(names)), dtype=bool)
        committed[0, 3] = committed[0, 4] = True
        arrays.committed = committed
    return arrays


def evaluate_chunk(spec) -> np.ndarray:
    size, seed, mode = spec
    st = stability(exchange(five_sides(size, seed, mode)))
    return np.stack([st.fsi[pair] for pair in st.pairs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--mode", choices=MODES, default="allies")
    parser.add_argument("--profile", action="store_true", help="time the parts of one chunk")
    args = parser.parse_args()

    jobs = [
        (min(args.chunk, args.batch - s), 20261124 + s, args.mode) for s in range(0, args.batch, args.chunk)
    ]
    evaluate_chunk((100, 1, args.mode))  # warm-up

    t0 = time.perf_counter()
    fsi = np.concatenate([evaluate_chunk(job) for job in jobs], axis=1)
    in_process = time.perf_counter() - t0

    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(evaluate_chunk, [(100, 1, args.mode)] * args.workers))  # start the workers
        t0 = time.perf_counter()
        pooled = np.concatenate(list(pool.map(evaluate_chunk, jobs)), axis=1)
        pool_time = time.perf_counter() - t0
    assert np.array_equal(pooled, fsi), "process pool and in-process results differ"

    print(
        f"batch: {args.batch:,} five-side worlds ({args.mode}; 20 first strikes + 10 FSIs each), "
        f"chunks of {args.chunk:,}"
    )
    print(f"1 process:    {args.batch / in_process:>10,.0f} evaluations/s  ({in_process:.2f} s)")
    print(f"{args.workers} processes:  {args.batch / pool_time:>10,.0f} evaluations/s  ({pool_time:.2f} s)")
    if args.profile:
        arrays = five_sides(*jobs[0][:2], args.mode)
        t0 = time.perf_counter()
        third_party_contexts(arrays, ordered_pairs(len(arrays.sides)))
        t1 = time.perf_counter()
        ex = exchange(arrays)
        t2 = time.perf_counter()
        stability(ex)
        t3 = time.perf_counter()
        size = arrays.batch
        print(f"one chunk of {size:,}: third-party reserves and allies {t1 - t0:.3f} s, ")
        print(
            f"  exchange incl. those {t2 - t1:.3f} s ({(t2 - t1 - (t1 - t0)) / 20 * 1e3:.1f} ms per strike),"
        )
        print(f"  stability {t3 - t2:.3f} s")


if __name__ == "__main__":
    main()
