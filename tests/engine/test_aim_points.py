"""Targets as an attacker aims at them (docs/model.md, "First strike and retaliation",
steps 1 and 2): aim points per launcher (a boat in port is one aim point for all its
tubes) and only prompt weapons in the counterforce strike."""

from __future__ import annotations

import numpy as np
import pytest

from security_equation import load_scenario
from security_equation.engine.exchange import draw_down, exchange
from security_equation.io.errors import InputError
from security_equation.model.compile import compile_scenario
from tests.factories import compile_pair, scenario, side, system

BOATS, TUBES, WARHEADS, KILL = 10, 20, 4.0, 0.6


def _ssbn_strike(aim: float, shooters: float = 1000):
    """An attacker with ``shooters`` warheads of kill KILL on submarines in port, against
    10 boats × 20 tubes × 4 warheads, half of them at sea (off-alert share 0.5)."""
    attacker = side({"icbm": system("icbm_silo", shooters, 1, kill={"slbm": KILL})}, holdback=0.0)
    ssbn = system("slbm", BOATS * TUBES, WARHEADS, alert=(0.5, 0.8), aim_points_per_launcher=aim)
    arrays = compile_pair(attacker, side({"ssbn": ssbn}, holdback=0.0))
    return arrays, draw_down(arrays.sides[0], arrays.sides[1], arrays.settings)


def test_a_boat_in_port_is_one_aim_point_for_all_its_tubes():
    """10 boats × 20 tubes, 50 % off alert: 5 aim points; a layer is 5 shots, and each
    destroys KILL · 20 · 4 = 48 warheads on average."""
    _, curve = _ssbn_strike(1 / TUBES)
    assert curve.spend[0, 1] == pytest.approx(5.0)
    assert curve.destroyed[0, 1] == pytest.approx(5 * KILL * TUBES * WARHEADS)
    # one warhead on one aim point: p · 20 · warheads per launcher
    assert curve.destroyed[0, 1] / curve.spend[0, 1] == pytest.approx(KILL * TUBES * WARHEADS)
    # the second layer (two warheads per target) on the survivors
    assert curve.spend[0, 2] == pytest.approx(10.0)
    assert curve.destroyed[0, 2] == pytest.approx(400 * (1 - (1 - KILL) ** 2))


def test_aiming_per_boat_spends_far_less_on_counterforce_than_per_tube():
    """The same kill for a twentieth of the warheads: per tube, 100 targets; per boat, 5."""
    _, per_tube = _ssbn_strike(1.0)
    _, per_boat = _ssbn_strike(1 / TUBES)
    assert per_tube.spend[0, -1] == pytest.approx(200.0)
    assert per_boat.spend[0, -1] == pytest.approx(10.0)
    assert per_boat.destroyed[0, -1] == pytest.approx(per_tube.destroyed[0, -1])
    # with only 10 warheads to spend, per-boat aiming reaches every boat, per-tube 1/10 of the tubes
    _, short_tube = _ssbn_strike(1.0, shooters=10)
    _, short_boat = _ssbn_strike(1 / TUBES, shooters=10)
    assert short_boat.destroyed[0, -1] > 9 * short_tube.destroyed[0, -1]


def test_the_field_is_a_dotted_path_and_validated():
    arrays, _ = _ssbn_strike(1 / TUBES)
    path = "b.systems.ssbn.aim_points_per_launcher"
    assert arrays.get(path)[0] == pytest.approx(0.05)
    arrays.set(path, 1.0)
    assert draw_down(arrays.sides[0], arrays.sides[1], arrays.settings).spend[0, -1] == pytest.approx(200.0)
    for bad in (0.0, 1.5):
        with pytest.raises(InputError):
            scenario(side({"ssbn": system("slbm", 10, aim_points_per_launcher=bad)}), side({"i": system()}))


# ---------------------------------------------------------------- prompt weapons only
def _cruise(**fields):
    return system(
        "conventional_strike",
        400,
        1,
        nuclear=False,
        ballistic=False,
        yield_kt=0,
        cep=5,
        reliability=0.9,
        alert=(0.5, 0.9),
        kill={"icbm_silo": 1.0, "icbm_mobile": 1.0, "slbm": 1.0, "bomber": 1.0},
        **fields,
    )


def test_conventional_cruise_missiles_never_take_part_in_counterforce():
    victim = side({"ssbn": system("slbm", 100, 4), "bomber": system("bomber", 20, 4)})
    nuke = system("icbm_silo", 50, 1)
    with_cruise = compile_scenario(scenario(side({"nuke": nuke, "cruise": _cruise()}), victim))
    without = compile_scenario(scenario(side({"nuke": nuke}), victim))
    np.testing.assert_array_equal(with_cruise.sides[0].structure.counterforce, [True, False])
    a = exchange(with_cruise).strikes[0]
    b = exchange(without).strikes[0]
    assert a.counterforce_spent[0] == pytest.approx(b.counterforce_spent[0])
    assert a.destroyed[0] == pytest.approx(b.destroyed[0])
    # a system marked prompt (say, a hypersonic cruise missile) does take part
    prompt = compile_scenario(scenario(side({"nuke": nuke, "cruise": _cruise(prompt=True)}), victim))
    np.testing.assert_array_equal(prompt.sides[0].structure.counterforce, [True, True])
    assert exchange(prompt).strikes[0].destroyed[0] > a.destroyed[0] + 50


def test_bundled_cruise_missiles_are_not_prompt_and_hypersonic_ones_are():
    arrays = compile_scenario(load_scenario("conventional-prompt-strike"))
    us = arrays.sides[0].structure
    prompt = dict(zip(us.system_names, us.counterforce.tolist(), strict=True))
    assert prompt == {
        "minuteman_iii": True,
        "trident_ii": True,
        "b2a": False,
        "b52h": False,
        "lrhw": True,
        "cps": True,
        "conventional_cruise": False,
    }


def test_a_bomber_cannot_be_prompt():
    with pytest.raises(InputError, match="not prompt"):
        scenario(side({"b": system("bomber", 10, prompt=True)}), side({"i": system()}))


# ---------------------------------------------------------------- property
@pytest.mark.parametrize("seed", range(4))
def test_more_aim_points_never_make_the_first_strike_cheaper(seed):
    """Dispersal: more aim points per launcher (fewer warheads at each) of any victim
    system never lowers the attacker's cost of striking first (C1)."""
    rng = np.random.default_rng(seed)
    grid = np.array([0.05, 0.1, 0.25, 0.5, 1.0])
    arrays = compile_scenario(load_scenario("us-russia-2023"), batch=grid.size)
    for s in arrays.sides:
        for name in ("launchers", "warheads_per_launcher", "cep_m", "alert_day_to_day"):
            s.systems[name] *= rng.uniform(0.7, 1.3, s.systems[name].shape[1])[None, :]
        s.systems["alert_day_to_day"] = np.clip(s.systems["alert_day_to_day"], 0, 1)
    for attacker, victim in ((0, 1), (1, 0)):
        vs = arrays.sides[victim]
        for col in range(len(vs.structure.system_names)):
            trial = arrays.copy()
            trial.sides[victim].systems["aim_points_per_launcher"][:, col] = grid
            c1 = exchange(trial, pairs=((attacker, victim),)).strikes[0].cost_attacker
            assert np.all(np.diff(c1) >= -1e-9), (attacker, vs.structure.system_names[col], c1)
