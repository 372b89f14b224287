"""The vectorized engine against the plain-Python reference with five sides: every ordered
pair's first strike with third parties (fixed and endogenous reserves, committed allies;
docs/model.md, "Three and more powers"), on seeded random perturbations of the bundled
five-power scenarios.

Tolerance: the two implementations run the same steps with floating point operations in a
different order (the reference one float at a time, the engine on batches), so they agree
to rounding: over 480 random cases (40 seeds) every strike quantity within 1e-11 relative
and r within 4e-12. The test asks 1e-9 relative or 1e-6 absolute for strike quantities and
1e-9 for r and FSI; the chance that every warhead is stopped only where some arrive (see
``ILL_CONDITIONED``), and r and FSI only where striking first or being struck costs the
side something (r is 0/0 otherwise).
"""

from __future__ import annotations

import numpy as np
import pytest

from security_equation import load_scenario
from security_equation.engine.arrays import RESERVE_ENDOGENOUS, RESERVE_FIXED
from security_equation.engine.exchange import exchange
from security_equation.engine.reference import exchange_one
from security_equation.engine.stability import stability
from security_equation.model.compile import compile_scenario

CASES = 12
RTOL, ATOL, R_ATOL = 1e-9, 1e-6, 1e-9
#: The chance that every warhead is stopped jumps from 0 (no defence, any warhead) to 1
#: (none at all) at zero warheads: where a side's whole force is held back, rounding
#: leaves 0 or 1e-14 warheads and the two implementations may land on either side.
#: Compared only where warheads arrive (field -> the arrivals it depends on).
ILL_CONDITIONED = {
    "all_stopped_first_strike": "arriving_first_strike",
    "all_stopped_retaliation": "arriving_retaliation",
}


def random_five_sides(name: str, batch: int, seed: int):
    """``batch`` perturbations of a bundled five-side scenario, each with its own reserve
    modes (fixed or endogenous per side), requirements and perturbed forces and defences,
    and one pattern of commitments for the whole batch (drawn from ``seed``)."""
    arrays = compile_scenario(load_scenario(name), batch=batch)
    rng = np.random.default_rng(seed)
    n = len(arrays.sides)
    for s in arrays.sides:
        for field in ("launchers", "warheads_per_launcher", "cep_m", "yield_kt", "hardness_psi"):
            s.systems[field] *= rng.uniform(0.6, 1.4, s.systems[field].shape)
        for field in ("reliability", "alert_day_to_day", "alert_generated"):
            s.systems[field] = np.clip(s.systems[field] * rng.uniform(0.6, 1.4, s.systems[field].shape), 0, 1)
        s.layers["interceptors"] *= rng.uniform(0, 10, s.layers["interceptors"].shape)
        s.scalars["w80"] *= rng.uniform(0.5, 2, batch)
        s.scalars["generated"][:] = rng.integers(0, 2, batch)
        s.scalars["launch_under_attack"][:] = rng.uniform(0, 1, batch) * rng.integers(0, 2, batch)
        s.scalars["holdback_fraction"][:] = rng.uniform(0, 0.3, batch)
        s.scalars["required_arriving_warheads"][:] = np.where(
            rng.uniform(size=batch) < 0.1, np.nan, rng.uniform(5, 400, batch)
        )
        s.scalars["reserve_mode"] = np.where(rng.uniform(size=batch) < 0.6, RESERVE_ENDOGENOUS, RESERVE_FIXED)
    committed = rng.uniform(size=(n, n)) < 0.2
    np.fill_diagonal(committed, False)
    arrays.committed = committed if committed.any() else None
    return arrays


@pytest.mark.parametrize(
    ("name", "seed"),
    [("five-powers-2026", 1), ("five-powers-2026", 2), ("five-powers-2026", 3), ("china-silos-2030", 4)],
)
def test_engine_and_reference_agree_with_third_parties(name, seed):
    arrays = random_five_sides(name, CASES, seed)
    ex = exchange(arrays)
    st = stability(ex)
    for k in range(CASES):
        ref = exchange_one(arrays, k)
        for pair, strike in ref["pairs"].items():
            result = ex.strike(*pair)
            for field, value in strike.items():
                got = getattr(result, field)
                assert got is not None, (k, pair, field)
                if field in ILL_CONDITIONED:
                    arriving = ILL_CONDITIONED[field]
                    if max(strike[arriving], getattr(result, arriving)[k]) < 1e-9:
                        continue
                assert got[k] == pytest.approx(value, rel=RTOL, abs=ATOL), (k, pair, field)
        # r = C1/C2 is 0/0 where neither strike costs the side anything (a side whose
        # whole force is held back leaves its adversary 0 or 1e-14 warheads to fear).
        moot = {
            (a, v): max(
                st.c1[a, v][k],
                st.c2[a, v][k],
                ref["pairs"][a, v]["cost_attacker"],
                ref["pairs"][v, a]["cost_victim"],
            )
            < 1e-9
            for a, v in ref["r"]
        }
        for pair, value in ref["r"].items():
            if not moot[pair]:
                assert st.r[pair][k] == pytest.approx(value, abs=R_ATOL), (k, pair)
        for (i, j), value in ref["fsi"].items():
            if not (moot[i, j] or moot[j, i]):
                assert st.fsi[i, j][k] == pytest.approx(value, abs=R_ATOL), (k, (i, j))


def test_reference_covers_what_the_cases_exercise():
    """The random cases include endogenous attackers and victims, committed allies and
    sides with no requirement (a test of the test)."""
    arrays = random_five_sides("five-powers-2026", CASES, 1)
    modes = np.stack([s.scalars["reserve_mode"] for s in arrays.sides])
    assert (modes == RESERVE_ENDOGENOUS).any() and (modes == RESERVE_FIXED).any()
    assert arrays.committed is not None
    refs = [exchange_one(arrays, k) for k in range(3)]
    assert any("allied_retaliating" in s for ref in refs for s in ref["pairs"].values())
    assert any(s["attacker_reserve"] > 0 for ref in refs for s in ref["pairs"].values())
