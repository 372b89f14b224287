"""First strike and retaliation (Kent & Thaler, RAND R-3765, 1989), vectorized.

For attacker A and victim B (DESIGN §1.6):

1. A's weapons: all fixed forces and a share (90 %) of survivable forces, less holdback.
2. Counterforce options are layers of shots on B's target classes (its fixed launchers
   and the off-alert share of its survivable launchers). The k-th shot on a target adds
   kill ``S·p`` where ``S`` is the target's survival so far and ``p`` the shooter's
   terminal kill probability on that class. Options are taken greedily in order of B
   warheads killed per unit of A's value forgone, which for a single weapon type is the
   order of warheads killed per warhead spent; a weapon's budget may run out mid-layer.
3. This yields a piecewise-linear draw-down curve in counterforce spend ``s``: B's
   survivors fall and A's weapons left for value fall. B's survivors retaliate through
   A's defences; A's remainder strikes B's value through B's defences.
4. A picks the ``s`` with its lowest cost, and among equal costs the one with B's
   highest cost (R-3765 p. 22). Every piece is searched on a grid and the best bracket
   refined by golden section, so the optimum is found inside pieces, not only at corners.

Every array has a leading batch axis; the greedy loop runs over options, never over
batch members.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from security_equation.engine import damage as dmg
from security_equation.engine.arrays import ScenarioArrays, SideArrays
from security_equation.engine.defence import leak_through_layers
from security_equation.engine.effects import sspk
from security_equation.scenario.schema import CATEGORIES

#: Grid steps per piece of the draw-down curve searched before refinement.
GRID_STEPS = 3
#: Golden-section iterations in the best bracket (it shrinks by 0.618 each, to 3e-5 of a piece).
REFINE_ITERATIONS = 20
_INVPHI = (np.sqrt(5.0) - 1.0) / 2.0
#: Tolerance below which two costs are equal for the stop rule's tie-break.
COST_TIE = 1e-12
#: Opportunity cost of a weapon with no value to lose (conventional): small, not zero,
#: so a useless conventional shot still ranks below a useful one.
_CONVENTIONAL_OPPORTUNITY = 1e-3


@dataclass
class DrawDown:
    """The piecewise-linear draw-down curve at its breakpoints: arrays (batch, pieces + 1)."""

    spend: np.ndarray                 # counterforce warheads spent
    destroyed: np.ndarray             # victim warheads destroyed
    victim_ballistic: np.ndarray      # victim's reliable retaliating ballistic warheads
    victim_air: np.ndarray            # victim's reliable retaliating air-breathing warheads
    attacker_ballistic: np.ndarray    # attacker's reliable ballistic warheads left for value
    attacker_air: np.ndarray          # attacker's reliable air-breathing warheads left for value


@dataclass
class StrikeResult:
    """One direction: the attacker strikes the victim first. Arrays have shape (batch,)."""

    attacker_weapons: np.ndarray
    counterforce_spent: np.ndarray
    victim_warheads: np.ndarray
    destroyed: np.ndarray
    victim_survivors: np.ndarray
    victim_retaliating: np.ndarray
    arriving_retaliation: np.ndarray
    attacker_value_warheads: np.ndarray
    arriving_first_strike: np.ndarray
    damage_attacker: np.ndarray
    damage_victim: np.ndarray
    cost_attacker: np.ndarray
    cost_victim: np.ndarray
    curve: DrawDown

    @property
    def share_destroyed(self) -> np.ndarray:
        return np.divide(self.destroyed, self.victim_warheads,
                         out=np.zeros_like(self.destroyed), where=self.victim_warheads > 0)

    @property
    def spent_per_destroyed(self) -> np.ndarray:
        return np.divide(self.counterforce_spent, self.destroyed,
                         out=np.full_like(self.destroyed, np.nan), where=self.destroyed > 0)


def alert_share(side: SideArrays) -> np.ndarray:
    """Share of each system that survives a surprise attack, given the side's alert level."""
    s = side.systems
    share = np.where(side.scalars["generated"][:, None] > 0.5, s["alert_generated"],
                     s["alert_day_to_day"])
    return np.where(side.structure.fixed[None, :], 0.0, share)


def available_weapons(attacker: SideArrays, settings: dict) -> np.ndarray:
    """Warheads the attacker can use: all fixed forces, a share of survivable ones, less holdback."""
    s = attacker.systems
    share = np.where(attacker.structure.fixed[None, :], 1.0,
                     settings["attacker_survivable_available"][:, None])
    keep = 1.0 - attacker.scalars["holdback_fraction"][:, None]
    return s["launchers"] * s["warheads_per_launcher"] * share * keep


