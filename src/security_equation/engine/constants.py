"""Constants from the literature, each with its citation, in one place.

Scenario ``settings`` default to these values; a scenario may override any of
them (they are parameters, not truths).
"""

from __future__ import annotations

#: Metres in one nautical mile.
METRES_PER_NMI = 1852.0

#: Lethal radius constant, nmi per Mt^(1/3) at 1 psi. Classic open-literature
#: form, as in the public calculator jimjkelly/missile-defense (validation.md).
LETHAL_RADIUS_NMI = 2.62
#: Exponent on yield (Mt) and on hardness (psi) in the lethal radius.
LETHAL_RADIUS_EXPONENT = 1.0 / 3.0

#: Kent & Thaler (RAND R-3765, 1989), App. C p. 61: C = D_own^a + w (1 - D_enemy^a).
COST_EXPONENT = 0.75
COST_ENEMY_WEIGHT = 0.3

#: R-3765 p. 34: the attacker can use all its fixed forces and 90 % of its
#: survivable forces in a first strike.
ATTACKER_SURVIVABLE_AVAILABLE = 0.9

#: Default damage curve D(w) = 1 - exp(-w ln5 / w80): w80 warheads destroy 80 %.
W80_DAMAGE = 0.8

#: R-3765 p. 35: launch under attack lets 90 % of the fixed force escape.
LAUNCH_UNDER_ATTACK_KT = 0.9

#: Target categories of a delivery system, in the order of the engine's per-category
#: arrays (``SideArrays.kill_given``). The scenario schema takes its list from here.
CATEGORIES: tuple[str, ...] = (
    "icbm_silo",
    "icbm_mobile",
    "slbm",
    "bomber",
    "cruise_missile",
    "conventional_strike",
)
