"""A plain-Python, one-scenario-at-a-time implementation of the exchange.

It follows the same steps as :mod:`security_equation.engine.exchange` with Python
loops, lists and floats instead of batch arrays: the greedy draw-down, the
piecewise-linear curve and the search for the attacker's best spend (docs/model.md,
"First strike and retaliation"). It exists as an independent check on how the
vectorized engine batches those steps (tests compare the two) and as the scalar
baseline of ``benchmarks/exchange.py``.

The formulas themselves are not written out again here: like the engine, it calls the
one function for each (``effects.terminal_kill_probability``,
``defence.expected_leakers`` (and through it ``defence.decoyed_leakers``),
``defence.all_stopped_given_leakers``, ``damage.damage_fraction`` / ``tabulated_damage``,
``damage.cost`` / ``cost_pair``, ``stability.break_even`` and
``first_strike_stability``), on Python floats or on small arrays of one scenario (its
kill matrix, the grid points of its curve).
"""

from __future__ import annotations

import math

import numpy as np

from security_equation.engine import constants, defence, effects, stability
from security_equation.engine import damage as dmg
from security_equation.engine.arrays import ScenarioArrays, SideArrays
from security_equation.engine.exchange import (
    _CONVENTIONAL_OPPORTUNITY,
    _INVPHI,
    COST_TIE,
    GRID_STEPS,
    REFINE_ITERATIONS,
)


class _Side:
    """One side of one batch member as plain Python floats and lists."""

    def __init__(self, side: SideArrays, k: int):
        st = side.structure
        self.n = len(st.system_names)
        self.fixed = [bool(x) for x in st.fixed]
        self.nuclear = [bool(x) for x in st.nuclear]
        self.ballistic = [bool(x) for x in st.ballistic]
        self.counterforce = [bool(x) for x in st.counterforce]
        self.categories = list(st.categories)
        self.sys = {name: [float(x) for x in arr[k]] for name, arr in side.systems.items()}
        self.kill_given = [[float(x) for x in row] for row in side.kill_given[k]]
        self.layers = [
            {f: float(side.layers[f][k, layer]) for f in side.layers}
            for layer in range(side.layers["interceptors"].shape[1])
        ]
        self.value_share = [float(x) for x in st.layer_value_share]
        self.forces_share = [float(x) for x in st.layer_forces_share]
        self.table = st.damage_table
        self.sc = {name: float(arr[k]) for name, arr in side.scalars.items()}


def _leak(side: _Side, m, shares):
    """Warheads (a float or an array of points) leaking through the side's layers."""
    for layer, share in zip(side.layers, shares, strict=True):
        m = defence.expected_leakers(
            m,
            layer["interceptors"] * share,
            layer["kill_probability"],
            layer["system_reliability"],
            layer["shots_per_warhead"],
            layer["decoys_per_warhead"],
            layer["discrimination_probability"],
            layer["shoot_look_shoot"] > 0.5,
        )
    return m


def _all_stopped(side: _Side, ballistic: float, air: float) -> float:
    """Probability that every warhead aimed at the side's value is stopped."""
    leaked = _leak(side, ballistic, side.value_share)
    missiles = defence.all_stopped_given_leakers(ballistic, leaked)
    return float(missiles * defence.all_stopped_given_leakers(air, air * side.sc["penetration_probability"]))


def _damage(side: _Side, w):
    if side.table is not None:
        return dmg.tabulated_damage(w, *side.table)
    return dmg.damage_fraction(w, side.sc["w80"])


