"""Global sensitivity analysis with SALib: which uncertain parameters drive the answer.

Methods: ``sobol`` (Saltelli/Sobol' sampling, first-order ``S1`` and total ``ST``
indices with bootstrap confidence intervals) and ``morris`` (elementary effects:
``mu_star``, ``sigma``). Outputs analysed: ``fsi`` and each side's ``r``.

Input ranges. SALib samples every parameter on a *probability* scale and the values
are obtained through the parameter's own inverse CDF (``analysis.sampling.inverse_cdf``, which
honours ``bounds``). The probability range is the whole support, ``[0, 1]``, where the
distribution is bounded (uniform, triangular, or anything with ``bounds``), and the
1–99 % quantiles where an end is unbounded (normal without bounds, the upper tail of a
lognormal). Sobol indices are thus shares of the output variance under the scenario's
actual distributions, not under flat ranges; Morris effects are per unit of
probability range, so they are comparable across parameters of different units.
The value range covered is reported in the ``low`` and ``high`` columns.

Nearly constant outputs. Sobol indices are ratios to the output's total variance
(Saltelli et al., *Global Sensitivity Analysis: The Primer*, Wiley 2008, ch. 4), so they
do not see how small that variance is: Russia's ``r`` in us-russia-2023 stays at 1.000
for almost every draw and dips to about 0.98 for a few, yet gets total indices of order
one with bootstrap intervals as wide as the indices. Our rule (a modelling choice, not
from the literature): an output is *nearly constant* when its standard deviation over
the sample is below ``NEARLY_CONSTANT_RELATIVE`` (1 %) of its mean magnitude or below
``NEARLY_CONSTANT_ABSOLUTE`` (0.001, the last decimal the tables show for FSI and ``r``,
which lie in [0, 1]). The standard deviation, not the range, because the range of a
sample grows with its size while the indices stay just as noisy. Its indices are still
computed, but the table flags them (``meaningful`` false, a note in ``attrs["notes"]``
and a warning in ``attrs["warnings"]``). Morris effects of such an output are flagged the
same way.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from security_equation.analysis.metrics import allied_pairs, metrics, with_least_stable
from security_equation.analysis.plans import EVAL_BLOCK
from security_equation.analysis.sampling import (
    inverse_cdf,
    quantile_bounds,
    require_uncertainty,
)
from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.exchange import exchange
from security_equation.engine.race.metrics import adversaries_of
from security_equation.io.errors import InputError
from security_equation.model.compile import compile_scenario
from security_equation.schema.scenario import Scenario

Method = Literal["sobol", "morris"]
METHODS: tuple[str, ...] = ("sobol", "morris")
#: Morris grid levels (SALib's default).
MORRIS_LEVELS = 4
#: Bootstrap resamples for confidence intervals.
RESAMPLES = 100
DEFAULT_SAMPLES = {"sobol": 1024, "morris": 100}
#: An output whose standard deviation over the sample is below this share of its mean
#: magnitude is nearly constant: its indices are flagged as not meaningful (see the
#: module docstring).
NEARLY_CONSTANT_RELATIVE = 0.01
#: … or below this absolute standard deviation (FSI and ``r`` lie in [0, 1] and are
#: shown to 0.001).
NEARLY_CONSTANT_ABSOLUTE = 1e-3


def outputs_for(base: ScenarioArrays) -> tuple[str, ...]:
    """What a sensitivity analysis ranks parameters for: ``fsi`` and each side's ``r``;
    with more than two sides, ``fsi`` of the least stable pair of adversaries and each
    side's ``r`` against its binding adversary in the scenario as given (the adversary
    whose first strike leaves it the fewest warheads arriving), e.g. ``us.r[china]``."""
    names = base.side_names
    if len(names) == 2:
        return ("fsi", *(f"{side}.r" for side in names))
    ex = exchange(base.take([0]))
    out = ["fsi"]
    for k, side in enumerate(names):
        rivals = adversaries_of(base, k)
        binding = min(rivals, key=lambda a: (float(ex.strike(a, k).arriving_retaliation[0]), a))
        out.append(f"{side}.r[{names[binding]}]")
    return tuple(out)


def evaluate_values(
    base: ScenarioArrays, paths: Sequence[str], values: np.ndarray, outputs: Sequence[str] | None = None
) -> dict[str, np.ndarray]:
    """Metrics for each row of ``values`` (rows × len(paths)), in engine blocks."""
    n = values.shape[0]
    allies = allied_pairs(base)
    parts = []
    for start in range(0, n, EVAL_BLOCK):
        stop = min(start + EVAL_BLOCK, n)
        arrays = base.repeat(stop - start)
        for j, path in enumerate(paths):
            arrays.set(path, values[start:stop, j])
        result = with_least_stable(metrics(arrays), allies)
        parts.append({k: v for k, v in result.items() if outputs is None or k in outputs})
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _span(low: float, high: float) -> str:
    """``low–high`` with just enough decimals (3 to 6) to tell them apart."""
    for digits in range(3, 7):
        a, b = f"{low:.{digits}f}", f"{high:.{digits}f}"
        if a != b:
            break
    return f"{a}–{b}"


def output_summary(y: np.ndarray) -> dict:
    """Observed ``min``, ``max``, ``mean`` and ``std`` of one output over the sample (finite
    values only), and whether it is ``nearly_constant`` (see the module docstring)."""
    finite = np.asarray(y, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        nan = float("nan")
        return {"min": nan, "max": nan, "mean": nan, "std": nan, "nearly_constant": True}
    mean, std = float(finite.mean()), float(finite.std())
    limit = max(NEARLY_CONSTANT_ABSOLUTE, NEARLY_CONSTANT_RELATIVE * abs(mean))
    return {
        "min": float(finite.min()),
        "max": float(finite.max()),
        "mean": mean,
        "std": std,
        "nearly_constant": bool(std < limit),
    }


def nearly_constant_note(summary: dict) -> str:
    """The flag a nearly constant output's indices carry."""
    if summary["max"] == summary["min"]:
        return f"output constant ({summary['min']:.3f}): nothing to attribute"
    return (
        f"output nearly constant ({_span(summary['min'], summary['max'])}, "
        f"standard deviation {summary['std']:.2g}): indices not meaningful"
    )


