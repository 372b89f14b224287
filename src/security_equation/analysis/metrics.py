"""The standard metric set of a batch: one array of shape (batch,) per metric.

Every Monte Carlo run, sensitivity analysis and sweep reports these names, so their
outputs line up. Per side ``X`` (names from ``arrays.side_names``):

``X.r``
    break-even probability ``min(1, C1/C2)`` (docs/model.md "Stability"; Kent & Thaler, RAND R-3765);
``X.c1_over_c2``
    the uncapped ratio ``C1/C2`` behind ``X.r`` (above 1: striking first costs X that many
    times what being struck first does; ``inf`` when ``C2 = 0 < C1``);
``X.c1`` / ``X.c2``
    X's cost when it strikes first / when it is struck first;
``X.surviving_warheads``
    X's warheads surviving the other side's first strike;
``X.arriving_warheads``
    X's retaliatory warheads arriving on the attacker when X is struck first;
``X.share_destroyed``
    share of X's warheads that the other side's first strike destroys.

And for the pair: ``fsi`` (``r_A · r_B``) and ``schelling`` (``(D1 − D2)·(d1 − d2)``).

With more than two sides every name carries its pair (``engine.stability.metric_names``):
``X.r[Y]`` is X's metric against (or struck first by) adversary Y, ``fsi[A,B]`` and
``schelling[A,B]`` those of the unordered pair A, B.
"""

from __future__ import annotations

import numpy as np

from security_equation.engine import thirdparty
from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.exchange import exchange
from security_equation.engine.stability import (
    PAIR_METRICS,
    SIDE_METRICS,
    headline_metrics,
    metric_names,
    stability,
)

__all__ = [
    "LEAST_STABLE",
    "PAIR_METRICS",
    "SIDE_METRICS",
    "describe_metric",
    "metric_names",
    "metrics",
    "allied_pairs",
    "with_least_stable",
]

#: Description of ``fsi`` with more than two sides: the lowest FSI over the pairs, as in
#: ``Evaluation.to_dict()["fsi"]``.
LEAST_STABLE = "lowest first-strike stability index over the pairs of adversaries (the least stable pair's)"


_DESCRIPTIONS = {
    "fsi": "first-strike stability index r_A * r_B",
    "schelling": "Schelling measure (D1 - D2)(d1 - d2)",
    "r": "break-even probability min(1, C1/C2) of {side}",
    "c1_over_c2": "uncapped cost ratio C1/C2 of {side} (r = min(1, C1/C2))",
    "c1": "cost to {side} when {side} strikes first",
    "c2": "cost to {side} when struck first",
    "surviving_warheads": "{side} warheads surviving the other side's first strike",
    "arriving_warheads": "{side} retaliatory warheads arriving after absorbing a first strike",
    "share_destroyed": "share of {side} warheads destroyed by the other side's first strike",
}


def describe_metric(name: str) -> str:
    """A one-line description of a metric name (``us.r`` → "break-even probability …";
    with more than two sides ``us.r[china]`` → "… of us against china", ``fsi[us,china]``
    → "… of us and china")."""
    pair = ""
    if name.endswith("]") and "[" in name:
        name, _, tag = name[:-1].partition("[")
        parts = tag.split(",")
        pair = f" of {' and '.join(parts)}" if len(parts) == 2 else f" (adversary {tag})"
    side, _, metric = name.rpartition(".")
    if metric not in _DESCRIPTIONS:
        return name + (f"[{tag}]" if pair else "")
    return _DESCRIPTIONS[metric].format(side=side) + pair


def allied_pairs(arrays: ScenarioArrays) -> frozenset[str]:
    """The pairs of allies (committed either way or in one coalition) as ``"A,B"`` in file
    order, the form of the ``fsi[A,B]`` metric names."""
    names = arrays.side_names
    return frozenset(
        f"{names[i]},{names[j]}"
        for i in range(len(names))
        for j in range(i + 1, len(names))
        if thirdparty.allied(arrays, i, j)
    )


def with_least_stable(
    values: dict[str, np.ndarray], allies: frozenset[str] = frozenset()
) -> dict[str, np.ndarray]:
    """``values`` with ``fsi`` first, the lowest ``fsi[A,B]`` over the pairs of adversaries
    (pairs in ``allies``, see :func:`allied_pairs`, left out unless every pair is one), when
    there are more than two sides (no ``fsi`` of its own); unchanged otherwise. Sweeps and
    Monte Carlo runs report it as the scenario's headline FSI, like ``seceq run``."""
    if "fsi" in values:
        return values
    named = {k: v for k, v in values.items() if k.startswith("fsi[")}
    pairs = [v for k, v in named.items() if k[4:-1] not in allies] or list(named.values())
    if not pairs:
        return values
    with np.errstate(invalid="ignore"):
        least = np.min(np.stack([np.asarray(v, dtype=float) for v in pairs]), axis=0)
    return {"fsi": least, **values}


def metrics(arrays: ScenarioArrays) -> dict[str, np.ndarray]:
    """Evaluate a batch (exchange both ways, stability) and return the metric set."""
    ex = exchange(arrays)
    return headline_metrics(ex, stability(ex))
