"""First strike and retaliation (Kent & Thaler, RAND R-3765, 1989), vectorized.

For attacker A and victim B (docs/model.md, "First strike and retaliation"):

1. A's weapons: all fixed forces and a share (90 %) of survivable forces, less holdback.
2. Counterforce options are layers of shots on B's target classes: aim points
   (``aim_points_per_launcher`` per launcher: a silo, a boat in port, a bomber base) of
   its fixed launchers and of the off-alert share of its survivable launchers; one kill
   destroys every warhead at the aim point. The k-th shot on a target adds
   kill ``S·p`` where ``S`` is the target's survival so far and ``p`` the shooter's
   terminal kill probability on that class. Options are taken greedily in order of B
   warheads killed per unit of A's value forgone, which for a single weapon type is the
   order of warheads killed per warhead spent. A weapon's budget may run out mid-layer;
   the next weapon on that class then completes the layer on the targets not yet reached
   (per class: the share a partial layer has reached and its survival, and the rest).
   The per-target cap counts nuclear and conventional shots separately. The scenario's
   ``settings.allocation`` chooses how the plan is made (:data:`ALLOCATIONS`).
3. This yields a piecewise-linear draw-down curve in counterforce spend ``s``: B's
   survivors fall and A's weapons left for value fall. B's survivors retaliate through
   A's defences; A's remainder strikes B's value through B's defences.
4. A picks the ``s`` with its lowest cost, and among equal costs the one with B's
   highest cost (R-3765 p. 22). Every piece is searched on a grid and the best bracket
   refined by golden section, so the optimum is found inside pieces, not only at corners.

Every array has a leading batch axis; the greedy loop runs over options, never over
batch members. Each formula of docs/model.md is evaluated by its one function: the kill
matrix by ``effects.terminal_kill_probability`` (through ``effects.sspk`` and
``effects.lethal_radius_m``), leakage by ``defence.layer_leakers`` (directly, or through
``defence.leak_through_layers``; a layer facing decoys or firing shoot–look–shoot by
``defence.decoyed_leakers``), the chance that every warhead is stopped by
``defence.all_stopped_given_leakers``, damage by ``damage.damage_fraction`` or
``damage.tabulated_damage`` and costs by ``damage.cost`` and ``damage.cost_pair``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from security_equation.engine import constants, defence, effects, thirdparty, ufunc
from security_equation.engine import damage as dmg
from security_equation.engine.arrays import ScenarioArrays, SideArrays
from security_equation.engine.thirdparty import StrikeContext

# Reuse the memory of the engine's freed temporaries instead of page-faulting fresh
# pages for every batch (``ufunc.retain_freed_memory``).
ufunc.retain_freed_memory()

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
#: How the counterforce allocation is planned (``settings.allocation``; docs/model.md,
#: step 3):
#:
#: * ``"reliable"`` (default): one greedy order, options ranked by the victim's *reliable*
#:   retaliating warheads destroyed per reliable nuclear warhead forgone;
#: * ``"greedy"``: the same order counting all the victim's warheads destroyed (the rule
#:   before 2026-12; unreliable warheads weigh as much as reliable ones);
#: * ``"best"``: as ``"reliable"``, and with two weapon types or more the attacker also
#:   plans shot-first (options ranked per shot: the better order where the per-target cap
#:   binds) and keeps the plan costing it less. It costs about twice the time there.
#:
#: ``benchmarks/allocation_monotonicity.py`` measures what each gives.
ALLOCATIONS = ("reliable", "greedy", "best")


@dataclass
class DrawDown:
    """The piecewise-linear draw-down curve at its breakpoints: arrays (batch, pieces + 1)."""

    spend: np.ndarray  # counterforce warheads spent
    destroyed: np.ndarray  # victim warheads destroyed
    victim_ballistic: np.ndarray  # victim's reliable retaliating ballistic warheads
    victim_air: np.ndarray  # victim's reliable retaliating air-breathing warheads
    attacker_ballistic: np.ndarray  # attacker's reliable ballistic warheads left for value
    attacker_air: np.ndarray  # attacker's reliable air-breathing warheads left for value
    #: The six as one breakpoint-major (6, pieces + 1, batch) array when the fields are its views.
    _points: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: (batch,) bool, with allocation ``"best"``: two weapon types or more can fire, so
    #: :func:`first_strike` also tries the shot-first order there.
    mixed: np.ndarray | None = field(default=None, repr=False, compare=False)

    def fields(self) -> tuple[np.ndarray, ...]:
        """The six quantities, each (batch, pieces + 1), in declaration order."""
        return (
            self.spend,
            self.destroyed,
            self.victim_ballistic,
            self.victim_air,
            self.attacker_ballistic,
            self.attacker_air,
        )

    def points(self) -> np.ndarray:
        """The six quantities as a (6, pieces + 1, batch) array (batch on the last axis)."""
        fields = self.fields()
        if self._points is not None:
            owner = self._points if self._points.base is None else self._points.base
            if all(f.base is owner for f in fields):
                return self._points
        return np.stack([np.asarray(f, dtype=float).T for f in fields])

    def sampled(self, per_piece: int) -> DrawDown:
        """The same piecewise-linear curve with ``per_piece`` evenly spaced points in every
        piece (``per_piece = 1``: the breakpoints themselves)."""
        points = self.spend.shape[1]
        if points < 2 or per_piece == 1:
            return self
        u = np.linspace(0.0, points - 1.0, (points - 1) * per_piece + 1)
        piece = np.minimum(np.floor(u).astype(int), points - 2)
        t = u - piece

        def dense(arr):
            return arr[:, piece] + t[None, :] * (arr[:, piece + 1] - arr[:, piece])

        return DrawDown(*(dense(f) for f in self.fields()))


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
    #: Probability that every warhead aimed at value is stopped (1.0 when none comes):
    #: the victim's retaliation by the attacker's defences, the attacker's value strike
    #: by the victim's (docs/model.md, "Defences").
    all_stopped_retaliation: np.ndarray | None = None
    all_stopped_first_strike: np.ndarray | None = None
    #: With third parties (``engine/thirdparty.py``; ``None`` without): the attacker's
    #: nuclear warheads kept back from this strike, and the reliable warheads its victim's
    #: committed allies add to the retaliation (included in ``arriving_retaliation``).
    attacker_reserve: np.ndarray | None = None
    allied_retaliating: np.ndarray | None = None

    @property
    def share_destroyed(self) -> np.ndarray:
        return np.divide(
            self.destroyed,
            self.victim_warheads,
            out=np.zeros_like(self.destroyed),
            where=self.victim_warheads > 0,
        )

    @property
    def spent_per_destroyed(self) -> np.ndarray:
        return np.divide(
            self.counterforce_spent,
            self.destroyed,
            out=np.full_like(self.destroyed, np.nan),
            where=self.destroyed > 0,
        )


def alert_share(side: SideArrays) -> np.ndarray:
    """Share of each system that survives a surprise attack, given the side's alert level."""
    s = side.systems
    share = np.where(side.scalars["generated"][:, None] > 0.5, s["alert_generated"], s["alert_day_to_day"])
    return np.where(side.structure.fixed[None, :], 0.0, share)


