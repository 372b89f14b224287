"""Stability indices on top of the exchange (docs/model.md "Stability"; Kent & Thaler, RAND R-3765)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from security_equation.engine.exchange import Exchange


def cost_ratio(c1, c2):
    """The uncapped ratio ``C1/C2`` behind ``r`` (docs/model.md "Stability"): above 1,
    striking first costs that many times more than being struck first. Both costs zero
    (nothing at stake) counts as 1; ``C2 = 0 < C1`` (being struck first costs nothing) is
    ``inf``."""
    c1 = np.asarray(c1, dtype=float)
    c2 = np.asarray(c2, dtype=float)
    ratio = np.divide(c1, c2, out=np.ones(np.broadcast(c1, c2).shape), where=c2 > 0)
    return np.where(~(c2 > 0) & (c1 > 0), np.inf, ratio)


def break_even(c1, c2):
    """``r = min(1, C1/C2)`` (Kent & Thaler, RAND R-3765): the probability of enemy attack
    above which striking first looks better (1 means never); the ratio is
    :func:`cost_ratio`."""
    return np.minimum(1.0, cost_ratio(c1, c2))


def first_strike_stability(r_a, r_b):
    """``FSI = r_A · r_B``: the area of the 'both sides wait' square (R-3765 pp. 26, 29)."""
    return np.asarray(r_a, dtype=float) * np.asarray(r_b, dtype=float)


def schelling(d_enemy_first, d_enemy_second, d_own_first, d_own_second):
    """Schelling's measure ``(D1 − D2)·(d1 − d2)``: damage each side does striking first
    minus striking second, multiplied; large when both gain much by going first."""
    return (np.asarray(d_enemy_first) - d_enemy_second) * (np.asarray(d_own_first) - d_own_second)


@dataclass
class Stability:
    """Stability of every pair of sides, arrays of shape (batch,).

    ``c1``, ``c2``, ``r`` and ``c1_over_c2`` (the uncapped ratio behind ``r``) are keyed by
    ``(side, adversary)``; ``fsi`` and ``schelling`` by the unordered pair ``(i, j)`` with
    ``i < j``."""

    pairs: tuple[tuple[int, int], ...]
    c1: dict[tuple[int, int], np.ndarray]
    c2: dict[tuple[int, int], np.ndarray]
    r: dict[tuple[int, int], np.ndarray]
    fsi: dict[tuple[int, int], np.ndarray]
    schelling: dict[tuple[int, int], np.ndarray]
    c1_over_c2: dict[tuple[int, int], np.ndarray]


def stability(ex: Exchange) -> Stability:
    """``r`` of each side against each adversary it can strike and be struck by, and the
    index and Schelling measure of each pair of sides."""
    c1, c2, ratio, r, fsi, sch = {}, {}, {}, {}, {}, {}
    ordered = set(ex.pairs)
    pairs = tuple(sorted({(a, v) for a, v in ordered if a < v and (v, a) in ordered}))
    for i, j in pairs:
        for side, adversary in ((i, j), (j, i)):
            c1[side, adversary] = ex.c1(side, adversary)
            c2[side, adversary] = ex.c2(side, adversary)
            ratio[side, adversary] = cost_ratio(c1[side, adversary], c2[side, adversary])
            r[side, adversary] = break_even(c1[side, adversary], c2[side, adversary])
        i_first, j_first = ex.strike(i, j), ex.strike(j, i)
        fsi[i, j] = first_strike_stability(r[i, j], r[j, i])
        # Damage i does to j striking first vs. in retaliation, and vice versa.
        sch[i, j] = schelling(
            i_first.damage_victim, j_first.damage_attacker, j_first.damage_victim, i_first.damage_attacker
        )
    return Stability(pairs, c1, c2, r, fsi, sch, ratio)


#: Per-side metrics of the standard set, in output order: X's break-even probability, the
#: uncapped ratio C1/C2 behind it and the costs against an adversary, and what X keeps
#: after that adversary's first strike.
SIDE_METRICS = ("r", "c1_over_c2", "c1", "c2", "surviving_warheads", "arriving_warheads", "share_destroyed")
#: Metrics of a pair of sides, in output order.
PAIR_METRICS = ("fsi", "schelling")


@dataclass
class Headline:
    """The standard metric set of a batch, arrays of shape (batch,): each of
    :data:`SIDE_METRICS` keyed by ``(side, adversary)`` (``side`` against, or struck
    first by, ``adversary``) and each of :data:`PAIR_METRICS` by the unordered pair."""

    side_names: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]
    side: dict[str, dict[tuple[int, int], np.ndarray]]
    pair: dict[str, dict[tuple[int, int], np.ndarray]]

    def flat(self) -> dict[str, np.ndarray]:
        """One array per metric name (see :func:`metric_names`)."""
        out = {}
        for metric in PAIR_METRICS:
            for i, j in self.pairs:
                out[_pair_name(metric, self.side_names, i, j)] = self.pair[metric][i, j]
        for side, adversary in sorted(self.side["r"]):
            for metric in SIDE_METRICS:
                out[_side_name(metric, self.side_names, side, adversary)] = self.side[metric][side, adversary]
        return out


def _pair_name(metric: str, names: tuple[str, ...], i: int, j: int) -> str:
    return metric if len(names) == 2 else f"{metric}[{names[i]},{names[j]}]"


def _side_name(metric: str, names: tuple[str, ...], side: int, adversary: int) -> str:
    tag = "" if len(names) == 2 else f"[{names[adversary]}]"
    return f"{names[side]}.{metric}{tag}"


def metric_names(side_names: tuple[str, ...]) -> tuple[str, ...]:
    """Names of the standard metric set, in output order. For two sides: ``fsi``,
    ``schelling`` and per side X ``X.r``, ``X.c1_over_c2``, ``X.c1``, … (X against, or
    struck first by, the other). With more sides each name carries its pair:
    ``fsi[A,B]``, ``A.r[B]``."""
    n = len(side_names)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    ordered = sorted((s, a) for s in range(n) for a in range(n) if s != a)
    return (
        *(_pair_name(m, side_names, i, j) for m in PAIR_METRICS for i, j in pairs),
        *(_side_name(m, side_names, s, a) for s, a in ordered for m in SIDE_METRICS),
    )


def headline(ex: Exchange, st: Stability) -> Headline:
    """The standard metric set of an exchange and its stability."""
    side: dict[str, dict] = {m: {} for m in SIDE_METRICS}
    for key in st.r:
        own, adversary = key
        hit = ex.strike(adversary, own)  # this side struck first by the adversary
        side["r"][key], side["c1"][key], side["c2"][key] = st.r[key], st.c1[key], st.c2[key]
        side["c1_over_c2"][key] = st.c1_over_c2[key]
        side["surviving_warheads"][key] = hit.victim_survivors
        side["arriving_warheads"][key] = hit.arriving_retaliation
        side["share_destroyed"][key] = hit.share_destroyed
    pair = {"fsi": dict(st.fsi), "schelling": dict(st.schelling)}
    return Headline(tuple(ex.side_names), st.pairs, side, pair)


def headline_metrics(ex: Exchange, st: Stability) -> dict[str, np.ndarray]:
    """The standard metric set as one float array of shape (batch,) per name, in the
    order of :func:`metric_names`."""
    return {k: np.asarray(v, dtype=float) for k, v in headline(ex, st).flat().items()}
