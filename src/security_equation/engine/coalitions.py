"""Coalitions and the two-peer question (docs/model.md, "Coalitions and the two-peer
question").

A *party* is a side or a coalition: a tuple of side indices. A coalition strikes as one
side whose systems are all its members' (pooled weapons, each system with its own yield,
CEP, reliability and kill probabilities, allocated by one draw-down over the pool) and is
struck as one side whose targets are all its members' forces and whose value is theirs
together (``exchange._CoalitionTarget``: warheads aimed at value spread over the members
in proportion to their ``w80``, each share through that member's own value defences).

What a merged side cannot keep per member is averaged, and is exact where the members
agree (every bundled scenario): the holdback fraction and the air-defence penetration
weighted by the members' nuclear warheads, launch under attack by their silo warheads;
the per-target cap is the largest member's; the alert level is folded into each system's
surviving share. Forces-defending interceptors of all members defend the coalition's
forces together. A member with a tabulated damage curve cannot be merged
(:class:`CoalitionError`).

**Two-peer question.** After absorbing a first strike by an adversary, by each coalition
of its adversaries, or (where no coalition of its adversaries is declared) by all its
adversaries together, can side V still meet its
requirement ``R_V`` (``required_arriving_warheads``) against *every* adversary at once?
V's surviving warheads carry, per warhead, ``b`` reliable ballistic and ``a`` reliable
air-breathing warheads (the survivors' mix). Against adversary C, V needs ``n_C`` such
that ``arriving_C(n_C·b, n_C·a) = R_V`` through C's value defences; it meets all its
requirements when ``Σ_C n_C ≤ S`` (its survivors), and is short by ``Σ_C n_C − S``
warheads otherwise. The survivors are all V's: the reserve a side keeps for its other
adversaries is exactly what this question allots, so no holdback is taken first.

Arrays have the batch on their last axis, as everywhere in the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from security_equation.engine import thirdparty
from security_equation.engine.arrays import (
    RESERVE_ENDOGENOUS,
    RESERVE_FIXED,
    ScenarioArrays,
    SideArrays,
    SideStructure,
)
from security_equation.engine.exchange import (
    Exchange,
    StrikeResult,
    alert_share,
    exchange,
    nuclear_force,
    nuclear_warheads,
    target,
)
from security_equation.engine.stability import Stability, stability

Party = tuple[int, ...]

#: Bisection steps for the warheads a requirement needs (to 2⁻⁵⁰ of the bracket).
SOLVE_ITERATIONS = 50


class CoalitionError(ValueError):
    """Members that cannot be merged into one side."""


def _weighted(values: list[np.ndarray], weights: list[np.ndarray]) -> np.ndarray:
    """Mean of the members' ``values`` (batch,) weighted by ``weights`` (batch,); the
    plain mean where every weight is 0."""
    v, w = np.stack(values), np.stack(weights)
    total = w.sum(axis=0)
    plain = v.mean(axis=0)
    return np.divide((v * w).sum(axis=0), total, out=plain.copy(), where=total > 0)


def merge_sides(sides: Sequence[SideArrays], names: Sequence[str]) -> SideArrays:
    """The members ``sides`` (named ``names``) as one side (see the module docstring);
    a single side is returned as it is."""
    if len(sides) == 1:
        return sides[0]
    tabulated = [n for n, s in zip(names, sides, strict=True) if s.structure.damage_table is not None]
    if tabulated:
        raise CoalitionError(
            f"a coalition's value is its members' w80 together; {', '.join(tabulated)}"
            f" {'gives' if len(tabulated) == 1 else 'give'} a damage table instead (value.table),"
            " which cannot be merged"
        )
    st = [s.structure for s in sides]

    def cat(values):
        return np.concatenate(values)

    structure = SideStructure(
        system_names=tuple(f"{n}.{x}" for n, s in zip(names, st, strict=True) for x in s.system_names),
        categories=tuple(c for s in st for c in s.categories),
        fixed=cat([s.fixed for s in st]),
        nuclear=cat([s.nuclear for s in st]),
        ballistic=cat([s.ballistic for s in st]),
        counterforce=cat([s.counterforce for s in st]),
        layer_names=tuple(f"{n}.{x}" for n, s in zip(names, st, strict=True) for x in s.layer_names),
        layer_value_share=cat([s.layer_value_share for s in st]),
        layer_forces_share=cat([s.layer_forces_share for s in st]),
    )
    systems = {k: np.concatenate([s.systems[k] for s in sides], axis=1) for k in sides[0].systems}
    # Each member's alert level, folded into its systems: the merged side is 'day to day'
    # with the shares its members' levels select.
    folded = np.concatenate([alert_share(s) for s in sides], axis=1)
    systems["alert_day_to_day"] = folded
    systems["alert_generated"] = folded.copy()
    kill_given = np.concatenate([s.kill_given for s in sides], axis=1)
    layers = {k: np.concatenate([s.layers[k] for s in sides], axis=1) for k in sides[0].layers}

    nuclear = [nuclear_warheads(s) for s in sides]
    silos = [nuclear_warheads(s, s.structure.nuclear & s.structure.fixed) for s in sides]
    sc = [s.scalars for s in sides]
    required = np.stack([x["required_arriving_warheads"] for x in sc])
    scalars = {
        "penetration_probability": _weighted([x["penetration_probability"] for x in sc], nuclear),
        "w80": np.sum([x["w80"] for x in sc], axis=0),
        "generated": np.zeros_like(sc[0]["generated"]),
        "launch_under_attack": _weighted([x["launch_under_attack"] for x in sc], silos),
        "holdback_fraction": _weighted([x["holdback_fraction"] for x in sc], nuclear),
        "max_warheads_per_target": np.max([x["max_warheads_per_target"] for x in sc], axis=0),
        "required_arriving_warheads": np.where(
            np.isnan(required).all(axis=0), np.nan, np.nansum(required, axis=0)
        ),
        "counterforce_share": np.zeros_like(sc[0]["counterforce_share"]),
        "upload_reserve": np.sum([x["upload_reserve"] for x in sc], axis=0),
        "reserve_mode": np.where(
            np.all([thirdparty.endogenous(s) for s in sides], axis=0), RESERVE_ENDOGENOUS, RESERVE_FIXED
        ),
    }
    return SideArrays(structure, systems, kill_given, layers, scalars, members=tuple(sides))


def party_name(arrays: ScenarioArrays, party: Party) -> str:
    """A party's name: the side's, a declared coalition's, or its members' joined by ``+``."""
    if len(party) == 1:
        return arrays.side_names[party[0]]
    for name, members in arrays.coalitions.items():
        if tuple(sorted(members)) == tuple(sorted(party)):
            return name
    return "+".join(arrays.side_names[i] for i in party)


def party_world(arrays: ScenarioArrays, parties: Sequence[Party]) -> ScenarioArrays:
    """The scenario with each of ``parties`` merged into one side, first and in that order,
    and every other side after them as itself. Commitments and coalitions carry over
    between parties: a party is committed to another where a member of it is committed to
    a member of the other."""
    taken = [i for p in parties for i in p]
    if len(set(taken)) != len(taken):
        raise ValueError(f"The parties must not share a side. Got {parties}.")
    groups = [tuple(p) for p in parties] + [(i,) for i in range(len(arrays.sides)) if i not in taken]
    names = tuple(party_name(arrays, g) for g in groups)
    sides = tuple(
        merge_sides([arrays.sides[i] for i in g], [arrays.side_names[i] for i in g]) for g in groups
    )
    committed = None
    if arrays.committed is not None:
        c = np.asarray(arrays.committed)
        committed = np.array(
            [
                [x != y and bool(c[np.ix_(gx, gy)].any()) for y, gy in enumerate(groups)]
                for x, gx in enumerate(groups)
            ]
        )
    where = {i: k for k, g in enumerate(groups) for i in g}
    coalitions = {}
    for name, members in arrays.coalitions.items():
        mapped = tuple(sorted({where[i] for i in members}))
        if len(mapped) > 1:
            coalitions[name] = mapped
    return replace(
        arrays, side_names=names, sides=sides, slots={}, committed=committed, coalitions=coalitions
    )


@dataclass
class PartyExchange:
    """Two parties' first strikes on each other (``strikes`` in the order ``(first,
    second), (second, first)``) in the world where each is one side, and their stability
    (keys 0: ``first``, 1: ``second``)."""

    parties: tuple[Party, Party]
    names: tuple[str, str]
    world: ScenarioArrays
    result: Exchange
    stability: Stability


def party_exchange(arrays: ScenarioArrays, first: Party, second: Party) -> PartyExchange:
    """``first`` and ``second`` (parties that share no side) striking each other first,
    each merged into one side, the other sides third parties as in any exchange."""
    world = party_world(arrays, [first, second])
    result = exchange(world, pairs=((0, 1), (1, 0)))
    return PartyExchange(
        (tuple(first), tuple(second)), world.side_names[:2], world, result, stability(result)
    )


def coalition_cases(arrays: ScenarioArrays) -> tuple[tuple[Party, Party], ...]:
    """The unordered pairs of parties the coalition output evaluates: each declared
    coalition against every side outside it and every later coalition it shares no side
    with (file order)."""
    coalitions = [tuple(m) for m in arrays.coalitions.values()]
    cases = []
    for k, group in enumerate(coalitions):
        for side in range(len(arrays.sides)):
            if side not in group:
                cases.append((group, (side,)))
        for other in coalitions[k + 1 :]:
            if not set(group) & set(other):
                cases.append((group, other))
    return tuple(cases)


def surviving_mix(strike: StrikeResult, victim: SideArrays) -> tuple[np.ndarray, np.ndarray]:
    """The victim's reliable ballistic and air-breathing warheads per surviving nuclear
    warhead after ``strike`` (the point its attacker chose on the draw-down curve), before
    any holdback or reserve; the whole force's mix where nothing survives. (batch,) each."""
    points = strike.curve.points()  # (6, n, batch): spend, destroyed, vb, va, ab, aa
    spend = points[0]
    n = spend.shape[0]
    s = strike.counterforce_spent
    tol = 1e-9 * (1.0 + np.abs(s))
    cols = np.arange(spend.shape[1])
    lo = np.clip((spend <= (s + tol)[None, :]).sum(axis=0) - 1, 0, n - 1)
    hi = np.minimum(lo + 1, n - 1)
    width = spend[hi, cols] - spend[lo, cols]
    t = np.clip(np.divide(s - spend[lo, cols], width, out=np.zeros_like(s), where=width > 0), 0.0, 1.0)
    vb = points[2, lo, cols] + t * (points[2, hi, cols] - points[2, lo, cols])
    va = points[3, lo, cols] + t * (points[3, hi, cols] - points[3, lo, cols])
    # The curve's retaliating warheads are after the victim's holdback share.
    keep = thirdparty.retaliating_share(victim)
    vb = np.divide(vb, keep, out=np.zeros_like(vb), where=keep > 0)
    va = np.divide(va, keep, out=np.zeros_like(va), where=keep > 0)
    survivors = strike.victim_survivors
    rel, ballistic = victim.systems["reliability"], victim.structure.ballistic[None, :]
    force = nuclear_force(victim)
    total = force.sum(axis=1)
    whole_b = (force * rel * ballistic).sum(axis=1)
    whole_a = (force * rel * ~ballistic).sum(axis=1)
    some = (survivors > 1e-9) & (vb + va > 0)
    b = np.where(some, np.divide(vb, survivors, out=np.zeros_like(vb), where=survivors > 0), 0.0)
    a = np.where(some, np.divide(va, survivors, out=np.zeros_like(va), where=survivors > 0), 0.0)
    b = np.where(some, b, np.divide(whole_b, total, out=np.zeros_like(total), where=total > 0))
    a = np.where(some, a, np.divide(whole_a, total, out=np.zeros_like(total), where=total > 0))
    return b, a


