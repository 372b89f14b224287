"""Arms-race stability for a scenario: the model layer over ``engine.race`` (docs/model.md
"Arms race").

Scenario in, typed sections out (see :mod:`model.sections`):

- :func:`drivers_section` → :class:`DriversSection`: the main drivers, marginal effects
  sorted by ``|d_fsi|``;
- :func:`marginal_effects_table` / :func:`effects_table` and :func:`race_table`: the
  engine's marginal effects and action–reaction path as tidy pandas tables (the engine
  itself is NumPy only);
- :func:`arms_race_section` → :class:`ArmsRaceSection`: the action–reaction path under a
  framework's limits (``treaty.limits.engine_limits``), its outcome and the linearised
  reactions with the Richardson condition they imply (Richardson, 1960).

JSON conversion of the engine's results lives here, through ``io.jsonable``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.race import (
    ACTIONS,
    ArmsRace,
    Limits,
    MarginalEffects,
    ReactionSlopes,
    Richardson,
    action_reaction,
    marginal_effects,
    reaction_slopes,
)
from security_equation.io.jsonable import finite_or_none, json_safe
from security_equation.model.compile import compile_scenario
from security_equation.model.sections import Section
from security_equation.schema.framework import LOADED, Framework
from security_equation.treaty.assessment import (
    IN_FORCE,
    NOT_YET_BINDING,
    as_of_date,
    framework_status,
    resolve_for,
)
from security_equation.treaty.frameworks import is_no_framework
from security_equation.treaty.limits import engine_limits, limit_kind

if TYPE_CHECKING:  # pandas is imported lazily: the CLI starts faster without it
    import pandas as pd

#: The limit kinds the action–reaction model can run into (it never adds interceptors).
RACE_KINDS = ("deployed_warheads", "deployed_launchers", "total_launchers")

CONDITION = "Richardson m·n > a·b with m = n = 1, a = ρ_A, b = ρ_B: ρ_A·ρ_B < 1"


def _arrays(scenario_or_arrays) -> ScenarioArrays:
    if isinstance(scenario_or_arrays, ScenarioArrays):
        return scenario_or_arrays
    return compile_scenario(scenario_or_arrays)


# --------------------------------------------------------------------------- sections
@dataclass(frozen=True, eq=False)
class DriversSection(Section):
    """The main drivers of first-strike stability: marginal effects per unit added
    (launcher, warhead of upload or interceptor), largest ``|d_fsi|`` first.

    ``drivers``: one JSON-ready row per (side, item, action) with ``units`` and the
    changes ``d_r_<side>``, ``d_c1_over_c2_<side>`` (the uncapped ratio behind ``r``,
    docs/model.md "Stability"), ``d_fsi``, ``d_arriving_<side>``, ``d_c1_<side>`` per unit;
    ``base``: the values they change from; ``step``: the units added per perturbation."""

    name: ClassVar[str] = "drivers"
    per: ClassVar[str] = "unit added (launcher, warhead of upload or interceptor); secant over `step` units"

    step: float
    base: dict[str, float | None]
    drivers: list[dict[str, Any]]

    def to_dict(self) -> dict:
        return {
            "step": self.step,
            "per": self.per,
            "base": dict(self.base),
            "drivers": [dict(row) for row in self.drivers],
        }


@dataclass(frozen=True, eq=False)
class ArmsRaceSection(Section):
    """Action–reaction from the scenario's requirements under a framework's limits.

    ``path``: one JSON-ready entry per round (see ``engine.race.ArmsRace``); ``limits``:
    per side, the cap on each limit kind the race can run into (its nuclear forces' count
    now plus the treaty's headroom; ``None``: no limit) with labels; ``framework_status``:
    the framework's status on ``as_of`` (the scenario's date, else today; ``None``: no
    framework) and ``limits_applied``: whether the race runs under its limits (not when it
    has expired or does not bind yet, unless asked for); ``capped``: what
    stopped each side that stayed short; ``linearised`` / ``linearised_end``: the reaction
    slopes and the Richardson condition at the start and, when anything was built, at the
    end. ``race`` is the engine's result (final arrays included)."""

    name: ClassVar[str] = "arms_race"

    framework: str | None
    outcome: str
    rounds: int
    requirement: dict[str, float | None]
    limits: dict[str, dict]
    capped: dict[str, str]
    path: list[dict]
    notes: list[str]
    linearised: dict
    linearised_end: dict | None = None
    race: ArmsRace | None = field(default=None, repr=False)
    framework_status: str | None = None
    as_of: str | None = None
    limits_applied: bool = False

    def to_dict(self) -> dict:
        out = {
            "outcome": self.outcome,
            "rounds": self.rounds,
            "requirement": dict(self.requirement),
            "limits": json_safe(self.limits),
            "capped": dict(self.capped),
            "path": json_safe(self.path),
            "framework": self.framework,
            "notes": list(self.notes),
            "linearised": json_safe(self.linearised),
        }
        if self.linearised_end is not None:
            out["linearised_end"] = json_safe(self.linearised_end)
        out["framework_status"] = self.framework_status
        out["as_of"] = self.as_of
        out["limits_applied"] = self.limits_applied
        return out


