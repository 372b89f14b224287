"""Scenario → arrays: the one bridge from validated scenarios to the pure engine."""

from __future__ import annotations

import numpy as np

from security_equation.engine.arrays import (
    LAYER_FIELDS,
    RESERVE_ENDOGENOUS,
    RESERVE_FIXED,
    SETTINGS,
    ScenarioArrays,
    SideArrays,
    SideStructure,
)
from security_equation.schema.scenario import (
    CATEGORIES,
    AirDefence,
    MissileDefence,
    Scenario,
    Side,
)

_SHARES = {"value": (1.0, 0.0), "forces": (0.0, 1.0), "both": (0.5, 0.5)}


def _layer_value(layer: MissileDefence, field: str) -> float:
    """A layer's number for the engine's array ``field`` (the firing doctrine as 0/1)."""
    if field == "shoot_look_shoot":
        return 1.0 if layer.firing == "shoot_look_shoot" else 0.0
    return getattr(layer, field)


def _side(side: Side, index: int, name: str, slots: dict) -> SideArrays:
    systems = list(side.systems.items())
    layers = [(n, d) for n, d in side.defences.items() if isinstance(d, MissileDefence)]
    air = [d for d in side.defences.values() if isinstance(d, AirDefence)]
    structure = SideStructure(
        system_names=tuple(n for n, _ in systems),
        categories=tuple(s.category for _, s in systems),
        fixed=np.array([s.fixed for _, s in systems], dtype=bool),
        nuclear=np.array([s.nuclear for _, s in systems], dtype=bool),
        ballistic=np.array([s.ballistic for _, s in systems], dtype=bool),
        # Only prompt weapons strike forces: bombers and cruise missiles (even conventional
        # ones) take hours, too slow for a disarming first strike (docs/model.md, step 1).
        counterforce=np.array([s.is_prompt for _, s in systems], dtype=bool),
        layer_names=tuple(n for n, _ in layers),
        layer_value_share=np.array([_SHARES[d.protects][0] for _, d in layers]),
        layer_forces_share=np.array([_SHARES[d.protects][1] for _, d in layers]),
        damage_table=(tuple(w for w, _ in side.value.table), tuple(d for _, d in side.value.table))
        if side.value.table is not None
        else None,
        builds=[n for n, _ in systems].index(side.requirement.builds)
        if side.requirement is not None and side.requirement.builds is not None
        else None,
    )

    def row(values):
        return np.asarray(values, dtype=float)[None, :]

    arrays = {
        "launchers": row([s.launchers for _, s in systems]),
        "non_deployed_launchers": row([s.non_deployed_launchers for _, s in systems]),
        "warheads_per_launcher": row([s.warheads_per_launcher for _, s in systems]),
        "max_warheads_per_launcher": row([s.max_warheads_per_launcher for _, s in systems]),
        "upload_warheads_available": row(
            [
                np.inf if s.upload_warheads_available is None else s.upload_warheads_available
                for _, s in systems
            ]
        ),
        "yield_kt": row([s.yield_kt for _, s in systems]),
        "cep_m": row([s.cep_m for _, s in systems]),
        "reliability": row([s.reliability for _, s in systems]),
        "hardness_psi": row([s.hardness_psi for _, s in systems]),
        "aim_points_per_launcher": row([s.aim_points_per_launcher for _, s in systems]),
        "alert_day_to_day": row(
            [s.alert_fraction.day_to_day if s.alert_fraction else 0.0 for _, s in systems]
        ),
        "alert_generated": row([s.alert_fraction.generated if s.alert_fraction else 0.0 for _, s in systems]),
    }
    for col, (sys_name, _) in enumerate(systems):
        prefix = f"{name}.systems.{sys_name}"
        for field in arrays:
            if field.startswith("alert_"):
                path = f"{prefix}.alert_fraction.{field.removeprefix('alert_')}"
            else:
                path = f"{prefix}.{field}"
            slots[path] = ("systems", index, field, col)
    kill_given = np.full((1, len(systems), len(CATEGORIES)), np.nan)
    for col, (sys_name, s) in enumerate(systems):
        for cat, p in (s.kill_probability or {}).items():
            k = CATEGORIES.index(cat)
            kill_given[0, col, k] = p
            slots[f"{name}.systems.{sys_name}.kill_probability.{cat}"] = (
                "kill_given",
                index,
                "kill_given",
                (col, k),
            )
    layer_arrays = {f: row([_layer_value(d, f) for _, d in layers]) for f in LAYER_FIELDS}
    for col, (layer_name, _) in enumerate(layers):
        for f in LAYER_FIELDS:
            path = "firing" if f == "shoot_look_shoot" else f  # 0 salvo, 1 shoot-look-shoot
            slots[f"{name}.defences.{layer_name}.{path}"] = ("layers", index, f, col)
    scalars = {
        "penetration_probability": np.array([air[0].penetration_probability if air else 1.0]),
        "w80": np.array([side.value.w80 if side.value.w80 is not None else np.nan]),
        "generated": np.array([1.0 if side.posture.alert == "generated" else 0.0]),
        "launch_under_attack": np.array([side.posture.launch_under_attack]),
        "holdback_fraction": np.array([side.posture.holdback_fraction]),
        "max_warheads_per_target": np.array([float(side.posture.max_warheads_per_target)]),
        "required_arriving_warheads": np.array(
            [side.requirement.arriving_warheads if side.requirement else np.nan]
        ),
        "counterforce_share": np.array([side.requirement.counterforce_share if side.requirement else 0.0]),
        "upload_reserve": np.array([side.reserve.warheads if side.reserve else np.inf]),
        "reserve_mode": np.array(
            [RESERVE_ENDOGENOUS if side.posture.reserve == "endogenous" else RESERVE_FIXED]
        ),
    }
    for defence_name, d in side.defences.items():
        if isinstance(d, AirDefence):
            slots[f"{name}.defences.{defence_name}.penetration_probability"] = (
                "scalars",
                index,
                "penetration_probability",
                None,
            )
    for field, path in (
        ("w80", "value.w80"),
        ("generated", "posture.alert"),
        ("launch_under_attack", "posture.launch_under_attack"),
        ("holdback_fraction", "posture.holdback_fraction"),
        ("max_warheads_per_target", "posture.max_warheads_per_target"),
        ("required_arriving_warheads", "requirement.arriving_warheads"),
        ("counterforce_share", "requirement.counterforce_share"),
        ("upload_reserve", "reserve.warheads"),
    ):
        if field == "upload_reserve" and side.reserve is None:
            continue  # not given: no slot
        if field == "counterforce_share" and side.requirement is None:
            continue
        slots[f"{name}.{path}"] = ("scalars", index, field, None)
    return SideArrays(structure, arrays, kill_given, layer_arrays, scalars)


def compile_scenario(scenario: Scenario, batch: int = 1) -> ScenarioArrays:
    """Arrays for ``batch`` copies of a scenario (nominal values; see ``ScenarioArrays.set``)."""
    slots: dict[str, tuple] = {}
    names = scenario.side_names
    sides = tuple(_side(scenario.sides[n], i, n, slots) for i, n in enumerate(names))
    settings = {k: np.array([float(getattr(scenario.settings, k))]) for k in SETTINGS}
    for k in SETTINGS:
        slots[f"settings.{k}"] = ("settings", None, k, None)
    committed = None
    if any(scenario.sides[n].commits_to for n in names):
        committed = np.array([[b in scenario.sides[k].commits_to for b in names] for k in names], dtype=bool)
    coalitions = {
        group: tuple(sorted(names.index(m) for m in dict.fromkeys(members)))
        for group, members in scenario.coalitions.items()
    }
    arrays = ScenarioArrays(  # type: ignore[arg-type]
        names, sides, settings, slots, scenario.settings.allocation, committed, coalitions
    )
    return arrays.repeat(batch) if batch != 1 else arrays.copy()
