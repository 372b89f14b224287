"""Marginal incentives by batched finite differences (docs/model.md "Arms race"): the
change in each side's ``r``, in the first-strike stability index and in each side's
arriving retaliation per launcher, per warhead of upload and per interceptor, for every
system and missile-defence layer of every side: the main drivers of first-strike
stability (Kent & Thaler, RAND R-3765, for the index).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.race.metrics import race_metrics

ACTIONS = ("launcher", "upload", "interceptor")


def marginal_effects(arrays: ScenarioArrays, step: float = 1.0, *, actions: tuple[str, ...] = ACTIONS):
    """Marginal incentives by batched finite differences.

    For each side and each of its systems: add ``step`` deployed launchers (with the
    system's current loading) and ``step`` warheads of upload (spread over the system's
    launchers, ``warheads_per_launcher += step / launchers``, capped at
    ``max_warheads_per_launcher``); for each missile-defence layer add ``step``
    interceptors. Every perturbation of every batch member goes into ONE batch with the
    base rows, run through one exchange call, and the base is subtracted.

    Returns a pandas DataFrame, one row per (member,) side, item, action, with
    ``units`` (what was actually added: launchers, warheads or interceptors; less than
    ``step`` when an upload hits capacity, 0 when nothing could be added) and the changes
    **per unit added**: ``d_r_<side>`` for every side, ``d_fsi``, ``d_arriving_<side>``
    (each side's retaliatory warheads arriving after absorbing a first strike) and
    ``d_c1_<side>``. With more than two sides every name carries its pair:
    ``d_r_<side>[<adversary>]``, ``d_fsi[<a>,<b>]``. Rates are NaN where nothing could be
    added. One unit can be lost in the noise of a large force, so ``step > 1`` gives a
    secant over ``step`` units, still reported per unit. ``df.attrs`` holds the base
    values and the step.
    """
    import pandas as pd

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
            per = np.divide(step, launchers, out=np.zeros_like(launchers), where=launchers > 0)
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

    columns = {}
    for (k, a), values in m.r.items():
        columns[f"d_r_{tag(k, a)}"] = rate(values)
    for (i, j), values in m.fsi.items():
        columns[f"d_fsi{pair_tag(i, j)}"] = rate(values)
    for (k, a), values in m.arriving.items():
        columns[f"d_arriving_{tag(k, a)}"] = rate(values)
    for (k, a), values in m.c1.items():
        columns[f"d_c1_{tag(k, a)}"] = rate(values)

    records = []
    for p, (k, item, action, _) in enumerate(perturbations):
        for b in range(members):
            rec: dict[str, Any] = {}
            if members > 1:
                rec["member"] = b
            rec.update({"side": names[k], "item": item, "action": action, "units": float(units[p, b])})
            for key, values in columns.items():
                rec[key] = float(values[p, b])
            records.append(rec)
    head = (["member"] if members > 1 else []) + ["side", "item", "action", "units"]
    df = pd.DataFrame.from_records(records, columns=head + list(columns))
    base = {f"fsi{pair_tag(i, j)}": v.reshape(shape)[0].tolist() for (i, j), v in m.fsi.items()}
    for k, a in m.r:
        base[f"r_{tag(k, a)}"] = m.r[k, a].reshape(shape)[0].tolist()
        base[f"arriving_{tag(k, a)}"] = m.arriving[k, a].reshape(shape)[0].tolist()
    df.attrs["base"] = base
    df.attrs["step"] = float(step)
    return df
