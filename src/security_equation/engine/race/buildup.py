"""The action–reaction model (docs/model.md "Arms race").

Each side holds two requirements (:mod:`.requirements`: assured retaliation and
counterforce coverage) and reacts, in rounds, to the others' current forces: a side short
of either adds the least force along its build path (:mod:`.path`: upload first, within
the stored warheads, then redeploy, then new launchers; within treaty limits while a
treaty is in force) that meets both (:mod:`.search`). All additions of a round are applied
at once. The run ends as *settles* (no side short), *stopped* by a limit, the stock or
capacity (every short side can add nothing more), or *runs away* (sides still adding
after the last round).

Any number of sides: a side facing several adversaries must meet its retaliation
requirement against the worst first strike any of them can make, and cover the aim points
of all of them; allies (committed either way, or in one coalition) are not adversaries.

Limits per side (:class:`~.limits.Limits`) and on a coalition's aggregate
(:class:`~.limits.CoalitionLimit`): in each round a member's room under an aggregate is
the aggregate's cap less the other members' current counts
(:func:`~.limits.with_coalition_rows`); members that add in the same round take the room
in file order (a later member's addition is cut to what the earlier ones left).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from security_equation.engine.arrays import ScenarioArrays, SideArrays
from security_equation.engine.race.forces import deployed_launchers, deployed_warheads, non_deployed_launchers
from security_equation.engine.race.limits import (
    LIMIT_KINDS,
    CoalitionLimit,
    Limits,
    counted,
    with_coalition_rows,
)
from security_equation.engine.race.metrics import race_metrics
from security_equation.engine.race.path import STOCK, build_path
from security_equation.engine.race.requirements import counterforce_warheads, coverage_required, tolerance
from security_equation.engine.race.search import Probe, least, moved

SETTLES = "settles"
STOPPED_BY_LIMIT = "stopped by a limit"
STOPPED_BY_STOCK = "stopped by the stock"
STOPPED_BY_CAPACITY = "stopped by capacity"
RUNS_AWAY = "runs away"
OUTCOMES = (SETTLES, STOPPED_BY_LIMIT, STOPPED_BY_STOCK, STOPPED_BY_CAPACITY, RUNS_AWAY)


def stopped_outcome(reasons: Sequence[str]) -> str:
    """The outcome of a run whose short sides are all stopped, for ``reasons`` (a limit
    kind, ``stock`` or ``capacity`` per side): a limit first, then the stock, then capacity."""
    if any(r in LIMIT_KINDS for r in reasons):
        return STOPPED_BY_LIMIT
    return STOPPED_BY_STOCK if STOCK in reasons else STOPPED_BY_CAPACITY


@dataclass
class ArmsRace:
    """The path and outcome of an action–reaction run.

    ``path`` has one entry per round (the state before that round's additions):
    ``{"round", "fsi", "sides": {side: {...}}}``; per side ``deployed_warheads``,
    ``deployed_launchers``, ``non_deployed_launchers``, ``counted_warheads`` (its count
    under its first warhead limit, else its deployed warheads), ``arriving`` and
    ``surviving`` (after the binding adversary's first strike), ``required`` (assured
    retaliation), ``counterforce_warheads`` and ``counterforce_required`` (coverage),
    ``short_of`` (the requirements it is short of), ``r``, ``c1``, ``c2`` (against that
    adversary), ``added_warheads`` and ``stopped_by``. With more than two sides ``fsi`` is
    the lowest index over the pairs. The model layer makes a tidy table of the path
    (``model.race.race_table``)."""

    side_names: tuple[str, ...]
    requirement: tuple[float, ...]
    limits: tuple[Limits | None, ...]
    path: list[dict]
    outcome: str  # one of OUTCOMES
    capped: dict[str, str]  # side -> what stopped it (a limit kind, "stock" or "capacity")
    final: ScenarioArrays
    rounds_run: int
    counterforce_share: tuple[float, ...] = ()
    #: Limits on coalitions' aggregates the run was under.
    coalition_limits: tuple[CoalitionLimit, ...] = ()
    #: Side -> the label of the limit that stopped it (sides in ``capped`` by a limit).
    stopped_limits: dict[str, str] = field(default_factory=dict)

    def effective_limits(self, state: ScenarioArrays | None = None) -> tuple[Limits | None, ...]:
        """Each side's limits at ``state`` (default: the final one), its share of each
        coalition aggregate included (:func:`~.limits.with_coalition_rows`)."""
        return effective_limits(self.final if state is None else state, self.limits, self.coalition_limits)


def effective_limits(
    state: ScenarioArrays, limits: Sequence[Limits | None], coalition_limits: Sequence[CoalitionLimit] = ()
) -> tuple[Limits | None, ...]:
    """Per side, its own limits plus one row per coalition aggregate it belongs to, capped
    at the aggregate's cap less the other members' counts at ``state`` (member 0)."""
    if not coalition_limits:
        return tuple(limits)
    return tuple(with_coalition_rows(lim, k, coalition_limits, state.sides) for k, lim in enumerate(limits))


def as_limits(limits, arrays: ScenarioArrays) -> tuple[Limits | None, ...]:
    """``limits`` (one :class:`Limits` for all, ``{side: Limits}`` or None) per side."""
    names = arrays.side_names
    if limits is None:
        out: tuple[Limits | None, ...] = (None,) * len(names)
    elif isinstance(limits, Limits):
        out = (limits,) * len(names)
    elif isinstance(limits, Mapping):
        unknown = set(limits) - set(names)
        if unknown:
            raise ValueError(
                f"The 'limits' parameter of action_reaction must be keyed by side "
                f"({', '.join(names)}). Got {sorted(unknown)}."
            )
        out = tuple(limits.get(n) for n in names)
    else:
        raise TypeError(
            f"The 'limits' parameter of action_reaction must be a Limits, a dict of "
            f"side -> Limits or None. Got {type(limits).__name__}."
        )
    for name, side, lim in zip(names, arrays.sides, out, strict=True):
        if lim is not None and lim.systems != len(side.structure.system_names):
            raise ValueError(
                f"The 'limits' parameter of action_reaction must weigh each system of side "
                f"'{name}' ({len(side.structure.system_names)}). Got weights for {lim.systems}."
            )
    return out


def with_requirement(state: ScenarioArrays, requirement) -> ScenarioArrays:
    """``state`` with the sides' retaliation requirements replaced by ``requirement`` (one
    value per side or ``{side: R}``; None keeps the scenario's)."""
    if requirement is None:
        return state
    names = state.side_names
    if isinstance(requirement, Mapping):
        values = np.array([float(requirement.get(n, np.nan)) for n in names])
    else:
        values = np.asarray(requirement, dtype=float)
        if values.shape != (len(names),):
            raise ValueError(
                f"The 'requirement' parameter must give one value per side ({', '.join(names)}). "
                f"Got {values.shape[0] if values.ndim else 'a scalar'}."
            )
    out = state.copy()
    for side, value in zip(out.sides, values, strict=True):
        side.scalars["required_arriving_warheads"][:] = value
    return out


def _counted_warheads(side: SideArrays, limits: Limits | None) -> float:
    if limits is not None and "deployed_warheads" in limits.kinds:
        return float(counted(side.systems, limits)[0, limits.kinds.index("deployed_warheads")])
    return float(deployed_warheads(side)[0])


def action_reaction(
    arrays: ScenarioArrays,
    rounds: int = 20,
    limits=None,
    *,
    production: float | None = None,
    tolerance_warheads: float = 0.5,
    requirement: Sequence[float] | Mapping[str, float] | None = None,
    coalition_limits: Sequence[CoalitionLimit] = (),
) -> ArmsRace:
    """Run the action–reaction model from batch member 0 of ``arrays`` (see the module
    docstring).

    Requirements come from the arrays (``required_arriving_warheads``, NaN = none;
    ``counterforce_share``, 0 = none); ``requirement`` replaces the retaliation
    requirements (one value per side or ``{side: R}``). A side counts as short when it
    misses a requirement by more than ``tolerance_warheads`` (or 0.1 % of it). A side
    above its requirements does not cut. ``limits``: a :class:`Limits` for every side,
    ``{side: Limits}``, or None; ``coalition_limits``: caps on coalitions' aggregates
    (see the module docstring). ``production``: new launchers per side per round (see
    :func:`~.path.build_path`).
    """
    if rounds < 0:
        raise ValueError(f"The 'rounds' parameter of action_reaction must be >= 0. Got {rounds}.")
    names = arrays.side_names
    lims = as_limits(limits, arrays)
    coalition_limits = tuple(coalition_limits)
    for c in coalition_limits:
        if any(not 0 <= k < len(names) for k in c.members):
            raise ValueError(
                f"The 'coalition_limits' of action_reaction must name sides 0..{len(names) - 1}."
                f" Got {c.members} for {c.coalition!r}."
            )
    in_coalition = {k for c in coalition_limits for k in c.members}
    stopped_limits: dict[str, str] = {}
    state = with_requirement(arrays.take(np.array([0])).copy(), requirement)
    req = np.array([side.scalars["required_arriving_warheads"][0] for side in state.sides])
    share = tuple(float(side.scalars["counterforce_share"][0]) for side in state.sides)
    path: list[dict] = []
    capped: dict[str, str] = {}
    outcome = RUNS_AWAY
    rounds_run = 0
    for rnd in range(rounds + 1):
        m = race_metrics(state)
        entry = {"round": rnd, "fsi": float(min(m.fsi[p][0] for p in m.adversary_pairs())), "sides": {}}
        short: list[int] = []
        for k, name in enumerate(names):
            side = state.sides[k]
            key = (k, m.binding(k))
            arriving_k = float(m.arriving[key][0])
            cf = float(counterforce_warheads(side)[0])
            cf_required = float(coverage_required(state, k)[0])
            tol = float(tolerance(state, k, tolerance_warheads)[0])
            short_of = []
            if np.isfinite(req[k]) and arriving_k < req[k] - tol:
                short_of.append("assured retaliation")
            if cf < cf_required - tol:
                short_of.append("counterforce coverage")
            if short_of:
                short.append(k)
            entry["sides"][name] = {
                "deployed_warheads": float(deployed_warheads(side)[0]),
                "deployed_launchers": float(deployed_launchers(side)[0]),
                "non_deployed_launchers": float(non_deployed_launchers(side)[0]),
                "counted_warheads": _counted_warheads(side, lims[k]),
                "arriving": arriving_k,
                "surviving": float(m.surviving[key][0]),
                "required": float(req[k]),
                "counterforce_warheads": cf,
                "counterforce_required": cf_required,
                "short_of": short_of,
                "r": float(m.r[key][0]),
                "c1": float(m.c1[key][0]),
                "c2": float(m.c2[key][0]),
                "added_warheads": 0.0,
                "stopped_by": None,
            }
        path.append(entry)
        if not short:
            outcome = SETTLES
            capped = {}
            break
        if rnd == rounds:
            outcome = RUNS_AWAY
            break
        now_limits = effective_limits(state, lims, coalition_limits)
        paths = {k: build_path(state.sides[k], now_limits[k], production=production) for k in short}
        movable = [k for k in short if paths[k].u_max > 1e-9]
        capped = {names[k]: paths[k].stop for k in short if k not in movable}
        stopped_limits = {
            names[k]: paths[k].stop_label for k in short if k not in movable and paths[k].stop_label
        }
        for k in short:
            if k not in movable:
                entry["sides"][names[k]]["stopped_by"] = paths[k].stop
        if not movable:
            outcome = stopped_outcome(list(capped.values()))
            break
        found = least([Probe(state, k, paths[k], k, "met") for k in movable])
        rounds_run = rnd + 1
        new_state = state.copy()
        for k, (u, met) in zip(movable, found, strict=True):
            stop = paths[k].stop
            if k in in_coalition:
                # Members adding in the same round: the room the earlier ones left.
                room = build_path(
                    new_state.sides[k],
                    with_coalition_rows(lims[k], k, coalition_limits, new_state.sides),
                    production=production,
                )
                if room.u_max < u - 1e-9:
                    u, met, stop = max(room.u_max, 0.0), False, room.stop
            new_state = _replace_side(new_state, k, moved(state, k, paths[k], u))
            entry["sides"][names[k]]["added_warheads"] = float(u)
            if not met:
                entry["sides"][names[k]]["stopped_by"] = stop
        state = new_state
    return ArmsRace(
        tuple(names),
        tuple(float(r) for r in req),
        lims,
        path,
        outcome,
        capped,
        state,
        rounds_run,
        share,
        coalition_limits,
        stopped_limits if capped else {},
    )


def _replace_side(state: ScenarioArrays, k: int, source: ScenarioArrays) -> ScenarioArrays:
    """``state`` with side ``k``'s arrays taken from ``source`` (same structure)."""
    sides = list(state.sides)
    sides[k] = source.sides[k]
    return replace(state, sides=tuple(sides))
