"""Reaction functions between two sides and the Richardson model they imply
(docs/model.md "Arms race"; L. F. Richardson, *Arms and Insecurity*, 1960).

Side X's reaction function ``F_X(y)`` is the least addition (in deployed warheads, along
X's build path) that meets X's requirements when the other side Y has added ``y`` warheads
along its own build path (:mod:`.search`). It is never negative, and it is zero while X has
a surplus: X reacts only once Y adds more than a threshold ``N_X``. The linearised reaction
``ρ_X`` is the slope of ``F_X`` where X reacts (at ``y = 0`` when X is already short, else
just past ``N_X``), a secant over ``δ = max(10, 5 % of Y's warheads)``; it is clipped at 0
(a negative secant, from the stop rule of the other's strike, is kept as ``rho_secant``).

With ``x``, ``y`` the two sides' deployed warheads, the reactions read
``x_req(y) = x0 + F0_X + ρ_X·(y − y0 − N_X)`` where X reacts; partial adjustment
``dx/dt = x_req(y) − x`` is Richardson's model with ``m = n = 1``, ``a = ρ_X``,
``b = ρ_Y``, ``g = x0 + F0_X − ρ_X·(y0 + N_X)``: stable iff ``ρ_X·ρ_Y < 1``. Its
equilibrium is feasible only if neither side would have to cut (sides never cut) and
both stay within what their paths can add where a limit, the stock or capacity ends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.race.buildup import as_limits, with_requirement
from security_equation.engine.race.forces import deployed_warheads
from security_equation.engine.race.metrics import arriving
from security_equation.engine.race.path import PRODUCTION, build_path
from security_equation.engine.race.requirements import gaps
from security_equation.engine.race.richardson import Richardson, richardson
from security_equation.engine.race.search import Probe, least, moved

#: The secant step: ``max(STEP_MIN, STEP_SHARE × the other side's deployed warheads)``.
STEP_MIN, STEP_SHARE = 10.0, 0.05


@dataclass
class ReactionSlopes:
    """The reaction functions of two sides ``sides = (i, j)`` linearised at one state.

    Arrays of shape (2,) in the order of ``sides``: ``warheads`` (deployed now),
    ``addition_now`` (``F_X(0)``, the least addition that meets X's requirements now),
    ``met`` (X can meet them along its path), ``required_warheads`` (``x0 + F_X(0)``),
    ``threshold`` (``N_X``: what the other must add before X reacts; 0 when X is short
    now; NaN when nothing the other can add makes X react), ``other_can_add`` (the most the
    other's path adds), ``rho`` (≥ 0; NaN when X cannot meet its requirements or never
    reacts), ``rho_secant`` (the signed secant), ``step`` (δ), ``bound`` (the most X can
    field: ``x0 + u_max`` where a limit, the stock or capacity ends X's path; inf where
    only one round's production does) and ``stop`` (what ends X's path).
    ``richardson`` is the model they imply; ``stable`` its verdict; ``feasible`` whether
    its equilibrium lies in the feasible region and ``infeasible_because`` why not."""

    sides: tuple[int, int]
    warheads: np.ndarray
    addition_now: np.ndarray
    met: np.ndarray
    required_warheads: np.ndarray
    threshold: np.ndarray
    other_can_add: np.ndarray
    rho: np.ndarray
    rho_secant: np.ndarray
    step: np.ndarray
    bound: np.ndarray
    stop: tuple[str, str]
    richardson: Richardson
    stable: bool
    feasible: bool
    infeasible_because: list[tuple[int | None, str]]  # (position in sides, "cut" | "bound" | "none")
    #: Where the piecewise-linear reactions (no cuts, capped at ``bound``) lead from the
    #: current forces: (x, y) and "settles", "stopped" (a side at its bound) or "runs away".
    linear_end: tuple[float, float, str] = (np.nan, np.nan, "")
    #: Surplus now over each requirement (warheads; NaN: no such requirement).
    surplus_retaliation: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    surplus_coverage: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))

    @property
    def reacts(self) -> np.ndarray:
        """X reacts to the other's additions somewhere along the other's path."""
        return np.isfinite(self.rho) & (self.rho > 0)


def reaction_slopes(
    arrays: ScenarioArrays,
    sides: tuple[int, int],
    *,
    requirement=None,
    limits=None,
    production: float | None = None,
) -> ReactionSlopes:
    """The reaction functions of sides ``(i, j)`` at batch member 0, linearised, and the
    Richardson model they imply (see the module docstring). ``requirement``: the
    retaliation requirements of all sides (as in ``action_reaction``; default the
    scenario's); ``limits``, ``production``: as in ``action_reaction`` (both sides' paths
    are the race's paths). A few batched exchange calls."""
    if len(sides) != 2 or sides[0] == sides[1] or not all(0 <= k < len(arrays.sides) for k in sides):
        raise ValueError(
            f"The 'sides' parameter of reaction_slopes must be two different side indices. Got {sides!r}."
        )
    i, j = (int(k) for k in sides)
    lims = as_limits(limits, arrays)
    state = with_requirement(arrays.take(np.array([0])).copy(), requirement)
    pair = (i, j)
    paths = {k: build_path(state.sides[k], lims[k], production=production) for k in pair}
    x0 = np.array([deployed_warheads(state.sides[k])[0] for k in pair])
    other = {i: j, j: i}

    # Stage 1: each side's least addition now, and how much the other must add first.
    probes = [Probe(state, k, paths[k], k, "met") for k in pair]
    probes += [Probe(state, other[k], paths[other[k]], k, "short") for k in pair]
    stage1 = least(probes)
    now = [stage1[0], stage1[1]]
    onset = [stage1[2], stage1[3]]
    addition = np.array([u for u, _ in now])
    met = np.array([ok for _, ok in now])
    threshold = np.array(
        [0.0 if addition[n] > 0 else (onset[n][0] if onset[n][1] else np.nan) for n in range(2)]
    )
    other_can_add = np.array([paths[other[k]].u_max for k in pair])

    # Stage 2: the slope of F_X just where X reacts: F_X at y1 and y1 + δ.
    y0 = np.array([x0[1], x0[0]])
    step = np.minimum(np.maximum(STEP_MIN, STEP_SHARE * y0), other_can_add - np.nan_to_num(threshold))
    probes, index = [], []
    for n, k in enumerate(pair):
        if not met[n] or not np.isfinite(threshold[n]) or step[n] <= 1e-9:
            continue
        y = other[k]
        for u_other in (threshold[n], threshold[n] + step[n]):
            probe_state = moved(state, y, paths[y], u_other)
            own = build_path(probe_state.sides[k], lims[k], production=production)
            probes.append(Probe(probe_state, k, own, k, "met"))
        index.append(n)
    stage2 = least(probes)
    secant = np.full(2, np.nan)
    for m, n in enumerate(index):
        (f0, _), (f1, _) = stage2[2 * m], stage2[2 * m + 1]
        secant[n] = (f1 - f0) / step[n]
    rho = np.where(np.isfinite(secant), np.maximum(secant, 0.0), np.nan)
    # Nothing the other can add makes X react: its reaction is flat, zero.
    rho = np.where(met & ~np.isfinite(threshold), 0.0, rho)
    least_now = arriving(state)
    now_gaps = [gaps(state, k, least_now[k]) for k in pair]
    surplus_retaliation = np.array([-float(g.retaliation[0]) for g in now_gaps])
    surplus_coverage = np.array(
        [-float(g.coverage[0]) if g.required_counterforce[0] > 0 else np.nan for g in now_gaps]
    )

    bound = np.array(
        [np.inf if paths[k].stop == PRODUCTION else x0[n] + paths[k].u_max for n, k in enumerate(pair)]
    )
    a_coef = np.nan_to_num(rho)
    required = x0 + addition
    grievance = required - a_coef * (y0 + np.nan_to_num(threshold))
    model = richardson(a_coef[0], a_coef[1], 1.0, 1.0, grievance[0], grievance[1])
    stable = bool(model.stable)
    eq = np.array(model.equilibrium, dtype=float)
    because = []
    if not np.all(np.isfinite(eq)):
        because.append((None, "none"))
    else:
        for n in range(2):
            if eq[n] < x0[n] - 0.5:
                because.append((n, "cut"))
            elif eq[n] > bound[n] + 0.5:
                because.append((n, "bound"))
    end = linear_race(x0, a_coef, grievance, bound)
    return ReactionSlopes(
        sides=pair,
        warheads=x0,
        addition_now=addition,
        met=met,
        required_warheads=required,
        threshold=threshold,
        other_can_add=other_can_add,
        rho=rho,
        rho_secant=secant,
        step=step,
        bound=bound,
        stop=(paths[i].stop, paths[j].stop),
        richardson=model,
        stable=stable,
        feasible=not because,
        infeasible_because=because,
        linear_end=end,
        surplus_retaliation=surplus_retaliation,
        surplus_coverage=surplus_coverage,
    )


def linear_race(
    x0: np.ndarray, rho: np.ndarray, grievance: np.ndarray, bound: np.ndarray, steps: int = 10_000
):
    """Iterate the linearised reactions from the current forces ``x0`` (two sides):
    ``x ← min(bound_X, max(x0_X, g_X + ρ_X·y))``. The maps never decrease, so the
    iteration climbs to the least equilibrium in the feasible region, stops at a bound,
    or grows without end. Returns ``(x, y, how)`` with ``how`` "settles", "stopped" or
    "runs away" (then x, y are NaN)."""
    x = np.array(x0, dtype=float)
    scale = max(float(np.max(x0)), 1.0)
    for _ in range(steps):
        new = np.array(
            [
                min(bound[0], max(x0[0], grievance[0] + rho[0] * x[1])),
                min(bound[1], max(x0[1], grievance[1] + rho[1] * x[0])),
            ]
        )
        if np.all(np.abs(new - x) <= 1e-6 * scale):
            at_bound = np.any(np.isfinite(bound) & (new >= bound - 1e-6 * scale))
            return float(new[0]), float(new[1]), "stopped" if at_bound else "settles"
        if np.any(new > 1e4 * scale):
            return np.nan, np.nan, "runs away"
        x = new
    return np.nan, np.nan, "runs away"
