"""The two requirements of the action–reaction model (docs/model.md "Arms race").

- *Assured retaliation*: side X's retaliatory warheads arriving after absorbing the
  worst first strike any adversary can make must reach ``R_X``
  (``required_arriving_warheads``).
- *Counterforce coverage*: X's prompt nuclear warheads must hold a share ``s_X``
  (``counterforce_share``) of each adversary's aim points at risk at X's per-target cap
  ``k_X`` (``max_warheads_per_target``): ``W_X ≥ s_X · k_X · Σ_adversaries P_Y``; allies
  (``engine.thirdparty.adversaries``) are not adversaries.

Coverage is what couples the builds (Glaser, *Analyzing Strategic Nuclear Policy*, 1990,
ch. 7; Wilkening, RAND R-4162, 1992): more enemy aim points raise X's requirement, more
warheads on the same launchers do not. Retaliation couples them the other way: more
enemy counterforce warheads lower what survives of X.

Arrays of shape ``(batch,)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from security_equation.engine import thirdparty
from security_equation.engine.arrays import ScenarioArrays, SideArrays
from security_equation.engine.exchange import aim_points, nuclear_warheads


def counterforce_warheads(side: SideArrays) -> np.ndarray:
    """Nuclear warheads on the side's deployed prompt launchers (those that take part in a
    disarming strike), (batch,)."""
    st = side.structure
    return nuclear_warheads(side, st.nuclear & st.counterforce)


def coverage_required(arrays: ScenarioArrays, k: int) -> np.ndarray:
    """Prompt nuclear warheads side ``k`` needs to hold its share of every adversary's aim
    points at risk at its per-target cap, (batch,). Allies (``thirdparty.adversaries``:
    committed either way, or in one coalition) are not covered."""
    side = arrays.sides[k]
    against = thirdparty.adversaries(arrays, k)
    targets = sum(
        (aim_points(other) * other.structure.nuclear[None, :]).sum(axis=1)
        for j, other in enumerate(arrays.sides)
        if j in against
    )
    if not against:  # no adversary: nothing to cover
        targets = np.zeros(side.batch)
    return side.scalars["counterforce_share"] * side.scalars["max_warheads_per_target"] * targets


@dataclass
class Gaps:
    """How far one side is from its requirements, (batch,) each; positive = short.

    ``retaliation``: ``R − arriving`` (NaN where the side has no retaliation
    requirement); ``coverage``: ``required − prompt warheads`` (≤ 0 where the share is 0)."""

    arriving: np.ndarray
    required_arriving: np.ndarray
    counterforce: np.ndarray
    required_counterforce: np.ndarray

    @property
    def retaliation(self) -> np.ndarray:
        return self.required_arriving - self.arriving

    @property
    def coverage(self) -> np.ndarray:
        return self.required_counterforce - self.counterforce

    def short(self, tolerance: np.ndarray | float = 0.0) -> np.ndarray:
        """Short of either requirement by more than ``tolerance`` warheads (bool, (batch,))."""
        retaliation = np.nan_to_num(self.retaliation, nan=-np.inf)
        return (retaliation > tolerance) | (self.coverage > tolerance)


def gaps(arrays: ScenarioArrays, k: int, arriving: np.ndarray) -> Gaps:
    """Side ``k``'s :class:`Gaps`, given its ``arriving`` retaliation (the least over its
    adversaries' first strikes, ``race.metrics.least_arriving``)."""
    side = arrays.sides[k]
    return Gaps(
        arriving=arriving,
        required_arriving=side.scalars["required_arriving_warheads"],
        counterforce=counterforce_warheads(side),
        required_counterforce=coverage_required(arrays, k),
    )


def tolerance(arrays: ScenarioArrays, k: int, warheads: float = 0.5) -> np.ndarray:
    """When a side counts as short: by more than ``warheads`` or 0.1 % of its requirement."""
    side = arrays.sides[k]
    scale = np.maximum(
        np.nan_to_num(side.scalars["required_arriving_warheads"]), coverage_required(arrays, k)
    )
    return np.maximum(warheads, 1e-3 * scale)
