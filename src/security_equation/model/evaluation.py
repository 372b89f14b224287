"""The model facade: scenario in, labelled evaluation out.

``evaluate`` is what the CLI, the report and the web API call. It compiles the
scenario to arrays once, runs the engine on a small batch (the scenario as given
plus posture variants, all in one engine call) and gathers the results with their
provenance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from security_equation.engine import coalitions as co
from security_equation.engine import thirdparty
from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.constants import LAUNCH_UNDER_ATTACK_KT
from security_equation.engine.exchange import (
    DrawDown,
    Exchange,
    StrikeResult,
    curve_costs,
    exchange,
    third_party_contexts,
)
from security_equation.engine.race.metrics import adversaries_of
from security_equation.engine.stability import SIDE_METRICS, Stability, headline, stability
from security_equation.io.jsonable import finite_or_none
from security_equation.model import posture
from security_equation.model.compile import compile_scenario
from security_equation.model.provenance import assumptions, description_note, edited_values, unsourced
from security_equation.model.race import arms_race_section, drivers_section
from security_equation.model.sections import Section, TreatySection
from security_equation.schema.scenario import Scenario
from security_equation.treaty.assessment import assess, resolve_for
from security_equation.treaty.frameworks import is_no_framework

#: Posture variants evaluated beside the scenario as given (batch members 1…).
VARIANTS: dict[str, dict[str, float]] = {
    "day_to_day": {"posture.alert": 0.0},
    "generated": {"posture.alert": 1.0},
    "no_launch_under_attack": {"posture.launch_under_attack": 0.0},
    "launch_under_attack": {"posture.launch_under_attack": LAUNCH_UNDER_ATTACK_KT},
}

#: Why a side's ``c1_over_c2`` is ``None`` in JSON (docs/model.md "Stability").
RATIO_INFINITE_NOTE = "C2 = 0 < C1: being struck first costs nothing, so C1/C2 is infinite (r = 1)"

STRIKE_FIELDS = (
    "attacker_weapons",
    "counterforce_spent",
    "victim_warheads",
    "destroyed",
    "victim_survivors",
    "victim_retaliating",
    "arriving_retaliation",
    "attacker_value_warheads",
    "arriving_first_strike",
    "damage_attacker",
    "damage_victim",
    "cost_attacker",
    "cost_victim",
    "share_destroyed",
    "spent_per_destroyed",
    "all_stopped_retaliation",
    "all_stopped_first_strike",
)


def strike_dict(strike: StrikeResult, costs: tuple, index: int = 0) -> dict:
    out = {name: finite_or_none(getattr(strike, name)[index]) for name in STRIKE_FIELDS}
    c = strike.curve
    out["curve"] = {
        "spend": np.round(c.spend[index], 6).tolist(),
        "destroyed": np.round(c.destroyed[index], 6).tolist(),
        "victim_retaliating_reliable": np.round(c.victim_ballistic[index] + c.victim_air[index], 6).tolist(),
        "attacker_value_reliable": np.round(c.attacker_ballistic[index] + c.attacker_air[index], 6).tolist(),
        "cost_attacker": np.round(costs[0][index], 9).tolist(),
        "cost_victim": np.round(costs[1][index], 9).tolist(),
    }
    return out


@dataclass
class ExchangeSection:
    """The first strikes of every ordered pair of sides in the scenario as given, and the
    posture variants' indices."""

    side_names: tuple[str, ...]
    arrays: ScenarioArrays
    result: Exchange
    stability: Stability
    variant_names: tuple[str, ...]
    #: Coalition cases (``engine/coalitions.py``): each declared coalition against every
    #: side outside it and every other coalition it shares no side with.
    coalition_pairs: tuple[co.PartyExchange, ...] = ()
    #: The two-peer question per side (``engine/coalitions.py``): its requirement after
    #: each adversary's, each coalition of its adversaries' and all its adversaries'
    #: first strike, in :func:`coalitions.two_peer_cases` order.
    two_peer: dict[str, tuple[co.RequirementCheck, ...]] = field(default_factory=dict)
    #: Why a case could not be evaluated (e.g. a member's damage table), by case name.
    coalition_notes: dict[str, str] = field(default_factory=dict)

    def costed_curve(
        self, attacker: int, victim: int, *, per_piece: int = 1
    ) -> tuple[DrawDown, np.ndarray, np.ndarray]:
        """The draw-down curve of ``attacker`` striking ``victim`` first (side indices),
        sampled ``per_piece`` times in every piece, with the attacker's and the victim's
        cost at each point."""
        curve = self.result.strike(attacker, victim).curve.sampled(per_piece)
        # The costs with the third parties the strike itself was evaluated with.
        contexts = third_party_contexts(self.arrays, ((attacker, victim),))
        costs = curve_costs(
            self.arrays.sides[attacker],
            self.arrays.sides[victim],
            self.arrays.settings,
            curve,
            None if contexts is None else contexts[attacker, victim],
        )
        return curve, *costs

    @property
    def multi_party(self) -> bool:
        """More than two sides: the JSON and the presenters add the pairwise matrix."""
        return len(self.side_names) > 2

    @cached_property
    def _side_metrics(self) -> dict[str, dict]:
        """``engine.stability.headline``'s metrics per (side, adversary), computed once."""
        return headline(self.result, self.stability).side

    @cached_property
    def _binding(self) -> dict[str, str]:
        """Each side's binding adversary (:meth:`binding_adversary`), computed once."""
        out = {}
        for own, name in enumerate(self.side_names):
            # Allies (committed either way, or in one coalition) are not adversaries.
            others = adversaries_of(self.arrays, own)
            arriving = [float(self.result.strike(v, own).arriving_retaliation[0]) for v in others]
            best = min(range(len(others)), key=lambda i: (arriving[i], i))
            out[name] = self.side_names[others[best]]
        return out

    def binding_adversary(self, name: str) -> str:
        """The adversary whose first strike leaves side ``name`` the fewest arriving
        retaliatory warheads (the scenario as given; ties go to the first in file order).
        With two sides, the other side (docs/model.md, "Three and more powers")."""
        return self._binding[name]

    def _pair(self, attacker: str, victim: str | None = None) -> tuple[int, int]:
        """(attacker, victim) indices; ``victim`` defaults to the attacker's binding
        adversary (the only other side in a two-side scenario)."""
        victim = self.binding_adversary(attacker) if victim is None else victim
        return self.side_names.index(attacker), self.side_names.index(victim)

    def strike(self, attacker: str, victim: str | None = None) -> StrikeResult:
        return self.result.strike(*self._pair(attacker, victim))

    def unordered_pairs(self) -> tuple[tuple[str, str], ...]:
        """The unordered pairs of sides (file order within and between pairs)."""
        return tuple((self.side_names[i], self.side_names[j]) for i, j in self.stability.pairs)

    def least_stable_pair(self, variant: str | None = None) -> tuple[int, int]:
        """Index pair of adversaries with the lowest FSI (the first on ties): the pair the
        headline FSI of a scenario with more than two sides reports. Pairs of allies count
        only where every pair is one."""
        index = 0 if variant is None else 1 + self.variant_names.index(variant)
        pairs = self.stability.pairs
        # Pairs of allies are evaluated and shown, but the headline is about adversaries.
        candidates = thirdparty.adversary_pairs(self.arrays, pairs)
        return min(candidates, key=lambda p: (float(self.stability.fsi[p][index]), pairs.index(p)))

    def fsi(self, variant: str | None = None, pair: tuple[str, str] | None = None) -> float:
        """FSI of ``pair`` (names, either order); by default the scenario's only pair, or
        with more than two sides the least stable pair's (the lowest FSI)."""
        index = 0 if variant is None else 1 + self.variant_names.index(variant)
        if pair is None:
            key = self.least_stable_pair(variant)
        else:
            key = tuple(sorted(self.side_names.index(n) for n in pair))
        return float(self.stability.fsi[key][index])

    def schelling(self, pair: tuple[int, int] | None = None) -> float:
        key = self.least_stable_pair() if pair is None else pair
        return float(self.stability.schelling[key][0])

    def side(self, name: str, adversary: str | None = None) -> dict:
        """The side's headline metrics against (and struck first by) ``adversary`` (by
        default its binding adversary, the only other side in a two-side scenario), and the
        warheads it retaliates with, as Python floats (row 0: the scenario as given).
        ``c1_over_c2`` is the uncapped ratio behind ``r`` (docs/model.md "Stability"),
        ``None`` when infinite (``C2 = 0 < C1``), with ``c1_over_c2_note`` saying so."""
        key = self._pair(name, adversary)
        metrics = self._side_metrics
        values = {m: float(metrics[m][key][0]) for m in SIDE_METRICS}
        hit = self.result.strike(key[1], key[0])  # this side struck first by the other
        ratio = values["c1_over_c2"]
        out = {
            **{m: values[m] for m in ("c1", "c2", "r")},
            "c1_over_c2": finite_or_none(ratio),
        }
        if math.isinf(ratio):
            out["c1_over_c2_note"] = RATIO_INFINITE_NOTE
        return {
            **out,
            "surviving_warheads": values["surviving_warheads"],
            "retaliating_warheads": float(hit.victim_retaliating[0]),
            **{m: values[m] for m in ("arriving_warheads", "share_destroyed")},
        }

    def pairs_list(self) -> list[dict]:
        """Every ordered pair (side, adversary) with the side's r, costs and warheads
        against that adversary (``pairs`` in the JSON of a scenario with more than two
        sides), in the engine's order of pairs."""
        out = []
        for s, a in self.result.pairs:
            side, adversary = self.side_names[s], self.side_names[a]
            values = self.side(side, adversary)
            row = {
                "side": side,
                "adversary": adversary,
                **{k: values[k] for k in ("r", "c1", "c2", "c1_over_c2")},
            }
            if "c1_over_c2_note" in values:
                row["c1_over_c2_note"] = values["c1_over_c2_note"]
            row["arriving_warheads"] = values["arriving_warheads"]
            row["surviving_warheads"] = values["surviving_warheads"]
            out.append(row)
        return out

    def fsi_pairs(self, variant: str | None = None) -> dict[str, float]:
        """FSI per unordered pair, keyed ``"a,b"`` (file order)."""
        return {f"{a},{b}": self.fsi(variant, (a, b)) for a, b in self.unordered_pairs()}

    def coalition_pairs_list(self) -> list[dict]:
        """Each coalition case: both parties' r, costs and FSI, and both first strikes
        (``coalition_pairs`` in the JSON; row 0, the scenario as given)."""
        out = []
        for case in self.coalition_pairs:
            first, second = case.names
            st = case.stability
            row: dict[str, Any] = {
                "parties": [first, second],
                "members": {
                    name: [self.side_names[i] for i in party]
                    for name, party in zip(case.names, case.parties, strict=True)
                },
                "fsi": float(st.fsi[0, 1][0]),
            }
            for metric in ("r", "c1", "c2"):
                values = getattr(st, metric)
                row[metric] = {first: float(values[0, 1][0]), second: float(values[1, 0][0])}
            row["c1_over_c2"] = {
                first: finite_or_none(st.c1_over_c2[0, 1][0]),
                second: finite_or_none(st.c1_over_c2[1, 0][0]),
            }
            row["strikes"] = {
                f"{a}_strikes_{v}": {
                    "attacker": a,
                    "victim": v,
                    **{k: finite_or_none(getattr(case.result.strike(i, j), k)[0]) for k in STRIKE_FIELDS},
                }
                for (i, j), (a, v) in (((0, 1), (first, second)), ((1, 0), (second, first)))
            }
            out.append(row)
        return out

    def two_peer_dict(self) -> dict:
        """The two-peer question per side (``two_peer`` in the JSON; row 0): after each
        case's first strike, the warheads the side needs against each adversary, whether
        it meets its requirement against all of them at once and how many it is short."""
        out = {}
        for name, checks in self.two_peer.items():
            k = self.side_names.index(name)
            required = float(self.arrays.sides[k].scalars["required_arriving_warheads"][0])
            adversaries = [self.side_names[c] for c in checks[0].needed] if checks else []
            cases = []
            for check in checks:
                cases.append(
                    {
                        "attackers": co.party_name(self.arrays, check.attackers),
                        "members": [self.side_names[i] for i in check.attackers],
                        "surviving_warheads": float(check.survivors[0]),
                        "needed_warheads": {
                            self.side_names[c]: finite_or_none(n[0]) for c, n in check.needed.items()
                        },
                        "arriving_if_all_on_one": {
                            self.side_names[c]: float(x[0]) for c, x in check.arriving_all.items()
                        },
                        "needed_total": finite_or_none(check.needed_total[0]),
                        "meets_all": bool(check.meets_all[0]),
                        "short_warheads": finite_or_none(check.short[0]),
                    }
                )
            out[name] = {
                "requirement_arriving_warheads": finite_or_none(required),
                "adversaries": adversaries,
                "cases": cases,
            }
        return out

    def to_dict(self) -> dict:
        out = {}
        for (a, v), strike in zip(self.result.pairs, self.result.strikes, strict=True):
            attacker, victim = self.side_names[a], self.side_names[v]
            out[f"{attacker}_strikes_{victim}"] = {
                "attacker": attacker,
                "victim": victim,
                **strike_dict(strike, self.costed_curve(a, v)[1:]),
            }
        return out


