"""Marginal incentives by batched finite differences (docs/model.md "Arms race"): the
change in each side's ``r`` and in the uncapped ``C1/C2`` behind it (docs/model.md
"Stability"), in the first-strike stability index and in each side's arriving retaliation
per launcher, per warhead of upload and per interceptor, for every system and
missile-defence layer of every side: the main drivers of first-strike stability (Kent &
Thaler, RAND R-3765, for the index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.race.metrics import race_metrics

ACTIONS = ("launcher", "upload", "interceptor")


@dataclass(frozen=True, eq=False)
class MarginalEffects:
    """Marginal effects as arrays: one row per perturbation, one column per batch member.

    ``perturbations``: ``(side, item, action)`` in order (each side's systems, launcher
    then upload, then its missile-defence layers); ``units`` (perturbations, members):
    what was actually added; ``rates``: column name (``d_r_<side>``,
    ``d_c1_over_c2_<side>``, ``d_fsi``, ``d_arriving_<side>``, ``d_c1_<side>``, with pair
    tags beyond two sides) ->
    (perturbations, members) changes per unit added, NaN where nothing could be added;
    ``base``: the values they change from, one per member; ``step``: the units added per
    perturbation; ``members``: the batch size. :meth:`records` gives the rows as plain
    dicts (the model layer makes a table of them)."""

    perturbations: tuple[tuple[str, str, str], ...]
    units: np.ndarray
    rates: dict[str, np.ndarray]
    base: dict[str, list[float]]
    step: float
    members: int

    @property
    def columns(self) -> list[str]:
        """The keys of each record, in order: ``member`` (more than one member), ``side``,
        ``item``, ``action``, ``units``, then the rates."""
        return (["member"] if self.members > 1 else []) + ["side", "item", "action", "units", *self.rates]

    def records(self) -> list[dict[str, Any]]:
        """One dict per (perturbation, member), keyed by :attr:`columns`, with Python floats."""
        out = []
        for p, (side, item, action) in enumerate(self.perturbations):
            for b in range(self.members):
                rec: dict[str, Any] = {}
                if self.members > 1:
                    rec["member"] = b
                rec.update({"side": side, "item": item, "action": action, "units": float(self.units[p, b])})
                for key, values in self.rates.items():
                    rec[key] = float(values[p, b])
                out.append(rec)
        return out


def marginal_effects(
    arrays: ScenarioArrays, step: float = 1.0, *, actions: tuple[str, ...] = ACTIONS
) -> MarginalEffects:
    """Marginal incentives by batched finite differences.

    For each side and each of its systems: add ``step`` deployed launchers (with the
    system's current loading) and ``step`` warheads of upload (spread over the system's
    launchers, ``warheads_per_launcher += step / launchers``, capped at
    ``max_warheads_per_launcher`` and bounded by the stored warheads: the system's
    ``upload_warheads_available`` and the side's ``upload_reserve``); for each
    missile-defence layer add ``step`` interceptors. Every perturbation of every batch
    member goes into ONE batch with the base rows, run through one exchange call, and the
    base is subtracted.

    Returns a :class:`MarginalEffects`: per (side, item, action) and batch member,
    ``units`` (what was actually added: launchers, warheads or interceptors; less than
    ``step`` when an upload hits capacity, 0 when nothing could be added) and the changes
    **per unit added**: ``d_r_<side>`` for every side, ``d_c1_over_c2_<side>`` (the
    uncapped ratio behind ``r``, which still moves where ``r`` is capped at 1), ``d_fsi``,
    ``d_arriving_<side>`` (each side's retaliatory warheads arriving after absorbing a
    first strike) and ``d_c1_<side>``. With more than two sides every name carries its pair:
    ``d_r_<side>[<adversary>]``, ``d_fsi[<a>,<b>]``. Rates are NaN where nothing could be
    added. One unit can be lost in the noise of a large force, so ``step > 1`` gives a
    secant over ``step`` units, still reported per unit. ``base`` holds the base values.
    """
    unknown = [a for a in actions if a not in ACTIONS]
    if unknown:
        raise ValueError(
            f"The 'actions' parameter of marginal_effects must be among {ACTIONS}. Got {unknown}."
        )
    if not step > 0:
        raise ValueError(f"The 'step' parameter of marginal_effects must be > 0. Got {step!r}.")
    names = arrays.side_names
    perturbations: list[tuple[int, str, str, int]] = []  # (side, item, action, column)
    for k, side in enumerate(arrays.sides):
        st = side.structure
        for i, system in enumerate(st.system_names):
            for action in ("launcher", "upload"):
                if action in actions:
                    perturbations.append((k, system, action, i))
        if "interceptor" in actions:
            for j, layer in enumerate(st.layer_names):
                perturbations.append((k, layer, "interceptor", j))

    members = arrays.batch
    rows = arrays.take(np.tile(np.arange(members), 1 + len(perturbations)))
    units = np.zeros((len(perturbations), members))
    for p, (k, _, action, col) in enumerate(perturbations):
        sl = slice((p + 1) * members, (p + 2) * members)
        side = rows.sides[k]
        if action == "launcher":
            side.systems["launchers"][sl, col] += step
            units[p] = step
        elif action == "upload":
            launchers = side.systems["launchers"][sl, col].copy()
            wpl = side.systems["warheads_per_launcher"][sl, col].copy()
            cap = side.systems["max_warheads_per_launcher"][sl, col]
            # Upload draws on stored warheads: the system's own types and the side's reserve.
            stored = np.minimum(
                side.systems["upload_warheads_available"][sl, col], side.scalars["upload_reserve"][sl]
            )
            room = np.clip(np.minimum(step, stored), 0.0, None)
            per = np.divide(room, launchers, out=np.zeros_like(launchers), where=launchers > 0)
            new = np.maximum(np.minimum(cap, wpl + per), wpl)
            side.systems["warheads_per_launcher"][sl, col] = new
            units[p] = launchers * (new - wpl)
        else:
            side.layers["interceptors"][sl, col] += step
            units[p] = step

    m = race_metrics(rows)
    shape = (1 + len(perturbations), members)
    valid = units > 1e-12
    safe_units = np.where(valid, units, 1.0)

    def rate(values):
        shaped = values.reshape(shape)
        return np.where(valid, (shaped[1:] - shaped[:1]) / safe_units, np.nan)

    two = len(names) == 2

    def tag(side: int, adversary: int) -> str:
        return names[side] if two else f"{names[side]}[{names[adversary]}]"

    def pair_tag(i: int, j: int) -> str:
        return "" if len(m.pairs) == 1 else f"[{names[i]},{names[j]}]"

    # The uncapped ratio behind r (docs/model.md "Stability"): it moves where r = 1 cannot.
    ratio = m.c1_over_c2
    rates: dict[str, np.ndarray] = {}
    for (k, a), values in m.r.items():
        rates[f"d_r_{tag(k, a)}"] = rate(values)
        rates[f"d_c1_over_c2_{tag(k, a)}"] = rate(ratio[k, a])
    for (i, j), values in m.fsi.items():
        rates[f"d_fsi{pair_tag(i, j)}"] = rate(values)
    for (k, a), values in m.arriving.items():
        rates[f"d_arriving_{tag(k, a)}"] = rate(values)
    for (k, a), values in m.c1.items():
        rates[f"d_c1_{tag(k, a)}"] = rate(values)

    base = {f"fsi{pair_tag(i, j)}": v.reshape(shape)[0].tolist() for (i, j), v in m.fsi.items()}
    for k, a in m.r:
        base[f"r_{tag(k, a)}"] = m.r[k, a].reshape(shape)[0].tolist()
        base[f"c1_over_c2_{tag(k, a)}"] = ratio[k, a].reshape(shape)[0].tolist()
        base[f"arriving_{tag(k, a)}"] = m.arriving[k, a].reshape(shape)[0].tolist()
    return MarginalEffects(
        perturbations=tuple((names[k], item, action) for k, item, action, _ in perturbations),
        units=units,
        rates=rates,
        base=base,
        step=float(step),
        members=members,
    )
