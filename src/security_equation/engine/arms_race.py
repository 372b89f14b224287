"""Arms-race stability (DESIGN §1.8): Richardson's equations, marginal incentives and
the action–reaction model. Pure functions on arrays, like the rest of the engine.

- :func:`richardson` — the classical reference ``dx/dt = a·y − m·x + g``,
  ``dy/dt = b·x − n·y + h``: equilibrium, stability (``m·n > a·b``), eigenvalues and a
  closed-form trajectory. Parameters broadcast, so a batch of models is one call.
- :func:`marginal_effects` — batched finite differences: the change in each side's ``r``,
  in FSI and in each side's arriving retaliation per launcher, per warhead of upload and
  per interceptor, for every system and defence layer of both sides, from ONE exchange
  call on a batch holding the base case and every perturbation.
- :func:`action_reaction` — each side holds a requirement ``R`` (retaliatory warheads
  arriving after absorbing the other's first strike). In rounds, both sides react
  simultaneously to the other's current forces: a side that falls short adds the least
  force that meets ``R`` (upload on its most survivable systems first, then redeploy
  non-deployed launchers, then build new ones), within limits (:class:`Limits`) and
  capacity. The least addition is found by a vectorized search: a geometric ladder of
  candidate additions for both sides in one exchange call, then batched bracketing
  (several interior points per bracket per call). The outcome is ``settles``,
  ``race to limits`` or ``runs away``.
- :func:`reaction_slopes` — the linearised reactions ``dx_required/dy`` at a state and the
  Richardson model they imply (``m = n = 1``), for the classical stability condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from security_equation.engine.arrays import ScenarioArrays, SideArrays
from security_equation.engine.exchange import alert_share, exchange
from security_equation.engine.stability import stability

SETTLES = "settles"
RACE_TO_LIMITS = "race to limits"
RUNS_AWAY = "runs away"


# ============================================================================ Richardson
@dataclass(frozen=True)
class Richardson:
    """``dx/dt = a·y − m·x + g``, ``dy/dt = b·x − n·y + h`` (Richardson, 1960).

    ``a``, ``b``: reaction (defence) coefficients; ``m``, ``n``: fatigue (cost) terms;
    ``g``, ``h``: grievances. All attributes are broadcast arrays, so one instance can
    hold a batch of models.
    """

    a: np.ndarray
    b: np.ndarray
    m: np.ndarray
    n: np.ndarray
    g: np.ndarray
    h: np.ndarray

    @property
    def determinant(self) -> np.ndarray:
        """``m·n − a·b``: the determinant of ``−J`` with ``J = [[−m, a], [b, −n]]``."""
        return self.m * self.n - self.a * self.b

    @property
    def stable(self) -> np.ndarray:
        """Asymptotically stable equilibrium: ``m·n > a·b`` (det J > 0) and ``m + n > 0``
        (trace J < 0). With positive fatigue terms the classical condition alone decides."""
        return (self.m * self.n > self.a * self.b) & (self.m + self.n > 0)

    @property
    def equilibrium(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x*, y*) = ((a·h + n·g)/(m·n − a·b), (b·g + m·h)/(m·n − a·b))``; NaN where the
        determinant is zero (parallel reaction lines: no single equilibrium)."""
        det = self.determinant
        safe = np.where(det == 0, np.nan, det)
        return (self.a * self.h + self.n * self.g) / safe, (self.b * self.g + self.m * self.h) / safe

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of ``J = [[−m, a], [b, −n]]``, shape ``(..., 2)`` (complex)."""
        tr = -(self.m + self.n)
        disc = np.sqrt((self.m - self.n).astype(complex) ** 2 + 4.0 * self.a * self.b)
        return np.stack([(tr - disc) / 2.0, (tr + disc) / 2.0], axis=-1)

    def derivative(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return self.a * y - self.m * x + self.g, self.b * x - self.n * y + self.h

    def integrate(self, x0, y0, t, *, method: str = "closed") -> tuple[np.ndarray, np.ndarray]:
        """The trajectory from ``(x0, y0)`` at times ``t`` (1-D): arrays of shape
        ``params.shape + t.shape``.

        ``method="closed"``: the exact solution ``w(t) = expm(A·t)·w0`` of the augmented
        linear system ``w = (x, y, 1)`` (valid for every parameter set, including a zero
        determinant). ``method="ivp"``: scipy's ``solve_ivp`` (RK45, tight tolerances),
        one model at a time, as an independent check.
        """
        t = np.atleast_1d(np.asarray(t, dtype=float))
        shape = np.broadcast(
            self.a, self.b, self.m, self.n, self.g, self.h, np.asarray(x0, float), np.asarray(y0, float)
        ).shape

        def full(v):
            return np.broadcast_to(np.asarray(v, dtype=float), shape).reshape(-1)

        a, b, m, n, g, h, xs, ys = (full(v) for v in (self.a, self.b, self.m, self.n, self.g, self.h, x0, y0))
        if method == "ivp":
            from scipy.integrate import solve_ivp

            out = np.empty((a.size, 2, t.size))
            for k in range(a.size):

                def rhs(_, z, k=k):
                    return [a[k] * z[1] - m[k] * z[0] + g[k], b[k] * z[0] - n[k] * z[1] + h[k]]

                sol = solve_ivp(
                    rhs, (0.0, float(t.max(initial=0.0))), [xs[k], ys[k]], t_eval=t, rtol=1e-10, atol=1e-12
                )
                out[k] = sol.y
            x, y = out[:, 0], out[:, 1]
        elif method == "closed":
            from scipy.linalg import expm

            gen = np.zeros((a.size, 3, 3))
            gen[:, 0, 0], gen[:, 0, 1], gen[:, 0, 2] = -m, a, g
            gen[:, 1, 0], gen[:, 1, 1], gen[:, 1, 2] = b, -n, h
            flows = expm(gen[:, None, :, :] * t[None, :, None, None])  # (models, T, 3, 3)
            w0 = np.stack([xs, ys, np.ones_like(xs)], axis=-1)  # (models, 3)
            w = np.einsum("ktij,kj->kti", flows, w0)
            x, y = w[..., 0], w[..., 1]
        else:
            raise ValueError(
                f"The 'method' parameter of integrate must be 'closed' or 'ivp'. Got {method!r}."
            )
        return x.reshape(*shape, t.size), y.reshape(*shape, t.size)

    def to_dict(self) -> dict:
        x, y = self.equilibrium
        ev = self.eigenvalues

        def num(v):
            v = np.asarray(v)
            if v.ndim:
                return [num(e) for e in v]
            f = float(v)
            return f if np.isfinite(f) else None

        return {
            "a": num(self.a),
            "b": num(self.b),
            "m": num(self.m),
            "n": num(self.n),
            "g": num(self.g),
            "h": num(self.h),
            "equilibrium": {"x": num(x), "y": num(y)},
            "stable": np.asarray(self.stable).tolist(),
            "condition": "m·n > a·b",
            "m_n": num(self.m * self.n),
            "a_b": num(self.a * self.b),
            "eigenvalues": {"real": num(ev.real), "imag": num(ev.imag)},
        }


def richardson(a, b, m, n, g=0.0, h=0.0) -> Richardson:
    """Richardson's arms-race model ``dx/dt = a·y − m·x + g``, ``dy/dt = b·x − n·y + h``.

    >>> r = richardson(2, 2, 5, 3, 5, 5)
    >>> bool(r.stable), [round(float(v), 4) for v in r.equilibrium]
    (True, [2.2727, 3.1818])
    """
    arrs = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, m, n, g, h)))
    return Richardson(*(np.array(v) for v in arrs))


# ============================================================================ helpers
def _metrics(arrays: ScenarioArrays) -> dict[str, np.ndarray]:
    """Per-row headline numbers of one exchange call: r, c1, c2, arriving for both sides, fsi."""
    ex = exchange(arrays)
    st = stability(ex)
    ((i, j),) = st.pairs
    out = {"fsi": st.fsi[i, j]}
    for k, other in ((i, j), (j, i)):
        hit = ex.strike(other, k)  # side k absorbing the other's first strike
        out[f"r{k}"] = st.r[k, other]
        out[f"c1{k}"] = st.c1[k, other]
        out[f"c2{k}"] = st.c2[k, other]
        out[f"arriving{k}"] = hit.arriving_retaliation
        out[f"surviving{k}"] = hit.victim_survivors
    return out


def deployed_warheads(side: SideArrays) -> np.ndarray:
    """Nuclear warheads loaded on deployed launchers, (batch,)."""
    s = side.systems
    return (s["launchers"] * s["warheads_per_launcher"] * side.structure.nuclear[None, :]).sum(axis=1)


def deployed_launchers(side: SideArrays) -> np.ndarray:
    return (side.systems["launchers"] * side.structure.nuclear[None, :]).sum(axis=1)


def survivability(side: SideArrays) -> np.ndarray:
    """Share of each system surviving a surprise attack (alert share; launch-under-attack
    share for silos), (batch, systems): the build order's priority."""
    lua = side.scalars["launch_under_attack"][:, None]
    return np.where(side.structure.fixed[None, :], lua, alert_share(side))


