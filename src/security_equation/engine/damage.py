"""Value damage and the Kent & Thaler cost of an exchange (docs/model.md, "Value damage"
and "First strike and retaliation", step 6).

The exchange engine evaluates damage and cost only through these functions
(``exchange._Target.damage``, ``exchange._Strike``); ``out=`` and ``overwrite=`` let it
do so without extra temporaries.
"""

from __future__ import annotations

import numpy as np

from security_equation.engine import constants
from security_equation.engine.ufunc import result_array, returned, uniform

LN5 = float(np.log(1.0 / (1.0 - constants.W80_DAMAGE)))


def damage_fraction(arriving_warheads, w80, *, out=None):
    """Default damage curve ``D(w) = 1 − exp(−w · ln 5 / w80)``: ``w80`` arriving warheads
    destroy 80 % of the countervalue target base (docs/model.md, "Value damage").
    ``out`` may be ``arriving_warheads`` itself."""
    w = np.asarray(arriving_warheads, dtype=float)
    scale = -(LN5 / np.asarray(w80, dtype=float))
    d = np.multiply(w, scale, out=result_array(out, w, scale))
    np.expm1(d, out=d)
    np.negative(d, out=d)
    return returned(d, out)


def tabulated_damage(arriving_warheads, table_warheads, table_damage):
    """A tabulated damage curve, linear between points and flat beyond the last."""
    return np.interp(np.asarray(arriving_warheads, dtype=float), table_warheads, table_damage)


def _powers(damage_a, damage_b, exponent, overwrite):
    """``(D_a^e, D_b^e)``, in the damage arrays themselves when ``overwrite``."""
    exponent = uniform(exponent)
    if overwrite:
        return np.power(damage_a, exponent, out=damage_a), np.power(damage_b, exponent, out=damage_b)
    return np.power(damage_a, exponent), np.power(damage_b, exponent)


def _cost_of_powers(own_power, enemy_power, enemy_weight, out=None):
    """``D_own^a + w · (1 − D_enemy^a)`` from the two powers: the one place the cost is formed."""
    c = np.subtract(1.0, enemy_power, out=result_array(out, own_power, enemy_power, enemy_weight))
    c *= enemy_weight
    c += own_power
    return c


def cost(
    own_damage,
    enemy_damage,
    *,
    exponent=constants.COST_EXPONENT,
    enemy_weight=constants.COST_ENEMY_WEIGHT,
    overwrite=False,
):
    """Kent & Thaler cost ``C = D_own^a + w · (1 − D_enemy^a)`` (RAND R-3765, 1989,
    App. C, p. 61). With ``overwrite`` (arrays only) the damage arrays are overwritten."""
    own, enemy = _powers(own_damage, enemy_damage, exponent, overwrite)
    return returned(_cost_of_powers(own, enemy, enemy_weight), None)


def cost_pair(
    damage_a,
    damage_b,
    *,
    exponent=constants.COST_EXPONENT,
    enemy_weight=constants.COST_ENEMY_WEIGHT,
    overwrite=False,
):
    """Both sides' costs of one outcome, ``(C_a, C_b)`` as :func:`cost` gives them,
    sharing the powers. With ``overwrite`` (arrays only) the damage arrays are
    overwritten and ``C_b`` is returned in ``damage_a``'s memory."""
    pa, pb = _powers(damage_a, damage_b, exponent, overwrite)
    c_a = _cost_of_powers(pa, pb, enemy_weight)
    c_b = _cost_of_powers(pb, pa, enemy_weight, out=pa if overwrite else None)
    return returned(c_a, None), returned(c_b, None)