def warheads_needed(
    adversary: SideArrays, per_warhead: tuple[np.ndarray, np.ndarray], required
) -> np.ndarray:
    """Surviving warheads (of the mix ``per_warhead``: reliable ballistic and air-breathing
    per warhead) whose arrivals on ``adversary``'s value, through its defences, reach
    ``required`` (batch,): 0 where ``required`` is NaN or not positive, ``inf`` where no
    number of warheads does (the mix carries no reliable warhead)."""
    b, a = per_warhead
    required = np.asarray(required, dtype=float)
    want = np.nan_to_num(required, nan=0.0) > 0.0
    if not want.any():
        return np.zeros_like(b)
    goal = np.where(want, required, 0.0)
    value = target(adversary)

    def arriving(n):
        return value.arriving(n * b, n * a)

    usable = b + a > 0
    hi = np.where(usable, np.maximum(goal, 1.0) / np.where(usable, b + a, 1.0), 0.0)
    # Defences can need more than ``required / (b + a)``: widen until enough arrive.
    for _ in range(60):
        short = usable & (arriving(hi) < goal)
        if not short.any():
            break
        hi = np.where(short, hi * 2.0, hi)
    else:
        usable &= arriving(hi) >= goal
    lo = np.zeros_like(hi)
    for _ in range(SOLVE_ITERATIONS):
        mid = 0.5 * (lo + hi)
        enough = arriving(mid) >= goal
        hi = np.where(enough, mid, hi)
        lo = np.where(enough, lo, mid)
    return np.where(want, np.where(usable, hi, np.inf), 0.0)