def kill_matrix(attacker: SideArrays, victim: SideArrays, settings: dict) -> np.ndarray:
    """Terminal kill probability of one attacker warhead of system i on a target of
    victim system j: given directly per target category, else ``R · SSPK``. (batch, na, nv)."""
    a, v = attacker.systems, victim.systems
    constant = dmg._uniform(settings["lethal_radius_nmi"])
    exponent = dmg._uniform(settings["lethal_radius_exponent"])
    if isinstance(constant, np.ndarray):
        constant = constant[:, None, None]
    if isinstance(exponent, np.ndarray):
        exponent = exponent[:, None, None]
    blast = a["reliability"][:, :, None] * sspk(
        a["yield_kt"][:, :, None], a["cep_m"][:, :, None], v["hardness_psi"][:, None, :],
        constant_nmi=constant, exponent=exponent)
    columns = [CATEGORIES.index(c) for c in victim.structure.categories]
    given = attacker.kill_given[:, :, columns]
    p = np.where(np.isnan(given), blast, given)
    return np.where(attacker.structure.counterforce[None, :, None], p, 0.0)


def _layer_leak(side: SideArrays, warheads: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Warheads leaking through the side's layers, each layer using ``share`` of its interceptors.
    ``warheads`` may carry extra trailing axes after the batch axis."""
    layers = side.layers
    if layers["interceptors"].shape[-1] == 0:
        return warheads
    extra = (None,) * (warheads.ndim - 1)

    def lift(a):
        return a[(slice(None), *extra, slice(None))]

    return leak_through_layers(
        warheads, lift(layers["interceptors"] * share[None, :]), lift(layers["kill_probability"]),
        lift(layers["system_reliability"]), lift(layers["shots_per_warhead"]))


def _damage(side: SideArrays, arriving: np.ndarray) -> np.ndarray:
    table = side.structure.damage_table
    if table is not None:
        return dmg.tabulated_damage(arriving, table[0], table[1])
    extra = (None,) * (arriving.ndim - 1)
    return dmg.damage_fraction(arriving, side.scalars["w80"][(slice(None), *extra)])


def draw_down(attacker: SideArrays, victim: SideArrays, settings: dict) -> DrawDown:
    """Build the draw-down curve greedily (see module docstring)."""
    batch = attacker.batch
    sa, sv = attacker.structure, victim.structure
    a, v = attacker.systems, victim.systems
    na, nv = len(sa.system_names), len(sv.system_names)

    weapons = available_weapons(attacker, settings)
    p = kill_matrix(attacker, victim, settings)
    # Forces-defending interceptors face the whole ballistic counterforce salvo at once.
    cf_ballistic = (weapons * (sa.counterforce & sa.ballistic)[None, :]).sum(axis=1)
    leaked = _layer_leak(victim, cf_ballistic, sv.layer_forces_share)
    cf_leak = np.divide(leaked, cf_ballistic, out=np.ones(batch), where=cf_ballistic > 0)
    # Air-breathing counterforce weapons (e.g. conventional cruise missiles) face air defence.
    penetration = victim.scalars["penetration_probability"][:, None, None]
    p = p * np.where(sa.ballistic[None, :, None], cf_leak[:, None, None], penetration)

    alert = alert_share(victim)
    targets = v["launchers"] * (1.0 - alert)
    lua = np.where(sv.fixed[None, :], victim.scalars["launch_under_attack"][:, None], 0.0)
    # Nuclear warheads destroyed per target destroyed (launched-under-attack ones escape).
    per_target = v["warheads_per_launcher"] * (1.0 - lua) * sv.nuclear[None, :]
    v_keep = 1.0 - victim.scalars["holdback_fraction"]
    v_ball = (v_keep[:, None] * v["reliability"]) * (sv.nuclear & sv.ballistic)[None, :]
    v_air = (v_keep[:, None] * v["reliability"]) * (sv.nuclear & ~sv.ballistic)[None, :]
    a_ball = a["reliability"] * (sa.nuclear & sa.ballistic)[None, :]
    a_air = a["reliability"] * (sa.nuclear & ~sa.ballistic)[None, :]
    opportunity = a["reliability"] * sa.nuclear[None, :] + _CONVENTIONAL_OPPORTUNITY
    merit = p * per_target[:, None, :] / opportunity[:, :, None]

    max_layers = attacker.scalars["max_warheads_per_target"]
    # The cap on warheads per target models nuclear fratricide and targeting practice:
    # it limits nuclear and conventional shots separately, so precise conventional
    # shots never crowd nuclear ones off a target (or the reverse).
    kind = np.where(sa.nuclear, 0, 1)
    kinds = int(kind.max(initial=0)) + 1
    steps = int(kinds * nv * np.ceil(max_layers.max(initial=1.0)) + na + 1)
    # Options-major layout (option, batch): reductions over options run along
    # contiguous rows, and one flat index per step gathers what the choice needs.
    cols = np.arange(batch)
    survival = np.ones(nv * batch)
    layers_used = np.zeros(kinds * nv * batch)
    budget = np.ascontiguousarray((weapons * sa.counterforce[None, :]).T).reshape(-1)
    limit = np.ascontiguousarray((max_layers[:, None] - 1e-9) * (targets > 0)).T.reshape(-1)
    merit_t = np.ascontiguousarray(merit.transpose(1, 2, 0))          # (na, nv, batch)
    p_t = np.ascontiguousarray(p.transpose(1, 2, 0)).reshape(-1)      # (na·nv·batch)
    target_t = np.ascontiguousarray(
        np.stack([targets, per_target, per_target * v_ball, per_target * v_air]).transpose(0, 2, 1)
    ).reshape(4, -1)                                                    # (4, nv·batch)
    weapon_t = np.ascontiguousarray(np.stack([a_ball, a_air]).transpose(0, 2, 1)).reshape(2, -1)

    record = np.zeros((6, steps, batch))  # spend, kill, victim ball/air, attacker ball/air
    taken = 0
    for step in range(steps):
        open_ = (layers_used.reshape(kinds, -1) < limit).reshape(kinds, nv, batch)
        can_fire = (budget > 1e-9).reshape(na, batch)
        if kinds == 1:  # nuclear weapons only: one cap per target, broadcast over weapons
            score = merit_t * (survival.reshape(nv, batch) * open_[0])[None, :, :]
        else:
            score = merit_t * survival.reshape(nv, batch)[None, :, :]
            score *= open_[kind]
        score *= can_fire[:, None, :]
        score = score.reshape(na * nv, batch)
        best = score.max(axis=0)
        firing = best > 0
        if not firing.any():
            break
        taken = step + 1
        # First option reaching the best score (argmax along axis 0 is slow in NumPy).
        choice = np.zeros(batch, dtype=np.intp)
        for option in range(na * nv - 1, -1, -1):
            choice = np.where(score[option] == best, option, choice)
        i, j = np.divmod(choice, nv)
        fj = j * batch + cols
        fi = i * batch + cols
        t_j, per_j, vb_j, va_j = target_t[:, fj]
        ab_i, aa_i = weapon_t[:, fi]
        fk = kind[i] * (nv * batch) + fj
        layers_j = layers_used[fk]
        need = np.minimum(1.0, max_layers - layers_j) * t_j
        used = np.where(firing, np.minimum(need, budget[fi]), 0.0)
        covered = np.divide(used, t_j, out=np.zeros(batch), where=t_j > 0)
        p_ij = p_t[choice * batch + cols]
        s_j = survival[fj]
        killed_targets = t_j * s_j * p_ij * covered
        survival[fj] = s_j * (1.0 - covered * p_ij)
        layers_used[fk] = layers_j + covered
        budget[fi] -= used
        out = record[:, step]
        out[0] = used
        out[1] = killed_targets * per_j
        out[2] = killed_targets * vb_j
        out[3] = killed_targets * va_j
        out[4] = used * ab_i
        out[5] = used * aa_i
    # Steps no batch member took add only zero-length pieces: drop them.
    cumulative = record[:, :taken]
    for step in range(1, taken):  # a running sum row by row (cumsum over axis 1 is strided)
        cumulative[:, step] += cumulative[:, step - 1]

    v_warheads = v["launchers"] * v["warheads_per_launcher"]

    def curve(start, row, sign=-1.0):
        out = np.empty((batch, taken + 1))
        out[:, 0] = start
        out[:, 1:] = (start[None, :] + sign * cumulative[row]).T
        return out

    zero = np.zeros(batch)
    return DrawDown(
        spend=curve(zero, 0, 1.0),
        destroyed=curve(zero, 1, 1.0),
        victim_ballistic=np.maximum(curve((v_warheads * v_ball).sum(axis=1), 2), 0.0),
        victim_air=np.maximum(curve((v_warheads * v_air).sum(axis=1), 3), 0.0),
        attacker_ballistic=np.maximum(curve((weapons * a_ball).sum(axis=1), 4), 0.0),
        attacker_air=np.maximum(curve((weapons * a_air).sum(axis=1), 5), 0.0),
    )


def _outcome(attacker: SideArrays, victim: SideArrays, settings: dict, vb, va, ab, aa):
    """Arriving warheads, damage and costs for points on the curve (any trailing shape)."""
    extra = (None,) * (vb.ndim - 1)

    def lift(x):
        return x[(slice(None), *extra)]

    arriving_ret = _layer_leak(attacker, vb, attacker.structure.layer_value_share) + \
        va * lift(attacker.scalars["penetration_probability"])
    arriving_fs = _layer_leak(victim, ab, victim.structure.layer_value_share) + \
        aa * lift(victim.scalars["penetration_probability"])
    d_att = _damage(attacker, arriving_ret)
    d_vic = _damage(victim, arriving_fs)
    c_att, c_vic = dmg.cost_pair(d_att, d_vic, exponent=lift(settings["cost_exponent"]),
                                 enemy_weight=lift(settings["cost_enemy_weight"]))
    return arriving_ret, arriving_fs, d_att, d_vic, c_att, c_vic


def _curve_arrays(curve: DrawDown):
    return (curve.spend, curve.destroyed, curve.victim_ballistic, curve.victim_air,
            curve.attacker_ballistic, curve.attacker_air)


def _at(curve: DrawDown, u: np.ndarray):
    """Curve quantities at position ``u`` (piece index + fraction), shape (batch,)."""
    pieces = curve.spend.shape[1] - 1
    piece = np.clip(np.floor(u), 0, max(pieces - 1, 0)).astype(int)[:, None]
    t = (u - piece[:, 0]) if pieces else np.zeros_like(u)
    out = []
    for arr in _curve_arrays(curve):
        lo = np.take_along_axis(arr, piece, axis=1)[:, 0]
        hi = np.take_along_axis(arr, np.minimum(piece + 1, pieces), axis=1)[:, 0]
        out.append(lo + t * (hi - lo))
    return out


def _grid(curve: DrawDown):
    """The four cost-relevant curve quantities (victim ballistic/air, attacker ballistic/air)
    at GRID_STEPS points per piece plus the last breakpoint: arrays
    (batch, pieces · GRID_STEPS + 1), in order of position along the curve."""
    batch, points = curve.spend.shape
    out = []
    for arr in _curve_arrays(curve)[2:]:
        grid = np.empty((batch, (points - 1) * GRID_STEPS + 1))
        step = np.diff(arr, axis=1) / GRID_STEPS
        for k in range(GRID_STEPS):
            grid[:, k:-1:GRID_STEPS] = arr[:, :-1] + k * step
        grid[:, -1] = arr[:, -1]
        out.append(grid)
    return out


def first_strike(attacker: SideArrays, victim: SideArrays, settings: dict) -> StrikeResult:
    """The attacker's best first strike on the victim and the victim's retaliation."""
    curve = draw_down(attacker, victim, settings)
    batch = curve.spend.shape[0]
    rows = np.arange(batch)

    vb, va, ab, aa = _grid(curve)
    *_, c_att, c_vic = _outcome(attacker, victim, settings, vb, va, ab, aa)
    best = _stop_rule(c_att, c_vic)
    u0 = best / GRID_STEPS
    u = _refine(attacker, victim, settings, curve, u0, c_att[rows, best])

    spend, destroyed, vb, va, ab, aa = _at(curve, u)
    arr_ret, arr_fs, d_att, d_vic, c_att, c_vic = _outcome(attacker, victim, settings,
                                                           vb, va, ab, aa)
    v = victim.systems
    victim_warheads = (v["launchers"] * v["warheads_per_launcher"]
                       * victim.structure.nuclear[None, :]).sum(axis=1)
    survivors = victim_warheads - destroyed
    return StrikeResult(
        attacker_weapons=available_weapons(attacker, settings).sum(axis=1),
        counterforce_spent=spend,
        victim_warheads=victim_warheads,
        destroyed=destroyed,
        victim_survivors=survivors,
        victim_retaliating=survivors * (1.0 - victim.scalars["holdback_fraction"]),
        arriving_retaliation=arr_ret,
        attacker_value_warheads=ab + aa,
        arriving_first_strike=arr_fs,
        damage_attacker=d_att,
        damage_victim=d_vic,
        cost_attacker=c_att,
        cost_victim=c_vic,
        curve=curve,
    )


def curve_costs(attacker: SideArrays, victim: SideArrays, settings: dict, curve: DrawDown):
    """Attacker's and victim's cost at each breakpoint of a draw-down curve (for plots)."""
    out = _outcome(attacker, victim, settings, curve.victim_ballistic, curve.victim_air,
                   curve.attacker_ballistic, curve.attacker_air)
    return out[4], out[5]


def _stop_rule(c_att: np.ndarray, c_vic: np.ndarray) -> np.ndarray:
    """Index of the attacker's lowest cost; among ties, the victim's highest cost."""
    lowest = np.take_along_axis(c_att, c_att.argmin(axis=1)[:, None], axis=1)
    tied = c_att <= lowest + COST_TIE
    return np.where(tied, c_vic, -np.inf).argmax(axis=1)


def _refine(attacker, victim, settings, curve, u0, best_cost):
    """Golden-section search for the attacker's lowest cost within one grid step of ``u0``."""
    pieces = curve.spend.shape[1] - 1
    step = 1.0 / GRID_STEPS
    # Curves are padded to the longest in the batch; bracket each row within its own
    # moving pieces so a row's result does not depend on what else is in the batch.
    moving = np.diff(curve.spend, axis=1) > 0
    own_pieces = np.where(moving.any(axis=1),
                          pieces - np.argmax(moving[:, ::-1], axis=1), 0).astype(float)
    lo = np.clip(u0 - step, 0.0, own_pieces)
    hi = np.clip(u0 + step, 0.0, own_pieces)
    # The bracket spans at most two pieces: gather their three breakpoints once.
    base = np.clip(np.floor(lo), 0, max(pieces - 1, 0)).astype(int)[:, None]
    knots = []
    for arr in _curve_arrays(curve)[2:]:
        k0 = np.take_along_axis(arr, base, axis=1)[:, 0]
        k1 = np.take_along_axis(arr, np.minimum(base + 1, pieces), axis=1)[:, 0]
        k2 = np.take_along_axis(arr, np.minimum(base + 2, pieces), axis=1)[:, 0]
        knots.append((k0, k1 - k0, k1, k2 - k1))
    origin = base[:, 0].astype(float)

    def cost_at(u):
        local = u - origin
        first = local <= 1.0
        values = [np.where(first, k0 + local * d0, k1 + (local - 1.0) * d1)
                  for k0, d0, k1, d1 in knots]
        return _outcome(attacker, victim, settings, *values)[4]

    x1 = hi - _INVPHI * (hi - lo)
    x2 = lo + _INVPHI * (hi - lo)
    f1, f2 = cost_at(x1), cost_at(x2)
    for _ in range(REFINE_ITERATIONS):
        left = f1 <= f2
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        new_x = np.where(left, hi - _INVPHI * (hi - lo), lo + _INVPHI * (hi - lo))
        new_f = cost_at(new_x)
        x2, f2, x1, f1 = (np.where(left, x1, new_x), np.where(left, f1, new_f),
                          np.where(left, new_x, x2), np.where(left, new_f, f2))
    u_ref = np.where(f1 <= f2, x1, x2)
    f_ref = np.minimum(f1, f2)
    # Keep the grid point unless the refinement is strictly better (keeps the tie-break).
    return np.where(f_ref < best_cost - COST_TIE, u_ref, u0)


@dataclass
class Exchange:
    """Both directions of a scenario batch: ``strikes[0]`` is side 0 striking side 1."""

    side_names: tuple[str, str]
    strikes: tuple[StrikeResult, StrikeResult]

    def c1(self, side: int) -> np.ndarray:
        """Side's cost when it strikes first."""
        return self.strikes[side].cost_attacker

    def c2(self, side: int) -> np.ndarray:
        """Side's cost when it is struck first."""
        return self.strikes[1 - side].cost_victim


def exchange(arrays: ScenarioArrays) -> Exchange:
    """Both first strikes of every scenario in the batch."""
    a, b = arrays.sides
    return Exchange(arrays.side_names, (first_strike(a, b, arrays.settings),
                                        first_strike(b, a, arrays.settings)))