def _strike(a: _Side, v: _Side, st: dict, allocation: str = "reliable"):
    weapons = []
    for i in range(a.n):
        share = 1.0 if a.fixed[i] else st["attacker_survivable_available"]
        weapons.append(
            a.sys["launchers"][i]
            * a.sys["warheads_per_launcher"][i]
            * share
            * (1.0 - a.sc["holdback_fraction"])
        )

    def column(values):
        return np.array(values)[:, None]

    r_sspk = effects.terminal_kill_probability(
        column(a.sys["yield_kt"]),
        column(a.sys["cep_m"]),
        np.array(v.sys["hardness_psi"])[None, :],
        column(a.sys["reliability"]),
        constant_nmi=st["lethal_radius_nmi"],
        exponent=st["lethal_radius_exponent"],
    ).tolist()
    p = []
    for i in range(a.n):
        row = []
        for j in range(v.n):
            given = a.kill_given[i][constants.CATEGORIES.index(v.categories[j])]
            if math.isnan(given):
                given = r_sspk[i][j]
            row.append(given if a.counterforce[i] else 0.0)
        p.append(row)
    cf_ball = sum(weapons[i] for i in range(a.n) if a.counterforce[i] and a.ballistic[i])
    cf_leak = float(_leak(v, cf_ball, v.forces_share)) / cf_ball if cf_ball > 0 else 1.0
    for i in range(a.n):
        factor = cf_leak if a.ballistic[i] else v.sc["penetration_probability"]
        p[i] = [x * factor for x in p[i]]

    generated = v.sc["generated"] > 0.5
    targets, per_target, v_ball, v_air = [], [], [], []
    v_keep = 1.0 - v.sc["holdback_fraction"]
    for j in range(v.n):
        alert = 0.0 if v.fixed[j] else v.sys["alert_generated" if generated else "alert_day_to_day"][j]
        aim = v.sys["aim_points_per_launcher"][j]  # aim points per launcher
        targets.append(v.sys["launchers"][j] * (1.0 - alert) * aim)
        lua = v.sc["launch_under_attack"] if v.fixed[j] else 0.0
        per_target.append(v.sys["warheads_per_launcher"][j] * (1.0 - lua) * v.nuclear[j] / aim)
        rel = v_keep * v.sys["reliability"][j]
        v_ball.append(rel if v.nuclear[j] and v.ballistic[j] else 0.0)
        v_air.append(rel if v.nuclear[j] and not v.ballistic[j] else 0.0)
    a_ball = [a.sys["reliability"][i] if a.nuclear[i] and a.ballistic[i] else 0.0 for i in range(a.n)]
    a_air = [a.sys["reliability"][i] if a.nuclear[i] and not a.ballistic[i] else 0.0 for i in range(a.n)]
    merit = [
        [
            p[i][j]
            * per_target[j]
            # "reliable": the victim's reliable retaliating warheads destroyed count.
            * (1.0 if allocation == "greedy" else v_ball[j] + v_air[j])
            / (a.sys["reliability"][i] * a.nuclear[i] + _CONVENTIONAL_OPPORTUNITY)
            for j in range(v.n)
        ]
        for i in range(a.n)
    ]

    # Per class: survival of the targets the current partial layer has not reached yet,
    # and the share and survival of those it has (the next shots go to the former).
    survival = [1.0] * v.n
    ahead = [0.0] * v.n
    survival_ahead = [1.0] * v.n
    kinds = 2 if any(not a.nuclear[i] for i in range(a.n)) else 1
    layers_used = [[0.0] * v.n for _ in range(2)]  # nuclear, conventional shots per target
    budget = [weapons[i] if a.counterforce[i] else 0.0 for i in range(a.n)]
    k_max = a.sc["max_warheads_per_target"]
    steps = int(kinds * v.n * math.ceil(max(k_max, 1.0)) + 2 * a.n + 1)

    v_warheads = [v.sys["launchers"][j] * v.sys["warheads_per_launcher"][j] for j in range(v.n)]
    pts = {
        "s": [0.0],
        "kill": [0.0],
        "vb": [sum(v_warheads[j] * v_ball[j] for j in range(v.n))],
        "va": [sum(v_warheads[j] * v_air[j] for j in range(v.n))],
        "ab": [sum(weapons[i] * a_ball[i] for i in range(a.n))],
        "aa": [sum(weapons[i] * a_air[i] for i in range(a.n))],
    }
    for _ in range(steps):
        best, bi, bj = 0.0, -1, -1
        for i in range(a.n):
            if budget[i] <= 1e-9:
                continue
            for j in range(v.n):
                if targets[j] <= 0 or layers_used[0 if a.nuclear[i] else 1][j] >= k_max - 1e-9:
                    continue
                score = merit[i][j] * survival[j]
                if score > best:
                    best, bi, bj = score, i, j
        if bi < 0:
            break
        t_j = targets[bj]
        shots = layers_used[0 if a.nuclear[bi] else 1]
        used = min(min(1.0 - ahead[bj], k_max - shots[bj]) * t_j, budget[bi])
        covered = used / t_j
        killed_targets = t_j * survival[bj] * p[bi][bj] * covered
        reached = ahead[bj] + covered
        if reached > 0:
            survival_ahead[bj] = (
                ahead[bj] * survival_ahead[bj] + covered * survival[bj] * (1.0 - p[bi][bj])
            ) / reached
        if reached >= 1.0 - 1e-9:  # the layer is complete: one group again
            survival[bj], ahead[bj] = survival_ahead[bj], 0.0
        else:
            ahead[bj] = reached
        shots[bj] += covered
        budget[bi] -= used
        kill = killed_targets * per_target[bj]
        pts["s"].append(pts["s"][-1] + used)
        pts["kill"].append(pts["kill"][-1] + kill)
        pts["vb"].append(max(pts["vb"][-1] - kill * v_ball[bj], 0.0))
        pts["va"].append(max(pts["va"][-1] - kill * v_air[bj], 0.0))
        pts["ab"].append(max(pts["ab"][-1] - used * a_ball[bi], 0.0))
        pts["aa"].append(max(pts["aa"][-1] - used * a_air[bi], 0.0))

    cost_settings = {"exponent": st["cost_exponent"], "enemy_weight": st["cost_enemy_weight"]}

    def damages(vb, va, ab, aa):
        """Arriving warheads and damages at one point (floats) or several (arrays)."""
        arr_ret = _leak(a, vb, a.value_share) + va * a.sc["penetration_probability"]
        arr_fs = _leak(v, ab, v.value_share) + aa * v.sc["penetration_probability"]
        return arr_ret, arr_fs, _damage(a, arr_ret), _damage(v, arr_fs)

    def outcome(vb, va, ab, aa):
        """``damages`` and both costs."""
        arr_ret, arr_fs, d_a, d_v = damages(vb, va, ab, aa)
        return arr_ret, arr_fs, d_a, d_v, *dmg.cost_pair(d_a, d_v, **cost_settings)

    pieces = len(pts["s"]) - 1

    def at_u(u):
        piece = min(max(int(math.floor(u)), 0), max(pieces - 1, 0))
        t = u - piece if pieces else 0.0
        nxt = min(piece + 1, pieces)
        return [
            pts[key][piece] + t * (pts[key][nxt] - pts[key][piece])
            for key in ("s", "kill", "vb", "va", "ab", "aa")
        ]

    # The grid points of the curve, evaluated as one small array.
    us = [k / GRID_STEPS for k in range(pieces * GRID_STEPS + 1)]
    *_, grid_ca, grid_cv = outcome(*np.array([at_u(u)[2:] for u in us]).T)
    candidates = list(zip(us, grid_ca.tolist(), grid_cv.tolist(), strict=True))
    lowest = min(c[1] for c in candidates)
    best_u, best_cv = 0.0, -math.inf
    for u, ca, cv in candidates:
        if ca <= lowest + COST_TIE and cv > best_cv:
            best_u, best_cv = u, cv
    best_ca = next(ca for u, ca, _ in candidates if u == best_u)
    step = 1.0 / GRID_STEPS
    lo, hi = min(max(best_u - step, 0.0), pieces), min(max(best_u + step, 0.0), pieces)

    def cost(u):  # the attacker's
        *_, d_a, d_v = damages(*at_u(u)[2:])
        return float(dmg.cost(d_a, d_v, **cost_settings))

    x1, x2 = hi - _INVPHI * (hi - lo), lo + _INVPHI * (hi - lo)
    f1, f2 = cost(x1), cost(x2)
    for _ in range(REFINE_ITERATIONS):
        if f1 <= f2:
            hi = x2
            x2, f2 = x1, f1
            x1 = hi - _INVPHI * (hi - lo)
            f1 = cost(x1)
        else:
            lo = x1
            x1, f1 = x2, f2
            x2 = lo + _INVPHI * (hi - lo)
            f2 = cost(x2)
    u_ref, f_ref = (x1, f1) if f1 <= f2 else (x2, f2)
    if f_ref < best_ca - COST_TIE:
        best_u = u_ref
    s, kill, vb, va, ab, aa = at_u(best_u)
    arr_ret, arr_fs, d_a, d_v, ca, cv = (float(x) for x in outcome(vb, va, ab, aa))
    total = sum(v_warheads[j] for j in range(v.n) if v.nuclear[j])
    return {
        "counterforce_spent": s,
        "destroyed": kill,
        "victim_survivors": total - kill,
        "arriving_retaliation": arr_ret,
        "arriving_first_strike": arr_fs,
        "damage_attacker": d_a,
        "damage_victim": d_v,
        "cost_attacker": ca,
        "cost_victim": cv,
        "all_stopped_retaliation": _all_stopped(a, vb, va),
        "all_stopped_first_strike": _all_stopped(v, ab, aa),
    }


def exchange_one(arrays: ScenarioArrays, k: int = 0) -> dict:
    """Both first strikes and the index for batch member ``k``, in plain Python (the
    one-order allocations ``reliable`` and ``greedy``; ``best`` is checked against them in
    tests/engine/test_allocation_monotonicity.py)."""
    if arrays.allocation not in ("reliable", "greedy"):
        raise ValueError(
            "The reference exchange plans the 'reliable' and 'greedy' allocations only. "
            f"Got {arrays.allocation!r}."
        )
    st = {name: float(arr[k]) for name, arr in arrays.settings.items()}
    a, b = _Side(arrays.sides[0], k), _Side(arrays.sides[1], k)
    first, second = _strike(a, b, st, arrays.allocation), _strike(b, a, st, arrays.allocation)
    r = (
        float(stability.break_even(first["cost_attacker"], second["cost_victim"])),
        float(stability.break_even(second["cost_attacker"], first["cost_victim"])),
    )
    return {"strikes": (first, second), "r": r, "fsi": float(stability.first_strike_stability(*r))}
