"""The one mapping from a framework to the arms race's limits (``treaty.limits``): the
race counts what ``treaty.assess`` counts, for every bundled framework."""

from __future__ import annotations

import numpy as np
import pytest

from security_equation.engine.race import action_reaction, contributions, counted
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario
from security_equation.treaty import assess, bundled_frameworks, engine_limits, load_framework
from security_equation.treaty.counting import SEPARATE_ITEMS, holdings, item_name, round_half_up, unit_weights
from security_equation.treaty.limits import limit_kind

DEFAULT_SCENARIO = "us-russia-2023"


@pytest.mark.parametrize("framework", bundled_frameworks())
def test_the_race_counts_what_the_treaty_counts(framework):
    sc = load_scenario(DEFAULT_SCENARIO)
    arrays = compile_scenario(sc)
    result = assess(sc, framework)
    fw = load_framework(framework)
    by_side = engine_limits(framework, sc)
    race = action_reaction(arrays, rounds=0, limits={side: lim.limits for side, lim in by_side.items()})
    for k, side in enumerate(arrays.side_names):
        lim = by_side[side]
        treaty = result.sides[side].limits
        assert lim.names == tuple(treaty)
        engine = counted(arrays.sides[k].systems, lim.limits)[0]
        # Totals: the engine's count plus what the race never changes is the treaty's count …
        np.testing.assert_allclose(
            engine + lim.fixed, [treaty[n].counted for n in lim.names], rtol=0, atol=1e-9
        )
        np.testing.assert_array_equal(lim.counted, [treaty[n].counted for n in lim.names])
        # … and the caps leave the treaty's headroom.
        np.testing.assert_allclose(
            lim.limits.caps - engine, [treaty[n].headroom for n in lim.names], rtol=0, atol=1e-9
        )
        # System by system, the engine's weights reproduce the rules: each nuclear system's
        # contribution rounds to the treaty's whole number for it, and its converted and
        # training launchers (not in the engine's arrays, items of their own in the
        # treaty's breakdown) are what the rules count on them.
        by_system = contributions(arrays.sides[k].systems, lim.limits)[0]
        structure = arrays.sides[k].structure
        for row, name in enumerate(lim.names):
            rules = fw.limits[name].rules
            for col, system_name in enumerate(structure.system_names):
                system = sc.sides[side].systems[system_name]
                if structure.nuclear[col]:
                    assert round_half_up(by_system[row, col]) == treaty[name].by_system.get(system_name, 0)
                    for holding in SEPARATE_ITEMS:
                        part = holdings(system)[holding] * sum(
                            unit_weights(system, rule)[holding] for rule in rules
                        )
                        item = treaty[name].by_system.get(item_name(system_name, holding), 0)
                        assert round_half_up(part) == item
                else:
                    assert by_system[row, col] == 0
        # The race reports its warhead count by the same rules.
        warheads = [row for row, kind in enumerate(lim.limits.kinds) if kind == "deployed_warheads"]
        if warheads:
            first = race.path[0]["sides"][side]["counted_warheads"]
            name = lim.names[warheads[0]]
            assert first + lim.fixed[warheads[0]] == pytest.approx(treaty[name].counted, abs=1e-9)


def test_what_the_race_does_not_change_is_fixed(make):
    """Allowances, converted and training launchers, interceptors and conventional systems
    are counted by the treaty and carried by the race as a constant."""
    sc = make.scenario(
        {
            "slbm": make.system(
                "slbm",
                launchers=10,
                non_deployed_launchers=2,
                warheads_per_launcher=4.25,
                max_warheads_per_launcher=8,
                converted_launchers=3,
                training_launchers=2,
            ),
            "cps": make.system("conventional_strike", launchers=5, nuclear=False),
        },
        defences={"gmd": make.missile_defence(44)},
    )
    limits = engine_limits("security-equation", sc)["us"]
    rows = dict(zip(limits.names, range(len(limits.names)), strict=True))
    # 10 deployed SLBMs, and 5 conventional launchers as fixed.
    assert limits.counted[rows["deployed_launchers"]] == 10 + 5
    assert limits.fixed[rows["deployed_launchers"]] == pytest.approx(5)
    # 12 deployed and non-deployed SLBM launchers, and 3 converted, 2 training and 5
    # conventional ones as fixed.
    assert limits.counted[rows["total_launchers"]] == 12 + 3 + 2 + 5
    assert limits.fixed[rows["total_launchers"]] == pytest.approx(3 + 2 + 5)
    # 42.5 loaded warheads round to 43; 5 conventional warheads fixed.
    assert limits.counted[rows["deployed_warheads"]] == 43 + 5
    assert limits.fixed[rows["deployed_warheads"]] == pytest.approx(0.5 + 5)
    assert limits.counted[rows["interceptors"]] == 44 and limits.fixed[rows["interceptors"]] == 44
    assert limits.limits.kinds[rows["interceptors"]] == "interceptors"
    sc = make.scenario({"icbm": make.system(launchers=100)}, framework="all-warheads-cap")
    limits = engine_limits(None, sc)["us"]
    assert limits.fixed[0] == pytest.approx(1938 + 100)  # the framework's allowances for us


@pytest.mark.parametrize(
    ("framework", "kinds"),
    [
        ("new-start", ("deployed_launchers", "deployed_warheads", "total_launchers")),
        ("all-warheads-cap", ("deployed_warheads",)),
        ("security-equation", ("deployed_launchers", "deployed_warheads", "total_launchers", "interceptors")),
    ],
)
def test_what_a_limit_counts_is_read_from_its_rules(framework, kinds):
    fw = load_framework(framework)
    assert tuple(limit_kind(limit) for limit in fw.limits.values()) == kinds
