"""Decoys, shoot–look–shoot firing and the chance that every warhead is stopped
(docs/model.md, "Defences"): hand arithmetic on the documented formulas, their
properties, and the exchange reporting the all-stopped probability."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from security_equation.engine import defence
from security_equation.engine.defence import (
    all_stopped_given_leakers,
    all_stopped_probability,
    expected_leakers,
    objects_per_warhead,
)
from security_equation.engine.exchange import _Target, exchange
from security_equation.engine.reference import exchange_one
from security_equation.io.jsonable import json_safe
from security_equation.model.compile import compile_scenario
from security_equation.model.evaluation import evaluate
from tests.factories import missile_defence, scenario, side, system


# ---------------------------------------------------------------- decoys
def test_objects_per_warhead_is_one_plus_undiscriminated_decoys():
    assert objects_per_warhead(0, 0.3) == 1.0  # no decoys
    assert objects_per_warhead(4, 1.0) == 1.0  # every decoy recognised
    assert objects_per_warhead(4, 0.0) == 5.0
    assert objects_per_warhead(3, 0.5) == pytest.approx(2.5)


def test_decoys_by_hand():
    # 10 warheads, 1 decoy each, no discrimination: 20 objects share 40 interceptors,
    # 2 shots each (cap 4), k = 0.5, T = 0.9: an object leaks with 1 − 0.9·(1 − 0.25)
    # = 0.325, so 20 · 0.325 = 6.5 objects leak, of which 10/20 are warheads: 3.25.
    assert expected_leakers(10, 40, 0.5, 0.9, 4, 1, 0.0) == pytest.approx(3.25, abs=1e-12)
    # Without decoys every warhead gets 4 shots: 10 · (1 − 0.9·(1 − 0.0625)) = 1.5625.
    assert expected_leakers(10, 40, 0.5, 0.9, 4) == pytest.approx(1.5625, abs=1e-12)
    # Half the decoys recognised: 15 objects, 40/15 = 2.67 shots: 10 get 3, 5 get 2;
    # leaking 10·(1 − 0.9·0.875) + 5·(1 − 0.9·0.75) = 2.125 + 1.625 = 3.75 objects,
    # 3.75 · 10/15 = 2.5 warheads.
    assert expected_leakers(10, 40, 0.5, 0.9, 4, 1, 0.5) == pytest.approx(2.5, abs=1e-12)


def test_perfect_discrimination_is_no_decoys():
    rng = np.random.default_rng(7)
    m, n, k, t = (
        rng.uniform(0, 50, 200),
        rng.uniform(0, 200, 200),
        rng.uniform(0, 1, 200),
        rng.uniform(0, 1, 200),
    )
    np.testing.assert_array_equal(
        expected_leakers(m, n, k, t, 3.0, rng.uniform(0, 10, 200), 1.0), expected_leakers(m, n, k, t, 3.0)
    )


# ---------------------------------------------------------------- shoot-look-shoot
def test_shoot_look_shoot_by_hand():
    # One warhead, cap 4: shoot 2, look, shoot 2 at a survivor. P1 = P2 = 0.9·(1 − 0.5²)
    # = 0.675, stopped with 1 − (1 − 0.675)² = 0.894375 (a salvo of 4: 0.84375).
    assert 1 - expected_leakers(1, 4, 0.5, 0.9, 4, shoot_look_shoot=True) == pytest.approx(0.894375)
    assert 1 - expected_leakers(1, 4, 0.5, 0.9, 4) == pytest.approx(0.84375)
    # Ten warheads, 40 interceptors, cap 4: 20 fired first, 10 · 0.325 = 3.25 survive and
    # get 2 each (6.5 of the 20 left): 3.25 · 0.325 = 1.05625 leak.
    assert expected_leakers(10, 40, 0.5, 0.9, 4, shoot_look_shoot=True) == pytest.approx(1.05625)
    # The look saves interceptors: with 30, the salvo gives each warhead 3 shots,
    # leaking 10·(1 − 0.9·(1 − 0.125)) = 2.125; shoot-look-shoot fires 20, then 10 at the
    # 3.25 survivors (2 each, 3.5 left unused): 1.05625 again.
    assert expected_leakers(10, 30, 0.5, 0.9, 4) == pytest.approx(2.125)
    assert expected_leakers(10, 30, 0.5, 0.9, 4, shoot_look_shoot=True) == pytest.approx(1.05625)


def test_shoot_look_shoot_with_one_shot_allowed_is_a_salvo():
    rng = np.random.default_rng(3)
    m, n, k, t = (
        rng.uniform(0, 50, 100),
        rng.uniform(0, 200, 100),
        rng.uniform(0, 1, 100),
        rng.uniform(0, 1, 100),
    )
    np.testing.assert_allclose(
        expected_leakers(m, n, k, t, 1.0, shoot_look_shoot=True),
        expected_leakers(m, n, k, t, 1.0),
        atol=1e-12,
    )


def test_shoot_look_shoot_without_a_cap_fires_half_the_inventory_first():
    # 2 warheads, 8 interceptors, no cap, k = 0.5, T = 1: 4 first (2 each), 0.5 survive
    # and share 4 (8 each, the split of an expected half warhead): 0.5 · 0.5^8.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        leaked = defence.shoot_look_shoot_leakers(np.array([2.0]), 8.0, 0.5, 0.5, 1.0, None)
    assert leaked[0] == pytest.approx(0.5 * 0.5**8)


# ---------------------------------------------------------------- properties
counts = st.floats(0.0, 60.0)
probabilities = st.floats(0.0, 1.0)
caps = st.sampled_from([1.0, 2.0, 3.0, 4.0, np.inf])


@settings(max_examples=300, deadline=None)
@given(
    counts,
    st.floats(0.0, 200.0),
    st.floats(0.0, 50.0),
    probabilities,
    probabilities,
    caps,
    st.floats(0.0, 5.0),
    probabilities,
    st.booleans(),
)
def test_more_interceptors_never_leak_more(m, n, extra, k, t, cap, d, q, sls):
    less = expected_leakers(m, n, k, t, cap, d, q, sls)
    more = expected_leakers(m, n + extra, k, t, cap, d, q, sls)
    assert more <= less + 1e-9


@settings(max_examples=300, deadline=None)
@given(
    counts,
    st.floats(0.0, 200.0),
    probabilities,
    probabilities,
    caps,
    st.floats(0.0, 5.0),
    probabilities,
    probabilities,
    st.booleans(),
)
def test_better_discrimination_never_leaks_more(m, n, k, t, cap, d, q1, q2, sls):
    worse, better = sorted((q1, q2))
    assert (
        expected_leakers(m, n, k, t, cap, d, better, sls)
        <= expected_leakers(m, n, k, t, cap, d, worse, sls) + 1e-9
    )


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 40),
    st.floats(0.0, 3.0),
    probabilities,
    probabilities,
    st.integers(1, 6),
    st.floats(0.0, 5.0),
    probabilities,
)
def test_shoot_look_shoot_never_leaks_more_than_a_salvo_when_the_inventory_covers(m, spare, k, t, cap, d, q):
    objects = float(objects_per_warhead(d, q))
    n = cap * m * objects * (1.0 + spare)  # every object can get its full allowance
    salvo = expected_leakers(m, n, k, t, cap, d, q)
    looked = expected_leakers(m, n, k, t, cap, d, q, True)
    assert looked <= salvo + 1e-9


# ---------------------------------------------------------------- all stopped
def test_all_stopped_given_leakers_by_hand():
    # 5 warheads, 1 expected to leak: each leaks with 0.2, all stopped with 0.8^5.
    assert all_stopped_given_leakers(5, 1) == pytest.approx(0.32768)
    assert all_stopped_given_leakers(0, 0) == 1.0  # nothing comes
    assert all_stopped_given_leakers(3, 3) == 0.0
    # An even split (40 over 10, T = 1, no cap) is all_stopped_probability exactly;
    # validation.md's uneven case (44 over 10, k = 0.25: 0.0345) is approached from above.
    assert all_stopped_given_leakers(10, expected_leakers(10, 40, 0.25)) == pytest.approx(
        all_stopped_probability(40, 10, 0.25), rel=1e-12
    )
    uneven = all_stopped_given_leakers(10, expected_leakers(10, 44, 0.25))
    assert all_stopped_probability(44, 10, 0.25) <= uneven <= 0.0345 * 1.02


def _small(defence_layer: dict | None = None, air: float | None = None):
    """Two sides of 10 single-warhead silos each; side a has the defence."""
    defences = {"md": defence_layer} if defence_layer else {}
    if air is not None:
        defences["air"] = {"kind": "air_defence", "penetration_probability": air}
    return scenario(
        side(systems={"icbm": system("icbm_silo", 10, 1, reliability=1.0)}, defences=defences),
        side(systems={"icbm": system("icbm_silo", 10, 1, reliability=1.0)}),
    )


def test_exchange_reports_the_all_stopped_probability_of_its_leakers():
    sc = _small(missile_defence(40, kill=0.5, shots=4, reliability=0.9))
    arrays = compile_scenario(sc)
    a_strikes_b, b_strikes_a = exchange(arrays).strikes
    # b's retaliation after a's first strike and b's first strike on a's value both meet
    # a's 40 interceptors; a's warheads meet no defence at b.
    for strike, field in (
        (a_strikes_b, "all_stopped_retaliation"),
        (b_strikes_a, "all_stopped_first_strike"),
    ):
        assert 0.0 < getattr(strike, field)[0] < 1.0
    assert a_strikes_b.all_stopped_first_strike[0] == 0.0
    assert b_strikes_a.all_stopped_retaliation[0] == 0.0 or b_strikes_a.victim_retaliating[0] == 0.0
    # The first strike on value: the attacker's reliable warheads left and what leaks.
    m = b_strikes_a.attacker_value_warheads[0]
    leaked = b_strikes_a.arriving_first_strike[0]
    assert b_strikes_a.all_stopped_first_strike[0] == pytest.approx((1.0 - leaked / m) ** m, rel=1e-12)
    ref = exchange_one(arrays)
    for direction, strike in enumerate((a_strikes_b, b_strikes_a)):
        for field in ("all_stopped_retaliation", "all_stopped_first_strike"):
            assert ref["strikes"][direction][field] == pytest.approx(
                getattr(strike, field)[0], rel=1e-9, abs=1e-12
            )


def test_nothing_coming_is_all_stopped_and_air_defence_counts():
    # b's value strike: no warhead of a's... a has no weapons, so nothing comes at b.
    empty = scenario(
        side(systems={"icbm": system("icbm_silo", 0, 1, reliability=1.0)}),
        side(systems={"icbm": system("icbm_silo", 10, 1, reliability=1.0)}),
    )
    assert exchange(compile_scenario(empty)).strikes[0].all_stopped_first_strike[0] == 1.0
    # Bombers aimed at a's value face only air defence: each gets through with 0.5.
    bombers = scenario(
        side(
            systems={"icbm": system("icbm_silo", 10, 1, reliability=1.0)},
            defences={"air": {"kind": "air_defence", "penetration_probability": 0.5}},
        ),
        side(systems={"bomber": system("bomber", 4, 1, reliability=1.0, alert=(1.0, 1.0))}),
    )
    strike = exchange(compile_scenario(bombers)).strikes[1]  # b strikes a first
    m = strike.attacker_value_warheads[0]
    assert m > 0
    assert strike.all_stopped_first_strike[0] == pytest.approx(0.5**m, rel=1e-12)


def test_the_all_stopped_probability_is_in_the_json():
    sc = _small(missile_defence(40, kill=0.5, shots=4, reliability=0.9))
    result = json.loads(json.dumps(json_safe(evaluate(sc).to_dict())))
    retaliation = result["exchange"]["a_strikes_b"]["all_stopped_retaliation"]
    first_strike = result["exchange"]["b_strikes_a"]["all_stopped_first_strike"]
    assert isinstance(retaliation, float) and 0.0 < retaliation < 1.0
    assert isinstance(first_strike, float) and 0.0 < first_strike < 1.0
    assert result["exchange"]["a_strikes_b"]["all_stopped_first_strike"] == 0.0


def test_the_engine_target_applies_decoys_and_shoot_look_shoot():
    base = missile_defence(40, kill=0.5, shots=4, reliability=0.9)

    def leaked(layer, warheads=10.0):
        target = _Target(compile_scenario(_small(layer)).sides[0])
        return target.arriving(np.array([warheads]), np.array([0.0]))[0]

    assert leaked(base) == pytest.approx(1.5625)  # test_decoys_by_hand
    assert leaked({**base, "decoys_per_warhead": 1, "discrimination_probability": 0.0}) == pytest.approx(3.25)
    assert leaked({**base, "decoys_per_warhead": 1, "discrimination_probability": 0.5}) == pytest.approx(2.5)
    assert leaked({**base, "decoys_per_warhead": 2}) == leaked(base)  # all recognised
    assert leaked({**base, "firing": "shoot_look_shoot"}) == pytest.approx(1.05625)