# --------------------------------------------------------------------------- JSON of engine results
def richardson_dict(model: Richardson) -> dict:
    """A Richardson model's parameters, equilibrium, stability and eigenvalues as JSON."""
    x, y = model.equilibrium
    ev = model.eigenvalues
    return json_safe(
        {
            "a": model.a,
            "b": model.b,
            "m": model.m,
            "n": model.n,
            "g": model.g,
            "h": model.h,
            "equilibrium": {"x": x, "y": y},
            "stable": np.asarray(model.stable),
            "condition": "m·n > a·b",
            "m_n": model.m * model.n,
            "a_b": model.a * model.b,
            "eigenvalues": {"real": ev.real, "imag": ev.imag},
        }
    )


def linearised_dict(slopes: ReactionSlopes, names) -> dict:
    """The reaction slopes of two sides (``names``, in the order of ``slopes.sides``) and
    the Richardson condition they imply, as JSON."""
    rho = [finite_or_none(v) for v in slopes.rho]
    return {
        "rho": dict(zip(names, rho, strict=True)),
        "required_warheads": dict(
            zip(names, (finite_or_none(v) for v in slopes.required_warheads), strict=True)
        ),
        "product": finite_or_none((rho[0] or 0.0) * (rho[1] or 0.0)),
        "stable": slopes.stable,
        "condition": CONDITION,
        "richardson": richardson_dict(slopes.richardson),
    }


def _linearised(arrays: ScenarioArrays, requirement, names) -> dict:
    """:func:`linearised_dict` of the reaction slopes between two sides (Richardson's model
    is two-player); with more sides, one entry per pair keyed ``"A,B"``."""
    out = {}
    for pair in combinations(range(len(names)), 2):
        slopes = reaction_slopes(arrays, pair, requirement=[requirement[k] for k in pair])
        out[",".join(names[k] for k in pair)] = linearised_dict(slopes, [names[k] for k in pair])
    return next(iter(out.values())) if len(out) == 1 else out


def limits_dict(limits: Limits | None, bombers_count_one: bool) -> dict:
    """One side's limits as reported: per kind the race can run into, the lowest cap
    (``None``: none) and its label."""
    values: dict[str, float] = {}
    labels: dict[str, str] = {}
    if limits is not None:
        for kind, cap, label in zip(limits.kinds, limits.caps, limits.labels, strict=True):
            if kind in RACE_KINDS and (kind not in values or cap < values[kind]):
                values[kind] = cap
                labels[kind] = label
    return {
        **{kind: finite_or_none(values.get(kind)) for kind in RACE_KINDS},
        "bombers_count_one": bombers_count_one,
        "labels": labels,
    }


def _bombers_count_one(framework) -> bool:
    """Whether the framework's first warhead limit counts a bomber as a fixed number of
    warheads (New START's one per heavy bomber) rather than its loaded weapons."""
    for limit in framework.limits.values():
        if limit_kind(limit) == "deployed_warheads":
            return any(
                rule.categories and "bomber" in rule.categories and rule.each != LOADED
                for rule in limit.rules
            )
    return False


def _weights_count_bombers_one(limits: Limits | None, arrays: ScenarioArrays, k: int) -> bool:
    """:func:`_bombers_count_one` for limits given directly: the first warhead limit
    counts some bomber per launcher."""
    if limits is None or "deployed_warheads" not in limits.kinds:
        return False
    row = limits.kinds.index("deployed_warheads")
    bomber = np.array([c == "bomber" for c in arrays.sides[k].structure.categories], dtype=bool)
    return bool((limits.per_launcher[row, bomber] > 0).any())


def _framework_limits(
    scenario, framework, limits_in_force: bool = False
) -> tuple[dict[str, Limits], list[str], bool, str | None]:
    """Per-side engine limits under a framework, notes on limits the race cannot reach,
    how the framework counts bombers (for the report) and the framework's status on the
    scenario's date. A framework expired or not yet binding on that date sets no limits
    (and a note says so) unless ``limits_in_force``."""
    if framework is None or (not isinstance(framework, Framework) and is_no_framework(framework)):
        return {}, ["no treaty limits"], False, None
    fw = resolve_for(scenario, framework)
    on = as_of_date(scenario)
    status = framework_status(fw, on)
    if status != IN_FORCE and not limits_in_force:
        if status == NOT_YET_BINDING:
            what = f"{status} on {on.isoformat()} (binding from {fw.binding_from.isoformat()})"
        else:
            what = status.split(" — ")[0]  # "expired on 2026-02-05"
        return (
            {},
            [
                f"{fw.title} ({fw.name}) {what}: the race runs without its limits;"
                " use --limits-in-force to apply them"
            ],
            False,
            status,
        )
    sides = engine_limits(fw, scenario)
    notes = [
        f"{side}: limit '{name}' not used by the action–reaction model"
        for side, lim in sides.items()
        for name, kind in zip(lim.names, lim.limits.kinds, strict=True)
        if kind not in RACE_KINDS
    ]
    return {side: lim.limits for side, lim in sides.items()}, notes, _bombers_count_one(fw), status


