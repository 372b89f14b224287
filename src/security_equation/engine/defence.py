"""Missile and air defence against arriving warheads.

All functions accept NumPy arrays (or scalars) and broadcast.
"""

from __future__ import annotations

import numpy as np


def layer_stop_probability(shots, kill_probability, system_reliability):
    """Chance one layer stops a warhead it engages with ``shots`` interceptors:
    ``T · (1 − (1 − k)^n)`` (DESIGN §1.4)."""
    k = np.asarray(kill_probability, dtype=float)
    return np.asarray(system_reliability, dtype=float) * (1.0 - (1.0 - k) ** np.asarray(shots, dtype=float))


def _even_split(interceptors, warheads):
    """Shots per warhead when N interceptors are spread over m warheads as evenly as possible:
    ``m − r`` warheads get ⌊N/m⌋ and ``r = N mod m`` get ⌈N/m⌉ (continuous in m)."""
    n = np.asarray(interceptors, dtype=float)
    m = np.asarray(warheads, dtype=float)
    safe_m = np.where(m > 0, m, 1.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        low = np.floor(n / safe_m)  # a vanishing m gives ⌊N/m⌋ = inf
        # n − ⌊n/m⌋·m lies in [0, m) up to rounding; clamp the rounding only.
        remainder = np.minimum(np.maximum(n - low * safe_m, 0.0), safe_m)
    # inf − inf is nan where m vanishes: no warhead there gets an extra shot.
    return low, np.where(np.isnan(remainder), 0.0, remainder)


def all_stopped_probability(interceptors, warheads, kill_probability):
    """Probability that all m warheads are stopped by N interceptors spread evenly:
    ``[1−(1−k)^⌊N/m⌋]^(m − N mod m) · [1−(1−k)^⌈N/m⌉]^(N mod m)`` (DESIGN §1.4)."""
    m = np.asarray(warheads, dtype=float)
    low, high_count = _even_split(interceptors, m)
    q = 1.0 - np.asarray(kill_probability, dtype=float)
    p_low = 1.0 - q**low
    p_high = 1.0 - q ** (low + 1.0)
    result = p_low ** (m - high_count) * p_high**high_count
    return np.where(m > 0, result, 1.0)


def _leak_nonnegative(m, n, q, k, t, cap):
    """Expected leakers through one layer for ``m >= 0`` warheads (0 where ``m`` is 0),
    fused into few passes: ``m − t·(m − q^low·(m − high·k))``, which is
    ``(m − high)·(1 − t·(1 − q^low)) + high·(1 − t·(1 − q^(low+1)))`` rearranged (and
    exactly ``m`` when no interceptor fires: ``t = 0`` or ``q^low = 1, high = 0``).

    ``n, q = 1 − k, k, t, cap`` broadcast against ``m``; ``cap`` is None when no
    salvo limit applies. Call inside ``np.errstate(invalid="ignore", divide="ignore",
    over="ignore")``: where ``m`` is 0, ``n/m`` is inf or nan and is cleaned up here.
    """
    low = np.divide(n, m)
    np.floor(low, out=low)
    # n − ⌊n/m⌋·m lies in [0, m) up to rounding; clamp the rounding only. ``fmax`` also
    # turns the nan of inf − inf (a vanishing m) into 0: no warhead gets an extra shot.
    high = np.multiply(low, m)
    np.subtract(n, high, out=high)
    np.fmax(high, 0.0, out=high)
    np.fmin(high, m, out=high)
    if cap is not None:
        np.copyto(high, 0.0, where=low >= cap)
        np.fmin(low, cap, out=low)
    else:
        np.fmin(low, np.inf, out=low)  # nan (no warheads, no interceptors) -> inf
    np.power(q, low, out=low)
    high *= k
    np.subtract(m, high, out=high)
    high *= low
    np.subtract(m, high, out=high)
    high *= t
    return np.subtract(m, high, out=high)


def expected_leakers(
    warheads, interceptors, kill_probability, system_reliability=1.0, shots_per_warhead=np.inf
):
    """Expected warheads that get through one layer with a finite inventory.

    Interceptors are spread evenly over the warheads, at most ``shots_per_warhead`` each.
    A small (ragged) attack meets full salvos; a large one thins them out.
    """
    m, n, k, t, cap = (
        x.reshape(-1)
        for x in np.broadcast_arrays(
            *(
                np.asarray(x, dtype=float)
                for x in (warheads, interceptors, kill_probability, system_reliability, shots_per_warhead)
            )
        )
    )
    shape = np.broadcast_shapes(
        *(
            np.shape(x)
            for x in (warheads, interceptors, kill_probability, system_reliability, shots_per_warhead)
        )
    )
    positive = m > 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        leaked = _leak_nonnegative(np.where(positive, m, 0.0), n, 1.0 - k, k, t, cap)
    return np.where(positive, leaked, 0.0).reshape(shape)


def leak_through_layers(warheads, interceptors, kill_probability, system_reliability, shots_per_warhead):
    """Warheads leaking through successive layers (last axis of the layer arrays).

    ``warheads`` has the batch shape; each layer array has shape ``batch + (layers,)``.
    """
    leaked = np.asarray(warheads, dtype=float)
    interceptors = np.asarray(interceptors, dtype=float)
    for layer in range(interceptors.shape[-1]):
        leaked = expected_leakers(
            leaked,
            interceptors[..., layer],
            kill_probability[..., layer],
            system_reliability[..., layer],
            shots_per_warhead[..., layer],
        )
    return leaked
