"""Coalitions and the two-peer question (engine/coalitions.py; docs/model.md, "Coalitions
and the two-peer question")."""

from __future__ import annotations

import numpy as np
import pytest

from security_equation.engine import coalitions as co
from security_equation.engine.exchange import exchange
from security_equation.model.compile import compile_scenario
from tests.factories import air_defence, powers, side, system


def _world(**kwargs):
    a = side(
        {"silo": system("icbm_silo", 100, 3, cep=120), "ssbn": system("slbm", 10, 4)}, 300, requirement=100
    )
    b = side({"silo": system("icbm_silo", 80, 1, cep=150), "mobile": system("icbm_mobile", 50, 1)}, 200)
    c = side({"ssbn": system("slbm", 8, 4, cep=300)}, 100, requirement=40)
    return compile_scenario(powers({"a": a, "b": b, "c": c}, **kwargs))


def test_merged_side_pools_systems_and_value():
    arrays = _world()
    merged = co.merge_sides([arrays.sides[1], arrays.sides[2]], ["b", "c"])
    assert merged.structure.system_names == ("b.silo", "b.mobile", "c.ssbn")
    assert merged.scalars["w80"][0] == 300.0  # 200 + 100
    np.testing.assert_array_equal(merged.systems["launchers"][0], [80, 50, 8])
    # The members' alert levels folded into their systems (day to day: 0.5 for survivable).
    np.testing.assert_array_equal(merged.systems["alert_day_to_day"][0], [0.0, 0.5, 0.5])
    assert merged.scalars["generated"][0] == 0.0
    assert co.merge_sides([arrays.sides[0]], ["a"]) is arrays.sides[0]


def test_party_world_keeps_other_sides_and_commitments():
    arrays = _world()
    world = co.party_world(arrays, [(1, 2), (0,)])
    assert world.side_names == ("b+c", "a")
    with pytest.raises(ValueError, match="must not share a side"):
        co.party_world(arrays, [(0, 1), (1, 2)])
    named = compile_scenario(
        powers(
            {
                "a": side({"s": system()}),
                "b": side({"s": system()}),
                "c": side({"s": system()}, commits_to=["a"]),
            },
            coalitions={"bc": ["b", "c"]},
        )
    )
    world = co.party_world(named, [(1, 2), (0,)])
    assert world.side_names == ("bc", "a")
    # c is committed to a: the merged b+c is committed to a.
    assert world.committed[0, 1] and not world.committed[1, 0]


def test_coalition_exchange_is_symmetric_in_the_order_of_parties():
    arrays = _world()
    one = co.party_exchange(arrays, (1, 2), (0,))
    two = co.party_exchange(arrays, (0,), (1, 2))
    np.testing.assert_allclose(one.stability.r[0, 1], two.stability.r[1, 0], rtol=1e-12)
    np.testing.assert_allclose(one.stability.r[1, 0], two.stability.r[0, 1], rtol=1e-12)
    np.testing.assert_allclose(one.stability.fsi[0, 1], two.stability.fsi[0, 1], rtol=1e-12)


def test_coalition_value_target_spreads_by_w80():
    # Without defences a coalition's value takes damage as one target of w80 = sum.
    arrays = _world()
    merged = co.merge_sides([arrays.sides[1], arrays.sides[2]], ["b", "c"])
    from security_equation.engine.exchange import target

    value = target(merged)
    arriving = value.arriving(np.array([90.0]), np.array([30.0]))
    assert arriving[0] == pytest.approx(120.0)
    assert value.damage(np.array([300.0]))[0] == pytest.approx(0.8)


def test_coalition_value_spread_meets_each_members_air_defence():
    b = side({"bomber": system("bomber", 10, 4)}, 100, defences={"air": air_defence(0.5)})
    c = side({"bomber": system("bomber", 10, 4)}, 300)
    arrays = compile_scenario(powers({"a": side({"s": system()}), "b": b, "c": c}))
    merged = co.merge_sides([arrays.sides[1], arrays.sides[2]], ["b", "c"])
    from security_equation.engine.exchange import target

    # 100 air-breathing warheads: 25 on b (half get through), 75 on c (all do).
    assert target(merged).arriving(np.array([0.0]), np.array([100.0]))[0] == pytest.approx(12.5 + 75.0)