@dataclass
class Evaluation:
    """Everything the model says about one scenario."""

    scenario: Scenario
    posture: dict
    assumptions: list
    unsourced: list[str]
    exchange: ExchangeSection | None = None
    #: Typed sections beyond the exchange (treaty, drivers, arms race), in output order.
    sections: dict[str, Section] = field(default_factory=dict)

    @property
    def fsi(self) -> float:
        return self.exchange.fsi()

    def to_dataframe(self):
        """The headline metrics as a tidy table: one row per (side, metric)."""
        import pandas as pd

        data = self.to_dict()
        rows = [{"side": None, "metric": "fsi", "value": data.get("fsi")}]
        rows += [
            {"side": None, "metric": f"fsi[{k}]", "value": v} for k, v in data.get("fsi_variants", {}).items()
        ]
        for side, values in data["sides"].items():
            for key, value in values.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    rows.append({"side": side, "metric": key, "value": float(value)})
        return pd.DataFrame(rows, columns=["side", "metric", "value"])

    def _repr_html_(self) -> str:
        from html import escape

        data = self.to_dict()
        head = (
            f"<b>{escape(self.scenario.name)}</b>: first-strike stability index "
            f"FSI = {data.get('fsi', float('nan')):.3f}"
        )
        metrics = (
            "c1",
            "c2",
            "r",
            "c1_over_c2",
            "surviving_warheads",
            "arriving_warheads",
            "share_destroyed",
        )
        cells = "".join(f"<th>{escape(m)}</th>" for m in metrics)
        body = ""
        for values in data["sides"].values():
            tds = "".join(
                "<td>∞</td>"  # c1_over_c2 is None (with a note) when infinite: C2 = 0 < C1
                if values.get(m, float("nan")) is None
                else f"<td>{values.get(m, float('nan')):,.{0 if m.endswith('warheads') else 3}f}</td>"
                for m in metrics
            )
            body += f"<tr><th>{escape(values['label'])}</th>{tds}</tr>"
        return f"<div><p>{head}</p><table><tr><th></th>{cells}</tr>{body}</table></div>"

    def to_dict(self) -> dict:
        s = self.scenario
        out: dict[str, Any] = {
            "scenario": s.name,
            "description": s.description,
            "origin": s.origin,
            "applied_overrides": list(s.applied_overrides),
            # The description is the files'; once values are edited a note says it may no
            # longer match (docs/model.md, "Provenance of edited values").
            "description_note": description_note(s),
            "edited_values": edited_values(s),
        }
        if self.exchange is not None:
            ex = self.exchange
            out["fsi"] = ex.fsi()
            out["fsi_variants"] = {v: ex.fsi(v) for v in ex.variant_names}
            out["schelling"] = ex.schelling()
            if ex.multi_party:
                # Only with more than two sides, so two-side output stays as it was.
                i, j = ex.least_stable_pair()
                out["fsi_pair"] = f"{ex.side_names[i]},{ex.side_names[j]}"
                out["fsi_pairs"] = ex.fsi_pairs()
                out["pairs"] = ex.pairs_list()
                if s.coalitions:
                    out["coalitions"] = {k: list(v) for k, v in s.coalitions.items()}
                    out["coalition_pairs"] = ex.coalition_pairs_list()
                out["two_peer"] = ex.two_peer_dict()
                if ex.coalition_notes:
                    out["coalition_notes"] = dict(ex.coalition_notes)
        out["sides"] = {}
        for name in s.side_names:
            side = {"label": self.posture[name]["label"]}
            if self.exchange is not None:
                if self.exchange.multi_party:
                    side["binding_adversary"] = self.exchange.binding_adversary(name)
                    k = s.side_names.index(name)
                    side["allies"] = [
                        other
                        for j, other in enumerate(s.side_names)
                        if j != k and thirdparty.allied(self.exchange.arrays, k, j)
                    ]
                side.update(self.exchange.side(name))
            side["posture"] = {k: v for k, v in self.posture[name].items() if k != "label"}
            out["sides"][name] = side
        if self.exchange is not None:
            out["exchange"] = self.exchange.to_dict()
        for name, section in self.sections.items():
            out[name] = section.to_dict()
        out["assumptions"] = [a.to_dict() for a in self.assumptions]
        out["unsourced"] = self.unsourced
        # Values outside their plausible ranges (docs/model.md, "Plausible ranges").
        out["warnings"] = [w.to_dict() for w in s.warnings]
        return out