def aim_points(side: SideArrays) -> np.ndarray:
    """Aim points of each of the side's systems an attacker can target, (batch, systems):
    the launchers not on alert (boats in port, mobiles in garrison, bombers on base, every
    silo) times ``aim_points_per_launcher`` (a boat in port is one aim point for all its
    tubes)."""
    s = side.systems
    return s["launchers"] * (1.0 - alert_share(side)) * s["aim_points_per_launcher"]


def nuclear_force(side: SideArrays, mask: np.ndarray | None = None) -> np.ndarray:
    """Warheads loaded on the side's deployed launchers of its nuclear systems (or of the
    systems in ``mask``, (systems,) bool), per system: (batch, systems)."""
    s = side.systems
    mask = side.structure.nuclear if mask is None else mask
    return s["launchers"] * s["warheads_per_launcher"] * mask[None, :]


def nuclear_warheads(side: SideArrays, mask: np.ndarray | None = None) -> np.ndarray:
    """:func:`nuclear_force` summed over the systems, (batch,)."""
    return nuclear_force(side, mask).sum(axis=1)


def available_weapons(attacker: SideArrays, settings: dict) -> np.ndarray:
    """Warheads the attacker can use: all fixed forces, a share of survivable ones, less holdback."""
    keep = 1.0 - attacker.scalars["holdback_fraction"][:, None]
    return usable_weapons(attacker, settings) * keep


def usable_weapons(side: SideArrays, settings: dict) -> np.ndarray:
    """Warheads a side can use in a first strike before any holdback, (batch, systems):
    all fixed forces and ``attacker_survivable_available`` of survivable ones."""
    s = side.systems
    share = np.where(side.structure.fixed[None, :], 1.0, settings["attacker_survivable_available"][:, None])
    return s["launchers"] * s["warheads_per_launcher"] * share


def kill_matrix(attacker: SideArrays, victim: SideArrays, settings: dict) -> np.ndarray:
    """Terminal kill probability of one attacker warhead of system i on a target of
    victim system j: given directly per target category, else ``R · SSPK``. (batch, na, nv)."""
    return _kill_options(attacker, victim, settings).transpose(2, 0, 1)


def _kill_options(attacker: SideArrays, victim: SideArrays, settings: dict) -> np.ndarray:
    """``kill_matrix`` options-major, (na, nv, batch) and C-contiguous:
    :func:`effects.terminal_kill_probability` written into the matrix."""
    a, v = attacker.systems, victim.systems

    def attacker_rows(x):  # (batch, na) -> C-contiguous (na, 1, batch)
        return np.ascontiguousarray(x.T)[:, None, :]

    p = np.empty((len(attacker.structure.system_names), len(victim.structure.system_names), attacker.batch))
    effects.terminal_kill_probability(
        attacker_rows(a["yield_kt"]),
        attacker_rows(a["cep_m"]),
        np.ascontiguousarray(v["hardness_psi"].T)[None, :, :],
        attacker_rows(a["reliability"]),
        constant_nmi=ufunc.uniform(settings["lethal_radius_nmi"]),
        exponent=ufunc.uniform(settings["lethal_radius_exponent"]),
        out=p,
    )
    columns = [constants.CATEGORIES.index(c) for c in victim.structure.categories]
    given = attacker.kill_given[:, :, columns].transpose(1, 2, 0)
    given_mask = ~np.isnan(given)
    if given_mask.any():
        np.copyto(p, given, where=given_mask)
    p[~attacker.structure.counterforce] = 0.0
    return p