# ============================================================================ marginal effects
ACTIONS = ("launcher", "upload", "interceptor")


def marginal_effects(arrays: ScenarioArrays, step: float = 1.0, *, actions: tuple[str, ...] = ACTIONS):
    """Marginal incentives by batched finite differences (DESIGN §1.8).

    For each side and each of its systems: add ``step`` deployed launchers (with the
    system's current loading) and ``step`` warheads of upload (spread over the system's
    launchers, ``warheads_per_launcher += step / launchers``, capped at
    ``max_warheads_per_launcher``); for each missile-defence layer add ``step``
    interceptors. Every perturbation of every batch member goes into ONE batch with the
    base rows, run through one exchange call, and the base is subtracted.

    Returns a pandas DataFrame, one row per (member,) side, item, action, with
    ``units`` (what was actually added: launchers, warheads or interceptors; less than
    ``step`` when an upload hits capacity, 0 when nothing could be added) and the changes
    **per unit added**: ``d_r_<side>`` for both sides, ``d_fsi``, ``d_arriving_<side>``
    (each side's retaliatory warheads arriving after absorbing a first strike) and
    ``d_c1_<side>``. Rates are NaN where nothing could be added. One unit can be lost in
    the noise of a large force, so ``step > 1`` gives a secant over ``step`` units, still
    reported per unit. ``df.attrs`` holds the base values and the step.
    """
    import pandas as pd

    unknown = [a for a in actions if a not in ACTIONS]
    if unknown:
        raise ValueError(
            f"The 'actions' parameter of marginal_effects must be among {ACTIONS}. Got {unknown}."
        )
    if not step > 0:
        raise ValueError(f"The 'step' parameter of marginal_effects must be > 0. Got {step!r}.")
    names = arrays.side_names
    perturbations: list[tuple[int, str, str, int]] = []  # (side, item, action, column)
    for k, side in enumerate(arrays.sides):
        st = side.structure
        for i, system in enumerate(st.system_names):
            for action in ("launcher", "upload"):
                if action in actions:
                    perturbations.append((k, system, action, i))
        if "interceptor" in actions:
            for j, layer in enumerate(st.layer_names):
                perturbations.append((k, layer, "interceptor", j))

    members = arrays.batch
    rows = arrays.take(np.tile(np.arange(members), 1 + len(perturbations)))
    units = np.zeros((len(perturbations), members))
    for p, (k, _, action, col) in enumerate(perturbations):
        sl = slice((p + 1) * members, (p + 2) * members)
        side = rows.sides[k]
        if action == "launcher":
            side.systems["launchers"][sl, col] += step
            units[p] = step
        elif action == "upload":
            launchers = side.systems["launchers"][sl, col].copy()
            wpl = side.systems["warheads_per_launcher"][sl, col].copy()
            cap = side.systems["max_warheads_per_launcher"][sl, col]
            per = np.divide(step, launchers, out=np.zeros_like(launchers), where=launchers > 0)
            new = np.maximum(np.minimum(cap, wpl + per), wpl)
            side.systems["warheads_per_launcher"][sl, col] = new
            units[p] = launchers * (new - wpl)
        else:
            side.layers["interceptors"][sl, col] += step
            units[p] = step

    metrics = _metrics(rows)
    shaped = {key: v.reshape(1 + len(perturbations), members) for key, v in metrics.items()}
    valid = units > 1e-12
    safe_units = np.where(valid, units, 1.0)

    def rate(key):
        d = shaped[key][1:] - shaped[key][:1]
        return np.where(valid, d / safe_units, np.nan)

    columns = {}
    for k, name in enumerate(names):
        columns[f"d_r_{name}"] = rate(f"r{k}")
    columns["d_fsi"] = rate("fsi")
    for k, name in enumerate(names):
        columns[f"d_arriving_{name}"] = rate(f"arriving{k}")
    for k, name in enumerate(names):
        columns[f"d_c1_{name}"] = rate(f"c1{k}")

    records = []
    for p, (k, item, action, _) in enumerate(perturbations):
        for b in range(members):
            rec: dict[str, Any] = {}
            if members > 1:
                rec["member"] = b
            rec.update({"side": names[k], "item": item, "action": action, "units": float(units[p, b])})
            for key, values in columns.items():
                rec[key] = float(values[p, b])
            records.append(rec)
    head = (["member"] if members > 1 else []) + ["side", "item", "action", "units"]
    df = pd.DataFrame.from_records(records, columns=head + list(columns))
    base = {"fsi": shaped["fsi"][0].tolist()}
    for k, name in enumerate(names):
        base[f"r_{name}"] = shaped[f"r{k}"][0].tolist()
        base[f"arriving_{name}"] = shaped[f"arriving{k}"][0].tolist()
    df.attrs["base"] = base
    df.attrs["step"] = float(step)
    return df