@dataclass
class RequirementCheck:
    """Side ``victim``'s requirement after absorbing ``attackers``' first strike, (batch,)
    arrays; ``needed``, ``arriving_all`` keyed by adversary side index."""

    victim: int
    attackers: Party
    required: np.ndarray
    survivors: np.ndarray
    needed: dict[int, np.ndarray]  # warheads of the surviving mix to meet R against each
    arriving_all: dict[int, np.ndarray]  # arriving on each if every survivor went there

    @property
    def needed_total(self) -> np.ndarray:
        return sum(self.needed.values())

    @property
    def short(self) -> np.ndarray:
        """Warheads short of meeting the requirement against every adversary at once (0: met)."""
        return np.maximum(self.needed_total - self.survivors, 0.0)

    @property
    def meets_all(self) -> np.ndarray:
        return self.needed_total <= self.survivors * (1.0 + 1e-9) + 1e-9


def requirement_check(
    arrays: ScenarioArrays, victim: int, attackers: Party, strike: StrikeResult
) -> RequirementCheck:
    """The two-peer question for ``victim`` after ``strike`` by ``attackers`` (see the
    module docstring), against each of its adversaries."""
    side = arrays.sides[victim]
    mix = surviving_mix(strike, side)
    required = side.scalars["required_arriving_warheads"]
    needed, arriving_all = {}, {}
    survivors = strike.victim_survivors
    for c in thirdparty.adversaries(arrays, victim):
        other = arrays.sides[c]
        needed[c] = warheads_needed(other, mix, required)
        arriving_all[c] = target(other).arriving(survivors * mix[0], survivors * mix[1])
    return RequirementCheck(victim, tuple(attackers), required, survivors, needed, arriving_all)


def two_peer_cases(arrays: ScenarioArrays, victim: int) -> tuple[Party, ...]:
    """Who strikes ``victim`` first in the two-peer question: each adversary alone, each
    declared coalition made only of its adversaries, and, where no such coalition poses
    the joint case, all its adversaries together (when there are two or more)."""
    adversaries = thirdparty.adversaries(arrays, victim)
    cases: list[Party] = [(a,) for a in adversaries]
    for members in arrays.coalitions.values():
        group = tuple(sorted(members))
        if victim not in group and set(group) <= set(adversaries) and group not in cases:
            cases.append(group)
    together = tuple(sorted(adversaries))
    if len(together) > 1 and len(cases) == len(adversaries):
        cases.append(together)
    return tuple(cases)
