"""Build-up: the action–reaction model and the reaction slopes (docs/model.md "Arms race").

- :func:`build_path` — how a side adds force, as a function of the warheads it adds:
  upload on its most survivable systems first, then redeploy non-deployed launchers
  (both bounded by the stored warheads of each system's types and the side's reserve),
  then build new ones, within limits (:class:`~security_equation.engine.race.limits.Limits`)
  and capacity.
- :func:`least_additions` — the least addition along each side's path that meets its
  requirement, by a vectorized search: a geometric ladder of candidate additions for
  every side in one exchange call, then batched bracketing.
- :func:`action_reaction` — each side holds a requirement ``R`` (retaliatory warheads
  arriving after absorbing an adversary's best first strike) and reacts, in rounds, to
  the others' current forces. The outcome is ``settles``, ``race to limits`` or
  ``runs away``.
- :func:`reaction_slopes` — the linearised reactions between two sides and the
  Richardson model they imply (``m = n = 1``; Richardson, 1960).

Any number of sides: a side facing several adversaries must meet its requirement against
the worst first strike any of them can make.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from security_equation.engine.arrays import ScenarioArrays, SideArrays
from security_equation.engine.exchange import exchange
from security_equation.engine.race.forces import (
    deployed_launchers,
    deployed_warheads,
    non_deployed_launchers,
    survivability,
)
from security_equation.engine.race.limits import LIMIT_KINDS, Limits, counted
from security_equation.engine.race.metrics import arriving, race_metrics
from security_equation.engine.race.richardson import Richardson, richardson

SETTLES = "settles"
RACE_TO_LIMITS = "race to limits"
RUNS_AWAY = "runs away"

#: Build-path segment kinds.
UPLOAD, REDEPLOY, BUILD = 0, 1, 2


# ============================================================================ build path
@dataclass
class BuildPath:
    """How a side adds force, as a function of ``u`` = warheads added, from one state.

    Segments in order: upload on each system (most survivable first), redeploy each
    system's non-deployed launchers (loaded to capacity), build new launchers of the most
    survivable system. Uploads and redeployments draw on stored warheads: at most each
    system's ``upload_warheads_available`` and, together, the side's ``upload_reserve``
    (in the build order); new launchers come with new warheads (``production``).
    ``u_max`` is where the path stops: a limit binds, or capacity (upload + non-deployed
    within the stored warheads + production) is used up; ``stop`` says which (``capacity``,
    ``production`` or the kind of the limit, see
    :data:`~security_equation.engine.race.limits.LIMIT_KINDS`).
    """

    kind: np.ndarray  # (segments,) UPLOAD, REDEPLOY or BUILD
    system: np.ndarray  # (segments,) system column
    capacity: np.ndarray  # (segments,) warheads
    start: np.ndarray  # (segments,) u at which each segment starts
    u_max: float
    stop: str
    base: dict[str, np.ndarray]  # the side's system arrays at the start (1-D)
    reserve: float = np.inf  # the side's stored warheads at the start (upload_reserve)

    def apply(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """System arrays (len(u), systems) after adding ``u`` warheads along the path."""
        u = np.minimum(np.asarray(u, dtype=float), self.u_max)
        nsys = self.base["launchers"].size
        amounts = np.clip(u[:, None] - self.start[None, :], 0.0, self.capacity[None, :])
        cap = self.base["max_warheads_per_launcher"]
        upload = np.zeros((u.size, nsys))
        redeploy = np.zeros((u.size, nsys))
        built = np.zeros((u.size, nsys))
        for s_idx, (kind, col) in enumerate(zip(self.kind, self.system, strict=True)):
            if kind == UPLOAD:
                upload[:, col] += amounts[:, s_idx]
            elif kind == REDEPLOY:
                redeploy[:, col] += amounts[:, s_idx] / cap[col]
            else:
                built[:, col] += amounts[:, s_idx] / cap[col]
        l0 = self.base["launchers"][None, :]
        w0 = l0 * self.base["warheads_per_launcher"][None, :]
        launchers = l0 + redeploy + built
        warheads = w0 + upload + (redeploy + built) * cap[None, :]
        wpl = np.divide(
            warheads,
            launchers,
            out=np.broadcast_to(self.base["warheads_per_launcher"][None, :], warheads.shape).copy(),
            where=launchers > 0,
        )
        # Stored warheads drawn by uploads and redeployments leave the stock (inf stays inf).
        drawn = upload + redeploy * cap[None, :]
        return {
            "launchers": launchers,
            "warheads_per_launcher": np.minimum(wpl, cap[None, :]),
            "non_deployed_launchers": self.base["non_deployed_launchers"][None, :] - redeploy,
            "upload_warheads_available": np.maximum(
                self.base["upload_warheads_available"][None, :] - drawn, 0.0
            ),
        }

    def reserve_after(self, u: np.ndarray) -> np.ndarray:
        """The side's stored warheads (``upload_reserve``) left after adding ``u`` warheads:
        uploads and redeployments draw on it, new launchers do not. Shape (len(u),)."""
        u = np.minimum(np.asarray(u, dtype=float), self.u_max)
        amounts = np.clip(u[:, None] - self.start[None, :], 0.0, self.capacity[None, :])
        drawn = amounts[:, self.kind != BUILD].sum(axis=1)
        return np.maximum(self.reserve - drawn, 0.0)


def build_path(
    side: SideArrays, limits: Limits | None = None, *, production: float | None = None, member: int = 0
) -> BuildPath:
    """The side's build path from batch member ``member`` (see :class:`BuildPath`).

    ``production``: new launchers the side can build in one round (None: as many as it
    now deploys, i.e. it can at most double its launchers per round; 0: no new builds).
    """
    s = {k: v[member].astype(float) for k, v in side.systems.items()}
    st = side.structure
    surv = survivability(side)[member]
    cap = s["max_warheads_per_launcher"]
    eligible = st.nuclear & (cap > 0)
    # Most survivable first; ties: ballistic (prompt, no air defence to penetrate) before
    # air-breathing, then more warheads per launcher, then file order.
    order = sorted(np.flatnonzero(eligible), key=lambda i: (-surv[i], not st.ballistic[i], -cap[i], i))
    if limits is None:
        rows = 0
        per_launcher = per_non_deployed = per_warhead = np.zeros((0, cap.size))
    else:
        rows = limits.rows
        per_launcher, per_non_deployed, per_warhead = limits.weights()

    kinds: list[int] = []
    systems: list[int] = []
    caps: list[float] = []
    slopes: list[np.ndarray] = []  # each limit's count added per warhead added, (rows,)

    def segment(kind: int, i: int, room: float) -> None:
        if room <= 1e-9:
            return
        if kind == UPLOAD:
            slope = per_warhead[:, i]
        elif kind == REDEPLOY:  # a launcher moves from non-deployed to deployed, loaded to capacity
            slope = per_warhead[:, i] + (per_launcher[:, i] - per_non_deployed[:, i]) / cap[i]
        else:  # a new deployed launcher, loaded to capacity
            slope = per_warhead[:, i] + per_launcher[:, i] / cap[i]
        kinds.append(kind)
        systems.append(i)
        caps.append(room)
        slopes.append(slope)

    # Uploads and redeployments draw on stored warheads: each system's own types
    # (upload_warheads_available) and the side's reserve (upload_reserve), inf if not given.
    stored = s["upload_warheads_available"].copy()
    reserve = start_reserve = float(side.scalars["upload_reserve"][member])
    for i in order:
        room = min(s["launchers"][i] * max(cap[i] - s["warheads_per_launcher"][i], 0.0), stored[i], reserve)
        room = max(room, 0.0)
        stored[i] -= room
        reserve -= room
        segment(UPLOAD, i, room)
    for i in order:
        room = max(min(s["non_deployed_launchers"][i] * cap[i], stored[i], reserve), 0.0)
        stored[i] -= room
        reserve -= room
        segment(REDEPLOY, i, room)
    if production is None:
        production = float(deployed_launchers(side)[member])
    if order:
        segment(BUILD, order[0], production * cap[order[0]])
    caps_a = np.array(caps, dtype=float)
    starts = np.concatenate([[0.0], np.cumsum(caps_a)[:-1]]) if caps else np.zeros(0)
    u_max = float(caps_a.sum())
    stop = "production" if kinds and kinds[-1] == BUILD else "capacity"
    if rows:
        current = counted(side.systems, limits)[member]
        # Where two limits bind together, report the kind listed first in LIMIT_KINDS.
        for d in sorted(range(rows), key=lambda d: LIMIT_KINDS.index(limits.kinds[d])):
            limit = limits.caps[d]
            if not np.isfinite(limit):
                continue
            c = current[d]
            for seg, slope in enumerate(slopes):
                rate = slope[d]
                if rate <= 0:
                    continue
                if c >= limit - 1e-9:
                    u_stop = starts[seg]
                else:
                    room = (limit - c) / rate
                    if room >= caps_a[seg]:
                        c += rate * caps_a[seg]
                        continue
                    u_stop = starts[seg] + room
                if u_stop < u_max - 1e-9:
                    u_max, stop = float(u_stop), limits.kinds[d]
                break
    return BuildPath(
        np.array(kinds, dtype=int),
        np.array(systems, dtype=int),
        caps_a,
        starts,
        max(u_max, 0.0),
        stop,
        s,
        start_reserve,
    )


def _set_rows(arrays: ScenarioArrays, k: int, rows: slice, values: dict[str, np.ndarray]) -> None:
    for key, v in values.items():
        arrays.sides[k].systems[key][rows] = v


# ============================================================================ least addition
#: Geometric ladder: fractions 2^-(LADDER-1) … 1 of the most a side can add.
LADDER = 18
#: Interior points per bracket in each refinement call (the bracket shrinks 8×).
REFINE_POINTS = 7
REFINE_ROUNDS = 6


def least_additions(
    state: ScenarioArrays,
    sides: list[int],
    paths: dict[int, BuildPath],
    required: np.ndarray,
    *,
    tolerance: float = 0.25,
) -> dict[int, tuple[float, bool]]:
    """For each side in ``sides``: the least ``u`` along its path with which its arriving
    retaliation meets ``required[k]``, the other sides held at ``state`` (member 0).

    Returns ``{k: (u, met)}``; ``met`` False means even ``u_max`` falls short (then
    ``u = u_max``). One exchange call evaluates the ladder of every side; each refinement
    call holds ``REFINE_POINTS`` points of each open bracket.
    """

    def evaluate(points: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
        total = sum(p.size for p in points.values())
        batch = state.repeat(total)
        at = 0
        for k, pts in points.items():
            _set_rows(batch, k, slice(at, at + pts.size), paths[k].apply(pts))
            at += pts.size
        arrive = arriving(batch)
        out, at = {}, 0
        for k, pts in points.items():
            out[k] = arrive[k][at : at + pts.size]
            at += pts.size
        return out

    result: dict[int, tuple[float, bool]] = {}
    ladder = {}
    for k in sides:
        u_max = paths[k].u_max
        ladder[k] = u_max * 2.0 ** -np.arange(LADDER - 1, -1, -1, dtype=float)
    values = evaluate(ladder)
    brackets: dict[int, list[float]] = {}
    for k in sides:
        meets = values[k] >= required[k]
        if not meets.any():
            result[k] = (paths[k].u_max, False)
            continue
        first = int(np.argmax(meets))
        lo = 0.0 if first == 0 else float(ladder[k][first - 1])
        brackets[k] = [lo, float(ladder[k][first])]
    for _ in range(REFINE_ROUNDS):
        open_ = {k: b for k, b in brackets.items() if b[1] - b[0] > tolerance}
        if not open_:
            break
        points = {k: np.linspace(b[0], b[1], REFINE_POINTS + 2)[1:-1] for k, b in open_.items()}
        values = evaluate(points)
        for k, pts in points.items():
            meets = values[k] >= required[k]
            lo, hi = brackets[k]
            if meets.any():
                first = int(np.argmax(meets))
                hi = float(pts[first])
                lo = float(pts[first - 1]) if first > 0 else lo
            else:
                lo = float(pts[-1])
            brackets[k] = [lo, hi]
    for k, (_, hi) in brackets.items():
        result[k] = (hi, True)
    return result


# ============================================================================ action–reaction
@dataclass
class ArmsRace:
    """The path and outcome of an action–reaction run.

    ``path`` has one entry per round (the state before that round's additions):
    ``{"round", "fsi", "sides": {side: {...}}}``; per side ``deployed_warheads``,
    ``deployed_launchers``, ``non_deployed_launchers``, ``counted_warheads`` (its count
    under its first warhead limit, else its deployed warheads), ``arriving`` and
    ``surviving`` (after the binding adversary's first strike), ``required``, ``r``,
    ``c1``, ``c2`` (against that adversary), ``added_warheads`` and ``stopped_by``. With
    more than two sides ``fsi`` is the lowest index over the pairs. The model layer makes
    a tidy table of the path (``model.race.race_table``)."""

    side_names: tuple[str, ...]
    requirement: tuple[float, ...]
    limits: tuple[Limits | None, ...]
    path: list[dict]
    outcome: str  # settles | race to limits | runs away
    capped: dict[str, str]  # side -> what stopped it (a limit kind, "capacity" or "production")
    final: ScenarioArrays
    rounds_run: int


def _as_limits(limits, arrays: ScenarioArrays) -> tuple[Limits | None, ...]:
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


def _requirements(state: ScenarioArrays, requirement) -> np.ndarray:
    names = state.side_names
    if requirement is None:
        return np.array([side.scalars["required_arriving_warheads"][0] for side in state.sides])
    if isinstance(requirement, Mapping):
        return np.array([float(requirement.get(n, np.nan)) for n in names])
    req = np.asarray(requirement, dtype=float)
    if req.shape != (len(names),):
        raise ValueError(
            f"The 'requirement' parameter must give one value per side ({', '.join(names)}). "
            f"Got {req.shape[0] if req.ndim else 'a scalar'}."
        )
    return req


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
    tolerance: float = 0.5,
    requirement: Sequence[float] | Mapping[str, float] | None = None,
) -> ArmsRace:
    """Run the action–reaction model from batch member 0 of ``arrays``.

    Each side ``X`` with a requirement ``R_X`` (``requirement.arriving_warheads``, or the
    ``requirement`` argument: one value per side or ``{side: R}``; NaN = no requirement,
    never builds) must see at least ``R_X`` of its retaliatory warheads arrive after
    absorbing the best first strike of any other side. Each round, every side looks at
    the current state; a side short by more than ``tolerance`` (or 0.1 % of R) adds the
    least force along its :func:`build_path` that meets ``R_X`` against the others'
    current forces and defences; then all additions are applied at once. A side above its
    requirement does not cut.

    ``limits``: a :class:`~security_equation.engine.race.limits.Limits` for every side,
    ``{side: Limits}``, or None. ``production``: new launchers per side per round (see
    :func:`build_path`).

    Outcome: ``settles`` when a round starts with no side short; ``race to limits`` when
    every short side is stopped by a limit or by exhausted capacity; ``runs away`` when
    sides are still adding after ``rounds`` rounds.
    """
    if rounds < 0:
        raise ValueError(f"The 'rounds' parameter of action_reaction must be >= 0. Got {rounds}.")
    names = arrays.side_names
    lims = _as_limits(limits, arrays)
    state = arrays.take(np.array([0])).copy()
    req = _requirements(state, requirement)
    path: list[dict] = []
    capped: dict[str, str] = {}
    outcome = RUNS_AWAY
    rounds_run = 0
    for rnd in range(rounds + 1):
        m = race_metrics(state)
        entry = {"round": rnd, "fsi": float(min(v[0] for v in m.fsi.values())), "sides": {}}
        least = {}
        for k, name in enumerate(names):
            side = state.sides[k]
            key = (k, m.binding(k))
            least[k] = m.arriving[key][0]
            entry["sides"][name] = {
                "deployed_warheads": float(deployed_warheads(side)[0]),
                "deployed_launchers": float(deployed_launchers(side)[0]),
                "non_deployed_launchers": float(non_deployed_launchers(side)[0]),
                "counted_warheads": _counted_warheads(side, lims[k]),
                "arriving": float(m.arriving[key][0]),
                "surviving": float(m.surviving[key][0]),
                "required": float(req[k]),
                "r": float(m.r[key][0]),
                "c1": float(m.c1[key][0]),
                "c2": float(m.c2[key][0]),
                "added_warheads": 0.0,
                "stopped_by": None,
            }
        path.append(entry)
        tol = np.maximum(tolerance, 1e-3 * np.nan_to_num(req))
        short = [k for k in range(len(names)) if np.isfinite(req[k]) and least[k] < req[k] - tol[k]]
        if not short:
            outcome = SETTLES
            capped = {}
            break
        if rnd == rounds:
            outcome = RUNS_AWAY
            break
        paths = {k: build_path(state.sides[k], lims[k], production=production) for k in short}
        movable = [k for k in short if paths[k].u_max > 1e-9]
        capped = {names[k]: paths[k].stop for k in short if k not in movable}
        if not movable:
            outcome = RACE_TO_LIMITS
            break
        found = least_additions(state, movable, paths, req, tolerance=0.25)
        rounds_run = rnd + 1
        new_state = state.copy()
        for k, (u, met) in found.items():
            _set_rows(new_state, k, slice(0, 1), paths[k].apply(np.array([u])))
            new_state.sides[k].scalars["upload_reserve"][0] = paths[k].reserve_after(np.array([u]))[0]
            entry["sides"][names[k]]["added_warheads"] = float(u)
            if not met:
                entry["sides"][names[k]]["stopped_by"] = paths[k].stop
        state = new_state
    return ArmsRace(
        tuple(names), tuple(float(r) for r in req), lims, path, outcome, capped, state, rounds_run
    )


# ============================================================================ reaction slopes
@dataclass
class ReactionSlopes:
    """The linearised reactions between two sides ``sides = (i, j)`` at one state.

    Arrays of shape (2,) in the order of ``sides``: ``warheads`` (deployed), ``own_effect``
    ``∂A_X/∂x`` and ``cross_effect`` ``∂A_X/∂y`` (arriving retaliation per warhead added
    by X itself and by the other), ``rho`` (reaction slope; NaN where X's own additions do
    not help), ``required_warheads`` (the force X needs, linearised; NaN likewise),
    ``reacts`` (X has a requirement and a slope). ``richardson`` is the model they imply;
    ``stable`` its verdict."""

    sides: tuple[int, int]
    warheads: np.ndarray
    required_warheads: np.ndarray
    own_effect: np.ndarray
    cross_effect: np.ndarray
    rho: np.ndarray
    reacts: np.ndarray
    richardson: Richardson
    stable: bool


def reaction_slopes(
    arrays: ScenarioArrays,
    sides: tuple[int, int],
    *,
    delta: float | None = None,
    requirement: Sequence[float] | None = None,
) -> ReactionSlopes:
    """Linearised reactions of the two sides ``sides = (i, j)`` at batch member 0, and the
    Richardson model they imply.

    With ``x``, ``y`` the two sides' deployed warheads moved along their build paths
    (unlimited), ``A_X(x, y)`` side X's arriving retaliation after the other's first
    strike: the force X needs satisfies ``A_X = R_X``, so its reaction slope is
    ``ρ_X = −(∂A_X/∂y)/(∂A_X/∂x)`` (warheads X adds per warhead the other adds). Partial
    adjustment toward the required level, ``dx/dt = x_req(y) − x``, is Richardson's model
    with ``m = n = 1``, ``a = ρ_i``, ``b = ρ_j``: stable iff ``1 > ρ_i·ρ_j`` — the same
    condition under which the round-by-round iteration converges. ``requirement``: the
    two sides' ``R`` in the order of ``sides`` (default: the scenario's). One exchange
    call (base + one perturbation per side).
    """
    if len(sides) != 2 or sides[0] == sides[1] or not all(0 <= k < len(arrays.sides) for k in sides):
        raise ValueError(
            f"The 'sides' parameter of reaction_slopes must be two different side indices. Got {sides!r}."
        )
    i, j = (int(k) for k in sides)
    state = arrays.take(np.array([0])).copy()
    if requirement is None:
        req = np.array([state.sides[k].scalars["required_arriving_warheads"][0] for k in (i, j)])
    else:
        req = np.asarray(requirement, dtype=float)
    x0 = np.array([deployed_warheads(state.sides[k])[0] for k in (i, j)])
    paths = [build_path(state.sides[k]) for k in (i, j)]
    deltas = [delta if delta is not None else max(5.0, 0.02 * x) for x in x0]
    used = np.array([min(d, path.u_max) for d, path in zip(deltas, paths, strict=True)])
    # Rows: the base, i moved by used[0], j moved by used[1].
    batch = state.repeat(3)
    _set_rows(batch, i, slice(1, 2), paths[0].apply(used[:1]))
    _set_rows(batch, j, slice(2, 3), paths[1].apply(used[1:]))
    ex = exchange(batch, pairs=((j, i), (i, j)))
    a_i = ex.strike(j, i).arriving_retaliation  # i's retaliation after j strikes, per row
    a_j = ex.strike(i, j).arriving_retaliation
    base = np.array([a_i[0], a_j[0]])
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.array([(a_i[1] - a_i[0]) / used[0], (a_j[2] - a_j[0]) / used[1]])
        cross = np.array([(a_i[2] - a_i[0]) / used[1], (a_j[1] - a_j[0]) / used[0]])
        rho = np.where(own > 0, -cross / own, np.nan) + 0.0
        x_req = np.where(own > 0, x0 + (req - base) / own, np.nan)
    reacts = np.isfinite(req) & np.isfinite(rho)
    a_coef = np.where(reacts, rho, 0.0)
    # dx/dt = x_req(y) − x with x_req(y) = x_req(y0) + ρ (y − y0): g = x_req − ρ·y0.
    other_x0 = np.array([x0[1], x0[0]])
    grievance = np.where(reacts, x_req - a_coef * other_x0, x0)
    model = richardson(a_coef[0], a_coef[1], 1.0, 1.0, grievance[0], grievance[1])
    return ReactionSlopes((i, j), x0, x_req, own, cross, rho, reacts, model, bool(model.stable))