# ============================================================================ limits
LIMIT_FIELDS = ("deployed_warheads", "deployed_launchers", "total_launchers")


@dataclass(frozen=True)
class Limits:
    """Numeric caps on one side's nuclear forces (``inf`` = no limit).

    Counting, over nuclear systems: ``deployed_warheads`` = warheads loaded on deployed
    launchers (with ``bombers_count_one`` each deployed bomber counts one warhead, as
    under New START); ``deployed_launchers`` = deployed launchers; ``total_launchers`` =
    deployed + non-deployed launchers. ``labels`` names each limit for reports (e.g. the
    treaty article).
    """

    deployed_warheads: float = np.inf
    deployed_launchers: float = np.inf
    total_launchers: float = np.inf
    bombers_count_one: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    def values(self) -> np.ndarray:
        return np.array([self.deployed_warheads, self.deployed_launchers, self.total_launchers], dtype=float)

    def label(self, name: str) -> str:
        return self.labels.get(name, name.replace("_", " "))

    def to_dict(self) -> dict:
        return {
            **{
                f: (None if not np.isfinite(getattr(self, f)) else float(getattr(self, f)))
                for f in LIMIT_FIELDS
            },
            "bombers_count_one": self.bombers_count_one,
            "labels": dict(self.labels),
        }


