"""The mechanism docs/model.md ("Stability": why FSI is not monotone in one side's
interceptors) states, held on the bundled us-missile-defence-expansion scenario."""

from __future__ import annotations

import numpy as np

from security_equation.engine.exchange import exchange
from security_equation.engine.stability import stability
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario

COUNTS = np.array([44.0, 1100.0, 2000.0])


def test_more_interceptors_first_lower_then_raise_the_index():
    arrays = compile_scenario(load_scenario("us-missile-defence-expansion"), batch=COUNTS.size)
    arrays.set("us.defences.gmd.interceptors", COUNTS)
    ex = exchange(arrays)
    st = stability(ex)
    fsi, c1_us, c2_us = st.fsi[0, 1], st.c1[0, 1], st.c2[0, 1]
    np.testing.assert_allclose(fsi, [0.748, 0.188, 0.208], atol=0.0015)
    # Past ~1,100 the ragged retaliation is already stopped: C1 of the US is flat …
    assert abs(c1_us[2] - c1_us[1]) < 0.005
    assert ex.strike(0, 1).arriving_retaliation[1] < 30
    # … while a Russian first strike keeps being thinned: C2 of the US falls, r_US rises.
    assert c2_us[2] < c2_us[1] - 0.03
    assert st.r[0, 1][2] > st.r[0, 1][1]
    # Russia's best first strike turns from counterforce to value as the defence grows:
    # at the end only the cheap aim points, two warheads on each of 4.28 boats in port and
    # 48 bombers (56.56), still pay.
    spend = ex.strike(1, 0).counterforce_spent
    assert spend[0] > 500 and spend[2] < 60
