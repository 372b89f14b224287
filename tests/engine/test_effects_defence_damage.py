"""Weapon effects, defences and damage against the published values in
shared/reference/validation.md, and their properties. (That the engine evaluates these
very functions is tests/engine/test_formulas_in_engine.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from security_equation.engine.damage import cost, cost_pair, damage_fraction, tabulated_damage
from security_equation.engine.defence import (
    all_stopped_probability,
    expected_leakers,
    layer_stop_probability,
    leak_through_layers,
)
from security_equation.engine.effects import (
    added_kill,
    lethal_radius_m,
    repeated_shots,
    sspk,
    terminal_kill_probability,
)
from security_equation.engine.ufunc import uniform


# ---------------------------------------------------------------- effects (validation.md)
def test_lethal_radius_published_value():
    assert lethal_radius_m(750, 700) == pytest.approx(496.5, abs=0.5)


def test_sspk_published_value():
    assert sspk(750, 900, 700) == pytest.approx(0.19019, abs=1e-5)


def test_terminal_kill_probability_published_value():
    assert terminal_kill_probability(750, 900, 200, 0.75) == pytest.approx(0.2888312680363119, abs=1e-12)


def test_reliability_times_sspk_of_ninety_percent():
    # (LR/CEP)^2 = log2(10) gives SSPK = 1 - 0.5^log2(10) = 0.9 exactly; R = 0.9 then 0.81.
    yield_kt, hardness_psi = 300.0, 2000.0
    cep_m = lethal_radius_m(yield_kt, hardness_psi) / np.sqrt(np.log2(10.0))
    assert sspk(yield_kt, cep_m, hardness_psi) == pytest.approx(0.9, abs=1e-12)
    assert terminal_kill_probability(yield_kt, cep_m, hardness_psi, 0.9) == pytest.approx(0.81, abs=1e-12)


@pytest.mark.parametrize(("shots", "expected"), [(17, 0.5004), (69, 0.9402)])
def test_repeated_shots_blair(shots, expected):
    assert repeated_shots(0.04, shots) == pytest.approx(expected, abs=5e-5)


def test_effects_broadcast_over_arrays():
    out = sspk(np.array([[100.0], [475.0]]), np.array([100.0, 200.0, 300.0]), 2000.0)
    assert out.shape == (2, 3)
    assert np.all(np.diff(out, axis=1) < 0)  # worse accuracy, lower kill
    assert np.all(out[1] > out[0])  # more yield, higher kill


def test_sspk_is_the_documented_closed_form():
    rng = np.random.default_rng(7)
    y, cep, h = rng.uniform(1, 5000, 200), rng.uniform(10, 3000, 200), rng.uniform(5, 5000, 200)
    radius = 2.62 * 1852.0 * (y / 1000.0) ** (1 / 3) / h ** (1 / 3)
    np.testing.assert_allclose(lethal_radius_m(y, h), radius, rtol=1e-14)
    np.testing.assert_allclose(sspk(y, cep, h), 1.0 - 0.5 ** ((radius / cep) ** 2), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("function", [lethal_radius_m, sspk, terminal_kill_probability])
def test_effects_write_into_out(function):
    rng = np.random.default_rng(3)
    args = {
        lethal_radius_m: (rng.uniform(100, 800, (4, 1, 1)), rng.uniform(10, 3000, (1, 3, 1))),
        sspk: (
            rng.uniform(100, 800, (4, 1, 1)),
            rng.uniform(90, 300, (4, 1, 1)),
            rng.uniform(10, 3000, (1, 3, 1)),
        ),
        terminal_kill_probability: (
            rng.uniform(100, 800, (4, 1, 1)),
            rng.uniform(90, 300, (4, 1, 1)),
            rng.uniform(10, 3000, (1, 3, 1)),
            rng.uniform(0.5, 1, (4, 1, 1)),
        ),
    }[function]
    settings = {"constant_nmi": rng.uniform(2, 3, 5), "exponent": rng.uniform(0.3, 0.35, 5)}
    out = np.empty((4, 3, 5))
    assert function(*args, **settings, out=out) is out
    np.testing.assert_array_equal(out, function(*args, **settings))


def test_effects_of_scalars_are_scalars():
    for value in (
        lethal_radius_m(750, 700),
        sspk(750, 900, 700),
        terminal_kill_probability(750, 900, 7, 0.8),
    ):
        assert np.ndim(value) == 0 and not isinstance(value, np.ndarray)


def test_repeated_shots_add_up_the_added_kills():
    p = np.linspace(0.0, 1.0, 11)
    total = sum(added_kill(p, k) for k in range(1, 6))
    np.testing.assert_allclose(total, repeated_shots(p, 5), atol=1e-15)


def test_uniform_gives_a_scalar_only_when_all_members_agree():
    assert uniform(np.full(4, 0.75)) == 0.75 and isinstance(uniform(np.full(4, 0.75)), float)
    assert uniform(0.5) == 0.5 and uniform(np.float64(0.5)) == 0.5
    varied = np.array([0.7, 0.75])
    assert isinstance(uniform(varied), np.ndarray)
    np.testing.assert_array_equal(uniform(varied), varied)


@given(st.floats(1, 10_000), st.floats(1, 10_000), st.floats(10, 5000))
def test_sspk_is_a_probability_and_falls_with_hardness(y, cep, h):
    p = sspk(y, cep, h)
    assert 0 <= p <= 1
    assert sspk(y, cep, h * 2) <= p + 1e-15


# ---------------------------------------------------------------- defences (validation.md)
def test_layer_stop_probability_published_value():
    assert layer_stop_probability(2, 0.9, 0.9) == pytest.approx(0.891, abs=1e-12)


def test_layer_stop_probability_is_the_single_layer_formula():
    """The layer formula runs through the finite-inventory kernel (one warhead, n shots);
    with whole shots it is ``T · (1 − (1 − k)^n)``, a fractional n interpolates."""
    rng = np.random.default_rng(11)
    n = rng.integers(0, 8, 300).astype(float)
    k, t = rng.uniform(0, 1, 300), rng.uniform(0, 1, 300)
    np.testing.assert_allclose(layer_stop_probability(n, k, t), t * (1 - (1 - k) ** n), rtol=0, atol=2e-16)
    half = layer_stop_probability(n + 0.5, k, t)
    whole = layer_stop_probability(n, k, t) + layer_stop_probability(n + 1, k, t)
    np.testing.assert_allclose(half, whole / 2, atol=1e-15)
    assert layer_stop_probability(np.inf, 0.5, 0.9) == pytest.approx(0.9)
    assert layer_stop_probability(np.array([[1.0], [2.0]]), [0.5, 0.6], 1.0).shape == (2, 2)


def test_all_stopped_probability_published_value():
    p = all_stopped_probability(44, 10, 0.25)
    assert p == pytest.approx(0.0345, abs=5e-5)
    assert 1 - p == pytest.approx(0.9655, abs=5e-5)


def test_all_stopped_broadcasts():
    out = all_stopped_probability(np.array([10, 44, 100]), np.array([[1], [10]]), 0.5)
    assert out.shape == (2, 3)
    assert np.all(np.diff(out, axis=1) >= 0)


def test_all_stopped_probability_is_the_documented_formula():
    rng = np.random.default_rng(5)
    n, m = rng.integers(0, 60, 300), rng.integers(1, 20, 300)
    k = rng.uniform(0.05, 0.95, 300)
    low, high = n // m, n % m
    expected = (1 - (1 - k) ** low) ** (m - high) * (1 - (1 - k) ** (low + 1)) ** high
    np.testing.assert_allclose(all_stopped_probability(n, m, k), expected, rtol=1e-13)
    assert all_stopped_probability(5, 0, 0.5) == 1.0


def test_expected_leakers_even_split():
    # 44 interceptors on 10 warheads: 6 get 4 shots, 4 get 5 shots
    expected = 6 * 0.75**4 + 4 * 0.75**5
    assert expected_leakers(10, 44, 0.25) == pytest.approx(expected)
    # a salvo cap: at most 2 shots each however many interceptors
    assert expected_leakers(10, 1000, 0.5, 1.0, 2) == pytest.approx(10 * 0.25)
    assert expected_leakers(0, 44, 0.5) == 0


@settings(max_examples=200)
@given(
    st.floats(0, 2000),
    st.floats(0, 500),
    st.floats(0, 500),
    st.floats(0.01, 0.99),
    st.floats(0, 1),
    st.integers(1, 6),
)
def test_more_interceptors_never_raise_leakage(m, n, extra, k, t, cap):
    assert expected_leakers(m, n + extra, k, t, cap) <= expected_leakers(m, n, k, t, cap) + 1e-9
    assert 0 <= expected_leakers(m, n, k, t, cap) <= m + 1e-9


@settings(max_examples=100)
@given(st.floats(1, 2000), st.floats(0, 1000), st.floats(0.05, 0.95))
def test_ragged_attack_leaks_a_smaller_share_than_a_large_one(m, n, k):
    small = expected_leakers(m, n, k) / m
    large = expected_leakers(m * 4, n, k) / (m * 4)
    assert small <= large + 1e-12


def test_layers_multiply_leakage():
    one = leak_through_layers(
        np.array([100.0]), np.array([[1e9]]), np.array([[0.5]]), np.array([[1.0]]), np.array([[1.0]])
    )
    two = leak_through_layers(
        np.array([100.0]),
        np.array([[1e9, 1e9]]),
        np.array([[0.5, 0.5]]),
        np.array([[1.0, 1.0]]),
        np.array([[1.0, 1.0]]),
    )
    assert one[0] == pytest.approx(50)
    assert two[0] == pytest.approx(25)


# ---------------------------------------------------------------- damage and cost
@pytest.mark.parametrize(
    ("own", "enemy", "expected"), [(0, 1, 0.0), (0, 0, 0.3), (1, 1, 1.0), (1, 0, 1.3), (0.5, 0.5, 0.7162)]
)
def test_kent_thaler_cost_table(own, enemy, expected):
    assert cost(own, enemy) == pytest.approx(expected, abs=5e-5)


def test_cost_pair_is_cost_both_ways():
    rng = np.random.default_rng(9)
    da, db = rng.uniform(0, 1, (3, 50)), rng.uniform(0, 1, (3, 50))
    settings = {"exponent": rng.uniform(0.5, 1, 50), "enemy_weight": rng.uniform(0.1, 0.5, 50)}
    ca, cb = cost_pair(da, db, **settings)
    np.testing.assert_array_equal(ca, cost(da, db, **settings))
    np.testing.assert_array_equal(cb, cost(db, da, **settings))
    np.testing.assert_array_equal(
        ca, da ** settings["exponent"] + settings["enemy_weight"] * (1 - db ** settings["exponent"])
    )
    # In place (what the engine's search does): the same numbers, the damage arrays reused.
    a2, b2 = da.copy(), db.copy()
    ca2, cb2 = cost_pair(a2, b2, **settings, overwrite=True)
    assert cb2 is a2
    np.testing.assert_array_equal(ca2, ca)
    np.testing.assert_array_equal(cb2, cb)
    np.testing.assert_array_equal(cost(da.copy(), db.copy(), **settings, overwrite=True), ca)
    assert np.ndim(cost(0.5, 0.5)) == 0 and np.ndim(cost_pair(0.5, 0.2)[1]) == 0


def test_damage_fraction_out_may_be_the_arriving_warheads():
    w, w80 = np.array([[0.0, 100.0, 300.0], [600.0, 50.0, 1e6]]), np.array([300.0, 100.0, 200.0])
    expected = damage_fraction(w, w80)
    assert damage_fraction(w, w80, out=w) is w
    np.testing.assert_array_equal(w, expected)
    assert np.ndim(damage_fraction(300, 300)) == 0


def test_w80_destroys_eighty_percent():
    assert damage_fraction(300, 300) == pytest.approx(0.8)
    assert damage_fraction(0, 300) == 0
    assert damage_fraction(600, 300) == pytest.approx(0.96)


def test_tabulated_damage_interpolates_and_saturates():
    xs, ds = (0, 100, 400), (0, 0.5, 0.9)
    assert tabulated_damage(50, xs, ds) == pytest.approx(0.25)
    assert tabulated_damage(1000, xs, ds) == pytest.approx(0.9)