NO_LIMITS = Limits()


def counted(side: SideArrays, limits: Limits) -> np.ndarray:
    """Counted totals of a side under the limits' counting rules: (batch, 3) in the order
    of :data:`LIMIT_FIELDS`."""
    s = side.systems
    nuc = side.structure.nuclear[None, :]
    bomber = np.array([c == "bomber" for c in side.structure.categories])[None, :]
    per_launcher = np.where(bomber & limits.bombers_count_one, 1.0, s["warheads_per_launcher"])
    warheads = (s["launchers"] * per_launcher * nuc).sum(axis=1)
    launchers = (s["launchers"] * nuc).sum(axis=1)
    total = ((s["launchers"] + s["non_deployed_launchers"]) * nuc).sum(axis=1)
    return np.stack([warheads, launchers, total], axis=1)


# ============================================================================ build path
@dataclass
class BuildPath:
    """How a side adds force, as a function of ``u`` = warheads added, from one state.

    Segments in order: upload on each system (most survivable first), redeploy each
    system's non-deployed launchers (loaded to capacity), build new launchers of the most
    survivable system. ``u_max`` is where the path stops: a limit binds, or capacity
    (upload + non-deployed + production) is used up; ``stop`` says which.
    """

    kind: np.ndarray  # (segments,) 0 upload, 1 redeploy, 2 build
    system: np.ndarray  # (segments,) system column
    capacity: np.ndarray  # (segments,) warheads
    start: np.ndarray  # (segments,) u at which each segment starts
    u_max: float
    stop: str  # "capacity", "production" or a limit field name
    base: dict[str, np.ndarray]  # the side's system arrays at the start (1-D)

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
            if kind == 0:
                upload[:, col] += amounts[:, s_idx]
            elif kind == 1:
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
        return {
            "launchers": launchers,
            "warheads_per_launcher": np.minimum(wpl, cap[None, :]),
            "non_deployed_launchers": self.base["non_deployed_launchers"][None, :] - redeploy,
        }


