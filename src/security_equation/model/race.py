"""Arms-race stability for a scenario: the facade over ``engine.arms_race``.

Scenario in, plain dicts out (for ``model.evaluate`` sections, the CLI, the report):

- :func:`limits_from_framework` — a treaty framework's limits as :class:`Limits` per side
  (through ``security_equation.treaty.assess``);
- :func:`drivers_section` — the main drivers: marginal effects sorted by ``|d_fsi|``;
- :func:`arms_race_section` — the action–reaction path, its outcome and the linearised
  reactions with the Richardson condition they imply.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from security_equation.engine.arms_race import (
    LIMIT_FIELDS,
    Limits,
    action_reaction,
    counted,
    marginal_effects,
    reaction_slopes,
)
from security_equation.engine.arrays import ScenarioArrays


def _arrays(scenario_or_arrays) -> ScenarioArrays:
    if isinstance(scenario_or_arrays, ScenarioArrays):
        return scenario_or_arrays
    from security_equation.model.compile import compile_scenario

    return compile_scenario(scenario_or_arrays)


def _num(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


# --------------------------------------------------------------------------- framework limits
def _classify(text: str) -> str | None:
    """Which of our three limits a treaty limit is, from its name/description."""
    t = text.lower().replace("-", "_").replace(" ", "_")
    if "warhead" in t:
        return "deployed_warheads"
    if "non_deployed" in t or "nondeployed" in t or "total" in t or "all_launchers" in t:
        return "total_launchers"
    if "launcher" in t or "deployed" in t or "delivery" in t or "vehicle" in t:
        return "deployed_launchers"
    return None


def _bombers_count_one(framework) -> bool:
    """Whether the framework's warhead limit counts a bomber as a fixed number of warheads
    (New START's one per heavy bomber) rather than its loaded weapons."""
    for name, limit in framework.limits.items():
        if (name if name in LIMIT_FIELDS else _classify(f"{name} {limit.label}")) != "deployed_warheads":
            continue
        return any(
            rule.categories and "bomber" in rule.categories and rule.each != "loaded_warheads"
            for rule in limit.rules
        )
    return False


def limits_from_framework(scenario, framework: str | None) -> tuple[dict[str, Limits], list[str]]:
    """Per-side :class:`Limits` from a treaty framework, and notes on how they were read.

    Each limit of ``security_equation.treaty.assess(scenario, framework)`` is matched to
    deployed warheads, deployed launchers or total launchers (by its name, else its label);
    limits of other kinds (e.g. interceptors) are noted and left out. The treaty's headroom
    (limit − counted) is added to this model's own count, so a limit binds where the
    treaty's would, whatever the counting details. Bombers count as one warhead each where
    the framework's warhead limit counts them so (New START), else by their loading.
    """
    from security_equation.treaty.frameworks import is_no_framework

    if framework is None or is_no_framework(framework):
        return {}, ["no treaty limits"]
    from security_equation.treaty import assess
    from security_equation.treaty.assessment import resolve_for

    data = assess(scenario, framework).to_dict()
    bombers_one = _bombers_count_one(resolve_for(scenario, framework))
    arrays = _arrays(scenario)
    out: dict[str, Limits] = {}
    notes: list[str] = []
    for k, side in enumerate(arrays.side_names):
        ours = counted(arrays.sides[k], Limits(bombers_count_one=bombers_one))[0]
        values: dict[str, float] = {}
        labels: dict[str, str] = {}
        for entry in data["sides"][side]["limits"]:
            which = (
                entry["name"]
                if entry["name"] in LIMIT_FIELDS
                else _classify(f"{entry['name']} {entry.get('label', '')}")
            )
            if which is None:
                notes.append(f"{side}: limit '{entry['name']}' not used by the action–reaction model")
                continue
            value = float(ours[LIMIT_FIELDS.index(which)] + entry["headroom"])
            if which not in values or value < values[which]:
                values[which] = value
                labels[which] = f"{entry.get('label') or entry['name']} ({entry['limit']:,.0f})"
        out[side] = Limits(**values, bombers_count_one=bombers_one, labels=labels)
    return out, notes


# --------------------------------------------------------------------------- sections
def _linearised(slopes: dict, names) -> dict:
    rho = slopes["rho"]
    return {
        "rho": {n: rho[k] for k, n in enumerate(names)},
        "required_warheads": {n: slopes["required_warheads"][k] for k, n in enumerate(names)},
        "product": _num((rho[0] or 0.0) * (rho[1] or 0.0)),
        "stable": slopes["stable"],
        "condition": "Richardson m·n > a·b with m = n = 1, a = ρ_A, b = ρ_B: ρ_A·ρ_B < 1",
        "richardson": slopes["richardson"].to_dict(),
    }


def drivers_section(scenario_or_arrays, *, step: float = 10.0, top: int = 10) -> dict:
    """The main drivers of first-strike stability: marginal effects per unit added,
    sorted by ``|d_fsi|`` (largest first), the ``top`` rows. JSON-ready."""
    df = marginal_effects(_arrays(scenario_or_arrays), step=step)
    df = df[df["units"] > 0].copy()
    df["abs_d_fsi"] = df["d_fsi"].abs()
    df = df.sort_values("abs_d_fsi", ascending=False, kind="stable").drop(columns="abs_d_fsi")
    rows = [
        {k: (_num(v) if isinstance(v, float | np.floating) else v) for k, v in rec.items()}
        for rec in df.head(top).to_dict(orient="records")
    ]
    base = {k: _num(v[0]) for k, v in df.attrs.get("base", {}).items()}
    return {
        "step": float(step),
        "per": "unit added (launcher, warhead of upload or interceptor); secant over `step` units",
        "base": base,
        "drivers": rows,
    }


def arms_race_section(
    scenario,
    *,
    framework: str | None = None,
    rounds: int = 20,
    production: float | None = None,
    limits: Mapping[str, Limits] | None = None,
) -> dict:
    """Action–reaction from the scenario's requirements under a framework's limits (or
    explicit ``limits``), with the linearised reactions and the Richardson condition at
    the start (``linearised``) and, when anything was built, at the end
    (``linearised_end``)."""
    arrays = _arrays(scenario)
    notes: list[str] = []
    if limits is None:
        limits, notes = limits_from_framework(scenario, framework)
    race = action_reaction(arrays, rounds=rounds, limits=dict(limits) or None, production=production)
    names = arrays.side_names
    if not any(np.isfinite(r) for r in race.requirement):
        notes.append("no side has a requirement (requirement.arriving_warheads): nothing to react to")
    out = race.to_dict()
    out["framework"] = framework
    out["notes"] = notes
    out["linearised"] = _linearised(reaction_slopes(arrays, requirement=race.requirement), names)
    if race.rounds_run:
        out["linearised_end"] = _linearised(reaction_slopes(race.final, requirement=race.requirement), names)
    return out