def test_warheads_needed_without_defences_is_the_requirement_over_the_mix():
    arrays = _world()
    # 0.8 reliable ballistic per warhead: 100 arriving need 125 warheads.
    n = co.warheads_needed(arrays.sides[1], (np.array([0.8]), np.array([0.0])), np.array([100.0]))
    assert n[0] == pytest.approx(125.0, rel=1e-9)
    assert co.warheads_needed(arrays.sides[1], (np.array([0.8]), np.array([0.0])), np.array([np.nan]))[0] == 0
    assert np.isinf(
        co.warheads_needed(arrays.sides[1], (np.array([0.0]), np.array([0.0])), np.array([10.0]))[0]
    )


def test_surviving_mix_reads_the_chosen_point_of_the_curve():
    arrays = _world()
    ex = exchange(arrays)
    strike = ex.strike(0, 1)
    b, a = co.surviving_mix(strike, arrays.sides[1])
    # Victim b: all ballistic, reliability 0.8 and no holdback: 0.8 per surviving warhead.
    assert b[0] == pytest.approx(0.8, rel=1e-9)
    assert a[0] == 0.0


def test_two_peer_question_counts_every_adversary_at_once():
    arrays = _world()
    ex = exchange(arrays)
    # a's adversaries are b and c; each alone and both together.
    assert co.two_peer_cases(arrays, 0) == ((1,), (2,), (1, 2))
    check = co.requirement_check(arrays, 0, (1,), ex.strike(1, 0))
    # No defences: 100 arriving on each of b and c need 100 / 0.8 = 125 warheads each.
    assert check.needed[1][0] == pytest.approx(125.0, rel=1e-9)
    assert check.needed[2][0] == pytest.approx(125.0, rel=1e-9)
    assert check.short[0] == pytest.approx(max(250.0 - check.survivors[0], 0.0))
    # A coalition of b and c: b and c are allies, so a's joint case is the coalition.
    allied = _world(coalitions={"bc": ["b", "c"]})
    assert co.two_peer_cases(allied, 0) == ((1,), (2,), (1, 2))
    assert co.party_name(allied, (1, 2)) == "bc"
    # c's only adversary is a.
    assert co.two_peer_cases(allied, 2) == ((0,),)


def test_five_powers_two_peer_and_coalition_output():
    from security_equation.io.loading import load_scenario
    from security_equation.model.evaluation import evaluate

    data = evaluate(load_scenario("five-powers-2026"), sections=()).to_dict()
    us = data["two_peer"]["us"]
    assert us["adversaries"] == ["russia", "china"]
    joint = next(c for c in us["cases"] if c["members"] == ["russia", "china"])
    alone = next(c for c in us["cases"] if c["members"] == ["russia"])
    # The joint strike leaves the US no more than Russia's alone does.
    assert joint["surviving_warheads"] <= alone["surviving_warheads"] + 1e-6
    assert joint["short_warheads"] == pytest.approx(
        max(sum(joint["needed_warheads"].values()) - joint["surviving_warheads"], 0.0)
    )


def test_a_member_with_a_damage_table_is_noted_not_merged():
    from security_equation.model.evaluation import evaluate

    tabled = side({"silo": system("icbm_silo", 20, 1)}, 100, requirement=40)
    tabled["value"] = {"table": [[0, 0], [100, 0.5], [400, 0.9]]}
    scenario = powers(
        {
            "a": side({"silo": system("icbm_silo", 100, 3)}, 300, requirement=100),
            "b": side({"silo": system("icbm_silo", 80, 1)}, 200),
            "c": tabled,
        },
        coalitions={"bc": ["b", "c"]},
    )
    with pytest.raises(co.CoalitionError, match="c gives a damage table"):
        co.party_exchange(compile_scenario(scenario), (1, 2), (0,))
    data = evaluate(scenario, sections=()).to_dict()
    assert "coalition_pairs" in data and data["coalition_pairs"] == []
    assert data["coalition_notes"] == {
        "bc and a": "a coalition's value is its members' w80 together; c gives a damage table instead"
        " (value.table), which cannot be merged",
        "bc striking a": "a coalition's value is its members' w80 together; c gives a damage table"
        " instead (value.table), which cannot be merged",
    }
    # a's two-peer question still has the cases of b and c alone.
    assert [c["attackers"] for c in data["two_peer"]["a"]["cases"]] == ["b", "c"]
