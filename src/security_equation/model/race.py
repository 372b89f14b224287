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

from security_equation.engine import thirdparty
from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.race import (
    ACTIONS,
    CAPACITY,
    PRODUCTION,
    SETTLES,
    STOCK,
    ArmsRace,
    Limits,
    MarginalEffects,
    ReactionSlopes,
    Richardson,
    action_reaction,
    marginal_effects,
    reaction_slopes_many,
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
from security_equation.treaty.limits import AggregateLimit, coalition_limits, engine_limits, limit_kind

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
    stopped each side that stayed short (a limit kind, the stock or capacity; a limit on a
    coalition's aggregate by its label); ``linearised`` / ``linearised_end``: the reaction
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
    counterforce_share: dict[str, float] = field(default_factory=dict)
    verdict: str = ""
    #: Limits on coalitions' aggregates (:func:`coalition_limits_dict`; empty: none).
    coalition_limits: dict[str, dict] = field(default_factory=dict)
    #: Side -> the label of the limit that stopped it (only with coalition limits).
    stopped_limits: dict[str, str] = field(default_factory=dict)
    #: How the run ended for each side (:func:`outcome_by_side`; more than two sides).
    outcome_by_side: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {
            "outcome": self.outcome,
            "verdict": self.verdict,
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
        out["counterforce_share"] = dict(self.counterforce_share)
        if self.outcome_by_side:
            out["outcome_by_side"] = dict(self.outcome_by_side)
        if self.coalition_limits:
            out["coalition_limits"] = json_safe(self.coalition_limits)
            out["stopped_limits"] = dict(self.stopped_limits)
        return out


# --------------------------------------------------------------------------- JSON of engine results
def richardson_dict(model: Richardson, *, feasible: bool = True) -> dict:
    """A Richardson model's parameters, equilibrium, stability and eigenvalues as JSON
    (the equilibrium is None when it lies outside the feasible region)."""
    x, y = model.equilibrium if feasible else (None, None)
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


def path_end(stop: str) -> str:
    """What ends a build path, in words (``BuildPath.stop``)."""
    if stop == PRODUCTION:
        return "in one round's production"
    if stop == STOCK:
        return "until its stored warheads run out"
    if stop == CAPACITY:
        return "until its launchers are full"
    return f"up to its {stop.replace('_', ' ')} limit"


def _warheads(value: float) -> str:
    return f"{value:,.0f} warhead{'' if round(value) == 1 else 's'}"


def _surplus(slopes: ReactionSlopes, n: int) -> str:
    parts = []
    if np.isfinite(slopes.surplus_retaliation[n]):
        parts.append(
            f"{slopes.surplus_retaliation[n]:,.0f} arriving warheads above its retaliation requirement"
        )
    if np.isfinite(slopes.surplus_coverage[n]):
        parts.append(f"{slopes.surplus_coverage[n]:,.0f} prompt warheads above its coverage requirement")
    return f" (its surplus now: {'; '.join(parts)})" if parts else ""


def _explain(slopes: ReactionSlopes, n: int, names) -> str:
    """Why side ``names[n]``'s reaction is what it is, in words."""
    me, other = names[n], names[1 - n]
    rho = slopes.rho[n]
    per = f"then ρ = {rho:.3f} warheads per warhead {other} adds" if np.isfinite(rho) else ""
    if np.isfinite(rho) and rho == 0 and np.isfinite(slopes.threshold[n]):
        per += (
            f" (its least addition does not change over the next {_warheads(slopes.step[n])} {other} adds:"
            f" they reach nothing more of what survives of {me}'s forces and add no aim points it must cover)"
        )
    if not slopes.met[n]:
        return (
            f"{me} cannot meet its requirements along its build path (it can add "
            f"{_warheads(slopes.addition_now[n])} {path_end(slopes.stop[n])})"
        )
    if slopes.addition_now[n] > 0:
        return f"{me} is short now and adds {_warheads(slopes.addition_now[n])}; {per}"
    if not np.isfinite(slopes.threshold[n]):
        return (
            f"ρ = 0: {me} does not react to anything {other} can add along its build path "
            f"(+{_warheads(slopes.other_can_add[n])} {path_end(slopes.stop[1 - n])}){_surplus(slopes, n)}"
        )
    return (
        f"{me} reacts only once {other} adds more than {_warheads(slopes.threshold[n])}"
        f"{_surplus(slopes, n)}; {per}"
    )


def _equilibrium_note(slopes: ReactionSlopes, names) -> str:
    """Richardson's equilibrium, or why it lies outside the feasible region, in words."""
    x, y = (float(v) for v in slopes.richardson.equilibrium)
    if slopes.feasible:
        return f"Richardson equilibrium at {x:,.0f} ({names[0]}) and {y:,.0f} ({names[1]}) deployed warheads"
    reasons = []
    for n, why in slopes.infeasible_because:
        if why == "none":
            return "no single Richardson equilibrium (ρ·ρ = 1: parallel reaction lines)"
        value = (x, y)[n]
        if why == "cut" and value < 0:
            reasons.append(f"{names[n]}'s force there would be negative")
        elif why == "cut":
            reasons.append(f"{names[n]} would have to cut below its {slopes.warheads[n]:,.0f} warheads")
        else:
            reasons.append(
                f"{names[n]} would need more than it can field "
                f"({slopes.bound[n]:,.0f}, {path_end(slopes.stop[n])})"
            )
    return (
        "Richardson's equilibrium lies outside the feasible region ("
        + "; ".join(reasons)
        + ", and sides never cut)"
    )


def _linear_end_note(slopes: ReactionSlopes, names) -> str:
    x, y, how = slopes.linear_end
    if how == "runs away":
        return "the linearised reactions (local slopes) run away"
    where = f"{x:,.0f} ({names[0]}) and {y:,.0f} ({names[1]}) deployed warheads"
    verb = "stop at a bound at" if how == "stopped" else "settle at"
    return f"the linearised reactions (local slopes) {verb} {where}"


def linearised_dict(slopes: ReactionSlopes, names) -> dict:
    """The reaction functions of two sides (``names``, in the order of ``slopes.sides``)
    linearised, and the Richardson model they imply, as JSON."""
    names = list(names)
    rho = [finite_or_none(v) for v in slopes.rho]
    sides = {}
    for n, name in enumerate(names):
        sides[name] = {
            "warheads": finite_or_none(slopes.warheads[n]),
            "addition_now": finite_or_none(slopes.addition_now[n]),
            "required_warheads": finite_or_none(slopes.required_warheads[n]),
            "can_meet": bool(slopes.met[n]),
            "reacts_after": finite_or_none(slopes.threshold[n]),
            "other_can_add": finite_or_none(slopes.other_can_add[n]),
            "rho": rho[n],
            "rho_secant": finite_or_none(slopes.rho_secant[n]),
            "step": finite_or_none(slopes.step[n]),
            "can_field": finite_or_none(slopes.bound[n]),
            "path_ends_by": slopes.stop[n],
            "explanation": _explain(slopes, n, names),
        }
    x, y = slopes.richardson.equilibrium
    product = (rho[0] or 0.0) * (rho[1] or 0.0)
    return {
        "rho": dict(zip(names, rho, strict=True)),
        "required_warheads": {name: sides[name]["required_warheads"] for name in names},
        "sides": sides,
        "product": finite_or_none(product),
        "stable": slopes.stable,
        "condition": CONDITION,
        "equilibrium": {
            # Outside the feasible region the equilibrium is no force anyone could field.
            "x": finite_or_none(x) if slopes.feasible else None,
            "y": finite_or_none(y) if slopes.feasible else None,
            "feasible": slopes.feasible,
            "note": _equilibrium_note(slopes, names),
        },
        "linear_end": {
            "x": finite_or_none(slopes.linear_end[0]),
            "y": finite_or_none(slopes.linear_end[1]),
            "outcome": slopes.linear_end[2],
            "note": _linear_end_note(slopes, names),
        },
        "richardson": richardson_dict(slopes.richardson, feasible=slopes.feasible),
    }


def verdict(race: ArmsRace, linearised: dict, names) -> str:
    """The arms-race verdict in words: how the run ended and what the linearised reactions
    say (for two sides; with more, the run's outcome only)."""
    rounds = race.rounds_run
    head = f"{race.outcome} after {rounds} round{'s' if rounds != 1 else ''}"
    if race.outcome == SETTLES and rounds == 0:
        head += ": no side is short of its requirements"
    elif race.capped:
        named = {s: label for s, label in race.stopped_limits.items() if race.coalition_limits}
        head += (
            " (" + "; ".join(f"{side}: {named.get(side, what)}" for side, what in race.capped.items()) + ")"
        )
    if "sides" not in linearised:
        return head + "."
    parts = [linearised["sides"][n]["explanation"] for n in names]
    product = linearised.get("product") or 0.0
    word = "stable" if linearised["stable"] else "unstable"
    sign = "<" if linearised["stable"] else "≥"
    tail = (
        f"ρ·ρ = {product:.3f} {sign} 1: {word}; {linearised['linear_end']['note']}; "
        f"{linearised['equilibrium']['note']}"
    )
    return f"{head}. " + ". ".join(parts) + f". {tail}."


def _linearised(arrays: ScenarioArrays, requirement, names, limits, production) -> dict:
    """:func:`linearised_dict` of the reaction functions between two sides (Richardson's
    model is two-player); with more sides, one entry per pair of adversaries keyed
    ``"A,B"`` (allies do not race each other)."""
    pairs = thirdparty.adversary_pairs(arrays, combinations(range(len(names)), 2))
    every = reaction_slopes_many(arrays, pairs, requirement=requirement, limits=limits, production=production)
    out = {
        ",".join(names[k] for k in pair): linearised_dict(slopes, [names[k] for k in pair])
        for pair, slopes in zip(pairs, every, strict=True)
    }
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
) -> tuple[dict[str, Limits], list[str], bool, str | None, list[AggregateLimit]]:
    """Per-side engine limits under a framework, notes on limits the race cannot reach,
    how the framework counts bombers (for the report), the framework's status on the
    scenario's date and its limits on coalitions' aggregates. A framework expired or not
    yet binding on that date sets no limits (and a note says so) unless ``limits_in_force``."""
    if framework is None or (not isinstance(framework, Framework) and is_no_framework(framework)):
        return {}, ["no treaty limits"], False, None, []
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
            [],
        )
    sides = engine_limits(fw, scenario)
    every_aggregate = coalition_limits(fw, scenario)
    aggregates = [a for a in every_aggregate if a.engine.kind in RACE_KINDS]
    notes = [
        f"{side}: limit '{name}' not used by the action–reaction model"
        for side, lim in sides.items()
        for name, kind in zip(lim.names, lim.limits.kinds, strict=True)
        if kind not in RACE_KINDS
    ]
    uncovered = [n for n in scenario.sides if n not in sides]
    if uncovered:
        notes.append(f"{', '.join(uncovered)}: no limit of the framework covers it on its own")
    notes += [
        f"coalition {a.coalition}: limit '{a.name}' not used by the action–reaction model"
        for a in every_aggregate
        if a.engine.kind not in RACE_KINDS
    ]
    limits = {side: lim.limits for side, lim in sides.items()}
    return limits, notes, _bombers_count_one(fw), status, aggregates


def coalition_limits_dict(aggregates: list[AggregateLimit], race: ArmsRace) -> dict:
    """Each coalition aggregate the race ran under: members, what it counts, the cap (the
    members' nuclear forces' count now plus the treaty's headroom) and the members'
    summed count at the start and the end of the run (engine terms)."""
    out: dict[str, dict] = {}
    for agg in aggregates:
        c = agg.engine
        end = sum(float(c.count(k, race.final.sides[k].systems)[0]) for k in c.members)
        entry = out.setdefault(agg.coalition, {"members": list(agg.members), "limits": {}})
        entry["limits"][agg.name] = {
            "kind": c.kind,
            "label": c.label,
            "limit": agg.value,
            "counted": agg.counted,
            "cap": finite_or_none(c.cap),
            "count_end": end,
            "binds": bool(end >= c.cap - 0.5),
        }
    return out


def _capped(race: ArmsRace) -> dict[str, str]:
    """What stopped each side that stayed short: a limit kind, ``stock`` or ``capacity``;
    a limit on a coalition's aggregate by its label, which names the coalition and the
    limit (the kind alone would read as the side's own limit)."""
    coalition_labels = {c.label for c in race.coalition_limits}
    return {
        side: label if (label := race.stopped_limits.get(side)) in coalition_labels else what
        for side, what in race.capped.items()
    }


def outcome_by_side(race: ArmsRace) -> dict[str, str]:
    """How the run ended for each side: ``settles`` (not short at the end), ``stopped by
    <what>`` (a limit named by its label, the stock or capacity) or ``still short`` (it was
    adding when the rounds ran out)."""
    last = race.path[-1]["sides"] if race.path else {}
    out = {}
    for name in race.side_names:
        entry = last.get(name, {})
        if not entry.get("short_of"):
            out[name] = SETTLES
        elif name in race.capped:
            what = race.capped[name]
            label = race.stopped_limits.get(name)
            out[name] = f"stopped by {label}" if label else f"stopped by {what.replace('_', ' ')}"
        else:
            out[name] = "still short"
    return out


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
    aggregates: list[AggregateLimit] = []
    if limits is None:
        limits, notes, bombers_one, status, aggregates = _framework_limits(
            scenario, framework, limits_in_force
        )
        count_one = dict.fromkeys(names, bombers_one)
    else:
        count_one = {n: _weights_count_bombers_one(limits.get(n), arrays, k) for k, n in enumerate(names)}
    race = action_reaction(
        arrays,
        rounds=rounds,
        limits=dict(limits) or None,
        production=production,
        coalition_limits=[a.engine for a in aggregates],
    )
    if not any(np.isfinite(r) for r in race.requirement):
        if not any(race.counterforce_share):
            notes.append("no side has a requirement (requirement.arriving_warheads): nothing to react to")

    def race_limits(state):
        # Each side's limits at `state`, its room under each coalition aggregate included.
        per_side = race.effective_limits(state) if aggregates else race.limits
        return {n: lim for n, lim in zip(names, per_side, strict=True) if lim is not None} or None

    linearised = _linearised(
        arrays, race.requirement, names, race_limits(arrays.take(np.array([0]))), production
    )
    linearised_end = (
        _linearised(race.final, race.requirement, names, race_limits(race.final), production)
        if race.rounds_run
        else None
    )
    return ArmsRaceSection(
        framework=framework.name if isinstance(framework, Framework) else framework,
        outcome=race.outcome,
        verdict=verdict(race, linearised, names),
        counterforce_share=dict(zip(names, race.counterforce_share, strict=True)),
        rounds=race.rounds_run,
        requirement={n: finite_or_none(r) for n, r in zip(names, race.requirement, strict=True)},
        limits={n: limits_dict(lim, count_one[n]) for n, lim in zip(names, race.limits, strict=True)},
        capped=_capped(race),
        path=json_safe(race.path),
        notes=notes,
        linearised=linearised,
        linearised_end=linearised_end,
        race=race,
        framework_status=status,
        as_of=as_of_date(scenario).isoformat() if status is not None else None,
        limits_applied=bool(limits) or bool(aggregates),
        coalition_limits=coalition_limits_dict(aggregates, race),
        stopped_limits=dict(race.stopped_limits) if aggregates else {},
        outcome_by_side=outcome_by_side(race) if len(names) > 2 else {},
    )
