"""The one mapping from a treaty framework to the arms race's limits (docs/model.md
"Arms race").

For each side and each limit of the framework, the weights the engine needs — what one
deployed launcher, one non-deployed launcher and one loaded warhead of each system add to
the limit — are summed from the limit's rules by :func:`counting.unit_weights`, the same
code that :func:`counting.count_limit` counts with. So the race counts as
``treaty.assess`` does::

    treaty count = engine count + fixed

The engine count is the weighted count of the side's nuclear systems, the forces the
race changes. ``fixed`` is what the treaty counts beyond them and the race leaves
unchanged: allowances, converted and training launchers, interceptors, non-nuclear
systems, and the rounding of each system's count to a whole number (at most half a unit
per system). The engine's cap on a limit is ``limit − fixed``, i.e. its count now plus
the treaty's headroom, so a limit binds in the race where it binds in the treaty.

What a limit counts (its kind, which the race reports when the limit stops a side) is
read from its rules too, see :func:`limit_kind`.

A limit covers the sides its ``sides`` names (default: all) at their own values
(``per_side``); a limit on a coalition's aggregate (``coalition``) caps the sum of the
members' counts, ``Σ engine counts ≤ limit − Σ fixed`` (:func:`coalition_limits`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from security_equation.engine.race.limits import CoalitionLimit, Limits, counted
from security_equation.schema.framework import LOADED, Framework, Limit
from security_equation.schema.scenario import Scenario, Side
from security_equation.treaty import counting
from security_equation.treaty.assessment import resolve_for


def limit_kind(limit: Limit) -> str:
    """What a limit counts, from its rules (one of ``engine.race.LIMIT_KINDS``):
    ``deployed_warheads`` if a rule counts loaded warheads or the unit is warheads; else
    ``total_launchers`` if a rule counts non-deployed launchers; else
    ``deployed_launchers`` if any rule counts systems; else ``interceptors``."""
    rules = [r for r in limit.rules if r.count != "interceptors"]
    if not rules:
        return "interceptors"
    if limit.unit == "warheads" or any(r.each == LOADED for r in rules):
        return "deployed_warheads"
    if any(r.count in ("launchers", "non_deployed_launchers") for r in rules):
        return "total_launchers"
    return "deployed_launchers"


@dataclass(frozen=True)
class SideLimits:
    """A framework's limits for one side in the engine's terms: one row per limit of the
    framework, in file order. Arrays have shape (rows,)."""

    side: str
    names: tuple[str, ...]  # the framework's limit names
    limits: Limits  # the engine's weights and caps (caps = values − fixed)
    values: np.ndarray  # the framework's limit values
    counted: np.ndarray  # the treaty's totals (treaty.counting)
    fixed: np.ndarray  # treaty total − engine count: what the race does not change

    @property
    def headroom(self) -> np.ndarray:
        """Limit minus the treaty's count (negative: over the limit)."""
        return self.values - self.counted


def _system_arrays(side: Side) -> dict[str, np.ndarray]:
    """The numbers the engine counts with, as ``model.compile`` lays them out: (1, systems)."""
    systems = side.systems.values()
    return {
        "launchers": np.asarray([s.launchers for s in systems], dtype=float)[None, :],
        "non_deployed_launchers": np.asarray([s.non_deployed_launchers for s in systems], dtype=float)[
            None, :
        ],
        "warheads_per_launcher": np.asarray([s.warheads_per_launcher for s in systems], dtype=float)[None, :],
    }


def _weights(side: Side, limits: list[Limit]) -> dict[str, np.ndarray]:
    """What one unit of each holding of each nuclear system adds to each limit,
    (limits, systems) per holding (non-nuclear systems: zero, part of ``fixed``)."""
    weights = {h: np.zeros((len(limits), len(side.systems))) for h in counting.HOLDINGS}
    for row, limit in enumerate(limits):
        rules = [r for r in limit.rules if r.count != "interceptors"]
        for col, system in enumerate(side.systems.values()):
            if not system.nuclear:  # constant in the race: part of `fixed`
                continue
            for rule in rules:
                for holding, weight in counting.unit_weights(system, rule).items():
                    weights[holding][row, col] += weight
    return weights


