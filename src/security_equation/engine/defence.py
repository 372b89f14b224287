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


def expected_leakers(warheads, interceptors, kill_probability, system_reliability=1.0,
                     shots_per_warhead=np.inf):
    """Expected warheads that get through one layer with a finite inventory.

    Interceptors are spread evenly over the warheads, at most ``shots_per_warhead`` each.
    A small (ragged) attack meets full salvos; a large one thins them out.
    """
    m = np.asarray(warheads, dtype=float)
    low, high_count = _even_split(interceptors, m)
    cap = np.asarray(shots_per_warhead, dtype=float)
    capped = low >= cap
    low = np.minimum(low, cap)
    high_count = np.where(capped, 0.0, high_count)
    q = 1.0 - np.asarray(kill_probability, dtype=float)
    t = np.asarray(system_reliability, dtype=float)
    q_low = q**low
    leak_low = 1.0 - t * (1.0 - q_low)
    leak_high = 1.0 - t * (1.0 - q_low * q)
    leaked = (m - high_count) * leak_low + high_count * leak_high
    return np.where(m > 0, leaked, 0.0)


def leak_through_layers(warheads, interceptors, kill_probability, system_reliability,
                        shots_per_warhead):
    """Warheads leaking through successive layers (last axis of the layer arrays).

    ``warheads`` has the batch shape; each layer array has shape ``batch + (layers,)``.
    """
    leaked = np.asarray(warheads, dtype=float)
    interceptors = np.asarray(interceptors, dtype=float)
    for layer in range(interceptors.shape[-1]):
        leaked = expected_leakers(
            leaked, interceptors[..., layer], kill_probability[..., layer],
            system_reliability[..., layer], shots_per_warhead[..., layer])
    return leaked