def build_path(
    side: SideArrays, limits: Limits = NO_LIMITS, *, production: float | None = None, member: int = 0
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
    bomber = np.array([c == "bomber" for c in st.categories])

    kinds: list[int] = []
    systems: list[int] = []
    caps: list[float] = []
    slopes: list[tuple[float, float, float]] = []  # counted (warheads, deployed, total) per warhead

    def segment(kind: int, i: int, room: float, slope: tuple[float, float, float]) -> None:
        if room > 1e-9:
            kinds.append(kind)
            systems.append(i)
            caps.append(room)
            slopes.append(slope)

    def warhead_rate(i: int, per_launcher: bool) -> float:
        if bomber[i] and limits.bombers_count_one:
            return 1.0 / cap[i] if per_launcher else 0.0
        return 1.0

    for i in order:  # upload
        room = s["launchers"][i] * max(cap[i] - s["warheads_per_launcher"][i], 0.0)
        segment(0, i, room, (warhead_rate(i, False), 0.0, 0.0))
    for i in order:  # redeploy non-deployed
        segment(1, i, s["non_deployed_launchers"][i] * cap[i], (warhead_rate(i, True), 1.0 / cap[i], 0.0))
    if production is None:
        production = float(deployed_launchers(side)[member])
    if order:  # build new
        i = order[0]
        segment(2, i, production * cap[i], (warhead_rate(i, True), 1.0 / cap[i], 1.0 / cap[i]))
    caps_a = np.array(caps, dtype=float)
    starts = np.concatenate([[0.0], np.cumsum(caps_a)[:-1]]) if caps else np.zeros(0)
    u_max = float(caps_a.sum())
    stop = "production" if kinds and kinds[-1] == 2 else "capacity"
    current = counted(side, limits)[member]
    for d, name in enumerate(LIMIT_FIELDS):
        limit = limits.values()[d]
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
                u_max, stop = float(u_stop), name
            break
    return BuildPath(
        np.array(kinds, dtype=int), np.array(systems, dtype=int), caps_a, starts, max(u_max, 0.0), stop, s
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
    retaliation meets ``required[k]``, the other side held at ``state`` (member 0).

    Returns ``{k: (u, met)}``; ``met`` False means even ``u_max`` falls short (then
    ``u = u_max``). One exchange call evaluates the ladder of both sides; each refinement
    call holds ``REFINE_POINTS`` points of each open bracket.
    """

    def evaluate(points: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
        total = sum(p.size for p in points.values())
        batch = state.repeat(total)
        at = 0
        for k, pts in points.items():
            _set_rows(batch, k, slice(at, at + pts.size), paths[k].apply(pts))
            at += pts.size
        arriving = _arriving(batch)
        out, at = {}, 0
        for k, pts in points.items():
            out[k] = arriving[k][at : at + pts.size]
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


def _arriving(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray]:
    ex = exchange(arrays)
    return ex.strike(1, 0).arriving_retaliation, ex.strike(0, 1).arriving_retaliation


# ============================================================================ action–reaction
@dataclass
class ArmsRace:
    """The path and outcome of an action–reaction run."""

    side_names: tuple[str, str]
    requirement: tuple[float, float]
    limits: tuple[Limits, Limits]
    path: list[dict]  # one entry per round (state before that round's additions)
    outcome: str  # settles | race to limits | runs away
    capped: dict[str, str]  # side -> what stopped it (a limit field or "capacity")
    final: ScenarioArrays
    rounds_run: int

    def to_dict(self) -> dict:
        def num(v):
            return None if v is None or not np.isfinite(v) else float(v)

        return {
            "outcome": self.outcome,
            "rounds": self.rounds_run,
            "requirement": {n: num(r) for n, r in zip(self.side_names, self.requirement, strict=True)},
            "limits": {n: lim.to_dict() for n, lim in zip(self.side_names, self.limits, strict=True)},
            "capped": dict(self.capped),
            "path": [_clean(row) for row in self.path],
        }

    def to_dataframe(self):
        """The path as a tidy table: one row per (round, side)."""
        import pandas as pd

        rows = []
        for entry in self.path:
            for side, values in entry["sides"].items():
                rows.append({"round": entry["round"], "fsi": entry["fsi"], "side": side, **values})
        return pd.DataFrame(rows)


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return float(obj) if np.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def _as_limits(limits, names) -> tuple[Limits, Limits]:
    if limits is None:
        return NO_LIMITS, NO_LIMITS
    if isinstance(limits, Limits):
        return limits, limits
    if isinstance(limits, dict):
        unknown = set(limits) - set(names)
        if unknown:
            raise ValueError(
                f"The 'limits' parameter of action_reaction must be keyed by side "
                f"({', '.join(names)}). Got {sorted(unknown)}."
            )
        return tuple(limits.get(n) or NO_LIMITS for n in names)  # type: ignore[return-value]
    raise TypeError(
        f"The 'limits' parameter of action_reaction must be a Limits, a dict of "
        f"side -> Limits or None. Got {type(limits).__name__}."
    )


def action_reaction(
    arrays_or_scenario,
    rounds: int = 20,
    limits=None,
    *,
    production: float | None = None,
    tolerance: float = 0.5,
    requirement: tuple[float, float] | dict | None = None,
) -> ArmsRace:
    """Run the action–reaction model (DESIGN §1.8) from batch member 0.

    Each side ``X`` with a requirement ``R_X`` (``requirement.arriving_warheads``, or the
    ``requirement`` argument: a pair or ``{side: R}``; NaN = no requirement, never builds)
    must see at least ``R_X`` of its retaliatory warheads arrive after absorbing the other
    side's best first strike. Each round, both sides look at the current state; a side
    short by more than ``tolerance`` (or 0.1 % of R) adds the least force along its
    :func:`build_path` that meets ``R_X`` against the other's current forces and defences;
    then both additions are applied at once. A side above its requirement does not cut.

    ``limits``: a :class:`Limits` for both sides, ``{side: Limits}``, or None.
    ``production``: new launchers per side per round (see :func:`build_path`).

    Outcome: ``settles`` when a round starts with no side short; ``race to limits`` when
    every short side is stopped by a limit or by exhausted capacity; ``runs away`` when
    sides are still adding after ``rounds`` rounds.
    """
    if rounds < 0:
        raise ValueError(f"The 'rounds' parameter of action_reaction must be >= 0. Got {rounds}.")
    if isinstance(arrays_or_scenario, ScenarioArrays):
        arrays = arrays_or_scenario
    else:
        from security_equation.model.compile import compile_scenario

        arrays = compile_scenario(arrays_or_scenario)
    names = arrays.side_names
    lims = _as_limits(limits, names)
    state = arrays.take(np.array([0])).copy()
    if requirement is None:
        req = np.array([state.sides[k].scalars["required_arriving_warheads"][0] for k in range(2)])
    elif isinstance(requirement, dict):
        req = np.array([float(requirement.get(n, np.nan)) for n in names])
    else:
        req = np.asarray(requirement, dtype=float)
    path: list[dict] = []
    capped: dict[str, str] = {}
    outcome = RUNS_AWAY
    rounds_run = 0
    for rnd in range(rounds + 1):
        m = {k: v[0] for k, v in _metrics(state).items()}
        entry = {"round": rnd, "fsi": float(m["fsi"]), "sides": {}}
        for k, name in enumerate(names):
            side = state.sides[k]
            count = counted(side, lims[k])[0]
            entry["sides"][name] = {
                "deployed_warheads": float(deployed_warheads(side)[0]),
                "deployed_launchers": float(deployed_launchers(side)[0]),
                "non_deployed_launchers": float(
                    (side.systems["non_deployed_launchers"][0] * side.structure.nuclear).sum()
                ),
                "counted_warheads": float(count[0]),
                "arriving": float(m[f"arriving{k}"]),
                "surviving": float(m[f"surviving{k}"]),
                "required": float(req[k]),
                "r": float(m[f"r{k}"]),
                "c1": float(m[f"c1{k}"]),
                "c2": float(m[f"c2{k}"]),
                "added_warheads": 0.0,
                "stopped_by": None,
            }
        path.append(entry)
        tol = np.maximum(tolerance, 1e-3 * np.nan_to_num(req))
        short = [k for k in range(2) if np.isfinite(req[k]) and m[f"arriving{k}"] < req[k] - tol[k]]
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
            entry["sides"][names[k]]["added_warheads"] = float(u)
            if not met:
                entry["sides"][names[k]]["stopped_by"] = paths[k].stop
        state = new_state
    return ArmsRace(names, (float(req[0]), float(req[1])), lims, path, outcome, capped, state, rounds_run)


# ============================================================================ reaction slopes
def reaction_slopes(
    arrays: ScenarioArrays, *, delta: float | None = None, requirement: tuple[float, float] | None = None
) -> dict:
    """Linearised reactions at batch member 0, and the Richardson model they imply.

    With ``x``, ``y`` the two sides' deployed warheads moved along their build paths
    (unlimited), ``A_X(x, y)`` side X's arriving retaliation: the force X needs satisfies
    ``A_X = R_X``, so its reaction slope is ``ρ_X = −(∂A_X/∂y)/(∂A_X/∂x)`` (warheads X
    adds per warhead the other adds). Partial adjustment toward the required level,
    ``dx/dt = x_req(y) − x``, is Richardson's model with ``m = n = 1``, ``a = ρ_A``,
    ``b = ρ_B``: stable iff ``1 > ρ_A·ρ_B`` — the same condition under which the
    round-by-round iteration converges. One exchange call (base + four perturbations).
    """
    state = arrays.take(np.array([0])).copy()
    if requirement is None:
        req = np.array([state.sides[k].scalars["required_arriving_warheads"][0] for k in range(2)])
    else:
        req = np.asarray(requirement, dtype=float)
    x0 = np.array([deployed_warheads(state.sides[k])[0] for k in range(2)])
    deltas = np.array([delta if delta is not None else max(5.0, 0.02 * x0[k]) for k in range(2)])
    paths = {k: build_path(state.sides[k], NO_LIMITS) for k in range(2)}
    used = np.array([min(deltas[k], paths[k].u_max) for k in range(2)])
    batch = state.repeat(3)
    for k in range(2):
        _set_rows(batch, k, slice(k + 1, k + 2), paths[k].apply(np.array([used[k]])))
    arr = np.stack(_arriving(batch))  # (side, row)
    # own[k] = ∂A_k/∂x_k, cross[k] = ∂A_k/∂x_other
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.array([(arr[k, k + 1] - arr[k, 0]) / used[k] for k in range(2)])
        cross = np.array([(arr[k, 2 - k] - arr[k, 0]) / used[1 - k] for k in range(2)])
        rho = np.where(own > 0, -cross / own, np.nan) + 0.0
        x_req = np.where(own > 0, x0 + (req - arr[:, 0]) / own, np.nan)
    reacts = np.isfinite(req) & np.isfinite(rho)
    a_coef = np.where(reacts, rho, 0.0)
    # dx/dt = x_req(y) − x with x_req(y) = x_req(y0) + ρ (y − y0): g = x_req − ρ·y0.
    grievance = np.where(reacts, x_req - a_coef * x0[::-1], x0)
    model = richardson(a_coef[0], a_coef[1], 1.0, 1.0, grievance[0], grievance[1])
    return {
        "warheads": x0.tolist(),
        "required_warheads": [float(v) if np.isfinite(v) else None for v in x_req],
        "own_effect": own.tolist(),
        "cross_effect": cross.tolist(),
        "rho": [float(v) if np.isfinite(v) else None for v in rho],
        "reacts": reacts.tolist(),
        "richardson": model,
        "stable": bool(model.stable),
    }
