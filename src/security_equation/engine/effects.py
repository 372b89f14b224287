"""Weapon effects: lethal radius, single-shot kill probability, repeated shots.

All functions accept NumPy arrays (or scalars) and broadcast.
"""

from __future__ import annotations

import numpy as np

from security_equation.engine import constants


def lethal_radius_m(
    yield_kt,
    hardness_psi,
    *,
    constant_nmi=constants.LETHAL_RADIUS_NMI,
    exponent=constants.LETHAL_RADIUS_EXPONENT,
):
    """Lethal radius in metres against a target of the given hardness.

    ``LR = constant_nmi · Y_Mt^exponent / H_psi^exponent`` (DESIGN §1.3), in metres.
    """
    yield_mt = np.asarray(yield_kt, dtype=float) / 1000.0
    hardness = np.asarray(hardness_psi, dtype=float)
    return constant_nmi * constants.METRES_PER_NMI * yield_mt**exponent / hardness**exponent


def sspk(
    yield_kt,
    cep_m,
    hardness_psi,
    *,
    constant_nmi=constants.LETHAL_RADIUS_NMI,
    exponent=constants.LETHAL_RADIUS_EXPONENT,
):
    """Single-shot kill probability ``1 − 0.5^((LR/CEP)^2)`` of one reliable warhead."""
    radius = lethal_radius_m(yield_kt, hardness_psi, constant_nmi=constant_nmi, exponent=exponent)
    ratio = radius / np.asarray(cep_m, dtype=float)
    return 1.0 - 0.5 ** (ratio * ratio)


def terminal_kill_probability(yield_kt, cep_m, hardness_psi, reliability, **kwargs):
    """``R · SSPK``: the chance that one warhead fired at the target destroys it."""
    return np.asarray(reliability, dtype=float) * sspk(yield_kt, cep_m, hardness_psi, **kwargs)


def repeated_shots(kill_probability, shots):
    """Kill probability of ``shots`` independent shots: ``1 − (1 − p)^n``."""
    return 1.0 - (1.0 - np.asarray(kill_probability, dtype=float)) ** np.asarray(shots, dtype=float)


def added_kill(kill_probability, shot_number):
    """Kill added by the k-th warhead on a target: ``(1 − p)^(k−1) · p`` (R-3765 §1.6)."""
    p = np.asarray(kill_probability, dtype=float)
    return (1.0 - p) ** (np.asarray(shot_number, dtype=float) - 1.0) * p