# --------------------------------------------------------------------------- tables of engine results
def effects_table(effects: MarginalEffects) -> pd.DataFrame:
    """Marginal effects as a pandas DataFrame: one row per (``member``,) ``side``,
    ``item``, ``action``, with ``units`` and the rates per unit added (columns in the
    order of :attr:`MarginalEffects.columns`); ``attrs["base"]`` holds the base values and
    ``attrs["step"]`` the step."""
    import pandas as pd

    df = pd.DataFrame.from_records(effects.records(), columns=effects.columns)
    df.attrs["base"] = effects.base
    df.attrs["step"] = effects.step
    return df


def marginal_effects_table(
    scenario_or_arrays, step: float = 1.0, *, actions: tuple[str, ...] = ACTIONS
) -> pd.DataFrame:
    """:func:`~security_equation.engine.race.marginal_effects` of a scenario (or its
    compiled arrays) as a DataFrame (see :func:`effects_table`)."""
    return effects_table(marginal_effects(_arrays(scenario_or_arrays), step=step, actions=actions))


def race_table(race: ArmsRace) -> pd.DataFrame:
    """An action–reaction path as a tidy pandas DataFrame: one row per (round, side), with
    ``round``, ``fsi``, ``side`` and the side's entries of the path."""
    import pandas as pd

    rows = []
    for entry in race.path:
        for side, values in entry["sides"].items():
            rows.append({"round": entry["round"], "fsi": entry["fsi"], "side": side, **values})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- sections
def drivers_section(scenario_or_arrays, *, step: float = 10.0, top: int = 10) -> DriversSection:
    """The main drivers of first-strike stability: marginal effects per unit added,
    sorted by ``|d_fsi|`` (largest first; with more than two sides the largest over the
    pairs), the ``top`` rows."""
    df = marginal_effects_table(scenario_or_arrays, step=step)
    df = df[df["units"] > 0].copy()
    # Two sides: the one index; more: the largest change over the pairs.
    df["abs_d_fsi"] = df[[c for c in df.columns if c.startswith("d_fsi")]].abs().max(axis=1)
    df = df.sort_values("abs_d_fsi", ascending=False, kind="stable").drop(columns="abs_d_fsi")
    rows = [
        {k: (finite_or_none(v) if isinstance(v, float | np.floating) else v) for k, v in rec.items()}
        for rec in df.head(top).to_dict(orient="records")
    ]
    base = {k: finite_or_none(v[0]) for k, v in df.attrs.get("base", {}).items()}
    return DriversSection(step=float(step), base=base, drivers=rows)


def arms_race_section(
    scenario,
    *,
    framework: str | Framework | None = None,
    rounds: int = 20,
    production: float | None = None,
    limits: Mapping[str, Limits] | None = None,
    arrays: ScenarioArrays | None = None,
    limits_in_force: bool = False,
) -> ArmsRaceSection:
    """Action–reaction from the scenario's requirements under a framework's limits (a
    name, a file or a resolved :class:`Framework`; or explicit engine ``limits`` per side),
    with the linearised reactions and the Richardson condition at the start
    (``linearised``) and, when anything was built, at the end (``linearised_end``).
    ``arrays``: the scenario already compiled (its member 0 is used), to compile once.
    A framework that has expired (or does not bind yet) on the scenario's ``date`` (today
    when it has none) sets no limits, and a note says so; ``limits_in_force`` applies its
    limits all the same."""
    arrays = _arrays(scenario) if arrays is None else arrays
    names = arrays.side_names
    notes: list[str] = []
    status = None
    if limits is None:
        limits, notes, bombers_one, status = _framework_limits(scenario, framework, limits_in_force)
        count_one = dict.fromkeys(names, bombers_one)
    else:
        count_one = {n: _weights_count_bombers_one(limits.get(n), arrays, k) for k, n in enumerate(names)}
    race = action_reaction(arrays, rounds=rounds, limits=dict(limits) or None, production=production)
    if not any(np.isfinite(r) for r in race.requirement):
        notes.append("no side has a requirement (requirement.arriving_warheads): nothing to react to")
    linearised = _linearised(arrays, race.requirement, names)
    linearised_end = _linearised(race.final, race.requirement, names) if race.rounds_run else None
    return ArmsRaceSection(
        framework=framework.name if isinstance(framework, Framework) else framework,
        outcome=race.outcome,
        rounds=race.rounds_run,
        requirement={n: finite_or_none(r) for n, r in zip(names, race.requirement, strict=True)},
        limits={n: limits_dict(lim, count_one[n]) for n, lim in zip(names, race.limits, strict=True)},
        capped=dict(race.capped),
        path=json_safe(race.path),
        notes=notes,
        linearised=linearised,
        linearised_end=linearised_end,
        race=race,
        framework_status=status,
        as_of=as_of_date(scenario).isoformat() if status is not None else None,
        limits_applied=bool(limits),
    )