def _engine(kinds, weights, labels) -> Limits:
    return Limits(
        tuple(kinds),
        caps=np.full(len(kinds), np.inf),
        per_launcher=weights["deployed_launchers"],
        per_non_deployed=weights["non_deployed_launchers"],
        per_warhead=weights["loaded_warheads"],
        # converted and training launchers: not in the arrays, so part of `fixed`
        labels=tuple(labels),
    )


def engine_limits(framework: str | Path | Framework | None, scenario: Scenario) -> dict[str, SideLimits]:
    """Each side's limits under ``framework`` (a name, a file, a loaded framework or
    ``None`` for the scenario's own) as the arms race takes them, for the scenario's
    systems in file order (the columns of its compiled arrays): the limits that cover the
    side (``Limit.sides``) at its own values (``Limit.per_side``); a side no limit covers
    is left out. Limits on a coalition's aggregate: :func:`coalition_limits`."""
    fw = resolve_for(scenario, framework)
    out: dict[str, SideLimits] = {}
    for side_name, side in scenario.sides.items():
        covering = {
            n: counting.for_side(lim, side_name) for n, lim in fw.limits.items() if lim.covers(side_name)
        }
        if not covering:
            continue
        names = tuple(covering)
        kinds = tuple(limit_kind(limit) for limit in covering.values())
        labels = tuple(f"{limit.label or name} ({limit.limit:,.0f})" for name, limit in covering.items())
        values = np.array([limit.limit for limit in covering.values()], dtype=float)
        engine = _engine(kinds, _weights(side, list(covering.values())), labels)
        now = counted(_system_arrays(side), engine)[0]
        counts = counting.count_side(side, fw, side_name)
        headroom = np.array([counts[n].headroom for n in names])
        treaty = np.array([counts[n].counted for n in names], dtype=float)
        out[side_name] = SideLimits(
            side_name,
            names,
            replace(engine, caps=now + headroom),
            values,
            treaty,
            treaty - now,
        )
    return out


@dataclass(frozen=True)
class AggregateLimit:
    """A framework's limit on a coalition's aggregate in the engine's terms: ``engine``
    (members as side indices in file order, the cap less what the treaty counts beyond
    the members' nuclear forces), the treaty's count now and the limit value."""

    name: str  # the framework's limit name
    coalition: str
    members: tuple[str, ...]
    engine: CoalitionLimit
    value: float
    counted: float

    @property
    def headroom(self) -> float:
        return self.value - self.counted


def coalition_limits(framework: str | Path | Framework | None, scenario: Scenario) -> list[AggregateLimit]:
    """The framework's limits on coalitions' aggregates that apply to the scenario (at
    least two members among its sides; ``counting.aggregates``), as the arms race takes
    them: each member's weights as in :func:`engine_limits` and one cap on their sum, the
    members' engine count now plus the treaty's headroom."""
    fw = resolve_for(scenario, framework)
    names = list(scenario.sides)
    out = []
    for agg in counting.aggregates(fw, names, scenario.coalitions):
        kind = limit_kind(agg.limit)
        weights, now, treaty = [], 0.0, 0
        for member in agg.members:
            side = scenario.sides[member]
            engine = _engine([kind], _weights(side, [agg.limit]), [agg.limit_name])
            weights.append(engine)
            now += float(counted(_system_arrays(side), engine)[0, 0])
            treaty += counting.count_limit(side, agg.limit_name, agg.limit, member).counted
        label = (
            f"{agg.coalition} aggregate ({' + '.join(agg.members)}): {agg.limit.label or agg.limit_name}"
            f" ({agg.limit.limit:,.0f})"
        )
        cap = now + (agg.limit.limit - treaty)
        out.append(
            AggregateLimit(
                agg.limit_name,
                agg.coalition,
                agg.members,
                CoalitionLimit(
                    agg.coalition,
                    tuple(names.index(m) for m in agg.members),
                    kind,
                    cap,
                    tuple(weights),
                    label,
                ),
                float(agg.limit.limit),
                float(treaty),
            )
        )
    return out
