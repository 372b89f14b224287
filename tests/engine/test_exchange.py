"""The first-strike exchange: stop rule, draw-down curve, defences, and the two
implementations (vectorized and plain-Python reference) agreeing."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from security_equation import load_scenario
from security_equation.engine.exchange import exchange, first_strike
from security_equation.engine.reference import exchange_one
from security_equation.engine.stability import stability
from security_equation.model.compile import compile_scenario
from tests.factories import missile_defence, scenario, side, system

LN5 = np.log(5.0)

#: A silo ICBM that always works (yield 300 kt, CEP 150 m, 2,000 psi): ``silo(launchers,
#: warheads, kill={category: p})``, where ``kill`` gives the terminal kill probabilities.
silo = functools.partial(system, "icbm_silo", reliability=1.0)


def cost(own, enemy):
    return own**0.75 + 0.3 * (1 - enemy**0.75)


def damage(w, w80):
    return -np.expm1(-np.asarray(w, float) * LN5 / w80)


# ----------------------------------------------------------------- single weapon type
@pytest.mark.parametrize(
    ("weapons", "w80_a", "w80_b"), [(180, 60, 60), (150, 150, 150), (300, 100, 100), (200, 30, 300)]
)
def test_single_weapon_type_matches_analytic_optimum(weapons, w80_a, w80_b):
    p, targets, mirv = 0.7, 100, 3
    sc = scenario(
        side({"icbm": silo(weapons, 1, kill={"icbm_silo": p})}, w80_a),
        side({"icbm": silo(targets, mirv, kill={"icbm_silo": p})}, w80_b),
    )
    arrays = compile_scenario(sc)
    result = first_strike(arrays.sides[0], arrays.sides[1], arrays.settings)

    # The curve has two pieces (first and second shot on every silo) with slopes
    # p·3 and (1−p)·p·3 warheads destroyed per warhead spent.
    def destroyed(s):
        return np.where(s <= targets, s * p * mirv, targets * p * mirv + (s - targets) * (1 - p) * p * mirv)

    def attacker_cost(s):
        retaliation = targets * mirv - destroyed(s)
        return cost(damage(retaliation, w80_a), damage(weapons - s, w80_b))

    candidates = [0.0, float(min(weapons, 2 * targets))]
    for lo, hi in ((0, targets), (targets, min(weapons, 2 * targets))):
        if hi > lo:
            res = minimize_scalar(attacker_cost, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
            candidates += [float(lo), float(hi), float(res.x)]
    best = min(candidates, key=attacker_cost)
    assert result.cost_attacker[0] == pytest.approx(attacker_cost(best), abs=1e-9)
    assert result.counterforce_spent[0] == pytest.approx(best, abs=0.05)
    assert result.destroyed[0] == pytest.approx(destroyed(best), abs=0.1)


def test_interior_optimum_is_found_inside_a_piece():
    sc = scenario(
        side({"icbm": silo(180, 1, kill={"icbm_silo": 0.7})}, 60),
        side({"icbm": silo(100, 3, kill={"icbm_silo": 0.7})}, 60),
    )
    arrays = compile_scenario(sc)
    spent = first_strike(arrays.sides[0], arrays.sides[1], arrays.settings).counterforce_spent[0]
    assert 100 < spent < 180 and abs(spent - round(spent / 25) * 25) > 1  # not on a grid point


# ----------------------------------------------------------------- mixed weapon types
MIXED_CASES = [
    # kill probabilities of weapon 1 and 2 on classes silo and mobile
    ({"icbm_silo": 0.8, "icbm_mobile": 0.9}, {"icbm_silo": 0.3, "icbm_mobile": 0.9}, 120, 150),
    ({"icbm_silo": 0.5, "icbm_mobile": 0.6}, {"icbm_silo": 0.4, "icbm_mobile": 0.2}, 60, 200),
    ({"icbm_silo": 0.9, "icbm_mobile": 0.1}, {"icbm_silo": 0.2, "icbm_mobile": 0.8}, 90, 90),
]


@pytest.mark.parametrize(("kill_1", "kill_2", "weapons_1", "weapons_2"), MIXED_CASES)
def test_mixed_weapon_allocation_within_one_percent_of_brute_force(kill_1, kill_2, weapons_1, weapons_2):
    mobile = system("icbm_mobile", 80, 1, reliability=0.9, alert=(0.0, 0.0), hardness=5)
    # The attacker's bases are not targets in its own first strike: the SLBM keeps the
    # silo's 2,000 psi.
    slbm = system("slbm", weapons_2, 1, kill=kill_2, reliability=0.8, alert=(0.0, 0.0), hardness=2000)
    attacker = side({"w1": silo(weapons_1, 1, kill=kill_1, reliability=0.9), "w2": slbm}, 80, per_target=1)
    victim = side(
        {"silo": silo(60, 3, kill={"icbm_silo": 0.5}, reliability=0.9), "mobile": mobile}, 120, per_target=1
    )
    sc = scenario(attacker, victim)
    arrays = compile_scenario(sc)
    engine = first_strike(arrays.sides[0], arrays.sides[1], arrays.settings).cost_attacker[0]

    # Brute force: every split of each target class between the two weapons (one shot per
    # target), in steps of 2.5 %, subject to each weapon's inventory. The survivable weapon
    # is available at 90 % (R-3765 p. 34).
    w = np.array([weapons_1, 0.9 * weapons_2])
    rel = np.array([0.9, 0.8])
    p = np.array([[kill_1["icbm_silo"], kill_1["icbm_mobile"]], [kill_2["icbm_silo"], kill_2["icbm_mobile"]]])
    targets = np.array([60.0, 80.0])
    per_target = np.array([3.0, 1.0])
    grid = np.linspace(0, 1, 41)
    f = np.array(list(itertools.product(grid, repeat=4))).reshape(-1, 2, 2)  # f[:, i, j]
    ok = (f.sum(axis=1) <= 1 + 1e-12).all(axis=1)
    spent = (f * targets[None, None, :]).sum(axis=2)
    ok &= (spent <= w[None, :] + 1e-9).all(axis=1)
    f, spent = f[ok], spent[ok]
    killed = (f * p[None]).sum(axis=1) * targets * per_target
    retaliation = ((targets * per_target - killed) * 0.9).sum(axis=1)
    first = ((w - spent) * rel).sum(axis=1)
    brute = cost(damage(retaliation, 80), damage(first, 120)).min()
    assert engine <= brute * 1.01
    assert engine >= brute * 0.99


# ----------------------------------------------------------------- the two implementations
def perturbed(batch, seed=7, name="us-russia-2023"):
    arrays = compile_scenario(load_scenario(name), batch=batch)
    rng = np.random.default_rng(seed)
    for s in arrays.sides:
        for name in ("launchers", "warheads_per_launcher", "cep_m", "yield_kt", "hardness_psi"):
            s.systems[name] *= rng.uniform(0.5, 1.5, s.systems[name].shape)
        for name in ("reliability", "alert_day_to_day", "alert_generated"):
            s.systems[name] = np.clip(s.systems[name] * rng.uniform(0.5, 1.5, s.systems[name].shape), 0, 1)
        s.layers["interceptors"] *= rng.uniform(0, 20, s.layers["interceptors"].shape)
        s.scalars["w80"] *= rng.uniform(0.3, 3, s.scalars["w80"].shape)
        s.scalars["launch_under_attack"][:] = rng.uniform(0, 1, batch)
        s.scalars["generated"][:] = rng.integers(0, 2, batch)
        # aim points per launcher: per launcher, per boat of 20 or 16, per base of 2
        aim = s.systems["aim_points_per_launcher"]
        aim[:] = rng.choice([1.0, 0.5, 1 / 16, 0.05], aim.shape)
    return arrays


@pytest.mark.parametrize("name", ["us-russia-2023", "conventional-prompt-strike"])
def test_vectorized_and_scalar_paths_give_the_same_numbers(name):
    arrays = perturbed(60, name=name)
    ex = exchange(arrays)
    st = stability(ex)
    for k in range(arrays.batch):
        ref = exchange_one(arrays, k)
        assert st.fsi[0, 1][k] == pytest.approx(ref["fsi"], abs=1e-6)
        for direction in range(2):
            for name, value in ref["strikes"][direction].items():
                assert getattr(ex.strikes[direction], name)[k] == pytest.approx(value, rel=1e-6, abs=1e-3)


def test_batch_members_do_not_affect_each_other():
    arrays = perturbed(20)
    together = stability(exchange(arrays)).fsi[0, 1]
    alone = np.array([stability(exchange(arrays.take(slice(k, k + 1)))).fsi[0, 1][0] for k in range(20)])
    np.testing.assert_allclose(together, alone, atol=1e-7)


# ----------------------------------------------------------------- us-russia-2023
def test_default_scenario_exchange_is_consistent():
    ex = exchange(compile_scenario(load_scenario("us-russia-2023")))
    for strike in ex.strikes:
        assert 0 < strike.destroyed[0] < strike.victim_warheads[0]
        assert strike.victim_survivors[0] == pytest.approx(strike.victim_warheads[0] - strike.destroyed[0])
        assert strike.arriving_retaliation[0] <= strike.victim_retaliating[0]
        assert 0 <= strike.damage_attacker[0] <= 1 and 0 <= strike.damage_victim[0] <= 1
        curve = strike.curve
        assert np.all(np.diff(curve.spend[0]) >= 0)
        assert np.all(np.diff(curve.victim_ballistic[0] + curve.victim_air[0]) <= 1e-9)
        assert curve.spend[0, 0] == 0


def test_launch_under_attack_saves_silo_warheads():
    base = load_scenario("us-russia-2023")
    lua = load_scenario("us-russia-2023", set_values={"us.posture.launch_under_attack": 0.9})
    hit_base = exchange(compile_scenario(base)).strikes[1]
    hit_lua = exchange(compile_scenario(lua)).strikes[1]
    assert hit_lua.victim_survivors[0] > hit_base.victim_survivors[0] + 250


def test_holdback_reduces_weapons_available():
    base = exchange(compile_scenario(load_scenario("us-russia-2023"))).strikes[0]
    more = exchange(
        compile_scenario(load_scenario("us-russia-2023", set_values={"us.posture.holdback_fraction": 0.5}))
    ).strikes[0]
    assert more.attacker_weapons[0] == pytest.approx(base.attacker_weapons[0] * 0.5 / 0.9)


def test_conventional_weapons_kill_forces_but_do_no_value_damage():
    conventional = system(
        "conventional_strike",
        200,
        1,
        nuclear=False,
        yield_kt=0,
        cep=5,
        reliability=0.9,
        hardness=50,
        alert=(0.5, 0.9),
        kill={"icbm_silo": 0.6},
    )
    weak = silo(10, 1, kill={"icbm_silo": 0.1})
    victim = side({"icbm": silo(100, 3, kill={"icbm_silo": 0.5})}, 100)
    with_conv = compile_scenario(scenario(side({"nuke": weak, "cps": conventional}, 100), victim))
    without = compile_scenario(scenario(side({"nuke": weak}, 100), victim))
    a = first_strike(with_conv.sides[0], with_conv.sides[1], with_conv.settings)
    b = first_strike(without.sides[0], without.sides[1], without.settings)
    assert a.destroyed[0] > b.destroyed[0] + 50
    # conventional weapons left over add nothing to the damage done to value
    assert a.attacker_value_warheads[0] <= b.attacker_value_warheads[0] + 1e-9


def test_conventional_shots_do_not_use_up_the_nuclear_warheads_per_target_cap():
    """The cap models nuclear fratricide: with one nuclear shot allowed per silo, a
    conventional salvo on the silos still leaves room for the nuclear one, so the two kill
    as independent shots: 1 − (1 − 0.5)(1 − 0.6) = 0.8 of 100 silos × 3 warheads."""
    conventional = system(
        "conventional_strike",
        500,
        1,
        nuclear=False,
        yield_kt=0,
        cep=5,
        reliability=1.0,
        hardness=50,
        alert=(0.5, 0.9),
        kill={"icbm_silo": 0.6},
    )
    nuke = silo(500, 1, kill={"icbm_silo": 0.5})
    victim = side({"icbm": silo(100, 3, kill={"icbm_silo": 0.5})}, 1e6)  # value hard to hurt
    attacker = side({"nuke": nuke, "cps": conventional}, 1.0, per_target=1)
    arrays = compile_scenario(scenario(attacker, victim))
    curve = first_strike(arrays.sides[0], arrays.sides[1], arrays.settings).curve
    assert curve.destroyed[0, -1] == pytest.approx(0.8 * 300)


def test_a_second_weapon_completes_the_layer_the_first_could_not():
    """50 accurate warheads (kill 0.8) cover half of 100 single-warhead silos; with one
    warhead per silo allowed, the second type (kill 0.5) goes to the 50 silos not yet
    shot at: 50·0.8 + 50·0.5 = 65 destroyed. (Spread at random over all silos, the same
    50 shots would destroy only 50·0.6·0.5 = 15 more, 55 in all.)"""
    accurate = silo(50, 1, kill={"icbm_silo": 0.8})
    plenty = silo(500, 1, kill={"icbm_silo": 0.5})
    victim = side({"icbm": silo(100, 1, kill={"icbm_silo": 0.5})}, 1e6)
    arrays = compile_scenario(scenario(side({"a": accurate, "b": plenty}, 1.0, per_target=1), victim))
    curve = first_strike(arrays.sides[0], arrays.sides[1], arrays.settings).curve
    assert curve.spend[0, -1] == pytest.approx(100)
    assert curve.destroyed[0, -1] == pytest.approx(65)
    ref = exchange_one(arrays, 0)["strikes"][0]
    assert ref["destroyed"] == pytest.approx(
        first_strike(arrays.sides[0], arrays.sides[1], arrays.settings).destroyed[0]
    )


def test_defences_stop_a_ragged_retaliation_better_than_a_first_strike():
    gmd = {"gmd": missile_defence(200, kill=0.7, shots=2, reliability=0.95)}
    a = side({"icbm": silo(400, 3, kill={"icbm_silo": 0.9})}, 200, defences=gmd)
    b = side({"icbm": silo(200, 3, kill={"icbm_silo": 0.9})}, 200, defences=gmd)
    arrays = compile_scenario(scenario(a, b))
    strike = first_strike(arrays.sides[0], arrays.sides[1], arrays.settings)
    ret_stopped = 1 - strike.arriving_retaliation[0] / (strike.victim_retaliating[0])
    fs_stopped = 1 - strike.arriving_first_strike[0] / strike.attacker_value_warheads[0]
    assert ret_stopped > 0.5 > 0.3 > fs_stopped


def test_thin_defence_does_not_threaten_a_large_deterrent():
    """Wilkening: 44 interceptors do not matter against ≥ 1,200 Russian weapons."""
    base = load_scenario("us-russia-2023")
    none = load_scenario("us-russia-2023", set_values={"us.defences.gmd.interceptors": 0})
    with_gmd = exchange(compile_scenario(base)).strikes[0]
    without = exchange(compile_scenario(none)).strikes[0]
    assert with_gmd.victim_warheads[0] >= 1200
    loss = 1 - with_gmd.arriving_retaliation[0] / without.arriving_retaliation[0]
    assert 0 <= loss < 0.1


# ----------------------------------------------------------------- speed-ups that change nothing
def test_tiled_targets_give_each_copy_what_the_target_gives():
    """``_Target.tiled`` / ``_CoalitionTarget.tiled`` (the stacked bisections of
    ``third_party_contexts``): copy k of the batch arrives and is damaged exactly as the
    target alone, for a side with missile defence and for a coalition of two."""
    from security_equation.engine import coalitions
    from security_equation.engine.exchange import target

    arrays = perturbed(7, name="us-missile-defence-expansion")
    merged = coalitions.merge_sides(list(arrays.sides), list(arrays.side_names))
    rng = np.random.default_rng(3)
    for side_arrays in (arrays.sides[0], merged):
        alone = target(side_arrays)
        stacked = alone.tiled(3)
        ballistic, air = rng.uniform(0, 500, (2, 3 * 7))
        got = stacked.arriving(ballistic, air)
        for k in range(3):
            part = slice(7 * k, 7 * (k + 1))
            np.testing.assert_array_equal(got[part], alone.arriving(ballistic[part], air[part]))
            np.testing.assert_array_equal(stacked.damage(got)[part], alone.damage(got[part]))


def test_needs_against_one_target_solved_together_are_each_pools_own():
    """``thirdparty.needed_against`` (several pools' bisections as one) gives every pool
    exactly what ``Pool.needed`` gives it alone, NaN and unmet requirements included."""
    from security_equation.engine import thirdparty
    from security_equation.engine.exchange import _Target, alert_share, usable_weapons

    arrays = perturbed(9, name="us-missile-defence-expansion")
    pools = [thirdparty.Pool(s, usable_weapons(s, arrays.settings), alert_share(s)) for s in arrays.sides]
    required = [np.linspace(0.0, 3000.0, 9), np.r_[np.nan, np.linspace(10.0, 800.0, 8)]]
    value = _Target(arrays.sides[1])
    together = thirdparty.needed_against(pools, required, value.arriving, value.tiled(2).arriving)
    for pool, req, got in zip(pools, required, together, strict=True):
        np.testing.assert_array_equal(got, pool.needed(value.arriving, req))
    assert together[1][0] == 0.0  # NaN: no requirement
    assert together[0][-1] == pools[0].total[-1]  # unmet: everything


def test_allocator_setting_is_safe_to_repeat():
    from security_equation.engine import ufunc

    assert ufunc.retain_freed_memory() in (True, False)
    assert ufunc.retain_freed_memory() in (True, False)
