"""Monte Carlo over ``scenario.uncertainty``: every metric over reproducible draws, and
its median and 5–95 % interval.

The draws are made by ``analysis.sampling`` (the same seed gives the same numbers for every
chunk size, worker count and backend); the points are evaluated by the sweep machinery
(``analysis.plans`` and ``analysis.sweep``) as a sweep without axes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from security_equation.analysis.metrics import allied_pairs, describe_metric, metrics, with_least_stable
from security_equation.analysis.plans import DEFAULT_CHUNK_SIZE, build_plan
from security_equation.analysis.sampling import require_uncertainty
from security_equation.analysis.sweep import execute, to_dataset
from security_equation.io.jsonable import finite_or_none
from security_equation.model.compile import compile_scenario
from security_equation.schema.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

#: Quantiles reported by ``summarize``.
LOWER_QUANTILE, UPPER_QUANTILE = 0.05, 0.95
#: Columns of ``summarize``.
SUMMARY_COLUMNS = ("median", "p05", "p95", "mean")


# --------------------------------------------------------------------------- Monte Carlo
def monte_carlo(
    scenario: Scenario,
    samples: int,
    seed: int = 0,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    executor=None,
    progress=None,
) -> xr.Dataset:
    """Evaluate ``samples`` draws of the scenario's uncertain parameters.

    Returns a Dataset with a ``sample`` dimension: every metric (see
    ``analysis.metrics``) and every sampled parameter as a variable. ``executor``
    is an ``analysis.executors`` executor (default: in this process); results do not depend
    on it nor on ``chunk_size``.
    """
    require_uncertainty(scenario)
    plan = build_plan(scenario, axes=(), samples=samples, seed=seed)
    flat = execute(plan, executor=executor, chunk_size=chunk_size, progress=progress)
    return to_dataset(plan, flat, scenario)


def metric_variables(ds: xr.Dataset) -> list[str]:
    return [str(n) for n, v in ds.data_vars.items() if v.attrs.get("role") == "metric"]


def summarize(ds: xr.Dataset, dim: str = "sample") -> pd.DataFrame:
    """Median, 5 % and 95 % quantiles (and mean) of every metric over ``dim``.

    Other dimensions (sweep axes) are pooled; NaNs are ignored.
    """
    import pandas as pd

    rows = {}
    for name in metric_variables(ds):
        values = np.asarray(ds[name].values, dtype=float).reshape(-1)
        finite = values[~np.isnan(values)]
        if finite.size == 0:
            rows[name] = dict.fromkeys(SUMMARY_COLUMNS, np.nan)
            continue
        lo, med, hi = np.quantile(finite, [LOWER_QUANTILE, 0.5, UPPER_QUANTILE])
        rows[name] = {"median": med, "p05": lo, "p95": hi, "mean": float(finite.mean())}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(SUMMARY_COLUMNS))
    frame.index.name = "metric"
    return frame


def nominal_metrics(scenario: Scenario) -> dict[str, float]:
    """Every metric of the scenario as given (the nominal values, nothing drawn)."""
    arrays = compile_scenario(scenario)
    values = with_least_stable(metrics(arrays), allied_pairs(arrays))
    return {name: float(v[0]) for name, v in values.items()}


def summary_rows(ds: xr.Dataset, nominal: dict[str, float]) -> list[dict]:
    """Per metric of a Monte Carlo run: its description, nominal value and ``summarize``
    columns, as plain numbers (``None`` where not finite)."""
    summary = summarize(ds)
    return [
        {
            "metric": name,
            "description": ds[name].attrs.get("long_name") or describe_metric(name),
            "nominal": finite_or_none(nominal.get(name)),
            **{column: finite_or_none(summary.loc[name, column]) for column in SUMMARY_COLUMNS},
        }
        for name in summary.index
    ]
