"""The mechanism docs/model.md ("Stability": why more survivable forces can lower one's own
r) states, held on the bundled deep-cuts-1000 scenario."""

from __future__ import annotations

import numpy as np

from security_equation.engine.exchange import exchange
from security_equation.engine.stability import stability
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario

US, RU = 0, 1
ALERT = np.array([0.0, 0.3, 1.0])  # day-to-day alert share; 0.3 is the scenario's own


def _sweep(path: str, values: np.ndarray):
    arrays = compile_scenario(load_scenario("deep-cuts-1000"), batch=values.size)
    arrays.set(path, values)
    ex = exchange(arrays)
    return ex, stability(ex)


def test_mobile_icbms_on_alert_lower_russias_r_through_its_cost_when_struck_first():
    ex, st = _sweep("russia.systems.icbm_mobile.alert_fraction.day_to_day", ALERT)
    r_ru, c1_ru, c2_ru = st.r[RU, US], st.c1[RU, US], st.c2[RU, US]
    np.testing.assert_allclose(r_ru, [0.927, 0.924, 0.906], atol=0.0015)
    # Russia's first strike does not depend on its own alert share: C1 is flat …
    np.testing.assert_allclose(c1_ru, c1_ru[0], atol=1e-9)
    # … so the fall of r is all C2, Russia's cost when the US strikes first, rising.
    assert c2_ru[2] > c2_ru[0] + 0.015
    us_first = ex.strike(US, RU)
    # Fewer mobile launchers in garrison to hit: the US spends less on counterforce and puts
    # the freed warheads on Russian value …
    np.testing.assert_allclose(us_first.counterforce_spent, [461, 394, 239], atol=2)
    np.testing.assert_allclose(us_first.arriving_first_strike, [235, 288, 413], atol=2)
    # … while more Russian retaliation arrives on the US.
    np.testing.assert_allclose(us_first.arriving_retaliation, [85, 154, 315], atol=2)
    # The two terms of C2_R = D_R^0.75 + 0.3·(1 − D_US^0.75): Russia's own damage gains more
    # than the damage it returns takes off.
    own = us_first.damage_victim**0.75
    returned = 0.3 * (1.0 - us_first.damage_attacker**0.75)
    assert own[2] - own[0] > 0.13 and returned[0] - returned[2] > 0.11
    assert (own[2] - own[0]) > (returned[0] - returned[2])
    # The US, facing the survivable force, is far less tempted: r_US and the index rise.
    np.testing.assert_allclose(st.r[US, RU], [0.574, 0.747, 0.945], atol=0.0015)
    np.testing.assert_allclose(st.fsi[US, RU], [0.532, 0.690, 0.856], atol=0.0015)


def test_launch_under_attack_lowers_russias_r_the_same_way():
    ex, st = _sweep("russia.posture.launch_under_attack", np.array([0.0, 1.0]))
    np.testing.assert_allclose(st.r[RU, US], [0.924, 0.894], atol=0.0015)
    np.testing.assert_allclose(st.c1[RU, US], st.c1[RU, US][0], atol=1e-9)
    spend = ex.strike(US, RU).counterforce_spent
    assert spend[0] - spend[1] > 150
    assert st.fsi[US, RU][1] > st.fsi[US, RU][0] + 0.1


def test_boats_at_sea_raise_russias_r_because_boats_in_port_are_cheap_aim_points():
    # A boat in port is one aim point for 57.6 warheads: sending boats to sea frees almost
    # no US counterforce warheads, so only the retaliation term of C2 moves.
    ex, st = _sweep("russia.systems.slbm.alert_fraction.day_to_day", np.array([0.0, 1.0]))
    np.testing.assert_allclose(st.r[RU, US], [0.872, 0.986], atol=0.0015)
    spend = ex.strike(US, RU).counterforce_spent
    assert abs(spend[1] - spend[0]) < 15
