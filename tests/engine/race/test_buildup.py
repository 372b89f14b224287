"""Build paths, least additions, the action–reaction iteration and the reaction slopes
(docs/model.md "Arms race")."""

from __future__ import annotations

import numpy as np
import pytest

from security_equation.engine.race import (
    RUNS_AWAY,
    SETTLES,
    STOPPED_BY_CAPACITY,
    STOPPED_BY_LIMIT,
    Limits,
    action_reaction,
    build_path,
    counted,
    reaction_slopes,
)
from security_equation.model.compile import compile_scenario
from security_equation.model.race import race_table


# ============================================================================ build path
def test_build_path_uploads_survivable_systems_first_then_redeploys_then_builds(race):
    arrays = race.symmetric(None)
    path = build_path(arrays.sides[0], production=10)
    ssbn, silo = 1, 0
    assert list(path.kind) == [0, 0, 1, 2]
    assert list(path.system) == [ssbn, silo, ssbn, ssbn]
    np.testing.assert_allclose(path.capacity, [100 * 4, 200 * 3, 20 * 8, 10 * 8])
    assert path.u_max == pytest.approx(400 + 600 + 160 + 80) and path.stop == "production"
    after = path.apply(np.array([0.0, 200.0, 400 + 600 + 80]))
    np.testing.assert_allclose(after["warheads_per_launcher"][1], [3, 6])
    np.testing.assert_allclose(after["launchers"][2], [200, 110])
    np.testing.assert_allclose(after["non_deployed_launchers"][2], [0, 10])
    np.testing.assert_allclose(after["warheads_per_launcher"][2], [6, 8])


def test_build_path_stops_where_a_limit_binds(race):
    sc = race.symmetric_scenario(None)
    s = compile_scenario(sc).sides[0]
    path = build_path(s, race.limits(sc, deployed_warheads=1300)["a"])
    assert path.u_max == pytest.approx(300) and path.stop == "deployed_warheads"
    path = build_path(s, race.limits(sc, deployed_launchers=305)["a"])
    assert path.u_max == pytest.approx(400 + 600 + 5 * 8) and path.stop == "deployed_launchers"
    path = build_path(s, race.limits(sc, total_launchers=320 + 3)["a"])
    assert path.u_max == pytest.approx(400 + 600 + 160 + 3 * 8) and path.stop == "total_launchers"
    # Already over a limit: nothing that counts toward it can be added.
    assert build_path(s, race.limits(sc, deployed_warheads=900)["a"]).u_max == 0


def test_bombers_counting_one_warhead_can_upload_under_a_warhead_limit(race):
    forces = {
        "bomber": race.system("bomber", 20, 4, 16, alert=(0.3, 0.8)),
        "silo": race.system("icbm_silo", 100, 1, 3, cep=100),
    }
    sc = race.scenario(race.side(forces), race.side(forces))
    arrays = compile_scenario(sc)
    big = {"deployed_warheads": 10**6, "deployed_launchers": 10**6, "total_launchers": 10**6}
    lim = race.limits(sc, bombers_count_one=True, **big)["a"]
    np.testing.assert_allclose(counted(arrays.sides[0].systems, lim)[0], [20 + 100, 120, 120])
    path = build_path(arrays.sides[0], race.limits(sc, deployed_warheads=120, bombers_count_one=True)["a"])
    assert path.u_max == pytest.approx(20 * 12)  # the bomber upload, then the limit binds
    path = build_path(arrays.sides[0], race.limits(sc, deployed_warheads=20 * 4 + 100)["a"])
    assert path.u_max == pytest.approx(0)  # plain counting: already at the limit


def test_limits_check_their_shapes():
    with pytest.raises(ValueError, match="kinds"):
        Limits(("warheads",), [1.0], [[1.0]], [[0.0]], [[0.0]])
    with pytest.raises(ValueError, match="one cap"):
        Limits(("deployed_warheads",), [1.0, 2.0], [[1.0]], [[0.0]], [[0.0]])
    with pytest.raises(ValueError, match="one cap"):
        Limits(("deployed_warheads",), [1.0], [[1.0, 1.0]], [[0.0]], [[0.0]])


# ============================================================================ action–reaction
def test_action_reaction_settles_on_a_symmetric_survivable_case(race):
    result = action_reaction(race.symmetric(500), rounds=20)
    assert result.outcome == SETTLES
    assert result.rounds_run >= 1
    first, last = result.path[0], result.path[-1]
    for name in ("a", "b"):
        assert first["sides"][name]["arriving"] < 500
        assert last["sides"][name]["arriving"] >= 500 - 0.5
        assert last["sides"][name]["deployed_warheads"] > first["sides"][name]["deployed_warheads"]
    # Symmetric sides make symmetric moves.
    for entry in result.path:
        assert entry["sides"]["a"]["deployed_warheads"] == pytest.approx(
            entry["sides"]["b"]["deployed_warheads"], rel=1e-9
        )
    # The final state reproduces the recorded numbers.
    arr_a, arr_b = race.arriving(result.final)
    assert arr_a[0] == pytest.approx(last["sides"]["a"]["arriving"])
    assert set(race_table(result).columns) >= {"round", "side", "deployed_warheads", "arriving", "r"}


