"""Third parties in an exchange of N sides (``engine/thirdparty.py``, issue 13): the
endogenous reserve, committed allies, and that two-side results are unchanged."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from security_equation import load_scenario
from security_equation.engine.exchange import (
    _Target,
    alert_share,
    exchange,
    first_strike,
    third_party_contexts,
    usable_weapons,
)
from security_equation.engine.stability import stability
from security_equation.engine.thirdparty import Pool, StrikeContext
from security_equation.model.compile import compile_scenario
from tests.engine.test_exchange import perturbed


def with_third(arrays, third, name="third"):
    """The batch with a third side appended."""
    return replace(arrays, side_names=(*arrays.side_names, name), sides=(*arrays.sides, third), slots={})


def third_side(batch, seed, scale=None):
    """A perturbed copy of us-russia-2023's second side with its launchers scaled per member."""
    side = perturbed(batch, seed=seed).sides[1]
    rng = np.random.default_rng(seed)
    side.systems["launchers"] *= rng.uniform(0.1, 1.0, (batch, 1)) if scale is None else scale
    return side


def set_mode(arrays, mode, required=None, seed=0):
    rng = np.random.default_rng(seed)
    for side in arrays.sides:
        side.scalars["reserve_mode"] = np.full(arrays.batch, float(mode))
        side.scalars["required_arriving_warheads"][:] = (
            rng.uniform(10.0, 300.0, arrays.batch) if required is None else required
        )
    return arrays


def pair_numbers(arrays, i=0, j=1):
    ex = exchange(arrays)
    st = stability(ex)
    return {
        "c1_i": st.c1[i, j],
        "c1_j": st.c1[j, i],
        "c2_i": st.c2[i, j],
        "c2_j": st.c2[j, i],
        "r_i": st.r[i, j],
        "r_j": st.r[j, i],
        "fsi": st.fsi[i, j],
    }


# ----------------------------------------------------------------- two sides unchanged
def test_two_side_defaults_take_the_plain_path():
    arrays = compile_scenario(load_scenario("us-russia-2023"))
    assert arrays.committed is None and arrays.sides[0].scalars["reserve_mode"][0] == 0.0
    assert third_party_contexts(arrays, ((0, 1), (1, 0))) is None
    for strike in exchange(arrays).strikes:
        assert strike.attacker_reserve is None and strike.allied_retaliating is None


