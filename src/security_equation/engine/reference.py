"""A plain-Python, one-scenario-at-a-time implementation of the exchange.

It follows the same steps as :mod:`security_equation.engine.exchange` with Python
loops, lists and floats instead of batch arrays: the greedy draw-down, the
piecewise-linear curve and the search for the attacker's best spend (docs/model.md,
"First strike and retaliation"). It exists as an independent check on how the
vectorized engine batches those steps (tests compare the two) and as the scalar
baseline of ``benchmarks/exchange.py``.

With more than two sides it evaluates every ordered pair with the third parties of
``engine/thirdparty.py`` written out again in plain Python (docs/model.md, "Three and more
powers"): fixed or endogenous reserves (the pool held most survivable first, the warheads
each requirement needs found by the same breakpoints-then-bisection search, one float at
a time) and committed allies retaliating with the victim
(``tests/engine/test_reference_multiparty.py``). Only which sides are adversaries and
which retaliate for whom (``thirdparty.adversaries`` / ``defenders``, index logic with
nothing batched) is shared with the engine.

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

from security_equation.engine import constants, defence, effects, stability, thirdparty
from security_equation.engine import damage as dmg
from security_equation.engine.arrays import RESERVE_ENDOGENOUS, ScenarioArrays, SideArrays
from security_equation.engine.exchange import (
    _CONVENTIONAL_OPPORTUNITY,
    _INVPHI,
    COST_TIE,
    GRID_STEPS,
    REFINE_ITERATIONS,
    ordered_pairs,
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
        alert = self.sys["alert_generated" if self.sc["generated"] > 0.5 else "alert_day_to_day"]
        #: Share of each system that survives a surprise attack (``exchange.alert_share``).
        self.alert = [0.0 if self.fixed[i] else alert[i] for i in range(self.n)]


def _usable(side: _Side, st: dict) -> list[float]:
    """Warheads usable in a first strike per system, before any holdback
    (``exchange.usable_weapons``)."""
    return [
        side.sys["launchers"][i]
        * side.sys["warheads_per_launcher"][i]
        * (1.0 if side.fixed[i] else st["attacker_survivable_available"])
        for i in range(side.n)
    ]


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


def _strike(a: _Side, v: _Side, st: dict, allocation: str = "reliable", third: dict | None = None):
    """One first strike of ``a`` on ``v``; ``third`` (from :func:`_third_parties`) holds
    what third parties change: ``weapons``, ``victim_keep``, the victim's reserve
    (``victim_reserve_ballistic`` / ``_air``, reliable warheads), the allies' reliable
    warheads (``allied_ballistic`` / ``_air``) and ``attacker_reserve``."""
    if third is not None:
        weapons = list(third["weapons"])
    else:
        weapons = [u * (1.0 - a.sc["holdback_fraction"]) for u in _usable(a, st)]

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

    targets, per_target, v_ball, v_air = [], [], [], []
    v_keep = 1.0 - v.sc["holdback_fraction"] if third is None else third["victim_keep"]
    for j in range(v.n):
        aim = v.sys["aim_points_per_launcher"][j]  # aim points per launcher
        targets.append(v.sys["launchers"][j] * (1.0 - v.alert[j]) * aim)
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

    def retaliation(vb, va):
        """The victim's reliable retaliating warheads after its reserve, with its allies'."""
        if third is None:
            return vb, va
        vb = np.maximum(vb - third["victim_reserve_ballistic"], 0.0) + third["allied_ballistic"]
        va = np.maximum(va - third["victim_reserve_air"], 0.0) + third["allied_air"]
        return vb, va

    def damages(vb, va, ab, aa):
        """Arriving warheads and damages at one point (floats) or several (arrays)."""
        vb, va = retaliation(vb, va)
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
    rb, ra = (float(x) for x in retaliation(vb, va))
    extra = {}
    if third is not None:
        extra["attacker_reserve"] = third["attacker_reserve"]
        if third["allies"]:
            extra["allied_retaliating"] = third["allied_ballistic"] + third["allied_air"]
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
        "all_stopped_retaliation": _all_stopped(a, max(rb, 0.0), ra),
        "all_stopped_first_strike": _all_stopped(v, ab, aa),
        **extra,
    }


class _Pool:
    """A side's nuclear warheads in the order it keeps them back, most survivable first
    (alert share descending, ties in system order), as plain floats."""

    def __init__(self, side: _Side, st: dict):
        #: Warheads usable in a first strike per system (conventional ones included).
        self.usable = _usable(side, st)
        self.warheads = [w if side.nuclear[i] else 0.0 for i, w in enumerate(self.usable)]
        self.total = sum(self.warheads)
        self.order = sorted(range(side.n), key=lambda i: -side.alert[i])
        rel = side.sys["reliability"]
        self.rel_ballistic = [rel[i] if side.nuclear[i] and side.ballistic[i] else 0.0 for i in range(side.n)]
        self.rel_air = [rel[i] if side.nuclear[i] and not side.ballistic[i] else 0.0 for i in range(side.n)]

    def held(self, n: float) -> list[float]:
        """The first ``n`` warheads, per system (system order)."""
        out = [0.0] * len(self.warheads)
        before = 0.0
        for i in self.order:
            out[i] = min(max(n - before, 0.0), self.warheads[i])
            before += self.warheads[i]
        return out

    def reliable(self, n: float) -> tuple[float, float]:
        """Reliable (ballistic, air-breathing) warheads among the first ``n``."""
        held = self.held(n)
        return (
            sum(h * r for h, r in zip(held, self.rel_ballistic, strict=True)),
            sum(h * r for h, r in zip(held, self.rel_air, strict=True)),
        )

    def needed(self, arriving, required: float) -> float:
        """The fewest warheads whose reliable ones arriving reach ``required`` (0 where it
        is NaN or not positive, the whole pool where even that falls short): the system in
        which the requirement is met, then bisection within it (``SOLVE_ITERATIONS``)."""
        if not required > 0.0:
            return 0.0
        edges = [(0.0, 0.0, 0.0)]
        for i in self.order:
            w, b, a = edges[-1]
            edges.append(
                (
                    w + self.warheads[i],
                    b + self.warheads[i] * self.rel_ballistic[i],
                    a + self.warheads[i] * self.rel_air[i],
                )
            )
        end = next((e for e in range(1, len(edges)) if arriving(edges[e][1], edges[e][2]) >= required), None)
        if end is None:
            return self.total
        start, stop = edges[end - 1], edges[end]
        step = [y - x for x, y in zip(start, stop, strict=True)]
        lo, hi = 0.0, 1.0
        for _ in range(thirdparty.SOLVE_ITERATIONS):
            t = 0.5 * (lo + hi)
            if arriving(start[1] + t * step[1], start[2] + t * step[2]) >= required:
                hi = t
            else:
                lo = t
        return start[0] + hi * step[0]


def _third_parties(arrays: ScenarioArrays, sides: list[_Side], st: dict) -> dict | None:
    """What third parties change in each ordered pair's strike (``_strike``'s ``third``),
    or ``None`` where nothing does (no endogenous reserve, no commitment)."""
    n = len(sides)
    endogenous = [s.sc["reserve_mode"] >= RESERVE_ENDOGENOUS - 0.5 for s in sides]
    c = arrays.committed
    if not any(endogenous) and (c is None or not any(c[i][j] for i in range(n) for j in range(n) if i != j)):
        return None
    pools = [_Pool(s, st) for s in sides]
    armed = [
        sum(s.sys["launchers"][i] * s.sys["warheads_per_launcher"][i] for i in range(s.n) if s.nuclear[i])
        > 0.0
        for s in sides
    ]

    def arriving_on(target: _Side):
        def arriving(ballistic, air):
            return (
                float(_leak(target, ballistic, target.value_share))
                + air * target.sc["penetration_probability"]
            )

        return arriving

    needs: dict[tuple[int, int], float] = {}

    def need(x: int, adversary: int) -> float:
        if (x, adversary) not in needs:
            needs[x, adversary] = (
                pools[x].needed(arriving_on(sides[adversary]), sides[x].sc["required_arriving_warheads"])
                if armed[adversary]
                else 0.0
            )
        return needs[x, adversary]

    def reserve(x: int, excluding: int) -> float:
        if not endogenous[x]:
            return 0.0
        total = sum(need(x, o) for o in thirdparty.adversaries(arrays, x, (excluding,)))
        return min(total, pools[x].total)

    out = {}
    for a, v in ordered_pairs(n):
        attacker, victim = sides[a], sides[v]
        third: dict = {"allies": thirdparty.defenders(arrays, a, v)}
        if endogenous[a]:
            held_n = reserve(a, v)
            held = pools[a].held(held_n)
            third["weapons"] = [u - h for u, h in zip(pools[a].usable, held, strict=True)]
            third["attacker_reserve"] = held_n
        else:
            keep = 1.0 - attacker.sc["holdback_fraction"]
            third["weapons"] = [u * keep for u in pools[a].usable]
            third["attacker_reserve"] = sum(w * attacker.sc["holdback_fraction"] for w in pools[a].warheads)
        third["victim_keep"] = 1.0 if endogenous[v] else 1.0 - victim.sc["holdback_fraction"]
        rb, ra = pools[v].reliable(reserve(v, a)) if endogenous[v] else (0.0, 0.0)
        third["victim_reserve_ballistic"], third["victim_reserve_air"] = rb, ra
        kb = ka = 0.0
        for k in third["allies"]:
            all_b, all_a = pools[k].reliable(pools[k].total)
            if endogenous[k]:
                held_b, held_a = pools[k].reliable(reserve(k, a))
                kb, ka = kb + (all_b - held_b), ka + (all_a - held_a)
            else:
                keep = 1.0 - sides[k].sc["holdback_fraction"]
                kb, ka = kb + all_b * keep, ka + all_a * keep
        third["allied_ballistic"], third["allied_air"] = kb, ka
        out[a, v] = third
    return out


def exchange_one(arrays: ScenarioArrays, k: int = 0) -> dict:
    """Every first strike and index for batch member ``k``, in plain Python (the one-order
    allocations ``reliable`` and ``greedy``; ``best`` is checked against them in
    tests/engine/test_allocation_monotonicity.py).

    Returns ``pairs`` (ordered pair -> strike), ``r`` (ordered pair (side, adversary) -> r)
    and ``fsi`` (unordered pair (i, j), i < j -> FSI); with two sides ``strikes`` is the
    two strikes (0 on 1, 1 on 0), ``r`` the two r and ``fsi`` the one FSI, as floats."""
    if arrays.allocation not in ("reliable", "greedy"):
        raise ValueError(
            "The reference exchange plans the 'reliable' and 'greedy' allocations only. "
            f"Got {arrays.allocation!r}."
        )
    st = {name: float(arr[k]) for name, arr in arrays.settings.items()}
    sides = [_Side(side, k) for side in arrays.sides]
    third = _third_parties(arrays, sides, st)
    pairs = {
        (a, v): _strike(sides[a], sides[v], st, arrays.allocation, None if third is None else third[a, v])
        for a, v in ordered_pairs(len(sides))
    }
    r = {
        (a, v): float(stability.break_even(pairs[a, v]["cost_attacker"], pairs[v, a]["cost_victim"]))
        for a, v in pairs
    }
    fsi = {(i, j): float(stability.first_strike_stability(r[i, j], r[j, i])) for i, j in pairs if i < j}
    if len(sides) == 2:
        return {
            "strikes": (pairs[0, 1], pairs[1, 0]),
            "r": (r[0, 1], r[1, 0]),
            "fsi": fsi[0, 1],
            "pairs": pairs,
        }
    return {"pairs": pairs, "r": r, "fsi": fsi}
