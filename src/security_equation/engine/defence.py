"""Missile and air defence against arriving warheads (docs/model.md, "Defences").

All public functions accept NumPy arrays (or scalars) and broadcast. One kernel,
:func:`layer_leakers`, evaluates the finite-inventory formula; the single-layer formula,
:func:`expected_leakers`, :func:`leak_through_layers` and the exchange engine all go
through it, and :func:`all_stopped_probability` shares its even split.
"""

from __future__ import annotations

import numpy as np

from security_equation.engine.ufunc import returned

#: Where no warhead comes, ``N/m`` is inf or nan; the kernel cleans that up.
_ERRSTATE = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}


def layer_stop_probability(shots, kill_probability, system_reliability):
    """Chance one layer stops a warhead it engages with ``shots`` interceptors:
    ``T · (1 − (1 − k)^n)`` (docs/model.md, "Defences").

    One warhead met by ``n`` interceptors is the finite-inventory case ``m = 1, N = n``,
    so this is ``1 −`` :func:`layer_leakers` of one warhead: the layer formula and the
    inventory formula the engine uses are one code path. A fractional ``n`` is read as
    that inventory spread evenly: the warhead gets ``⌈n⌉`` shots with probability
    ``n − ⌊n⌋`` and ``⌊n⌋`` otherwise.
    """
    n, k, t = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (shots, kill_probability, system_reliability))
    )
    shape = n.shape
    n, k, t = (x.reshape(-1) for x in (n, k, t))
    with np.errstate(**_ERRSTATE):
        leaked = layer_leakers(np.ones(n.shape), n, 1.0 - k, k, t, None)
    return returned(np.subtract(1.0, leaked, out=leaked).reshape(shape), None)


def _even_split(interceptors, warheads, cap=None):
    """N interceptors spread over m warheads as evenly as possible, at most ``cap`` each
    (None: no cap): ``(low, high)`` where ``m − high`` warheads get ``low = ⌊N/m⌋`` shots
    and ``high = N mod m`` get ``low + 1`` (continuous in m). Where the cap binds every
    warhead gets ``low = cap`` and ``high = 0``.

    ``interceptors`` and ``warheads`` are arrays (not 0-d). Call inside
    ``np.errstate(invalid="ignore", divide="ignore", over="ignore")``: where ``m`` is 0,
    ``N/m`` is inf or nan; then ``low`` is inf and ``high`` 0.
    """
    low = np.divide(interceptors, warheads)
    np.floor(low, out=low)
    # n − ⌊n/m⌋·m lies in [0, m) up to rounding; clamp the rounding only. ``fmax`` also
    # turns the nan of inf − inf (a vanishing m) into 0: no warhead gets an extra shot.
    high = np.multiply(low, warheads)
    np.subtract(interceptors, high, out=high)
    np.fmax(high, 0.0, out=high)
    np.fmin(high, warheads, out=high)
    if cap is not None:
        np.copyto(high, 0.0, where=low >= cap)
        np.fmin(low, cap, out=low)
    else:
        np.fmin(low, np.inf, out=low)  # nan (no warheads, no interceptors) -> inf
    return low, high


def all_stopped_probability(interceptors, warheads, kill_probability):
    """Probability that all m warheads are stopped by N interceptors spread evenly:
    ``[1−(1−k)^⌊N/m⌋]^(m − N mod m) · [1−(1−k)^⌈N/m⌉]^(N mod m)`` (docs/model.md,
    "Defences"; the split is the one :func:`layer_leakers` uses)."""
    n, m, k = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (interceptors, warheads, kill_probability))
    )
    shape = m.shape
    n, m, k = (x.reshape(-1) for x in (n, m, k))
    with np.errstate(**_ERRSTATE):
        low, high_count = _even_split(n, m)
        q = 1.0 - k
        p_low = 1.0 - q**low
        p_high = 1.0 - q ** (low + 1.0)
        result = p_low ** (m - high_count) * p_high**high_count
    return returned(np.where(m > 0, result, 1.0).reshape(shape), None)


def layer_leakers(m, n, q, k, t, cap):
    """Expected leakers through one layer with a finite inventory, for ``m >= 0``
    warheads (0 where ``m`` is 0): the finite-inventory formula of docs/model.md,
    "Defences", in the form the engine evaluates it.

    ``N = n`` interceptors are spread evenly (:func:`_even_split`); a warhead met by
    ``s`` shots leaks with ``1 − t·(1 − q^s)``, so the layer leaks
    ``(m − high)·(1 − t·(1 − q^low)) + high·(1 − t·(1 − q^(low+1)))``, fused into few
    passes as ``m − t·(m − q^low·(m − high·k))`` (exactly ``m`` when no interceptor
    fires: ``t = 0`` or ``q^low = 1, high = 0``).

    ``m`` is an array; ``n, q = 1 − k, k, t, cap`` broadcast against it; ``cap`` is None
    when no salvo limit applies. Call inside ``np.errstate(invalid="ignore",
    divide="ignore", over="ignore")``.
    """
    low, high = _even_split(n, m, cap)
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
    m = np.asarray(warheads, dtype=float)
    n, k, t, cap = (
        np.asarray(x, dtype=float)
        for x in (interceptors, kill_probability, system_reliability, shots_per_warhead)
    )
    shape = np.broadcast(m, n, k, t, cap).shape
    positive = m > 0
    with np.errstate(**_ERRSTATE):
        # The kernel broadcasts the rest against m; it needs m as an array of at least 1-D.
        leaked = layer_leakers(np.where(positive, m, 0.0).reshape(m.shape or (1,)), n, 1.0 - k, k, t, cap)
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