def _problem(params) -> dict:
    return {
        "num_vars": len(params),
        "names": [p for p, _ in params],
        "bounds": [list(quantile_bounds(d)) for _, d in params],
    }


def sample_inputs(params, method: str, samples: int, seed: int) -> tuple[dict, np.ndarray]:
    """SALib problem and design on the probability scale: (problem, X)."""
    problem = _problem(params)
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        if samples < 2 or samples & (samples - 1):
            raise InputError.single(
                f"Sobol sampling needs a power of two, got {samples} (e.g. 512, 1024, 2048)", path="--samples"
            )
        x = sobol_sample.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    elif method == "morris":
        from SALib.sample import morris as morris_sample

        if samples < 2:
            raise InputError.single(f"Morris needs at least 2 trajectories, got {samples}", path="--samples")
        x = morris_sample.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        raise InputError.single(f"must be one of {', '.join(METHODS)}, got '{method}'", path="--method")
    return problem, x


def _analyze(method: str, problem: dict, x: np.ndarray, y: np.ndarray, seed: int) -> dict:
    d = problem["num_vars"]
    if not np.all(np.isfinite(y)):
        y = np.where(np.isfinite(y), y, np.nanmedian(y))
    if np.ptp(y) == 0.0:  # the output does not move: nothing to attribute
        zeros = np.zeros(d)
        if method == "sobol":
            return {"S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros}
        return {"mu": zeros, "mu_star": zeros, "sigma": zeros, "mu_star_conf": zeros}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "sobol":
            from SALib.analyze import sobol as sobol_analyze

            res = sobol_analyze.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=RESAMPLES,
                conf_level=0.95,
                print_to_console=False,
                # SALib's Sobol analysis treats a falsy seed as "no seed": a Generator is
                # never falsy and, for seeds > 0, draws exactly what the int seed draws.
                seed=np.random.default_rng(seed),
            )
            return {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        from SALib.analyze import morris as morris_analyze

        res = morris_analyze.analyze(
            problem,
            x,
            y,
            num_resamples=RESAMPLES,
            conf_level=0.95,
            print_to_console=False,
            num_levels=MORRIS_LEVELS,
            seed=seed,
        )
        return {k: np.asarray(res[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def sensitivity(
    scenario: Scenario,
    method: str = "sobol",
    samples: int | None = None,
    seed: int = 0,
    outputs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rank the scenario's uncertain parameters by their influence on FSI and each ``r``.

    Returns a tidy table, one row per (output, parameter): ``rank`` (1 = most
    influential, by ``ST`` for Sobol, ``mu_star`` for Morris), the indices and their 95 %
    confidence half-widths, the distribution, the value range covered and ``meaningful``
    (false for every index of a nearly constant output). ``table.attrs`` holds the method,
    samples, evaluations, seed, ``constant_outputs`` (outputs that did not vary at all:
    their indices are 0 and every parameter shares rank 1), ``output_ranges`` (each
    output's observed min, max, mean, std and whether it is nearly constant),
    ``nearly_constant_outputs``, ``notes`` (the flag per nearly constant output) and
    ``warnings`` (one sentence per nearly constant output, naming it and its range).
    """
    if method not in METHODS:
        raise InputError.single(f"must be one of {', '.join(METHODS)}, got '{method}'", path="--method")
    params = require_uncertainty(scenario, "sensitivity")
    samples = DEFAULT_SAMPLES[method] if samples is None else int(samples)
    if seed < 0:
        raise InputError.single(f"must be >= 0, got {seed}", path="--seed")
    base = compile_scenario(scenario)
    outputs = tuple(outputs) if outputs is not None else outputs_for(base)
    problem, x = sample_inputs(params, method, samples, seed)
    values = np.column_stack([inverse_cdf(d, x[:, j]) for j, (_, d) in enumerate(params)])
    y = evaluate_values(base, problem["names"], values, outputs)

    key = "ST" if method == "sobol" else "mu_star"
    lows = [float(inverse_cdf(d, lo)) for (_, d), (lo, _) in zip(params, problem["bounds"], strict=True)]
    highs = [float(inverse_cdf(d, hi)) for (_, d), (_, hi) in zip(params, problem["bounds"], strict=True)]
    rows = []
    constant = [o for o in outputs if np.ptp(np.nan_to_num(y[o])) == 0.0]
    ranges = {o: output_summary(y[o]) for o in outputs}
    nearly = [o for o in outputs if ranges[o]["nearly_constant"]]
    notes = {o: nearly_constant_note(ranges[o]) for o in nearly}
    warnings_ = [
        f"{o} hardly varies over the sample: {_span(ranges[o]['min'], ranges[o]['max'])}, "
        f"mean {ranges[o]['mean']:.3f} (standard deviation {ranges[o]['std']:.2g} "
        f"< max({NEARLY_CONSTANT_ABSOLUTE:g}, {NEARLY_CONSTANT_RELATIVE:.0%} of |mean|)): "
        f"its {method} indices are not meaningful"
        for o in nearly
        if o not in constant
    ]
    for output in outputs:
        indices = _analyze(method, problem, x, y[output], seed)
        # Equal indices share a rank (e.g. all 0 when the output does not move).
        rank = (
            pd.Series(np.round(indices[key], 12))
            .rank(method="min", ascending=False, na_option="bottom")
            .to_numpy(dtype=int)
        )
        for j, (path, dist) in enumerate(params):
            rows.append(
                {
                    "output": output,
                    "parameter": path,
                    "rank": int(rank[j]),
                    **{k: float(v[j]) for k, v in indices.items()},
                    "distribution": dist.describe(),
                    "low": lows[j],
                    "high": highs[j],
                    "meaningful": output not in notes,
                }
            )
    table = pd.DataFrame(rows).sort_values(
        ["output", "rank"], kind="stable", key=lambda s: s.map(outputs.index) if s.name == "output" else s
    )
    table = table.reset_index(drop=True)
    table.attrs.update(
        {
            "method": method,
            "samples": samples,
            "evaluations": int(x.shape[0]),
            "seed": seed,
            "scenario": scenario.name,
            "outputs": list(outputs),
            "index": key,
            "constant_outputs": constant,
            "output_ranges": ranges,
            "nearly_constant_outputs": nearly,
            "notes": notes,
            "warnings": warnings_,
        }
    )
    return table
