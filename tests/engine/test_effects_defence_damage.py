"""Weapon effects, defences and damage against the published values in
shared/reference/validation.md, and their properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from security_equation.engine.damage import cost, damage_fraction, tabulated_damage
from security_equation.engine.defence import (
    all_stopped_probability,
    expected_leakers,
    layer_stop_probability,
    leak_through_layers,
)
from security_equation.engine.effects import lethal_radius_m, repeated_shots, sspk, terminal_kill_probability


# ---------------------------------------------------------------- effects (validation.md)
def test_lethal_radius_published_value():
    assert lethal_radius_m(750, 700) == pytest.approx(496.5, abs=0.5)


def test_sspk_published_value():
    assert sspk(750, 900, 700) == pytest.approx(0.19019, abs=1e-5)


def test_terminal_kill_probability_published_value():
    assert terminal_kill_probability(750, 900, 200, 0.75) == pytest.approx(0.2888312680363119, abs=1e-12)


def test_reliability_times_sspk_is_exact():
    assert 0.9 * 0.9 == pytest.approx(0.81, abs=0)


@pytest.mark.parametrize(("shots", "expected"), [(17, 0.5004), (69, 0.9402)])
def test_repeated_shots_blair(shots, expected):
    assert repeated_shots(0.04, shots) == pytest.approx(expected, abs=5e-5)


def test_effects_broadcast_over_arrays():
    out = sspk(np.array([[100.0], [475.0]]), np.array([100.0, 200.0, 300.0]), 2000.0)
    assert out.shape == (2, 3)
    assert np.all(np.diff(out, axis=1) < 0)  # worse accuracy, lower kill
    assert np.all(out[1] > out[0])  # more yield, higher kill


@given(st.floats(1, 10_000), st.floats(1, 10_000), st.floats(10, 5000))
def test_sspk_is_a_probability_and_falls_with_hardness(y, cep, h):
    p = sspk(y, cep, h)
    assert 0 <= p <= 1
    assert sspk(y, cep, h * 2) <= p + 1e-15


# ---------------------------------------------------------------- defences (validation.md)
def test_layer_stop_probability_published_value():
    assert layer_stop_probability(2, 0.9, 0.9) == pytest.approx(0.891, abs=1e-12)


def test_all_stopped_probability_published_value():
    p = all_stopped_probability(44, 10, 0.25)
    assert p == pytest.approx(0.0345, abs=5e-5)
    assert 1 - p == pytest.approx(0.9655, abs=5e-5)


def test_all_stopped_broadcasts():
    out = all_stopped_probability(np.array([10, 44, 100]), np.array([[1], [10]]), 0.5)
    assert out.shape == (2, 3)
    assert np.all(np.diff(out, axis=1) >= 0)


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


def test_w80_destroys_eighty_percent():
    assert damage_fraction(300, 300) == pytest.approx(0.8)
    assert damage_fraction(0, 300) == 0
    assert damage_fraction(600, 300) == pytest.approx(0.96)


def test_tabulated_damage_interpolates_and_saturates():
    xs, ds = (0, 100, 400), (0, 0.5, 0.9)
    assert tabulated_damage(50, xs, ds) == pytest.approx(0.25)
    assert tabulated_damage(1000, xs, ds) == pytest.approx(0.9)