def exchange_section(scenario: Scenario) -> ExchangeSection:
    """Run the engine on the scenario plus its posture variants in one batch."""
    names = scenario.side_names
    arrays = compile_scenario(scenario, batch=1 + len(VARIANTS))
    for row, changes in enumerate(VARIANTS.values(), start=1):
        for path, value in changes.items():
            for side in names:
                column = arrays.get(f"{side}.{path}")
                column[row] = value
    result = exchange(arrays)
    section = ExchangeSection(names, arrays, result, stability(result), tuple(VARIANTS))
    if len(names) > 2:
        _coalition_cases(section)
    return section


def _coalition_cases(section: ExchangeSection) -> None:
    """Fill the section's coalition cases and two-peer question (more than two sides)."""
    arrays = section.arrays
    joint: dict[tuple, StrikeResult] = {}
    pairs = []
    for first, second in co.coalition_cases(arrays):
        try:
            case = co.party_exchange(arrays, first, second)
        except co.CoalitionError as err:
            section.coalition_notes[f"{co.party_name(arrays, first)} and {co.party_name(arrays, second)}"] = (
                str(err)
            )
            continue
        pairs.append(case)
        joint[case.parties[0], case.parties[1]] = case.result.strike(0, 1)
        joint[case.parties[1], case.parties[0]] = case.result.strike(1, 0)
    section.coalition_pairs = tuple(pairs)
    for victim, name in enumerate(arrays.side_names):
        if np.isnan(arrays.sides[victim].scalars["required_arriving_warheads"]).all():
            continue
        checks = []
        for attackers in co.two_peer_cases(arrays, victim):
            if len(attackers) == 1:
                strike = section.result.strike(attackers[0], victim)
            elif (attackers, (victim,)) in joint:
                strike = joint[attackers, (victim,)]
            else:
                try:
                    world = co.party_world(arrays, [attackers, (victim,)])
                except co.CoalitionError as err:
                    section.coalition_notes[f"{co.party_name(arrays, attackers)} striking {name}"] = str(err)
                    continue
                strike = exchange(world, pairs=((0, 1),)).strike(0, 1)
            checks.append(co.requirement_check(arrays, victim, attackers, strike))
        if checks:
            section.two_peer[name] = tuple(checks)


