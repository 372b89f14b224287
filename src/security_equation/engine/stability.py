"""Stability indices on top of the exchange (DESIGN §1.7, Kent & Thaler R-3765)."""

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
    """Per-side ``r`` and the index, arrays of shape (batch,)."""

    c1: tuple[np.ndarray, np.ndarray]
    c2: tuple[np.ndarray, np.ndarray]
    r: tuple[np.ndarray, np.ndarray]
    fsi: np.ndarray
    schelling: np.ndarray


def stability(ex: Exchange) -> Stability:
    c1 = (ex.c1(0), ex.c1(1))
    c2 = (ex.c2(0), ex.c2(1))
    r = (break_even(c1[0], c2[0]), break_even(c1[1], c2[1]))
    a_first, b_first = ex.strikes
    # Damage side 0 does to side 1 striking first vs. in retaliation, and vice versa.
    sch = schelling(
        a_first.damage_victim, b_first.damage_attacker, b_first.damage_victim, a_first.damage_attacker
    )
    return Stability(c1, c2, r, first_strike_stability(*r), sch)
