"""Missile and air defence against arriving warheads (docs/model.md, "Defences").

All public functions accept NumPy arrays (or scalars) and broadcast. One kernel,
:func:`layer_leakers`, evaluates the finite-inventory formula; the single-layer formula,
:func:`expected_leakers`, :func:`leak_through_layers` and the exchange engine all go
through it, and :func:`all_stopped_probability` shares its even split. Decoys
(:func:`objects_per_warhead`, :func:`decoyed_leakers`) and shoot–look–shoot firing
(:func:`shoot_look_shoot_leakers`) apply the same kernel to the objects a layer faces and
to its two salvos; :func:`all_stopped_given_leakers` turns expected leakers into the
chance that none gets through.
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


def objects_per_warhead(decoys_per_warhead, discrimination_probability):
    """Objects a layer cannot tell from warheads, per real warhead: ``1 + d·(1 − q)``
    (docs/model.md, "Defences"): each warhead comes with ``d`` decoys, the layer
    recognises each decoy with probability ``q`` and ignores it, and the rest look like
    warheads."""
    d = np.asarray(decoys_per_warhead, dtype=float)
    q = np.asarray(discrimination_probability, dtype=float)
    return returned(1.0 + d * (1.0 - q), None)


def shoot_look_shoot_leakers(m, n, q, k, t, cap):
    """Expected leakers through one layer firing shoot–look–shoot, in the kernel's form
    (docs/model.md, "Defences"; the two-salvo form of Wilkening, "A Simple Model for
    Calculating Ballistic Missile Defense Effectiveness", Science & Global Security 8
    (1999), with perfect kill assessment).

    The shot allowance ``c`` per warhead splits into a first salvo of ``c1 = ⌈c/2⌉``
    (one when ``c = 1``) and a second of ``c2 = c − c1``. The first salvo spreads
    ``N1 = min(N, c1·m)`` interceptors over the ``m`` warheads (:func:`layer_leakers`); the
    layer looks, and spreads the remaining ``N − N1`` over the expected survivors ``S``,
    at most ``c2`` each. A warhead met by ``n1`` then ``n2`` shots leaks with
    ``(1 − T·(1 − (1−k)^n1))·(1 − T·(1 − (1−k)^n2))``: stopped with
    ``1 − (1 − P1)(1 − P2)``. The survivors are taken at their expected number (exact
    when the remaining inventory gives every survivor its ``c2`` shots). With no salvo
    limit (``cap`` None or infinite) the first salvo is half the inventory.

    Same arguments as :func:`layer_leakers`; call inside the same ``np.errstate``.
    """
    if cap is None:
        cap = np.inf
    cap = np.asarray(cap, dtype=float)
    unlimited = np.isinf(cap)
    first_cap = np.where(unlimited, np.inf, np.maximum(np.ceil(cap / 2.0), 1.0))
    second_cap = np.where(unlimited, np.inf, cap - first_cap)
    # fmin: where m is 0, c1·m is nan (inf · 0) and the first salvo is the inventory.
    first = np.where(unlimited, np.multiply(n, 0.5), np.fmin(n, first_cap * m))
    survivors = layer_leakers(m, first, q, k, t, first_cap)
    return layer_leakers(survivors, np.subtract(n, first), q, k, t, second_cap)


def decoyed_leakers(m, n, q, k, t, cap, objects=None, shoot_look_shoot=None):
    """Expected real warheads leaking through a layer that faces ``objects`` objects per
    warhead (:func:`objects_per_warhead`) and fires a salvo or, where
    ``shoot_look_shoot`` is true, shoot–look–shoot (docs/model.md, "Defences").

    The layer cannot tell the ``M = m·objects`` objects apart, so it spreads its
    inventory over all of them and every object leaks with the same chance: the real
    leakers are ``L(M) · m/M = L(M)/objects``, ``L`` being :func:`layer_leakers` (salvo)
    or :func:`shoot_look_shoot_leakers` on the objects. ``objects`` None is 1 (no
    decoys), ``shoot_look_shoot`` None is a salvo everywhere. Same arguments as
    :func:`layer_leakers`; call inside the same ``np.errstate``.
    """
    faced = m if objects is None else np.multiply(m, objects)
    leaked = layer_leakers(faced, n, q, k, t, cap)
    if shoot_look_shoot is not None and np.any(shoot_look_shoot):
        looked = shoot_look_shoot_leakers(faced, n, q, k, t, cap)
        leaked = np.where(shoot_look_shoot, looked, leaked)
    if objects is not None:
        leaked = np.divide(leaked, objects)
    return leaked


def all_stopped_given_leakers(warheads, leakers):
    """Probability that none of ``m`` warheads gets through when ``L`` are expected to:
    ``(1 − L/m)^m``, 1 where no warhead comes (docs/model.md, "Defences").

    Each warhead is taken to leak independently with the mean probability ``L/m``. For
    one salvo layer whose inventory splits evenly (``N mod m = 0``, no cap, ``T = 1``)
    this is :func:`all_stopped_probability`; with an uneven split it is at most slightly
    higher (the product of the stop probabilities is largest when they are equal).
    """
    m = np.asarray(warheads, dtype=float)
    leaked = np.asarray(leakers, dtype=float)
    positive = m > 0
    with np.errstate(**_ERRSTATE):
        stopped = np.clip(1.0 - np.divide(leaked, np.where(positive, m, 1.0)), 0.0, 1.0)
        result = np.power(stopped, np.where(positive, m, 0.0))
    return returned(np.where(positive, result, 1.0), None)


def _uses_layer_options(objects, shoot_look_shoot) -> bool:
    """Whether a layer faces undiscriminated decoys or fires shoot–look–shoot anywhere."""
    return bool(np.any(np.asarray(objects) != 1.0) or np.any(shoot_look_shoot))


def expected_leakers(
    warheads,
    interceptors,
    kill_probability,
    system_reliability=1.0,
    shots_per_warhead=np.inf,
    decoys_per_warhead=0.0,
    discrimination_probability=1.0,
    shoot_look_shoot=False,
):
    """Expected warheads that get through one layer with a finite inventory.

    Interceptors are spread evenly over the warheads, at most ``shots_per_warhead`` each.
    A small (ragged) attack meets full salvos; a large one thins them out. With decoys
    the inventory is spread over the objects the layer cannot tell apart, and
    ``shoot_look_shoot`` fires in two salvos (:func:`decoyed_leakers`).
    """
    m = np.asarray(warheads, dtype=float)
    n, k, t, cap = (
        np.asarray(x, dtype=float)
        for x in (interceptors, kill_probability, system_reliability, shots_per_warhead)
    )
    objects = np.asarray(objects_per_warhead(decoys_per_warhead, discrimination_probability))
    sls = np.asarray(shoot_look_shoot, dtype=bool)
    shape = np.broadcast(m, n, k, t, cap, objects, sls).shape
    positive = m > 0
    with np.errstate(**_ERRSTATE):
        # The kernel broadcasts the rest against m; it needs m as an array of at least 1-D.
        m_kernel = np.where(positive, m, 0.0).reshape(m.shape or (1,))
        if _uses_layer_options(objects, sls):
            leaked = decoyed_leakers(m_kernel, n, 1.0 - k, k, t, cap, objects, sls)
        else:
            leaked = layer_leakers(m_kernel, n, 1.0 - k, k, t, cap)
    return np.where(positive, leaked, 0.0).reshape(shape)


def leak_through_layers(
    warheads,
    interceptors,
    kill_probability,
    system_reliability,
    shots_per_warhead,
    decoys_per_warhead=None,
    discrimination_probability=None,
    shoot_look_shoot=None,
):
    """Warheads leaking through successive layers (last axis of the layer arrays).

    ``warheads`` has the batch shape; each layer array has shape ``batch + (layers,)``.
    The decoy and firing arrays are optional (None: no decoys, salvo).
    """
    leaked = np.asarray(warheads, dtype=float)
    interceptors = np.asarray(interceptors, dtype=float)

    def column(values, layer, default):
        return default if values is None else np.asarray(values)[..., layer]

    for layer in range(interceptors.shape[-1]):
        leaked = expected_leakers(
            leaked,
            interceptors[..., layer],
            kill_probability[..., layer],
            system_reliability[..., layer],
            shots_per_warhead[..., layer],
            column(decoys_per_warhead, layer, 0.0),
            column(discrimination_probability, layer, 1.0),
            column(shoot_look_shoot, layer, False),
        )
    return leaked
