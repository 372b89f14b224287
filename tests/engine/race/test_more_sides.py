"""Nothing in the race engine assumes two sides: with three identical sides every side
faces each adversary's first strike as in the two-sided case (docs/model.md "Arms race")."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from security_equation.engine.race import action_reaction, marginal_effects, reaction_slopes
from security_equation.model.race import marginal_effects_table


@pytest.fixture
def two_and_three(race):
    two = race.pair(
        race.side(race.standard_forces(), requirement=500), race.side(race.standard_forces(), requirement=500)
    )
    three = replace(two, side_names=("a", "b", "c"), sides=(*two.sides, two.sides[0].copy()), slots={})
    return two, three


def test_three_identical_sides_race_like_two(two_and_three):
    two, three = two_and_three
    pairwise = action_reaction(two, rounds=5)
    trio = action_reaction(three, rounds=5)
    assert trio.outcome == pairwise.outcome and trio.rounds_run == pairwise.rounds_run
    assert trio.side_names == ("a", "b", "c") and len(trio.requirement) == 3
    for mine, theirs in zip(trio.path, pairwise.path, strict=True):
        assert mine["fsi"] == pytest.approx(theirs["fsi"], rel=1e-12)
        for name in ("a", "b", "c"):
            for key in ("deployed_warheads", "arriving", "r", "added_warheads"):
                assert mine["sides"][name][key] == pytest.approx(theirs["sides"]["a"][key], rel=1e-9)


def test_marginal_effects_name_each_pair(two_and_three):
    _, three = two_and_three
    effects = marginal_effects(three, step=10, actions=("launcher",))
    assert {"d_r_a[b]", "d_r_c[a]", "d_fsi[a,b]", "d_fsi[b,c]", "d_arriving_b[c]", "d_c1_c[b]"} <= set(
        effects.rates
    )
    assert {"d_c1_over_c2_a[b]", "d_c1_over_c2_c[a]"} <= set(effects.rates)
    assert "fsi[a,c]" in effects.base and "r_b[c]" in effects.base and "c1_over_c2_b[c]" in effects.base
    assert len(effects.perturbations) == 3 * 2
    df = marginal_effects_table(three, step=10, actions=("launcher",))
    assert set(effects.rates) <= set(df.columns) and len(df) == 3 * 2
    assert "fsi[a,c]" in df.attrs["base"]


def test_reaction_slopes_between_any_two_sides(two_and_three):
    two, three = two_and_three
    expected = reaction_slopes(two, (0, 1))
    for sides in ((0, 1), (0, 2), (2, 1)):
        got = reaction_slopes(three, sides)
        np.testing.assert_allclose(got.rho, expected.rho, rtol=1e-12)
        np.testing.assert_allclose(got.required_warheads, expected.required_warheads, rtol=1e-12)


def test_sections_take_more_sides(two_and_three):
    from security_equation.model.race import arms_race_section, drivers_section

    _, three = two_and_three
    drivers = drivers_section(three, step=10, top=4)
    effects = [max(abs(v) for k, v in row.items() if k.startswith("d_fsi")) for row in drivers.drivers]
    assert len(effects) == 4 and effects == sorted(effects, reverse=True)
    race = arms_race_section(three, rounds=3)
    assert set(race.path[0]["sides"]) == {"a", "b", "c"}
    assert set(race.linearised) == {"a,b", "a,c", "b,c"}
    assert race.linearised["a,c"]["rho"].keys() == {"a", "c"}
