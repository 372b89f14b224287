"""Weapon effects: lethal radius, single-shot kill probability, repeated shots
(docs/model.md, "Weapon effects").

All functions accept NumPy arrays (or scalars) and broadcast. ``lethal_radius_m``,
``sspk`` and ``terminal_kill_probability`` also take ``out=``, an array of the broadcast
shape to write into: the exchange engine computes its whole kill matrix that way
(``exchange._kill_options``), so these functions are the one code path for the three
formulas.
"""

from __future__ import annotations

import numpy as np

from security_equation.engine import constants
from security_equation.engine.ufunc import result_array, returned

# ---------------------------------------------------------------- lethal radius, SSPK


def lethal_radius_m(
    yield_kt,
    hardness_psi,
    *,
    constant_nmi=constants.LETHAL_RADIUS_NMI,
    exponent=constants.LETHAL_RADIUS_EXPONENT,
    out=None,
):
    """Lethal radius in metres against a target of the given hardness.

    ``LR = constant_nmi · Y_Mt^exponent / H_psi^exponent`` in metres (docs/model.md,
    "Weapon effects"; 2.62 nmi · Y^(1/3) / H^(1/3) in the open literature).
    """
    yield_mt = np.asarray(yield_kt, dtype=float) / 1000.0
    scaled = constant_nmi * constants.METRES_PER_NMI * yield_mt**exponent
    hardness = np.asarray(hardness_psi, dtype=float) ** exponent
    radius = np.divide(scaled, hardness, out=result_array(out, scaled, hardness))
    return returned(radius, out)


def sspk(
    yield_kt,
    cep_m,
    hardness_psi,
    *,
    constant_nmi=constants.LETHAL_RADIUS_NMI,
    exponent=constants.LETHAL_RADIUS_EXPONENT,
    out=None,
):
    """Single-shot kill probability ``1 − 0.5^((LR/CEP)²)`` of one reliable warhead,
    computed as ``1 − 2^−(LR/CEP)²``."""
    cep = np.asarray(cep_m, dtype=float)
    p = result_array(out, yield_kt, cep, hardness_psi, constant_nmi, exponent)
    lethal_radius_m(yield_kt, hardness_psi, constant_nmi=constant_nmi, exponent=exponent, out=p)
    p /= cep
    np.multiply(p, p, out=p)
    np.negative(p, out=p)
    np.exp2(p, out=p)
    np.subtract(1.0, p, out=p)
    return returned(p, out)


def terminal_kill_probability(yield_kt, cep_m, hardness_psi, reliability, *, out=None, **kwargs):
    """``R · SSPK``: the chance that one warhead fired at the target destroys it.
    ``kwargs`` are the lethal-radius ``constant_nmi`` and ``exponent``."""
    rel = np.asarray(reliability, dtype=float)
    p = result_array(out, yield_kt, cep_m, hardness_psi, rel, *kwargs.values())
    sspk(yield_kt, cep_m, hardness_psi, out=p, **kwargs)
    p *= rel
    return returned(p, out)


# ---------------------------------------------------------------- repeated shots


def repeated_shots(kill_probability, shots):
    """Kill probability of ``shots`` independent shots: ``1 − (1 − p)^n``.

    The exchange engine does not evaluate this power: it carries each target class's
    survival ``S`` and adds ``S·p`` per layer (so that different weapons can share a
    class); for one weapon type, ``n`` full layers kill ``repeated_shots(p, n)`` of it, to rounding
    (``tests/engine/test_formulas_in_engine.py``)."""
    return 1.0 - (1.0 - np.asarray(kill_probability, dtype=float)) ** np.asarray(shots, dtype=float)


def added_kill(kill_probability, shot_number):
    """Kill added by the k-th warhead on a target: ``(1 − p)^(k−1) · p`` (Kent & Thaler,
    RAND R-3765, 1989)."""
    p = np.asarray(kill_probability, dtype=float)
    return (1.0 - p) ** (np.asarray(shot_number, dtype=float) - 1.0) * p
