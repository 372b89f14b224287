"""The arms race under limits on a coalition's aggregate, and with allies (docs/model.md
"Frameworks for more than two powers", "Arms race"): a member's build stops where the
members' summed count reaches the cap; coverage and the binding first strike count only
a side's adversaries."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from security_equation.engine.exchange import aim_points, exchange
from security_equation.engine.race import CoalitionLimit, Limits, action_reaction, coverage_required
from security_equation.engine.race.metrics import arriving, race_metrics
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario
from security_equation.model.race import arms_race_section
from security_equation.treaty.limits import coalition_limits

AGGREGATE = (
    "name: agg\ntitle: Aggregate only\ncoalitions: {{nato: [us, uk, france]}}\nlimits:\n"
    "  warheads:\n    label: Warheads\n    unit: warheads\n    limit: {limit}\n"
    "    source: 'assumption: test'\n    sides: []\n    coalition: nato\n    rules:\n"
    "      - {{categories: [icbm_silo, icbm_mobile, slbm, bomber], nuclear: true,"
    " count: deployed_launchers, each: loaded_warheads}}\n"
)


@pytest.fixture(scope="module")
def five():
    return load_scenario("five-powers-2026")


def _nato_count(section, agg) -> float:
    race = section.race
    return sum(float(agg.engine.count(k, race.final.sides[k].systems)[0]) for k in agg.engine.members)


def test_security_equation_stops_the_uk_and_france_at_the_nato_aggregate(five):
    section = arms_race_section(five, framework="security-equation", rounds=5)
    data = section.to_dict()
    assert data["outcome"] == "stopped by a limit"
    for member in ("uk", "france"):
        assert section.race.capped[member] == "deployed_warheads"
        assert data["stopped_limits"][member].startswith("nato aggregate (us + uk + france)")
        assert data["capped"][member] == data["stopped_limits"][member]
        assert data["outcome_by_side"][member].startswith("stopped by nato aggregate")
    assert data["outcome_by_side"]["us"] == "settles"
    nato = data["coalition_limits"]["nato"]
    assert nato["members"] == ["us", "uk", "france"]
    warheads = nato["limits"]["deployed_warheads"]
    # Already 229 over (1,779 counted): the members add nothing.
    assert warheads["counted"] == 1779 and warheads["limit"] == 1550 and warheads["binds"]
    assert "nato aggregate" in data["verdict"]
    first = data["path"][0]["sides"]
    assert first["uk"]["added_warheads"] == 0 and first["france"]["added_warheads"] == 0


def test_members_adding_in_one_round_share_the_room(five, tmp_path):
    """UK and France are both short; 29 warheads of room under a 2,100 cap on the NATO sum
    (2,071 now): what they add together never takes the sum above the cap."""
    path = tmp_path / "agg.yaml"
    path.write_text(AGGREGATE.format(limit=2100))
    (agg,) = coalition_limits(path, five)
    assert agg.counted == 2071 and agg.headroom == 29
    free = arms_race_section(five, framework="none", rounds=5)
    unlimited = sum(free.path[0]["sides"][m]["added_warheads"] for m in ("uk", "france"))
    assert unlimited > 29  # without the cap they would add more than the room
    section = arms_race_section(five, framework=str(path), rounds=5)
    added = sum(entry["sides"][m]["added_warheads"] for entry in section.path for m in ("uk", "france"))
    assert added <= 29 + 1e-6
    assert _nato_count(section, agg) <= agg.engine.cap + 1e-6
    assert section.outcome == "stopped by a limit"
    assert set(section.stopped_limits) <= {"uk", "france"} and section.stopped_limits


def test_coalition_limit_in_the_engine_alone(race):
    """Two sides in one coalition against a third: the engine's cap on their sum holds."""
    a = race.side(race.standard_forces(), requirement=900)
    pair = race.pair(a, race.side(race.standard_forces(), requirement=900))
    three = replace(pair, side_names=("a", "b", "c"), sides=(*pair.sides, pair.sides[0].copy()), slots={})
    free = action_reaction(three, rounds=4)
    if free.rounds_run == 0:
        pytest.skip("no side builds in the standard case")
    systems = three.sides[0].structure.system_names
    one_row = Limits(
        ("deployed_warheads",),
        np.array([np.inf]),
        np.zeros((1, len(systems))),
        np.zeros((1, len(systems))),
        np.ones((1, len(systems))) * three.sides[0].structure.nuclear[None, :],
    )
    probe = CoalitionLimit("ac", (0, 2), "deployed_warheads", np.inf, (one_row, one_row), "ac aggregate")
    now = sum(float(probe.count(k, three.sides[k].systems)[0]) for k in (0, 2))
    cap = now + 50.0
    limit = CoalitionLimit("ac", (0, 2), "deployed_warheads", cap, (one_row, one_row), "ac aggregate")
    capped = action_reaction(three, rounds=4, coalition_limits=[limit])
    end = sum(float(limit.count(k, capped.final.sides[k].systems)[0]) for k in (0, 2))
    assert end <= cap + 1e-6
    assert end < sum(float(limit.count(k, free.final.sides[k].systems)[0]) for k in (0, 2))


def test_two_side_race_has_no_coalition_keys():
    data = arms_race_section(
        load_scenario("us-russia-2023"), framework="security-equation", rounds=3
    ).to_dict()
    assert not {"coalition_limits", "stopped_limits", "outcome_by_side"} & set(data)


# --------------------------------------------------------------------------- allies
def test_coverage_counts_only_adversaries(five):
    arrays = compile_scenario(five)
    names = arrays.side_names
    us = names.index("us")
    arrays.sides[us].scalars["counterforce_share"][:] = 1.0
    points = {
        n: float((aim_points(s) * s.structure.nuclear[None, :]).sum(axis=1)[0])
        for n, s in zip(names, arrays.sides, strict=True)
    }
    k = float(arrays.sides[us].scalars["max_warheads_per_target"][0])
    # The UK and France are committed to the US and in its coalition: allies, not covered.
    assert float(coverage_required(arrays, us)[0]) == pytest.approx(k * (points["russia"] + points["china"]))
    apart = compile_scenario(
        load_scenario("five-powers-2026", set_values={"uk.commits_to": [], "france.commits_to": []})
    )
    apart.coalitions = {}  # nor the coalition nato: the UK and France are adversaries
    apart.sides[us].scalars["counterforce_share"][:] = 1.0
    assert float(coverage_required(apart, us)[0]) == pytest.approx(
        k * (points["russia"] + points["china"] + points["uk"] + points["france"])
    )
    assert points["uk"] > 0


def test_binding_first_strike_is_an_adversarys(five):
    arrays = compile_scenario(five)
    names = arrays.side_names
    us, uk = names.index("us"), names.index("uk")
    ex = exchange(arrays)
    by = {names[a]: float(ex.strike(a, us).arriving_retaliation[0]) for a in range(len(names)) if a != us}
    least = arriving(arrays, [us])[us][0]
    assert least == pytest.approx(min(by["russia"], by["china"]))
    m = race_metrics(arrays)
    assert names[m.binding(us)] in ("russia", "china")
    assert us not in m.adversaries(uk) and names.index("france") not in m.adversaries(us)
