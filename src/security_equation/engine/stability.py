"""Stability indices on top of the exchange (docs/model.md "Stability"; Kent & Thaler, RAND R-3765)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from security_equation.engine.exchange import Exchange


def break_even(c1, c2):
    """``r = min(1, C1/C2)``: the probability of enemy attack above which striking first
    looks better (1 means never). Both costs zero (nothing at stake) counts as 1."""
    c1 = np.asarray(c1, dtype=float)
    c2 = np.asarray(c2, dtype=float)
    ratio = np.divide(c1, c2, out=np.ones(np.broadcast(c1, c2).shape), where=c2 > 0)
    return np.minimum(1.0, ratio)


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

    ``c1``, ``c2`` and ``r`` are keyed by ``(side, adversary)``; ``fsi`` and ``schelling``
    by the unordered pair ``(i, j)`` with ``i < j``."""

    pairs: tuple[tuple[int, int], ...]
    c1: dict[tuple[int, int], np.ndarray]
    c2: dict[tuple[int, int], np.ndarray]
    r: dict[tuple[int, int], np.ndarray]
    fsi: dict[tuple[int, int], np.ndarray]
    schelling: dict[tuple[int, int], np.ndarray]


def stability(ex: Exchange) -> Stability:
    """``r`` of each side against each adversary it can strike and be struck by, and the
    index and Schelling measure of each pair of sides."""
    c1, c2, r, fsi, sch = {}, {}, {}, {}, {}
    ordered = set(ex.pairs)
    pairs = tuple(sorted({(a, v) for a, v in ordered if a < v and (v, a) in ordered}))
    for i, j in pairs:
        for side, adversary in ((i, j), (j, i)):
            c1[side, adversary] = ex.c1(side, adversary)
            c2[side, adversary] = ex.c2(side, adversary)
            r[side, adversary] = break_even(c1[side, adversary], c2[side, adversary])
        i_first, j_first = ex.strike(i, j), ex.strike(j, i)
        fsi[i, j] = first_strike_stability(r[i, j], r[j, i])
        # Damage i does to j striking first vs. in retaliation, and vice versa.
        sch[i, j] = schelling(
            i_first.damage_victim, j_first.damage_attacker, j_first.damage_victim, i_first.damage_attacker
        )
    return Stability(pairs, c1, c2, r, fsi, sch)


def headline_metrics(ex: Exchange, st: Stability) -> dict[str, np.ndarray]:
    """The standard metric set of a batch, one array of shape (batch,) per name.

    For two sides the names are ``fsi``, ``schelling`` and per side X ``X.r``, ``X.c1``,
    ``X.c2``, ``X.surviving_warheads``, ``X.arriving_warheads``, ``X.share_destroyed``
    (X absorbing the other side's first strike). With more sides each name carries the
    pair: ``fsi[A,B]``, ``A.r[B]`` (A against B), ``A.surviving_warheads[B]`` (A struck
    by B)."""
    names = ex.side_names
    two = len(names) == 2
    out: dict[str, np.ndarray] = {}
    for i, j in st.pairs:
        tag = "" if two else f"[{names[i]},{names[j]}]"
        out[f"fsi{tag}"] = st.fsi[i, j]
        out[f"schelling{tag}"] = st.schelling[i, j]
    for side, adversary in sorted(st.r):
        tag = "" if two else f"[{names[adversary]}]"
        hit = ex.strike(adversary, side)  # this side struck first by the adversary
        prefix = names[side]
        out[f"{prefix}.r{tag}"] = st.r[side, adversary]
        out[f"{prefix}.c1{tag}"] = st.c1[side, adversary]
        out[f"{prefix}.c2{tag}"] = st.c2[side, adversary]
        out[f"{prefix}.surviving_warheads{tag}"] = hit.victim_survivors
        out[f"{prefix}.arriving_warheads{tag}"] = hit.arriving_retaliation
        out[f"{prefix}.share_destroyed{tag}"] = hit.share_destroyed
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}
