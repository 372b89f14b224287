"""Value damage and the Kent & Thaler cost of an exchange."""

from __future__ import annotations

import numpy as np

from security_equation import constants

LN5 = float(np.log(1.0 / (1.0 - constants.W80_DAMAGE)))


def damage_fraction(arriving_warheads, w80):
    """Default damage curve ``D(w) = 1 − exp(−w · ln 5 / w80)`` (DESIGN §1.5)."""
    w = np.asarray(arriving_warheads, dtype=float)
    return -np.expm1(-w * (LN5 / np.asarray(w80, dtype=float)))


def tabulated_damage(arriving_warheads, table_warheads, table_damage):
    """A tabulated damage curve, linear between points and flat beyond the last."""
    return np.interp(np.asarray(arriving_warheads, dtype=float), table_warheads, table_damage)


def cost(own_damage, enemy_damage, *, exponent=constants.COST_EXPONENT,
         enemy_weight=constants.COST_ENEMY_WEIGHT):
    """Kent & Thaler cost ``C = D_own^a + w · (1 − D_enemy^a)`` (R-3765 App. C, p. 61)."""
    own = np.asarray(own_damage, dtype=float)
    enemy = np.asarray(enemy_damage, dtype=float)
    return own**exponent + enemy_weight * (1.0 - enemy**exponent)