#: Sections ``evaluate`` adds by default, in the order the presenters show them.
SECTIONS: tuple[str, ...] = ("treaty", "drivers", "arms_race")


def evaluate(
    scenario: Scenario, *, framework: str | None = None, sections: tuple[str, ...] | list[str] = SECTIONS
) -> Evaluation:
    """Evaluate a scenario: posture, the exchange for every ordered pair of sides,
    stability, and the ``sections`` asked for (treaty status, main drivers, arms race;
    fewer is faster). The scenario is compiled once and the framework (``framework``, else
    the scenario's own) resolved once, for every section."""
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    name = framework or scenario.framework
    result = Evaluation(
        scenario=scenario,
        posture=posture.summarize(scenario),
        assumptions=assumptions(scenario),
        unsourced=unsourced(scenario),
        exchange=exchange_section(scenario),
    )
    needs_framework = {"treaty", "arms_race"} & set(sections) and not is_no_framework(name)
    resolved = resolve_for(scenario, framework) if needs_framework else None
    # Row 0 of the exchange batch is the scenario as given: no need to compile again.
    as_given = result.exchange.arrays.take([0])
    if "treaty" in sections and resolved is not None:
        result.sections["treaty"] = TreatySection(assess(scenario, resolved))
    if "drivers" in sections:
        result.sections["drivers"] = drivers_section(as_given, step=10.0, top=10)
    if "arms_race" in sections:
        result.sections["arms_race"] = arms_race_section(
            scenario, framework=resolved if resolved is not None else name, rounds=20, arrays=as_given
        )
    return result
