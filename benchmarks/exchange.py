"""Exchange engine speed: vectorized batch vs. plain-Python scalar evaluation.

Evaluates a batch of perturbed copies of the default scenario (both first strikes,
costs, r and FSI for each) and prints evaluations per second for

* the vectorized engine, in chunks, in-process and over a process pool;
* the scalar reference (``engine/reference.py``: one scenario at a time, plain-Python
  allocation and search calling the same formula functions as the engine, on single
  values) on a sample of the same batch,

the speed-up, and the largest difference between the two on that sample. Since the
reference calls the engine's NumPy formula functions (one code path per formula), each
call carries NumPy's per-call overhead: the reference is a correctness check, and the
speed-up over it is not a speed-up over hand-written Python.

    python benchmarks/exchange.py [--batch 100000] [--workers 2] [--scalar-samples 1000]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np

from security_equation import load_scenario
from security_equation.engine.exchange import exchange
from security_equation.engine.reference import exchange_one
from security_equation.engine.stability import stability
from security_equation.model.compile import compile_scenario

PERTURBED = (
    "launchers",
    "warheads_per_launcher",
    "yield_kt",
    "cep_m",
    "reliability",
    "hardness_psi",
    "alert_day_to_day",
    "alert_generated",
)


@lru_cache(maxsize=1)
def _default_arrays():
    return compile_scenario(load_scenario("us-russia-2023"))


def perturbed_batch(batch: int, seed: int = 20261124):
    """``batch`` copies of the default scenario with every system and defence number
    scaled by an independent factor in [0.8, 1.2] (probabilities kept in [0, 1])."""
    arrays = _default_arrays().repeat(batch)
    rng = np.random.default_rng(seed)
    for side in arrays.sides:
        perturb(side, rng)
    return arrays


def perturb(side, rng: np.random.Generator) -> None:
    """Scale a side's system and defence numbers in place by independent factors (see
    :func:`perturbed_batch`); also used by ``benchmarks/multi_party.py``."""
    for name in PERTURBED:
        values = side.systems[name] * rng.uniform(0.8, 1.2, side.systems[name].shape)
        if name in ("reliability", "alert_day_to_day", "alert_generated"):
            values = np.clip(values, 0.0, 1.0)
        side.systems[name][:] = values
    side.layers["interceptors"][:] *= rng.uniform(0.5, 2.0, side.layers["interceptors"].shape)
    side.scalars["w80"][:] *= rng.uniform(0.8, 1.2, side.scalars["w80"].shape)


def chunks(batch: int, chunk: int, seed: int = 20261124):
    """The batch as (size, seed) chunks: each chunk draws its own perturbations."""
    return [(min(chunk, batch - start), seed + start) for start in range(0, batch, chunk)]


def evaluate_chunk(spec) -> np.ndarray:
    size, seed = spec
    return stability(exchange(perturbed_batch(size, seed))).fsi[0, 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scalar-samples", type=int, default=1_000)
    args = parser.parse_args()

    jobs = chunks(args.batch, args.chunk)
    evaluate_chunk((100, 1))  # warm-up

    t0, c0 = time.perf_counter(), time.process_time()
    fsi = np.concatenate([evaluate_chunk(job) for job in jobs])
    in_process, in_process_cpu = time.perf_counter() - t0, time.process_time() - c0

    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(evaluate_chunk, [(100, 1)] * args.workers))  # start the workers
        t0 = time.perf_counter()
        pooled = np.concatenate(list(pool.map(evaluate_chunk, jobs)))
        pool_time = time.perf_counter() - t0
    assert np.array_equal(pooled, fsi), "process pool and in-process results differ"

    # The scalar path evaluates the first scenarios of the same batch, one at a time.
    n_scalar = min(args.scalar_samples, args.batch)
    first = perturbed_batch(*jobs[0])
    t0 = time.perf_counter()
    scalar = np.array([exchange_one(first, k)["fsi"] for k in range(min(n_scalar, first.batch))])
    scalar_time = time.perf_counter() - t0
    n_scalar = scalar.size
    scalar_rate = n_scalar / scalar_time
    max_diff = float(np.max(np.abs(scalar - fsi[:n_scalar])))

    print(f"batch: {args.batch:,} perturbed copies of us-russia-2023 (both first strikes + FSI each)")
    print(
        f"vectorized, 1 process:      {args.batch / in_process:>12,.0f} evaluations/s  ({in_process:.2f} s)"
    )
    # On a busy machine the wall clock measures the other load too; CPU time does not.
    print(f"vectorized, per CPU second: {args.batch / in_process_cpu:>12,.0f} evaluations/s  (1 process)")
    print(
        f"vectorized, {args.workers} processes:    {args.batch / pool_time:>12,.0f} evaluations/s"
        f"  ({pool_time:.2f} s)"
    )
    print(
        f"scalar reference:           {scalar_rate:>12,.0f} evaluations/s"
        f"  ({n_scalar:,} evaluated, {scalar_time:.2f} s; full batch would take"
        f" {args.batch / scalar_rate:.0f} s)"
    )
    print(f"speed-up, 1 process:        {args.batch / in_process / scalar_rate:>12,.0f}x")
    print(f"speed-up, {args.workers} processes:      {args.batch / pool_time / scalar_rate:>12,.0f}x")
    print(f"largest |FSI difference| vectorized vs scalar on {n_scalar:,}: {max_diff:.3g}")


if __name__ == "__main__":
    main()