@pytest.mark.parametrize("allocation", ["reliable", "best"])
def test_fixed_reserve_through_the_third_party_path_is_bit_identical(allocation):
    """A commitment that changes nothing (two sides: no third party to retaliate) sends the
    strikes through the third-party path: fixed reserves reproduce every number exactly."""
    arrays = perturbed(80, seed=11)
    arrays.allocation = allocation
    plain = exchange(arrays)
    arrays.committed = np.array([[False, True], [False, False]])
    assert third_party_contexts(arrays, ((0, 1),)) is not None
    routed = exchange(arrays)
    for a, b in zip(plain.strikes, routed.strikes, strict=True):
        for name in ("counterforce_spent", "destroyed", "arriving_retaliation", "arriving_first_strike"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        np.testing.assert_array_equal(a.cost_attacker, b.cost_attacker)
        np.testing.assert_array_equal(a.cost_victim, b.cost_victim)
        np.testing.assert_array_equal(a.victim_retaliating, b.victim_retaliating)
        np.testing.assert_array_equal(a.attacker_weapons, b.attacker_weapons)


def test_endogenous_reserve_with_two_sides_keeps_nothing_back():
    arrays = set_mode(perturbed(40, seed=12), 1)
    ex = exchange(arrays)
    for strike in ex.strikes:
        np.testing.assert_array_equal(strike.attacker_reserve, 0.0)
    # the same as a fixed holdback of zero
    fixed = set_mode(perturbed(40, seed=12), 0)
    for side in fixed.sides:
        side.scalars["holdback_fraction"][:] = 0.0
    for a, b in zip(ex.strikes, exchange(fixed).strikes, strict=True):
        np.testing.assert_allclose(a.cost_attacker, b.cost_attacker, rtol=0, atol=1e-12)
        np.testing.assert_allclose(a.cost_victim, b.cost_victim, rtol=0, atol=1e-12)


# ----------------------------------------------------------------- an unarmed third side
@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_third_side_without_weapons_changes_nothing(mode, seed):
    two = set_mode(perturbed(60, seed=seed), mode, seed=seed)
    alone = pair_numbers(two)
    three = set_mode(
        with_third(perturbed(60, seed=seed), third_side(60, seed + 100, scale=0.0)), mode, seed=seed
    )
    three.sides[2].scalars["required_arriving_warheads"][:] = 100.0
    joined = pair_numbers(three)
    for name, value in alone.items():
        np.testing.assert_allclose(joined[name], value, rtol=0, atol=1e-12, err_msg=name)


# ----------------------------------------------------------------- the endogenous reserve
def test_the_reserve_delivers_the_requirement_through_the_defences():
    arrays = with_third(perturbed(200, seed=21), third_side(200, 22))
    x, c = arrays.sides[0], arrays.sides[1]
    required = np.random.default_rng(3).uniform(1.0, 400.0, 200)
    pool = Pool(x, usable_weapons(x, arrays.settings), alert_share(x))
    target = _Target(c)
    n = pool.needed(target.arriving, required)
    arrived = target.arriving(*pool.reliable(n))
    met = n < pool.total
    assert met.sum() > 150
    assert np.all(arrived[met] >= required[met])
    np.testing.assert_allclose(arrived[met], required[met], rtol=1e-9)
    assert np.all(target.arriving(*pool.reliable(pool.total))[~met] < required[~met])


def test_the_reserve_is_the_most_survivable_warheads_first():
    arrays = perturbed(50, seed=31)
    x = arrays.sides[0]
    pool = Pool(x, usable_weapons(x, arrays.settings), alert_share(x))
    held = pool.held(0.3 * pool.total)
    np.testing.assert_allclose(held.sum(axis=1), 0.3 * pool.total, rtol=1e-12)
    alert = alert_share(x)
    for k in range(arrays.batch):
        partial = held[k] < pool.warheads[k] - 1e-9
        touched = held[k] > 1e-9
        # every system touched is at least as survivable as every system not filled
        if touched.any() and partial.any():
            assert alert[k][touched].min() >= alert[k][partial & ~touched].max(initial=-1.0) - 1e-12


def test_reserve_is_the_sum_over_the_other_adversaries():
    batch = 30
    arrays = with_third(perturbed(batch, seed=41), third_side(batch, 42))
    arrays = with_third(arrays, third_side(batch, 43), name="fourth")
    set_mode(arrays, 1, required=80.0)
    contexts = third_party_contexts(arrays, ((0, 1),))
    x = arrays.sides[0]
    pool = Pool(x, usable_weapons(x, arrays.settings), alert_share(x))
    needs = [pool.needed(_Target(arrays.sides[c]).arriving, np.full(batch, 80.0)) for c in (2, 3)]
    np.testing.assert_allclose(contexts[0, 1].attacker_reserve, np.minimum(sum(needs), pool.total))
    # and the strike has that many nuclear warheads fewer
    np.testing.assert_allclose(
        contexts[0, 1].weapons.sum(axis=1),
        usable_weapons(x, arrays.settings).sum(axis=1) - sum(needs),
        rtol=1e-12,
    )


@pytest.mark.parametrize("seed", [51, 52])
def test_a_larger_third_party_requirement_never_frees_weapons_for_the_strike(seed):
    batch = 150
    arrays = set_mode(with_third(perturbed(batch, seed=seed), third_side(batch, seed + 1)), 1, seed=seed)
    arrays.allocation = "best"
    previous = None
    for required in (0.0, 25.0, 100.0, 300.0, 1000.0, 5000.0):
        arrays.sides[0].scalars["required_arriving_warheads"][:] = required
        context = third_party_contexts(arrays, ((0, 1),))[0, 1]
        strike = first_strike(arrays.sides[0], arrays.sides[1], arrays.settings, "best", context=context)
        if previous is not None:
            old_context, old = previous
            assert np.all(context.attacker_reserve >= old_context.attacker_reserve - 1e-9)
            assert np.all(context.weapons <= old_context.weapons + 1e-9)  # every system
            assert np.all(strike.attacker_weapons <= old.attacker_weapons + 1e-9)
            # fewer weapons: striking first costs the attacker no less
            assert np.all(strike.cost_attacker >= old.cost_attacker - 1e-9)
            # the counterforce strike never uses more prompt weapons than are left
            prompt = (context.weapons * arrays.sides[0].structure.counterforce).sum(axis=1)
            assert np.all(strike.counterforce_spent <= prompt + 1e-6)
        previous = context, strike


# ----------------------------------------------------------------- committed allies
@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("seed", [61, 62, 63])
def test_a_committed_ally_never_makes_the_adversary_more_willing_to_strike(mode, seed):
    batch = 120
    arrays = set_mode(with_third(perturbed(batch, seed=seed), third_side(batch, seed + 1)), mode, seed=seed)
    arrays.allocation = "best"
    without = pair_numbers(arrays)
    arrays.committed = np.zeros((3, 3), dtype=bool)
    arrays.committed[2, 1] = True  # the third side defends side 1
    ex = exchange(arrays)
    with_ally = pair_numbers(arrays)
    # A's (side 0's) cost of striking B rises or stays
    assert np.all(with_ally["c1_i"] >= without["c1_i"] - 1e-9)
    if mode == 0:
        # so r_A does not fall. (With endogenous reserves it may: B keeps nothing back
        # against its ally any more, so B's own first strike on A, hence C2_A, grows.)
        assert np.all(with_ally["r_i"] >= without["r_i"] - 1e-9)
        np.testing.assert_array_equal(with_ally["c2_i"], without["c2_i"])
    # (B's cost when struck first, C2_B, may rise: with the ally's salvo certain, A's
    # best strike can move from counterforce to B's value.)
    strike = ex.strike(0, 1)
    assert np.all(strike.allied_retaliating > 0.0)
    assert ex.strike(1, 0).allied_retaliating is None  # nobody is committed to side 0


def test_the_ally_adds_its_available_reliable_warheads():
    batch = 20
    arrays = set_mode(with_third(perturbed(batch, seed=71), third_side(batch, 72)), 0)
    arrays.committed = np.zeros((3, 3), dtype=bool)
    arrays.committed[2, 1] = True
    context = third_party_contexts(arrays, ((0, 1),))[0, 1]
    k = arrays.sides[2]
    st = k.structure
    usable = usable_weapons(k, arrays.settings) * (1.0 - k.scalars["holdback_fraction"][:, None])
    reliable = usable * k.systems["reliability"]
    np.testing.assert_allclose(context.allied_ballistic, (reliable * (st.nuclear & st.ballistic)).sum(axis=1))
    np.testing.assert_allclose(context.allied_air, (reliable * (st.nuclear & ~st.ballistic)).sum(axis=1))


def test_an_ally_of_both_sides_stays_out_and_is_no_adversary():
    batch = 10
    arrays = set_mode(with_third(perturbed(batch, seed=81), third_side(batch, 82)), 1, required=50.0)
    arrays.committed = np.zeros((3, 3), dtype=bool)
    arrays.committed[2, 0] = arrays.committed[2, 1] = True
    contexts = third_party_contexts(arrays, ((0, 1), (1, 0)))
    for pair in ((0, 1), (1, 0)):
        assert contexts[pair].allied_ballistic is None
        np.testing.assert_array_equal(contexts[pair].attacker_reserve, 0.0)  # side 2 is an ally


def test_context_take_keeps_none():
    context = StrikeContext(weapons=np.ones((3, 2)), attacker_reserve=np.zeros(3), victim_keep=np.ones(3))
    part = context.take(np.array([0, 2]))
    assert part.weapons.shape == (2, 2) and part.allied_air is None


def test_the_scenario_sets_reserve_and_commitments():
    """posture.reserve and commits_to reach the arrays; bad commitments are located errors."""
    from security_equation.io.errors import InputError
    from tests.factories import three_powers

    edited = load_scenario(
        "us-russia-2023",
        set_values={"us.posture.reserve": "endogenous", "russia.commits_to": ["us"]},
    )
    arrays = compile_scenario(edited)
    assert arrays.sides[0].scalars["reserve_mode"][0] == 1.0
    assert arrays.committed.tolist() == [[False, False], [True, False]]
    with pytest.raises(InputError, match="cannot be committed to itself"):
        load_scenario("us-russia-2023", set_values={"us.commits_to": ["us"]})
    with pytest.raises(InputError, match="no side named 'china'"):
        load_scenario("us-russia-2023", set_values={"us.commits_to": ["china"]})
    # c committed to b: a striking b now faces c's retaliation too, so a's C1 rises.
    plain = compile_scenario(three_powers())
    allied = compile_scenario(_committed(three_powers()))
    c1 = [exchange(x).strike(0, 1).cost_attacker[0] for x in (plain, allied)]
    assert c1[1] > c1[0] + 1e-6


def _committed(sc):
    sides = dict(sc.sides)
    sides["c"] = sides["c"].model_copy(update={"commits_to": ["b"]})
    return sc.model_copy(update={"sides": sides})
