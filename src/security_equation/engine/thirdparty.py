"""Third parties in an exchange of N sides: reserves and committed allies (issue 13).

When A strikes B in a world of more than two sides:

**Reserve.** Each side keeps weapons back for its *other adversaries*, by its
``reserve_mode`` (``posture.reserve``):

* fixed (0, default): the share ``holdback_fraction`` of every system, as in two-side
  runs (R-3765);
* endogenous (1): for each other adversary C, the warheads ``n_AC`` that A must hold so
  that its warheads arriving on C's value, after C's missile defences (value-defending
  interceptors) and air defence and with reliability, reach A's requirement ``R_A``
  (``required_arriving_warheads``)::

      arriving_C(held(n_AC)) = R_A,   n_AC = 0 where R_A is NaN or C has no nuclear warheads

  and the reserve is ``min(Σ_C n_AC, N_A)`` (``N_A``: A's available nuclear warheads).
  **Sum, not max**: each requirement must be met *at the same time* — a warhead held for
  C is not also held for D, and A cannot know which of them it will have to answer — so
  the reserve is the sum of what each needs on its own (each against that adversary's
  whole defence). Where a requirement cannot be met with everything A has, A holds
  everything (``N_A``).

  ``held(n)`` is **the most survivable warheads first**: A's nuclear systems in order of
  their alert share (the share that survives a surprise attack: SSBNs at sea, mobiles
  in the field, bombers on alert; silos last), ties in system order, filled up to ``n``
  warheads. A reserve must survive to be one; the warheads left for the strike on B are
  the rest, so a reserve of SSBN warheads also comes out of A's prompt counterforce
  budget. The pool is what A can use in a first strike: all fixed and
  ``attacker_survivable_available`` of survivable warheads.

  The victim keeps its reserve from its retaliation too: where B is endogenous, the
  reliable ballistic and air-breathing warheads of ``held(n_B)`` (``n_B`` summed over
  B's adversaries other than A) are taken from B's surviving retaliation, each kind
  floored at 0; its ``holdback_fraction`` is then not applied. For two sides there are
  no other adversaries: endogenous means no reserve at all, which is why fixed stays
  the default.

**Adversaries.** Every other side is an adversary except an ally: C is not an adversary
of A where ``committed[A, C]`` or ``committed[C, A]``, or where both belong to a coalition.

**Committed allies** (``ScenarioArrays.committed[k, b]``: k defends b). When A strikes
B, every k committed to B (k ≠ A, and not committed to A as well) retaliates on A's value
together with B. Its forces are not struck: its available nuclear warheads (the pool
above) less its reserve (``holdback_fraction``, or ``held(n_k)`` against its adversaries
other than A where endogenous), times reliability, split into ballistic ``K_b`` and
air-breathing ``K_a``. They add to B's reliable retaliating warheads before A's defences,
which face the joint salvo::

    arriving on A = leak_A(V_b + K_b) + pen_A · (V_a + K_a)
    C1_A = D_A^e + w·(1 − D_B^e),   C2_B = D_B^e + w·(1 − D_A^e)   (this strike's D_A)

so the ally raises A's damage at every point of the draw-down curve: A's cost of
striking first, ``C1_A``, can only rise, and A's stop rule weighs it (the ally's salvo is
the same at every counterforce spend). B's cost when struck first, ``C2_B``, falls by
the ally's share of A's damage in its second term. A's cost when struck first by B is
not changed (k is not committed to A).

This module holds the array arithmetic; ``engine/exchange.py`` (``third_party_contexts``)
applies it per ordered pair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from security_equation.engine.arrays import RESERVE_ENDOGENOUS, ScenarioArrays, SideArrays

#: Bisection steps when solving for the warheads a requirement needs, within the one
#: system where it is met (to 2⁻⁴⁵ of that system's warheads).
SOLVE_ITERATIONS = 45


@dataclass
class StrikeContext:
    """What third parties change in one ordered pair's strike, arrays (batch, ...)."""

    #: The attacker's warheads for this strike per system (batch, systems): the pool less
    #: the reserve where endogenous, less ``holdback_fraction`` where fixed.
    weapons: np.ndarray
    #: The attacker's nuclear warheads held back (batch,).
    attacker_reserve: np.ndarray
    #: Share of the victim's survivors that retaliate before its absolute reserve (batch,):
    #: ``1 − holdback_fraction`` where fixed, 1 where endogenous.
    victim_keep: np.ndarray
    #: Warheads of the victim's endogenous reserve (batch,) and its reliable ballistic and
    #: air-breathing parts (0 where fixed). ``None``: none anywhere.
    victim_reserve: np.ndarray | None = None
    victim_reserve_ballistic: np.ndarray | None = None
    victim_reserve_air: np.ndarray | None = None
    #: Committed allies' reliable ballistic and air-breathing warheads on the attacker's
    #: value (batch,). ``None``: no ally.
    allied_ballistic: np.ndarray | None = None
    allied_air: np.ndarray | None = None

    def take(self, index) -> StrikeContext:
        values = {
            name: (None if getattr(self, name) is None else getattr(self, name)[index])
            for name in self.__dataclass_fields__
        }
        return StrikeContext(**values)

    def retaliation(self, vb, va):
        """The victim's reliable retaliating (ballistic, air) warheads after its reserve,
        plus its allies'; ``vb``, ``va`` carry the batch on their last axis."""
        if self.victim_reserve is not None:
            vb = np.maximum(vb - self.victim_reserve_ballistic, 0.0)
            va = np.maximum(va - self.victim_reserve_air, 0.0)
        if self.allied_ballistic is not None:
            vb = vb + self.allied_ballistic
            va = va + self.allied_air
        return vb, va


