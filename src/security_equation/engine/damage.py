"""Value damage and the Kent & Thaler cost of an exchange."""

from __future__ import annotations

import numpy as np

from security_equation.engine import constants

LN5 = float(np.log(1.0 / (1.0 - constants.W80_DAMAGE)))


def damage_fraction(arriving_warheads, w80):
    """Default damage curve ``D(w) = 1 − exp(−w · ln 5 / w80)`` (DESIGN §1.5)."""
    w = np.asarray(arriving_warheads, dtype=float)
    return -np.expm1(-w * (LN5 / np.asarray(w80, dtype=float)))


def tabulated_damage(arriving_warheads, table_warheads, table_damage):
    """A tabulated damage curve, linear between points and flat beyond the last."""
    return np.interp(np.asarray(arriving_warheads, dtype=float), table_warheads, table_damage)


def _uniform(values):
    """A scalar when every batch member has the same value (NumPy's power is much faster
    with a scalar exponent); the array otherwise."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim and arr.size and (arr == arr.flat[0]).all():
        return float(arr.flat[0])
    return arr


def cost(
    own_damage, enemy_damage, *, exponent=constants.COST_EXPONENT, enemy_weight=constants.COST_ENEMY_WEIGHT
):
    """Kent & Thaler cost ``C = D_own^a + w · (1 − D_enemy^a)`` (R-3765 App. C, p. 61)."""
    own = np.asarray(own_damage, dtype=float)
    enemy = np.asarray(enemy_damage, dtype=float)
    return own**exponent + enemy_weight * (1.0 - enemy**exponent)


def cost_pair(
    damage_a, damage_b, *, exponent=constants.COST_EXPONENT, enemy_weight=constants.COST_ENEMY_WEIGHT
):
    """Both sides' costs of one outcome, ``(C_a, C_b)``, sharing the powers."""
    exponent = _uniform(exponent)
    pa = np.asarray(damage_a, dtype=float) ** exponent
    pb = np.asarray(damage_b, dtype=float) ** exponent
    return pa + enemy_weight * (1.0 - pb), pb + enemy_weight * (1.0 - pa)