def test_each_round_adds_the_least_force(race):
    """One round from the start: the addition meets the requirement against the other's
    unchanged forces, and 1 % less would not."""
    arrays = race.symmetric(500)
    result = action_reaction(arrays, rounds=1)
    added = result.path[0]["sides"]["a"]["added_warheads"]
    path = build_path(arrays.sides[0])
    trial = arrays.repeat(2)
    for row, u in enumerate((added, 0.99 * added)):
        for key, values in path.apply(np.array([u])).items():
            trial.sides[0].systems[key][row] = values[0]
    got = race.arriving(trial)[0]
    assert got[0] >= 500 - 1e-6
    assert got[1] < 500


def test_a_side_above_its_requirement_does_not_cut_or_build(race):
    arrays = race.pair(
        race.side(race.standard_forces(), requirement=50), race.side(race.standard_forces(), requirement=500)
    )
    result = action_reaction(arrays, rounds=20)
    assert result.outcome == SETTLES
    a_warheads = [e["sides"]["a"]["deployed_warheads"] for e in result.path]
    assert a_warheads == [a_warheads[0]] * len(a_warheads)
    b_warheads = [e["sides"]["b"]["deployed_warheads"] for e in result.path]
    assert b_warheads[-1] > b_warheads[0]


def test_action_reaction_races_to_limits_when_the_requirement_is_unreachable(race):
    sc = race.symmetric_scenario(900)
    limits = race.limits(sc, deployed_warheads=1600, deployed_launchers=320)
    assert limits["a"].systems == 2
    result = action_reaction(compile_scenario(sc), rounds=20, limits=limits["a"])  # one Limits for both
    assert result.outcome == STOPPED_BY_LIMIT
    assert result.capped == {"a": "deployed_warheads", "b": "deployed_warheads"}
    last = result.path[-1]["sides"]
    for name in ("a", "b"):
        assert last[name]["deployed_warheads"] == pytest.approx(1600, abs=1e-6)
        assert last[name]["counted_warheads"] == pytest.approx(1600, abs=1e-6)
        assert last[name]["arriving"] < 900
    # Per-side limits, and capacity as a cap: no production, everything uploaded.
    sc = race.symmetric_scenario(2000)
    result = action_reaction(
        compile_scenario(sc), rounds=20, production=0, limits={"a": race.limits(sc, total_launchers=1e9)["a"]}
    )
    assert result.outcome == STOPPED_BY_CAPACITY
    assert result.capped == {"a": "capacity", "b": "capacity"}


def test_action_reaction_runs_away_when_rounds_are_exhausted(race):
    result = action_reaction(race.symmetric(900), rounds=1)
    assert result.outcome == RUNS_AWAY
    assert len(result.path) == 2


def test_action_reaction_takes_explicit_requirements(race):
    sc = race.scenario(race.side(race.standard_forces()), race.side(race.standard_forces()))
    arrays = compile_scenario(sc)
    assert action_reaction(arrays).outcome == SETTLES  # no requirements
    result = action_reaction(arrays, requirement={"a": 400})
    assert result.outcome == SETTLES and result.rounds_run >= 1
    assert (
        result.path[-1]["sides"]["b"]["deployed_warheads"]
        == result.path[0]["sides"]["b"]["deployed_warheads"]
    )
    same = action_reaction(arrays, requirement=[400, np.nan])
    assert [e["sides"]["a"]["added_warheads"] for e in same.path] == [
        e["sides"]["a"]["added_warheads"] for e in result.path
    ]
    one_system = race.side({"x": race.system("icbm_silo", 1, 1, 1)})
    other = race.limits(race.scenario(one_system, one_system), deployed_warheads=10)["a"]
    with pytest.raises(ValueError, match="'limits'"):
        action_reaction(arrays, limits={"c": other})
    with pytest.raises(ValueError, match="'limits'"):
        action_reaction(arrays, limits=other)  # weights for one system, the sides have two
    with pytest.raises(TypeError, match="'limits'"):
        action_reaction(arrays, limits=[other])
    with pytest.raises(ValueError, match="'rounds'"):
        action_reaction(arrays, rounds=-1)
    with pytest.raises(ValueError, match="'requirement'"):
        action_reaction(arrays, requirement=[400])


# ============================================================================ reaction slopes
def test_reaction_slopes_and_their_richardson_model(race):
    out = reaction_slopes(race.symmetric(500), (0, 1))
    assert out.sides == (0, 1)
    assert out.rho[0] == pytest.approx(out.rho[1])
    model = out.richardson
    assert float(model.m) == 1 and float(model.n) == 1
    assert out.stable == bool(out.rho[0] * out.rho[1] < 1)
    # Required warheads lie above the current force when a side is short.
    assert out.required_warheads[0] > out.warheads[0]


def test_reaction_slopes_take_the_pair_of_sides(race):
    arrays = race.pair(
        race.side(race.standard_forces(), requirement=400), race.side(race.standard_forces(), requirement=600)
    )
    forward = reaction_slopes(arrays, (0, 1))
    backward = reaction_slopes(arrays, (1, 0))
    assert backward.sides == (1, 0)
    for name in ("warheads", "required_warheads", "addition_now", "threshold", "rho"):
        np.testing.assert_allclose(getattr(backward, name), getattr(forward, name)[::-1], rtol=1e-12)
    assert backward.stable == forward.stable
    with pytest.raises(ValueError, match="'sides'"):
        reaction_slopes(arrays, (0, 0))