def _layer_leak(side: SideArrays, warheads: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Warheads leaking through the side's layers, each layer using ``share`` of its interceptors.
    ``warheads`` may carry extra trailing axes after the batch axis."""
    layers = side.layers
    if layers["interceptors"].shape[-1] == 0:
        return warheads
    extra = (None,) * (warheads.ndim - 1)

    def lift(a):
        return a[(slice(None), *extra, slice(None))]

    return defence.leak_through_layers(
        warheads,
        lift(layers["interceptors"] * share[None, :]),
        lift(layers["kill_probability"]),
        lift(layers["system_reliability"]),
        lift(layers["shots_per_warhead"]),
        lift(layers["decoys_per_warhead"]),
        lift(layers["discrimination_probability"]),
        lift(layers["shoot_look_shoot"] > 0.5),
    )


#: Grid points (rows × batch) whose costs are evaluated together.
_GRID_CHUNK = 40_000
_ERRSTATE = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}


class _Target:
    """One side as the target of warheads aimed at its value: its value-defending layers,
    air-defence penetration and damage curve, as (batch,) arrays computed once per strike.
    Points on a curve carry the batch on their last axis."""

    def __init__(self, side: SideArrays):
        share = side.structure.layer_value_share
        layers = side.layers
        self.layers = []
        for layer in range(layers["interceptors"].shape[1]):
            k = np.ascontiguousarray(layers["kill_probability"][:, layer])
            cap = np.ascontiguousarray(layers["shots_per_warhead"][:, layer])
            kernel = (
                layers["interceptors"][:, layer] * share[layer],
                1.0 - k,
                k,
                np.ascontiguousarray(layers["system_reliability"][:, layer]),
                None if np.isinf(cap).all() else cap,
            )
            # Decoys and shoot-look-shoot only where a layer uses them: the defaults keep
            # the plain kernel (and its speed).
            objects = defence.objects_per_warhead(
                layers["decoys_per_warhead"][:, layer], layers["discrimination_probability"][:, layer]
            )
            sls = layers["shoot_look_shoot"][:, layer] > 0.5
            if (objects != 1.0).any() or sls.any():
                kernel = (*kernel, None if (objects == 1.0).all() else objects, sls if sls.any() else None)
            self.layers.append(kernel)
        self.penetration = side.scalars["penetration_probability"]
        self.table = side.structure.damage_table
        self.w80 = side.scalars["w80"]

    def tiled(self, copies: int) -> _Target:
        """The same target for ``copies`` copies of the batch laid end to end."""
        out = object.__new__(_Target)
        out.layers = [
            tuple(None if x is None else np.tile(x, copies) for x in layer) for layer in self.layers
        ]
        out.penetration = np.tile(self.penetration, copies)
        out.table = self.table
        out.w80 = np.tile(self.w80, copies)
        return out

    def arriving(self, ballistic: np.ndarray, air: np.ndarray) -> np.ndarray:
        """Warheads arriving on value: ballistic ones through the layers (``ballistic >= 0``),
        air-breathing ones through air defence."""
        out = np.multiply(air, self.penetration)
        out += self.leaked(ballistic)
        return out

    def leaked(self, ballistic: np.ndarray) -> np.ndarray:
        """Ballistic warheads (``>= 0``) leaking through the value-defending layers."""
        leaked = ballistic
        if self.layers:
            with np.errstate(**_ERRSTATE):
                for layer in self.layers:
                    if len(layer) == 5:
                        leaked = defence.layer_leakers(leaked, *layer)
                    else:
                        leaked = defence.decoyed_leakers(leaked, *layer)
        return leaked

    def all_stopped(self, ballistic: np.ndarray, air: np.ndarray) -> np.ndarray:
        """Probability that every warhead aimed at value is stopped: the ballistic ones by
        the layers, the air-breathing ones by air defence (each warhead independently)."""
        missiles = defence.all_stopped_given_leakers(ballistic, self.leaked(ballistic))
        return missiles * defence.all_stopped_given_leakers(air, air * self.penetration)

    def damage(self, arriving: np.ndarray) -> np.ndarray:
        """Damage fraction (a new array)."""
        if self.table is not None:
            return dmg.tabulated_damage(arriving, self.table[0], self.table[1])
        return dmg.damage_fraction(arriving, self.w80)


class _CoalitionTarget:
    """A coalition's value as one target (``engine/coalitions.py``): warheads aimed at it
    are spread over the members in proportion to their ``w80`` (the spread that does each
    member the same damage fraction), each member's share faces that member's own
    value-defending layers and air defence, and the damage is that of the arrivals on the
    members' combined target base (``w80`` summed). Same interface as :class:`_Target`."""

    def __init__(self, side: SideArrays):
        self.members = [_Target(m) for m in side.members]
        w80 = np.stack([m.scalars["w80"] for m in side.members])  # (members, batch)
        self.w80 = w80.sum(axis=0)
        self.shares = w80 / self.w80

    def tiled(self, copies: int) -> _CoalitionTarget:
        """The same target for ``copies`` copies of the batch laid end to end."""
        out = object.__new__(_CoalitionTarget)
        out.members = [m.tiled(copies) for m in self.members]
        out.w80 = np.tile(self.w80, copies)
        out.shares = np.tile(self.shares, (1, copies))
        return out

    def arriving(self, ballistic: np.ndarray, air: np.ndarray) -> np.ndarray:
        return sum(m.arriving(ballistic * s, air * s) for m, s in zip(self.members, self.shares, strict=True))

    def leaked(self, ballistic: np.ndarray) -> np.ndarray:
        return sum(m.leaked(ballistic * s) for m, s in zip(self.members, self.shares, strict=True))

    def all_stopped(self, ballistic: np.ndarray, air: np.ndarray) -> np.ndarray:
        out = 1.0
        for m, s in zip(self.members, self.shares, strict=True):
            out = out * m.all_stopped(ballistic * s, air * s)
        return out

    def damage(self, arriving: np.ndarray) -> np.ndarray:
        return dmg.damage_fraction(arriving, self.w80)


def target(side: SideArrays) -> _Target | _CoalitionTarget:
    """A side's value as a target: its own, or a coalition's (``SideArrays.members``)."""
    return _CoalitionTarget(side) if side.members else _Target(side)


class _Strike:
    """Batch-constant parts of the outcome of one direction (attacker strikes victim)."""

    def __init__(
        self, attacker: SideArrays, victim: SideArrays, settings: dict, context: StrikeContext | None = None
    ):
        self.home = target(attacker)  # where the victim's retaliation lands
        self.away = target(victim)  # where the attacker's value strike lands
        self.exponent = ufunc.uniform(settings["cost_exponent"])
        self.weight = ufunc.uniform(settings["cost_enemy_weight"])
        self.context = context

    def retaliation(self, vb, va):
        """Reliable (ballistic, air) warheads aimed at the attacker's value: the victim's
        after its reserve, with its allies' (``thirdparty.StrikeContext.retaliation``)."""
        return (vb, va) if self.context is None else self.context.retaliation(vb, va)

    def outcome(self, vb, va, ab, aa):
        """Arriving warheads, damage and costs for points on the curve (batch on the last axis)."""
        vb, va = self.retaliation(vb, va)
        arriving_ret = self.home.arriving(vb, va)
        arriving_fs = self.away.arriving(ab, aa)
        d_att = self.home.damage(arriving_ret)
        d_vic = self.away.damage(arriving_fs)
        c_att, c_vic = dmg.cost_pair(d_att, d_vic, exponent=self.exponent, enemy_weight=self.weight)
        return arriving_ret, arriving_fs, d_att, d_vic, c_att, c_vic

    def costs(self, vb, va, ab, aa, victim: bool = True):
        """The attacker's cost (and the victim's) at points on the curve, as ``outcome``
        computes them but overwriting the damage arrays."""
        vb, va = self.retaliation(vb, va)
        d_att = self.home.damage(self.home.arriving(vb, va))
        d_vic = self.away.damage(self.away.arriving(ab, aa))
        if not victim:
            return dmg.cost(d_att, d_vic, exponent=self.exponent, enemy_weight=self.weight, overwrite=True)
        return dmg.cost_pair(d_att, d_vic, exponent=self.exponent, enemy_weight=self.weight, overwrite=True)


def _first_true(hit: np.ndarray) -> np.ndarray:
    """Index of the first True along axis 0 of a C-contiguous bool array (0 where none is):
    ``hit.argmax(axis=0)`` without NumPy's slow strided argmax. ``hit`` is overwritten."""
    rows = hit.shape[0]
    if rows < 256:
        h = hit.view(np.uint8)
        h *= np.arange(rows, 0, -1, dtype=np.uint8).reshape((rows,) + (1,) * (hit.ndim - 1))
    else:
        h = hit * np.arange(rows, 0, -1).reshape((rows,) + (1,) * (hit.ndim - 1))
    return np.remainder(rows - h.max(axis=0).astype(np.intp), rows)


def _first_argmax(score: np.ndarray) -> np.ndarray:
    """``score.argmax(axis=0)`` (first maximum; first nan if any) for a C-contiguous array."""
    top = score.max(axis=0)
    hit = score == top
    if np.isnan(top).any():
        hit |= np.isnan(score)
    return _first_true(hit)


def _select(mask64: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.where(mask, a, b)`` for float64 arrays, bit for bit, without branches
    (``mask64`` is ``-mask`` as int64: all bits set where true)."""
    bi = b.view(np.int64)
    out = np.bitwise_xor(a.view(np.int64), bi)
    out &= mask64
    out ^= bi
    return out.view(np.float64)


def _mask64(mask: np.ndarray) -> np.ndarray:
    out = mask.astype(np.int64)
    return np.negative(out, out=out)


def draw_down(
    attacker: SideArrays,
    victim: SideArrays,
    settings: dict,
    order: str = "value",
    allocation: str = "reliable",
    context: StrikeContext | None = None,
) -> DrawDown:
    """Build the draw-down curve greedily (see module docstring). Options are ranked by
    the victim's warheads destroyed (reliable ones unless ``allocation == "greedy"``) per
    reliable nuclear warhead forgone (``order="value"``) or per shot (``order="shot"``:
    the better order when the per-target cap, not the inventory, is what runs out)."""
    if allocation not in ALLOCATIONS:
        raise ValueError(f"The 'allocation' parameter must be one of {ALLOCATIONS}. Got {allocation!r}.")
    batch = attacker.batch
    sa, sv = attacker.structure, victim.structure
    a, v = attacker.systems, victim.systems
    na, nv = len(sa.system_names), len(sv.system_names)

    weapons = available_weapons(attacker, settings) if context is None else context.weapons
    p = _kill_options(attacker, victim, settings)  # (na, nv, batch)
    # Forces-defending interceptors face the whole ballistic counterforce salvo at once.
    cf_ballistic = (weapons * (sa.counterforce & sa.ballistic)[None, :]).sum(axis=1)
    leaked = _layer_leak(victim, cf_ballistic, sv.layer_forces_share)
    cf_leak = np.divide(leaked, cf_ballistic, out=np.ones(batch), where=cf_ballistic > 0)
    # Air-breathing counterforce weapons (e.g. conventional cruise missiles) face air defence.
    penetration = victim.scalars["penetration_probability"]
    p *= np.where(sa.ballistic[:, None], cf_leak[None, :], penetration[None, :])[:, None, :]

    # A target is an aim point: a silo, a boat in port (all its tubes), a bomber base.
    aim = v["aim_points_per_launcher"]
    targets = aim_points(victim)
    lua = np.where(sv.fixed[None, :], victim.scalars["launch_under_attack"][:, None], 0.0)
    # Nuclear warheads destroyed per target destroyed (launched-under-attack ones escape):
    # every warhead on the launchers at the aim point.
    per_target = v["warheads_per_launcher"] * (1.0 - lua) * sv.nuclear[None, :] / aim
    v_keep = 1.0 - victim.scalars["holdback_fraction"] if context is None else context.victim_keep
    v_ball = (v_keep[:, None] * v["reliability"]) * (sv.nuclear & sv.ballistic)[None, :]
    v_air = (v_keep[:, None] * v["reliability"]) * (sv.nuclear & ~sv.ballistic)[None, :]
    a_ball = a["reliability"] * (sa.nuclear & sa.ballistic)[None, :]
    a_air = a["reliability"] * (sa.nuclear & ~sa.ballistic)[None, :]
    opportunity = a["reliability"] * sa.nuclear[None, :] + _CONVENTIONAL_OPPORTUNITY
    # An option's worth is the victim's *reliable* warheads it destroys: a target class
    # of unreliable warheads is worth less, whatever their number.
    worth = per_target * (v_ball + v_air) if allocation != "greedy" else per_target
    merit_t = np.multiply(
        p, np.ascontiguousarray(worth.T)[None, :, :], out=np.empty_like(p)
    )  # (na, nv, batch)
    if order == "value":
        merit_t /= np.ascontiguousarray(opportunity.T)[:, None, :]
    elif order != "shot":
        raise ValueError(f"unknown allocation order {order!r}")

    max_layers = attacker.scalars["max_warheads_per_target"]
    # The cap on warheads per target models nuclear fratricide and targeting practice:
    # it limits nuclear and conventional shots separately, so precise conventional
    # shots never crowd nuclear ones off a target (or the reverse).
    kind = np.where(sa.nuclear, 0, 1)
    kinds = int(kind.max(initial=0)) + 1
    # A weapon running out mid-layer leaves a partial layer that a later weapon completes.
    steps = int(kinds * nv * np.ceil(max_layers.max(initial=1.0)) + 2 * na + 1)
    # Options-major layout (option, batch): reductions over options run along
    # contiguous rows, and one flat index per step gathers what the choice needs.
    cols = np.arange(batch)
    # Targets of a class fall in two groups: those the current (partial) layer has reached,
    # a share ``ahead`` with survival ``survival_ahead``, and the rest with ``survival``.
    # The next shots on the class go to the rest first, as a deliberate plan would aim them.
    survival = np.ones(nv * batch)
    ahead = np.zeros(nv * batch)
    survival_ahead = np.ones(nv * batch)
    layers_used = np.zeros(kinds * nv * batch)
    budget = np.ascontiguousarray((weapons * sa.counterforce[None, :]).T).reshape(-1)
    limit = np.ascontiguousarray((max_layers[:, None] - 1e-9) * (targets > 0)).T.reshape(-1)
    p_t = p.reshape(-1)  # (na·nv·batch)
    target_t = np.ascontiguousarray(
        np.stack([targets, per_target, per_target * v_ball, per_target * v_air]).transpose(0, 2, 1)
    ).reshape(4, -1)  # (4, nv·batch)
    weapon_t = np.ascontiguousarray(np.stack([a_ball, a_air]).transpose(0, 2, 1)).reshape(2, -1)

    # Breakpoint-major (quantity, breakpoint, batch): spend, kill, victim ball/air, attacker
    # ball/air. Each step records its increments after the starting breakpoint.
    points = np.empty((6, steps + 1, batch))
    record = points[:, 1:]
    score = np.empty((na, nv, batch))
    flat_score = score.reshape(na * nv, batch)
    hit = np.empty((na * nv, batch), dtype=bool)
    open_ = np.empty((kinds, nv, batch), dtype=bool)
    reachable = np.empty((kinds, nv, batch))  # survival where the per-target cap allows a shot
    can_fire = np.empty((na, 1, batch))  # 1.0 for weapons with budget left, else 0.0
    firing = np.empty(batch)  # 1.0 where some option scores, else 0.0
    option_weapon = np.repeat(np.arange(na), nv) * batch  # option -> flat offsets
    option_target = np.tile(np.arange(nv), na) * batch
    option_cap = (kind[:, None] * nv + np.arange(nv)[None, :]).reshape(-1) * batch
    # With two weapon types or more able to fire, ``first_strike`` also tries the
    # shot-first order (allocation ``"best"``).
    mixed = None
    if allocation == "best":
        mixed = ((budget.reshape(na, batch) > 1e-9) & (p > 0.0).any(axis=1)).sum(axis=0) > 1
    taken = 0
    for step in range(steps):
        np.less(layers_used.reshape(kinds, nv, batch), limit.reshape(nv, batch), out=open_)
        np.multiply(survival.reshape(nv, batch), open_, out=reachable)
        np.greater(budget.reshape(na, 1, batch), 1e-9, out=can_fire)
        if kinds == 1:  # nuclear weapons only: one cap per target, broadcast over weapons
            np.multiply(merit_t, reachable, out=score)
        else:
            for i in range(na):
                np.multiply(merit_t[i], reachable[kind[i]], out=score[i])
        score *= can_fire
        best = flat_score.max(axis=0)
        np.greater(best, 0.0, out=firing)
        if not firing.any():
            break
        taken = step + 1
        # First option reaching the best score (argmax along axis 0 is slow in NumPy).
        np.equal(flat_score, best, out=hit)
        choice = _first_true(hit)
        # Flat indices of the chosen weapon, target and (kind, target) cap for each member.
        fi = np.take(option_weapon, choice)
        fi += cols
        fj = np.take(option_target, choice)
        fj += cols
        fk = np.take(option_cap, choice)
        fk += cols
        t_j, per_j, vb_j, va_j = np.take(target_t, fj, axis=1)
        ab_i, aa_i = np.take(weapon_t, fi, axis=1)
        layers_j = np.take(layers_used, fk)
        budget_i = np.take(budget, fi)
        a_j = np.take(ahead, fj)
        need = np.minimum(1.0 - a_j, max_layers - layers_j) * t_j
        used = np.minimum(need, budget_i)
        used *= firing  # 0 where no option scores
        covered = np.divide(used, t_j, out=np.zeros(batch), where=t_j > 0)
        choice *= batch
        choice += cols
        p_ij = np.take(p_t, choice)
        s_j = np.take(survival, fj)
        killed_targets = t_j * s_j * p_ij * covered
        # The shot targets join the group ahead; a completed layer makes one group again.
        a_new = a_j + covered
        s_ahead = np.divide(
            a_j * np.take(survival_ahead, fj) + covered * s_j * (1.0 - p_ij),
            a_new,
            out=np.ones(batch),
            where=a_new > 0,
        )
        complete = a_new >= 1.0 - 1e-9
        np.put(survival, fj, np.where(complete, s_ahead, s_j))
        np.put(ahead, fj, np.where(complete, 0.0, a_new))
        np.put(survival_ahead, fj, s_ahead)
        np.put(layers_used, fk, layers_j + covered)
        np.put(budget, fi, budget_i - used)
        out = record[:, step]
        out[0] = used
        np.multiply(killed_targets, per_j, out=out[1])
        np.multiply(killed_targets, vb_j, out=out[2])
        np.multiply(killed_targets, va_j, out=out[3])
        np.multiply(used, ab_i, out=out[4])
        np.multiply(used, aa_i, out=out[5])
    # Steps no batch member took add only zero-length pieces: drop them.
    points = points[:, : taken + 1]
    cumulative = points[:, 1:]
    for step in range(1, taken):  # a running sum row by row (cumsum over axis 1 is strided)
        cumulative[:, step] += cumulative[:, step - 1]

    v_warheads = v["launchers"] * v["warheads_per_launcher"]
    points[:2, 0] = 0.0
    points[2, 0] = (v_warheads * v_ball).sum(axis=1)
    points[3, 0] = (v_warheads * v_air).sum(axis=1)
    points[4, 0] = (weapons * a_ball).sum(axis=1)
    points[5, 0] = (weapons * a_air).sum(axis=1)
    np.add(points[:2, :1], cumulative[:2], out=cumulative[:2])
    np.subtract(points[2:, :1], cumulative[2:], out=cumulative[2:])
    np.maximum(points[2:], 0.0, out=points[2:])
    return DrawDown(*(q.T for q in points), _points=points, mixed=mixed)


def _grid(points: np.ndarray) -> np.ndarray:
    """The four cost-relevant curve quantities (victim ballistic/air, attacker ballistic/air;
    ``points`` is (4, breakpoints, batch)) at GRID_STEPS points per piece plus the last
    breakpoint: (4, pieces · GRID_STEPS + 1, batch), in order of position along the curve."""
    quantities, breakpoints, batch = points.shape
    grid = np.empty((quantities, (breakpoints - 1) * GRID_STEPS + 1, batch))
    start = points[:, :-1]
    grid[:, 0:-1:GRID_STEPS] = start
    step = np.subtract(points[:, 1:], start)
    step /= GRID_STEPS
    for k in range(1, GRID_STEPS):
        np.add(start, k * step, out=grid[:, k:-1:GRID_STEPS])
    grid[:, -1] = points[:, -1]
    return grid


def _at(points: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The six curve quantities at position ``u`` (piece index + fraction): (6, batch)."""
    pieces = points.shape[1] - 1
    cols = np.arange(points.shape[2])
    piece = np.clip(np.floor(u), 0, max(pieces - 1, 0)).astype(int)
    t = (u - piece) if pieces else np.zeros_like(u)
    lo = points[:, piece, cols]
    hi = points[:, np.minimum(piece + 1, pieces), cols]
    return lo + t * (hi - lo)


def first_strike(
    attacker: SideArrays,
    victim: SideArrays,
    settings: dict,
    allocation: str = "reliable",
    context: StrikeContext | None = None,
) -> StrikeResult:
    """The attacker's best first strike on the victim and the victim's retaliation.

    With several weapon types the greedy draw-down is not an optimal allocation: where
    the per-target cap binds, its slots go to the weapons cheapest per warhead forgone
    rather than the best per shot. With ``allocation="best"`` the attacker with two
    weapon types or more also plans in the shot-first order and keeps whichever plan
    costs it less (docs/model.md, step 3).

    ``context`` carries what third parties change (``engine/thirdparty.py``: the
    attacker's reserve, the victim's, its committed allies); ``None``: two sides."""
    curve = draw_down(attacker, victim, settings, allocation=allocation, context=context)
    result = _strike_on(attacker, victim, settings, curve, context)
    if curve.mixed is None or not curve.mixed.any():
        return result
    alt = np.flatnonzero(curve.mixed)
    a_alt, v_alt = attacker.take(alt), victim.take(alt)
    s_alt = {k: v[alt] for k, v in settings.items()}
    c_alt = None if context is None else context.take(alt)
    other = draw_down(a_alt, v_alt, s_alt, order="shot", allocation=allocation, context=c_alt)
    # Only where the shot-first curve differs from the greedy one, and where its cost's
    # lower bound beats the greedy plan, can its plan be better.
    first = _padded(curve.points()[:, :, alt], other.points().shape[1])
    second = _padded(other.points(), first.shape[1])
    scale = np.abs(first).max(axis=(0, 1)) + 1.0
    keep = np.abs(first - second).max(axis=(0, 1)) > 1e-12 * scale
    keep &= _lowest_cost_bound(a_alt, v_alt, s_alt, second, c_alt) < result.cost_attacker[alt] - COST_TIE
    keep = keep.nonzero()[0]
    if keep.size == 0:
        return result
    if keep.size < alt.size:
        alt = alt[keep]
        a_alt, v_alt = a_alt.take(keep), v_alt.take(keep)
        s_alt = {k: v[keep] for k, v in s_alt.items()}
        c_alt = None if c_alt is None else c_alt.take(keep)
        second = second[:, :, keep]
        other = DrawDown(*(q.T for q in second), _points=second)
    challenger = _strike_on(a_alt, v_alt, s_alt, other, c_alt)
    better = challenger.cost_attacker < result.cost_attacker[alt] - COST_TIE
    return _merge(result, challenger, alt[better], better.nonzero()[0])


def _lowest_cost_bound(
    attacker: SideArrays,
    victim: SideArrays,
    settings: dict,
    points: np.ndarray,
    context: StrikeContext | None = None,
):
    """A lower bound on the attacker's cost anywhere on a curve ((6, n, batch) points):
    the cost falls with the attacker's warheads left for value and rises with the
    victim's survivors, so on each piece it is at least the cost at the victim's
    survivors of the piece's end and the attacker's warheads of its start."""
    lo = points[:, :-1] if points.shape[1] > 1 else points
    hi = points[:, 1:] if points.shape[1] > 1 else points
    strike = _Strike(attacker, victim, settings, context)
    with np.errstate(**_ERRSTATE):
        cost = strike.costs(np.maximum(hi[2], 0.0), hi[3], np.maximum(lo[4], 0.0), lo[5], victim=False)
    return cost.min(axis=0)


def _padded(points: np.ndarray, breakpoints: int) -> np.ndarray:
    """A (6, n, batch) curve with at least ``breakpoints`` breakpoints: the last repeated."""
    extra = breakpoints - points.shape[1]
    if extra <= 0:
        return points
    return np.concatenate([points, np.repeat(points[:, -1:], extra, axis=1)], axis=1)


def _merge(result: StrikeResult, other: StrikeResult, into: np.ndarray, rows: np.ndarray) -> StrikeResult:
    """``result`` with members ``into`` replaced by rows ``rows`` of ``other``."""
    if into.size == 0:
        return result
    mine = result.curve.points()
    theirs = _padded(other.curve.points(), mine.shape[1])
    mine = _padded(mine, theirs.shape[1]).copy()
    mine[:, :, into] = theirs[:, :, rows]
    values = {}
    for name in StrikeResult.__dataclass_fields__:
        value = getattr(result, name)
        if name == "curve":
            value = DrawDown(*(q.T for q in mine), _points=mine)
        elif value is not None:
            value = value.copy()
            value[into] = getattr(other, name)[rows]
        values[name] = value
    return StrikeResult(**values)


def _strike_on(
    attacker: SideArrays,
    victim: SideArrays,
    settings: dict,
    curve: DrawDown,
    context: StrikeContext | None = None,
) -> StrikeResult:
    """The attacker's best point on a draw-down curve and the outcome there."""
    points = curve.points()
    strike = _Strike(attacker, victim, settings, context)
    batch = points.shape[2]
    cols = np.arange(batch)

    grid = _grid(points[2:])
    c_att = np.empty(grid.shape[1:])
    c_vic = np.empty(grid.shape[1:])
    # A few rows at a time: small temporaries stay in cache and reuse freed memory.
    rows = max(1, _GRID_CHUNK // batch)
    for r in range(0, grid.shape[1], rows):
        c_att[r : r + rows], c_vic[r : r + rows] = strike.costs(*grid[:, r : r + rows])
    best = _stop_rule(c_att, c_vic)
    u0 = best / GRID_STEPS
    u = _refine(strike, points, u0, c_att[best, cols])

    spend, destroyed, vb, va, ab, aa = _at(points, u)
    arr_ret, arr_fs, d_att, d_vic, c_att, c_vic = strike.outcome(vb, va, ab, aa)
    victim_warheads = nuclear_warheads(victim)
    survivors = victim_warheads - destroyed
    extra = {}
    if context is None:
        weapons = available_weapons(attacker, settings)
        retaliating = survivors * (1.0 - victim.scalars["holdback_fraction"])
        rb, ra = vb, va
    else:
        weapons = context.weapons
        retaliating = survivors * context.victim_keep
        if context.victim_reserve is not None:
            retaliating = np.maximum(retaliating - context.victim_reserve, 0.0)
        rb, ra = context.retaliation(vb, va)
        extra["attacker_reserve"] = context.attacker_reserve
        if context.allied_ballistic is not None:
            extra["allied_retaliating"] = context.allied_ballistic + context.allied_air
    return StrikeResult(
        attacker_weapons=weapons.sum(axis=1),
        counterforce_spent=spend,
        victim_warheads=victim_warheads,
        destroyed=destroyed,
        victim_survivors=survivors,
        victim_retaliating=retaliating,
        arriving_retaliation=arr_ret,
        attacker_value_warheads=ab + aa,
        arriving_first_strike=arr_fs,
        damage_attacker=d_att,
        damage_victim=d_vic,
        cost_attacker=c_att,
        cost_victim=c_vic,
        curve=curve,
        all_stopped_retaliation=strike.home.all_stopped(np.maximum(rb, 0.0), ra),
        all_stopped_first_strike=strike.away.all_stopped(np.maximum(ab, 0.0), aa),
        **extra,
    )


def curve_costs(
    attacker: SideArrays,
    victim: SideArrays,
    settings: dict,
    curve: DrawDown,
    context: StrikeContext | None = None,
):
    """Attacker's and victim's cost at each breakpoint of a draw-down curve (for plots)."""
    points = curve.points()
    c_att, c_vic = _Strike(attacker, victim, settings, context).costs(
        np.maximum(points[2], 0.0), points[3], np.maximum(points[4], 0.0), points[5]
    )
    return c_att.T, c_vic.T


def _stop_rule(c_att: np.ndarray, c_vic: np.ndarray) -> np.ndarray:
    """Index (along axis 0) of the attacker's lowest cost; among ties, the victim's highest."""
    lowest = c_att.min(axis=0)
    tied = c_att <= lowest + COST_TIE
    return _first_argmax(np.where(tied, c_vic, -np.inf))


def _refine(strike: _Strike, points: np.ndarray, u0, best_cost):
    """Golden-section search for the attacker's lowest cost within one grid step of ``u0``."""
    pieces = points.shape[1] - 1
    batch = points.shape[2]
    cols = np.arange(batch)
    step = 1.0 / GRID_STEPS
    # Curves are padded to the longest in the batch; bracket each row within its own
    # moving pieces so a row's result does not depend on what else is in the batch.
    spend = points[0]
    if pieces:
        moving = spend[1:] > spend[:-1]
        own_pieces = (moving * np.arange(1, pieces + 1)[:, None]).max(axis=0).astype(float)
    else:
        own_pieces = np.zeros(batch)
    lo = np.clip(u0 - step, 0.0, own_pieces)
    hi = np.clip(u0 + step, 0.0, own_pieces)
    # The bracket spans at most two pieces: gather their three breakpoints once.
    base = np.clip(np.floor(lo), 0, max(pieces - 1, 0)).astype(int)
    quantities = points[2:]
    k0 = quantities[:, base, cols]
    k1 = quantities[:, np.minimum(base + 1, pieces), cols]
    k2 = quantities[:, np.minimum(base + 2, pieces), cols]
    d0, d1 = k1 - k0, k2 - k1
    origin = base.astype(float)

    def cost_at(u):
        local = u - origin
        first = local <= 1.0
        values = _select(_mask64(first), k0 + local * d0, k1 + (local - 1.0) * d1)
        return strike.costs(*values, victim=False)

    # The search's state in two arrays (batch last), laid out so that each iteration
    # selects whole blocks of rows: ``pts`` = x1, f1, new x, new f, x2, f2 (the inner
    # points and their costs around the new point's slot), ``ends`` = x2, lo, hi, x1.
    pts = np.empty((6, batch))
    ends = np.empty((4, batch))
    ends[1], ends[2] = lo, hi
    pts[0] = hi - _INVPHI * (hi - lo)
    pts[4] = lo + _INVPHI * (hi - lo)
    pts[1], pts[5] = cost_at(pts[0]), cost_at(pts[4])
    for _ in range(REFINE_ITERATIONS):
        left = _mask64(pts[1] <= pts[5])  # f1 <= f2: the minimum is left of x2
        ends[0], ends[3] = pts[4], pts[0]
        hi_lo = _select(left, ends[:2], ends[2:])  # (hi, lo) = (x2, lo) or (hi, x1)
        ends[2], ends[1] = hi_lo
        width = hi_lo[0] - hi_lo[1]
        width *= _INVPHI
        pts[2] = _select(left, hi_lo[0] - width, hi_lo[1] + width)
        pts[3] = cost_at(pts[2])
        # (x2, f2, x1, f1) = (x1, f1, new x, new f) or (new x, new f, x2, f2)
        swapped = _select(left, pts[:4], pts[2:])
        pts[4:], pts[:2] = swapped[:2], swapped[2:]
    x1, f1, x2, f2 = pts[0], pts[1], pts[4], pts[5]
    u_ref = np.where(f1 <= f2, x1, x2)
    f_ref = np.minimum(f1, f2)
    # Keep the grid point unless the refinement is strictly better (keeps the tie-break).
    return np.where(f_ref < best_cost - COST_TIE, u_ref, u0)


def ordered_pairs(n_sides: int) -> tuple[tuple[int, int], ...]:
    """Every (attacker, victim) pair of ``n_sides`` sides; for two sides ((0, 1), (1, 0))."""
    return tuple((a, v) for a in range(n_sides) for v in range(n_sides) if a != v)


@dataclass
class Exchange:
    """First strikes of a scenario batch, one per ordered pair of sides:
    ``strikes[i]`` is ``pairs[i][0]`` striking ``pairs[i][1]``."""

    side_names: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]
    strikes: tuple[StrikeResult, ...]

    def strike(self, attacker: int, victim: int) -> StrikeResult:
        return self.strikes[self.pairs.index((attacker, victim))]

    def c1(self, side: int, adversary: int) -> np.ndarray:
        """Side's cost when it strikes the adversary first."""
        return self.strike(side, adversary).cost_attacker

    def c2(self, side: int, adversary: int) -> np.ndarray:
        """Side's cost when the adversary strikes it first."""
        return self.strike(adversary, side).cost_victim


def exchange(arrays: ScenarioArrays, pairs: tuple[tuple[int, int], ...] | None = None) -> Exchange:
    """First strikes of every scenario in the batch, for each ordered pair of sides
    (all of them unless ``pairs`` names some), with third parties' reserves and committed
    allies (:func:`third_party_contexts`)."""
    pairs = ordered_pairs(len(arrays.sides)) if pairs is None else tuple(pairs)
    contexts = third_party_contexts(arrays, pairs)
    strikes = tuple(
        first_strike(
            arrays.sides[a],
            arrays.sides[v],
            arrays.settings,
            arrays.allocation,
            context=None if contexts is None else contexts[a, v],
        )
        for a, v in pairs
    )
    return Exchange(tuple(arrays.side_names), pairs, strikes)


def third_party_contexts(
    arrays: ScenarioArrays, pairs: tuple[tuple[int, int], ...]
) -> dict[tuple[int, int], StrikeContext] | None:
    """What third parties change in each ordered pair's strike (``engine/thirdparty.py``),
    or ``None`` where nothing does: no side keeps an
    endogenous reserve and no side is committed to another (every two-side run with the
    defaults), so those strikes are evaluated exactly as before."""
    sides, settings = arrays.sides, arrays.settings
    endogenous = [thirdparty.endogenous(side) for side in sides]
    committed = arrays.committed is not None and bool(
        (np.asarray(arrays.committed) & ~np.eye(len(sides), dtype=bool)).any()
    )
    if not committed and not any(e.any() for e in endogenous):
        return None
    usable = [usable_weapons(side, settings) for side in sides]
    pools = [thirdparty.Pool(side, w, alert_share(side)) for side, w in zip(sides, usable, strict=True)]
    armed = [nuclear_warheads(side) > 0.0 for side in sides]
    # The adversaries each side keeps a reserve against, pair by pair (those of an
    # attacker, of a victim and of the victim's committed allies), once each.
    against = {x: thirdparty.adversaries(arrays, x) for x in range(len(sides))}
    allies = {(a, v): thirdparty.defenders(arrays, a, v) for a, v in pairs}
    wanted: dict[int, list[int]] = {}  # adversary c -> sides x that keep a reserve against c
    for a, v in pairs:
        for x in (a, v, *allies[a, v]):
            if endogenous[x].any():
                for c in against[x]:
                    if c not in (a, v) and x not in wanted.setdefault(c, []):
                        wanted[c].append(x)
    # What each side needs against each adversary c: the bisections of every side against
    # one c run together, on copies of c's target laid end to end (thirdparty.needed_against).
    needs: dict[tuple[int, int], np.ndarray] = {}
    with np.errstate(**_ERRSTATE):
        for c, xs in wanted.items():
            alone = target(sides[c])
            stacked = alone.tiled(len(xs)) if len(xs) > 1 else alone
            solved = thirdparty.needed_against(
                [pools[x] for x in xs],
                [sides[x].scalars["required_arriving_warheads"] for x in xs],
                alone.arriving,
                stacked.arriving,
            )
            for x, n in zip(xs, solved, strict=True):
                needs[x, c] = np.where(armed[c], n, 0.0)
    reserves: dict[tuple[int, int], np.ndarray] = {}

    def reserve(x: int, excluding: int) -> np.ndarray:
        """Side x's endogenous reserve against its adversaries but ``excluding`` (batch,)."""
        if (x, excluding) not in reserves:
            total = np.zeros(arrays.batch)
            if endogenous[x].any():
                for c in against[x]:
                    if c != excluding:
                        total = total + needs[x, c]
            reserves[x, excluding] = np.where(endogenous[x], np.minimum(total, pools[x].total), 0.0)
        return reserves[x, excluding]

    holdback = [side.scalars["holdback_fraction"] for side in sides]
    attackers = {a for a, _ in pairs}
    # An attacker's fixed reserve per system and in all; an ally's reliable warheads.
    fixed_weapons = {a: usable[a] * (1.0 - holdback[a][:, None]) for a in attackers}
    fixed_reserve = {a: (pools[a].warheads * holdback[a][:, None]).sum(axis=1) for a in attackers}
    whole = {k: pools[k].reliable(pools[k].total) for k in {k for ks in allies.values() for k in ks}}
    contexts = {}
    for a, v in pairs:
        held = reserve(a, v)
        weapons = np.where(endogenous[a][:, None], usable[a] - pools[a].held(held), fixed_weapons[a])
        context = StrikeContext(
            weapons=weapons,
            attacker_reserve=np.where(endogenous[a], held, fixed_reserve[a]),
            victim_keep=thirdparty.retaliating_share(sides[v]),
        )
        if endogenous[v].any():
            kept = reserve(v, a)
            context.victim_reserve = kept
            context.victim_reserve_ballistic, context.victim_reserve_air = pools[v].reliable(kept)
        if allies[a, v]:
            kb, ka = np.zeros(arrays.batch), np.zeros(arrays.batch)
            for k in allies[a, v]:
                held_k = pools[k].reliable(reserve(k, a))
                all_k = whole[k]
                keep_k = 1.0 - holdback[k]
                kb = kb + np.where(endogenous[k], all_k[0] - held_k[0], all_k[0] * keep_k)
                ka = ka + np.where(endogenous[k], all_k[1] - held_k[1], all_k[1] * keep_k)
            context.allied_ballistic, context.allied_air = kb, ka
        contexts[a, v] = context
    return contexts
