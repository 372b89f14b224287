"""The numbers the race models read off one exchange call (docs/model.md "First strike and
retaliation", "Stability"; Kent & Thaler, RAND R-3765), for any number of sides.

Everything a side suffers is keyed by the ordered pair ``(side, adversary)``: ``side``
absorbing ``adversary``'s first strike. A side facing several adversaries is bound by the
one whose first strike leaves it the fewest warheads arriving in retaliation. Allies
(committed either way, or in one coalition: ``engine.thirdparty.adversaries``) are no
adversaries: their first strikes on the side bind nothing (every other side does only
where a side has no adversary at all, as ``model.evaluation`` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np

from security_equation.engine import thirdparty
from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.exchange import Exchange, exchange
from security_equation.engine.stability import headline, stability

Pair = tuple[int, int]


@dataclass
class RaceMetrics:
    """Per-row headline numbers of one exchange call, arrays of shape (batch,).

    ``r``, ``c1``, ``c2``: ``side``'s break-even probability and costs against
    ``adversary``; ``arriving``, ``surviving``: ``side``'s retaliatory warheads arriving
    and its surviving warheads after ``adversary``'s first strike; ``fsi`` per unordered
    pair ``(i, j)``, ``i < j``."""

    pairs: tuple[Pair, ...]
    fsi: dict[Pair, np.ndarray]
    r: dict[Pair, np.ndarray]
    c1_over_c2: dict[Pair, np.ndarray]
    c1: dict[Pair, np.ndarray]
    c2: dict[Pair, np.ndarray]
    arriving: dict[Pair, np.ndarray]
    surviving: dict[Pair, np.ndarray]
    #: Side -> its adversaries (:func:`adversaries_of`: every other side where it has none).
    against: dict[int, tuple[int, ...]]

    def adversaries(self, side: int) -> list[int]:
        return [a for s, a in self.r if s == side and a in self.against[side]]

    def adversary_pairs(self) -> list[Pair]:
        """The unordered pairs of adversaries (every pair where all are allies)."""
        return [p for p in self.fsi if p[1] in self.adversaries(p[0])]

    def binding(self, side: int, member: int = 0) -> int:
        """The adversary whose first strike leaves ``side`` the fewest warheads arriving
        (the first one on ties): the only adversary when there are two sides."""
        adversaries = self.adversaries(side)
        return min(adversaries, key=lambda a: (self.arriving[side, a][member], adversaries.index(a)))


def race_metrics(arrays: ScenarioArrays) -> RaceMetrics:
    """Run the exchange once and read :class:`RaceMetrics` off its headline metric set."""
    ex = exchange(arrays)
    st = stability(ex)
    side = headline(ex, st).side
    return RaceMetrics(
        st.pairs,
        dict(st.fsi),
        side["r"],
        side["c1_over_c2"],
        side["c1"],
        side["c2"],
        side["arriving_warheads"],
        side["surviving_warheads"],
        {k: adversaries_of(arrays, k) for k in range(len(arrays.sides))},
    )


def adversaries_of(arrays: ScenarioArrays, side: int) -> tuple[int, ...]:
    """``thirdparty.adversaries``, or every other side where the side has none."""
    others = tuple(a for a in range(len(arrays.sides)) if a != side)
    return thirdparty.adversaries(arrays, side) or others


def least_arriving(ex: Exchange, side: int) -> np.ndarray:
    """``side``'s retaliatory warheads arriving after the worst first strike on it in
    ``ex`` (:func:`arriving` runs only its adversaries' strikes), (batch,)."""
    values = [ex.strike(a, v).arriving_retaliation for a, v in ex.pairs if v == side]
    return reduce(np.minimum, values)


def arriving(arrays: ScenarioArrays, sides=None) -> dict[int, np.ndarray]:
    """:func:`least_arriving` for each of ``sides`` (default: every side), from one exchange
    call that runs only the first strikes of their adversaries on them."""
    sides = range(len(arrays.sides)) if sides is None else sorted(set(sides))
    against = {v: adversaries_of(arrays, v) for v in sides}
    pairs = tuple((a, v) for v in sides for a in against[v])
    ex = exchange(arrays, pairs=pairs)
    return {k: least_arriving(ex, k) for k in sides}