def endogenous(side: SideArrays) -> np.ndarray:
    """Where the side keeps an endogenous reserve (batch,) bool."""
    return side.scalars["reserve_mode"] >= RESERVE_ENDOGENOUS - 0.5


def retaliating_share(side: SideArrays) -> np.ndarray:
    """Share of the side's surviving warheads that retaliate before its reserve in
    warheads, (batch,): ``1 − holdback_fraction`` where its reserve is fixed, 1 where
    endogenous (:attr:`StrikeContext.victim_keep`)."""
    return np.where(endogenous(side), 1.0, 1.0 - side.scalars["holdback_fraction"])


def allied(arrays: ScenarioArrays, i: int, j: int) -> bool:
    """Whether sides ``i`` and ``j`` are allies: either is committed to the other, or both
    belong to one coalition."""
    c = arrays.committed
    if c is not None and bool(c[i, j] or c[j, i]):
        return True
    return any(i in members and j in members for members in arrays.coalitions.values())


def adversary_pairs(arrays: ScenarioArrays, pairs) -> list[tuple[int, int]]:
    """The pairs of ``pairs`` (side indices) that are not allies; all of them where every
    pair is (the headline FSI and the race's reactions are about adversaries)."""
    pairs = list(pairs)
    return [p for p in pairs if not allied(arrays, *p)] or pairs


def adversaries(arrays: ScenarioArrays, side: int, excluding: tuple[int, ...] = ()) -> tuple[int, ...]:
    """The side's adversaries: every other side not allied with it, less ``excluding``."""
    return tuple(
        c
        for c in range(len(arrays.sides))
        if c != side and c not in excluding and not allied(arrays, side, c)
    )


def defenders(arrays: ScenarioArrays, attacker: int, victim: int) -> tuple[int, ...]:
    """Sides that retaliate for ``victim`` when ``attacker`` strikes it: committed to the
    victim, neither side of the strike, and not committed to the attacker as well."""
    c = arrays.committed
    if c is None:
        return ()
    return tuple(
        k
        for k in range(len(arrays.sides))
        if k not in (attacker, victim) and c[k, victim] and not c[k, attacker]
    )


