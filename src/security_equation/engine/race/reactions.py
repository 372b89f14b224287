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
    return reaction_slopes_many(
        arrays, [sides], requirement=requirement, limits=limits, production=production
    )[0]


def reaction_slopes_many(
    arrays: ScenarioArrays,
    pairs,
    *,
    requirement=None,
    limits=None,
    production: float | None = None,
) -> list[ReactionSlopes]:
    """:func:`reaction_slopes` for several pairs of sides at once: every pair's searches
    share the same batched exchange calls (two rounds of them in all)."""
    pairs = [tuple(int(k) for k in p) for p in pairs]
    for sides in pairs:
        if len(sides) != 2 or sides[0] == sides[1] or not all(0 <= k < len(arrays.sides) for k in sides):
            raise ValueError(
                f"The 'sides' parameter of reaction_slopes must be two different side indices. Got {sides!r}."
            )
    lims = as_limits(limits, arrays)
    state = with_requirement(arrays.take(np.array([0])).copy(), requirement)
    involved = sorted({k for p in pairs for k in p})
    paths = {k: build_path(state.sides[k], lims[k], production=production) for k in involved}
    warheads = {k: float(deployed_warheads(state.sides[k])[0]) for k in involved}

    # Stage 1: each side's least addition now, and how much each other side must add first.
    ordered = sorted({(k, o) for i, j in pairs for k, o in ((i, j), (j, i))})
    probes = [Probe(state, k, paths[k], k, "met") for k in involved]
    probes += [Probe(state, o, paths[o], k, "short") for k, o in ordered]
    found = least(probes)
    now = dict(zip(involved, found[: len(involved)], strict=True))
    onset = dict(zip(ordered, found[len(involved) :], strict=True))

    # Stage 2: the slope of F_X just where X reacts: F_X at y1 and y1 + δ.
    step, threshold, probes, index = {}, {}, [], []
    for k, o in ordered:
        addition, met = now[k]
        threshold[k, o] = 0.0 if addition > 0 else (onset[k, o][0] if onset[k, o][1] else np.nan)
        can_add = paths[o].u_max
        step[k, o] = min(max(STEP_MIN, STEP_SHARE * warheads[o]), can_add - np.nan_to_num(threshold[k, o]))
        if not met or not np.isfinite(threshold[k, o]) or step[k, o] <= 1e-9:
            continue
        for u_other in (threshold[k, o], threshold[k, o] + step[k, o]):
            probe_state = moved(state, o, paths[o], u_other)
            own = build_path(probe_state.sides[k], lims[k], production=production)
            probes.append(Probe(probe_state, k, own, k, "met"))
        index.append((k, o))
    found = least(probes)
    secant = {key: np.nan for key in ordered}
    for m, key in enumerate(index):
        (f0, _), (f1, _) = found[2 * m], found[2 * m + 1]
        secant[key] = (f1 - f0) / step[key]
    least_now = arriving(state, involved)
    return [
        _slopes(state, (i, j), paths, warheads, now, threshold, step, secant, least_now) for i, j in pairs
    ]


def _slopes(state, pair, paths, warheads, now, threshold, step, secant, least_now) -> ReactionSlopes:
    """One pair's :class:`ReactionSlopes` from the searches of :func:`reaction_slopes_many`."""
    i, j = pair
    keys = ((i, j), (j, i))
    x0 = np.array([warheads[i], warheads[j]])
    addition = np.array([now[i][0], now[j][0]])
    met = np.array([now[i][1], now[j][1]])
    thresholds = np.array([threshold[key] for key in keys])
    secants = np.array([secant[key] for key in keys])
    steps = np.array([step[key] for key in keys])
    rho = np.where(np.isfinite(secants), np.maximum(secants, 0.0), np.nan)
    # Nothing the other can add makes X react: its reaction is flat, zero.
    rho = np.where(met & ~np.isfinite(thresholds), 0.0, rho)
    now_gaps = [gaps(state, k, least_now[k]) for k in pair]
    surplus_retaliation = np.array([-float(g.retaliation[0]) for g in now_gaps])
    surplus_coverage = np.array(
        [-float(g.coverage[0]) if g.required_counterforce[0] > 0 else np.nan for g in now_gaps]
    )
    y0 = np.array([x0[1], x0[0]])
    bound = np.array(
        [np.inf if paths[k].stop == PRODUCTION else x0[n] + paths[k].u_max for n, k in enumerate(pair)]
    )
    a_coef = np.nan_to_num(rho)
    required = x0 + addition
    grievance = required - a_coef * (y0 + np.nan_to_num(thresholds))
    model = richardson(a_coef[0], a_coef[1], 1.0, 1.0, grievance[0], grievance[1])
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
    return ReactionSlopes(
        sides=pair,
        warheads=x0,
        addition_now=addition,
        met=met,
        required_warheads=required,
        threshold=thresholds,
        other_can_add=np.array([paths[j].u_max, paths[i].u_max]),
        rho=rho,
        rho_secant=secants,
        step=steps,
        bound=bound,
        stop=(paths[i].stop, paths[j].stop),
        richardson=model,
        stable=bool(model.stable),
        feasible=not because,
        infeasible_because=because,
        linear_end=linear_race(x0, a_coef, grievance, bound),
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