class Pool:
    """A side's nuclear warheads in the order it keeps them back (most survivable first).

    ``warheads`` (batch, systems) is the pool (nuclear only), ``survivability`` (batch,
    systems) the key it is ordered by (higher first; ties in system order)."""

    def __init__(self, side: SideArrays, warheads: np.ndarray, survivability: np.ndarray):
        st = side.structure
        self.warheads = warheads * st.nuclear[None, :]
        self.total = self.warheads.sum(axis=1)
        self.order = np.argsort(-survivability, axis=1, kind="stable")
        self.sorted = np.take_along_axis(self.warheads, self.order, axis=1)
        self.before = np.cumsum(self.sorted, axis=1) - self.sorted
        rel = side.systems["reliability"]
        self.rel_ballistic = np.take_along_axis(
            rel * (st.nuclear & st.ballistic)[None, :], self.order, axis=1
        )
        self.rel_air = np.take_along_axis(rel * (st.nuclear & ~st.ballistic)[None, :], self.order, axis=1)

    def _held_sorted(self, n: np.ndarray) -> np.ndarray:
        return np.clip(n[:, None] - self.before, 0.0, self.sorted)

    def reliable(self, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reliable (ballistic, air-breathing) warheads among the first ``n`` (batch,)."""
        held = self._held_sorted(n)
        return (held * self.rel_ballistic).sum(axis=1), (held * self.rel_air).sum(axis=1)

    def held(self, n: np.ndarray) -> np.ndarray:
        """The first ``n`` warheads (batch,) per system, in system order (batch, systems)."""
        out = np.empty_like(self.sorted)
        np.put_along_axis(out, self.order, self._held_sorted(n), axis=1)
        return out

    def needed(
        self, arriving: Callable[[np.ndarray, np.ndarray], np.ndarray], required: np.ndarray
    ) -> np.ndarray:
        """The fewest warheads (batch,) whose reliable ones arriving (``arriving(ballistic,
        air)``, batch on the last axis, non-decreasing in both) reach ``required``: 0 where
        ``required`` is NaN or not positive, the whole pool where even that falls short.

        Arrival is evaluated at the pool's breakpoints (after each system, in order) to
        find the system in which the requirement is met; within it, where one system's
        warheads vary linearly, by bisection (the defences make it non-linear). The
        answer always meets the requirement; it is the least to 2⁻⁴⁵ of that system.
        :func:`needed_against` solves several pools against one target at once."""
        return needed_against([self], [required], arriving, arriving)[0]

    def _bracket(self, arriving, required):
        """The system (piece of the pool) in which arrival first reaches ``required``:
        whether even the whole pool falls short (batch,), and the piece's start and
        length (3, batch): warheads, reliable ballistic, reliable air-breathing."""
        batch, systems = self.sorted.shape
        edges = np.zeros((3, systems + 1, batch))
        np.cumsum(self.sorted.T, axis=0, out=edges[0, 1:])
        np.cumsum((self.sorted * self.rel_ballistic).T, axis=0, out=edges[1, 1:])
        np.cumsum((self.sorted * self.rel_air).T, axis=0, out=edges[2, 1:])
        reach = arriving(edges[1], edges[2]) >= required
        short = ~reach[-1]
        end = np.clip(np.where(short, systems, reach.argmax(axis=0)), 1, systems)
        cols = np.arange(batch)
        start = edges[:, end - 1, cols]
        return short, start, edges[:, end, cols] - start


def needed_against(
    pools: Sequence[Pool],
    required: Sequence[np.ndarray],
    arriving: Callable[[np.ndarray, np.ndarray], np.ndarray],
    stacked: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> list[np.ndarray]:
    """:meth:`Pool.needed` of several pools (sides), each with its requirement, against one
    target: ``arriving`` is the target's arrival on one batch, ``stacked`` the same on
    ``len(pools)`` copies of the batch laid end to end (for one pool: ``arriving``). The
    bisections of all pools run as one, on the stacked batch: every member follows the
    same steps as alone, so the answers are those of :meth:`Pool.needed` bit for bit."""
    answers: list[np.ndarray | None] = [None] * len(pools)
    wants, brackets = [], []
    for i, (pool, req) in enumerate(zip(pools, required, strict=True)):
        want = np.nan_to_num(req, nan=0.0) > 0.0
        if not want.any():
            answers[i] = np.zeros_like(pool.total)
            continue
        wants.append((i, want))
        brackets.append(pool._bracket(arriving, req))
    if wants:
        if len(wants) == len(pools):
            start = np.concatenate([b[1] for b in brackets], axis=1)
            step = np.concatenate([b[2] for b in brackets], axis=1)
            hi = _bisect(stacked, start, step, np.concatenate([required[i] for i, _ in wants]))
        else:  # some pools need nothing, so ``stacked`` has copies too many: one by one
            hi = np.concatenate(
                [
                    _bisect(arriving, b[1], b[2], required[i])
                    for (i, _), b in zip(wants, brackets, strict=True)
                ]
            )
        offset = 0
        for (i, want), (short, start_i, step_i) in zip(wants, brackets, strict=True):
            batch = want.shape[0]
            h = hi[offset : offset + batch]
            offset += batch
            answers[i] = np.where(want, np.where(short, pools[i].total, start_i[0] + h * step_i[0]), 0.0)
    return answers  # type: ignore[return-value]


def _bisect(arriving, start: np.ndarray, step: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Bisection for the least share ``t`` of each piece (``start + t·step``, rows: warheads,
    reliable ballistic, reliable air) whose arrival reaches ``required``: ``hi`` after
    :data:`SOLVE_ITERATIONS` halvings of [0, 1] (1 always suffices).

    Every bracket end is a multiple of 2⁻ᵏ after k halvings, so the arithmetic is exact:
    the bracket is ``[lo, lo + 2⁻ᵏ]`` and only ``lo`` is kept."""
    lo = np.zeros(start.shape[1])
    t = np.empty_like(lo)
    short = np.empty(lo.shape, dtype=bool)
    width = 1.0
    for _ in range(SOLVE_ITERATIONS):
        width *= 0.5
        np.add(lo, width, out=t)
        np.greater_equal(arriving(start[1] + t * step[1], start[2] + t * step[2]), required, out=short)
        np.logical_not(short, out=short)  # not enough (NaN included)
        lo += np.multiply(short, width)
    return lo + width
