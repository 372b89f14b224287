"""Properties of first-strike stability (docs/model.md, "First strike and retaliation" and
"Stability"; Kent & Thaler, RAND R-3765 findings; Wilkening & Watman, RAND R-3412), tested
on random scenarios.

Each property is stated as precisely as the model guarantees it. Several of the
published findings are tendencies in Kent & Thaler's cases, not theorems of their
model; where a finding can fail for a reason inside the model, the test states the
guaranteed weaker property and the comment says why the stronger one fails. Two
mechanisms recur:

* **The stop rule.** ``C2_X`` is X's cost at the point the *attacker* chooses
  (R-3765 p. 22). Making X more survivable (generating, launch under attack) changes
  the attacker's choice: facing a survivable force it spends less on counterforce and
  more on X's cities, so X's cost when struck, ``C2_X``, can *rise* and ``r_X`` and
  FSI can fall. What cannot change is the other side's ``C2`` (X's posture plays no
  part when X attacks), and the other side's ``C1`` cannot fall, so the *other*
  side's ``r`` never falls.
* **Greedy allocation.** The draw-down curve takes counterforce options greedily
  (docs/model.md, "First strike and retaliation", step 3). With one counterforce weapon
  type this is optimal (separable concave kill functions, one budget), so "fewer or
  harder targets ⇒ fewer warheads destroyed at every spend" holds and the attacker's
  best cost ``C1`` is monotone. With several weapon types the greedy order is not optimal
  and ``C1`` can move the wrong way, rarely but sometimes by a few per cent
  (``benchmarks/allocation_monotonicity.py`` measures how often over random scenarios;
  ``settings.allocation: best`` removes it there, tests/engine/test_allocation_monotonicity.py).
  Monotonicity tests therefore give the attacker one counterforce system, and make the
  cost depend only on how many of the victim's warheads survive (one reliability per
  side, no defences on the attacker's side).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_equation.engine.exchange import curve_costs, exchange
from security_equation.engine.stability import break_even, cost_ratio, stability
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario
from tests.factories import air_defence, compile_pair, missile_defence, side, system

PROPERTY = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
TOL = 1e-9


# ----------------------------------------------------------------- scenario generator
def unit(lo, hi):
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


@st.composite
def alerts(draw, lo=0.0, hi=0.9):
    d = draw(unit(lo, hi))
    return d, draw(unit(d, 1.0))


@st.composite
def forces(draw, *, silo=True, slbm=True, mobile=None, bomber=None, reliability=None):
    """Systems of one side: a silo ICBM, an SLBM, maybe a mobile ICBM and a bomber."""
    rel = (lambda: reliability) if reliability is not None else (lambda: draw(unit(0.6, 1.0)))
    out = {}
    if silo:
        out["silo"] = system(
            "icbm_silo",
            draw(st.integers(10, 400)),
            draw(st.integers(1, 10)),
            cep=draw(unit(50, 400)),
            yield_kt=draw(unit(100, 800)),
            reliability=rel(),
        )
    if slbm:
        out["ssbn"] = system(
            "slbm",
            draw(st.integers(10, 300)),
            draw(st.integers(1, 8)),
            cep=draw(unit(80, 400)),
            yield_kt=draw(unit(50, 500)),
            reliability=rel(),
            alert=draw(alerts()),
        )
    if mobile if mobile is not None else draw(st.booleans()):
        out["mobile"] = system(
            "icbm_mobile",
            draw(st.integers(1, 200)),
            draw(st.integers(1, 4)),
            cep=draw(unit(80, 400)),
            yield_kt=draw(unit(100, 800)),
            reliability=rel(),
            alert=draw(alerts()),
        )
    if bomber if bomber is not None else draw(st.booleans()):
        out["bomber"] = system(
            "bomber",
            draw(st.integers(1, 60)),
            draw(st.integers(1, 16)),
            cep=100,
            yield_kt=draw(unit(100, 500)),
            reliability=rel(),
            alert=draw(alerts(0.0, 0.3)),
        )
    return out


@st.composite
def defences(draw, protects=None, missile=None, air=None):
    out = {}
    if missile if missile is not None else draw(st.booleans()):
        out["bmd"] = missile_defence(
            draw(st.integers(0, 400)),
            kill=draw(unit(0.2, 0.9)),
            shots=draw(st.integers(1, 4)),
            reliability=draw(unit(0.6, 1.0)),
            protects=protects or draw(st.sampled_from(["value", "forces", "both"])),
        )
    if air if air is not None else draw(st.booleans()):
        out["air"] = air_defence(draw(unit(0.5, 1.0)))
    return out


@st.composite
def postures(draw):
    return {
        "w80": draw(unit(50, 1000)),
        "alert": draw(st.sampled_from(["day_to_day", "generated"])),
        "lua": draw(st.sampled_from([0.0, 0.0, 0.5, 0.9])),
        "holdback": draw(unit(0.0, 0.2)),
        "per_target": draw(st.integers(1, 3)),
    }


@st.composite
def sides(draw, **kwargs):
    defence_kwargs = kwargs.pop("defences", {})
    return side(draw(forces(**kwargs)), defences=draw(defences(**defence_kwargs)), **draw(postures()))


def single_shooter(draw, reliability=None):
    """A side with one counterforce system (a silo ICBM) and maybe a bomber (too slow for
    counterforce), and no defences: the attacker of the monotonicity tests."""
    return side(draw(forces(slbm=False, mobile=False, reliability=reliability)), **draw(postures()))


def metrics(arrays):
    ex = exchange(arrays)
    return ex, stability(ex)


# ----------------------------------------------------------------- (a) symmetry
@PROPERTY
@given(a=sides(), b=sides())
def test_swapping_the_sides_swaps_every_index_and_keeps_fsi(a, b):
    """Finding 1: the index applies equally to both sides."""
    arrays = compile_pair(a, b)
    ex, s = metrics(arrays)
    ex_sw, s_sw = metrics(arrays.swapped())
    np.testing.assert_allclose(s_sw.fsi[0, 1], s.fsi[0, 1], rtol=0, atol=1e-12)
    for k in range(2):
        np.testing.assert_allclose(s_sw.r[k, 1 - k], s.r[1 - k, k], rtol=0, atol=1e-12)
        np.testing.assert_allclose(s_sw.c1[k, 1 - k], s.c1[1 - k, k], rtol=0, atol=1e-12)
        np.testing.assert_allclose(s_sw.c2[k, 1 - k], s.c2[1 - k, k], rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            ex_sw.strikes[k].arriving_retaliation, ex.strikes[1 - k].arriving_retaliation, rtol=0, atol=1e-9
        )


# ----------------------------------------------------------------- (b) MIRVed silos
@PROPERTY
@given(
    launchers=st.integers(30, 400),
    mirv=st.integers(3, 10),
    cep=unit(50, 120),
    yield_kt=unit(300, 800),
    reliability=unit(0.6, 1.0),
    alert=alerts(0.6, 0.95),
    posture=postures(),
)
def test_mirved_silos_on_both_sides_are_less_stable_than_the_same_warheads_at_sea(
    launchers, mirv, cep, yield_kt, reliability, alert, posture
):
    """Finding 2: MIRVed (accurate) silo forces on both sides give a low index; the same
    warheads on survivable forces (SLBMs, at least 60 % at sea) a higher one.

    Stated for symmetric pairs without launch under attack (it protects silos): with
    inaccurate, low-yield MIRVs a silo force is no counterforce threat, and between
    unequal sides the comparison can go either way through the stop rule."""
    posture = {**posture, "lua": 0.0}
    kwargs = dict(cep=cep, yield_kt=yield_kt, reliability=reliability)
    silo = side({"silo": system("icbm_silo", launchers, mirv, **kwargs)}, **posture)
    sea = side({"ssbn": system("slbm", launchers, mirv, alert=alert, **kwargs)}, **posture)
    _, s_silo = metrics(compile_pair(silo, silo))
    _, s_sea = metrics(compile_pair(sea, sea))
    assert s_silo.fsi[0, 1][0] <= s_sea.fsi[0, 1][0] + TOL


# ----------------------------------------------------------------- (c), (d) posture
@pytest.mark.parametrize("change", ["generate", "launch_under_attack"])
@PROPERTY
@given(data=st.data())
def test_a_more_survivable_posture_never_tempts_the_other_side(change, data):
    """Findings 4 and R-3765 p. 35 (generating forces; launch under attack), as far as
    the model guarantees them: when X generates its forces or launches its silos under
    attack, the other side Y's cost when struck first (C2_Y) is unchanged, its cost of
    striking first (C1_Y) does not fall, so Y's r does not fall.

    FSI itself and X's own r *can* fall (see the module docstring: the attacker facing a
    survivable X shifts to countervalue, raising C2_X); test_survivable_posture_can_lower
    _fsi_through_the_stop_rule shows a case. Y attacks with one counterforce system and
    has no defences; X's systems share one reliability."""
    x = side(
        data.draw(forces(reliability=data.draw(unit(0.6, 1.0)))),
        defences=data.draw(defences()),
        **{**data.draw(postures()), "alert": "day_to_day", "lua": 0.0},
    )
    y = single_shooter(data.draw)
    arrays = compile_pair(x, y, batch=2)
    if change == "generate":
        arrays.sides[0].scalars["generated"][1] = 1.0
    else:
        arrays.sides[0].scalars["launch_under_attack"][1] = 0.9
    ex, s = metrics(arrays)
    assert s.c2[1, 0][1] == pytest.approx(s.c2[1, 0][0], abs=1e-12)
    assert s.c1[1, 0][1] >= s.c1[1, 0][0] - TOL
    assert s.r[1, 0][1] >= s.r[1, 0][0] - TOL


def test_generating_forces_and_launch_under_attack_raise_the_index_in_the_default_scenario():
    """Findings 2 and 4 and R-3765 p. 35 on the bundled scenario."""
    names = ("us-russia-2023", "us-russia-2023:generated", "us-russia-2023:launch-under-attack")
    fsi = {}
    for spec in names:
        name, _, override = spec.partition(":")
        sc = load_scenario(name, [override] if override else [])
        fsi[spec] = stability(exchange(compile_scenario(sc))).fsi[0, 1][0]
    assert fsi[names[1]] > fsi[names[0]] + 0.05
    assert fsi[names[2]] > fsi[names[0]] + 0.02


def test_survivable_posture_can_lower_fsi_through_the_stop_rule():
    """Counterexample to 'generating forces never lowers FSI' inside the model: a small
    silo force facing a large MIRVed one. When the large side (b) generates, a's first
    strike — hopeless either way — stops chasing b's forces and goes for b's cities, so
    b's cost when struck first rises, r_b and FSI fall. The other side's r (r_a) does not
    fall, as the property above guarantees."""
    a = side(
        {
            "silo": system("icbm_silo", 269, 1, cep=127, yield_kt=50, reliability=0.71),
            "bomber": system("bomber", 15, 5, cep=288, yield_kt=545, reliability=0.63, alert=(0.34, 0.81)),
        },
        w80=901,
        lua=0.22,
        holdback=0.021,
        per_target=3,
        defences={"bmd": missile_defence(260, kill=0.5, shots=1, reliability=0.62, protects="value")},
    )
    b = side(
        {
            "silo": system("icbm_silo", 10, 3, cep=408, yield_kt=551, reliability=0.78),
            "ssbn": system("slbm", 70, 9, cep=267, yield_kt=67, reliability=0.61, alert=(0.85, 1.0)),
            "mobile": system(
                "icbm_mobile", 111, 9, cep=143, yield_kt=768, reliability=0.82, alert=(0.18, 0.59)
            ),
            "bomber": system("bomber", 170, 4, cep=398, yield_kt=66, reliability=0.79, alert=(0.54, 0.92)),
        },
        w80=887,
        holdback=0.187,
        per_target=2,
    )
    arrays = compile_pair(a, b, batch=2)
    arrays.sides[1].scalars["generated"][1] = 1.0
    ex, s = metrics(arrays)
    assert s.fsi[0, 1][1] < s.fsi[0, 1][0] - 0.05
    assert s.c2[1, 0][1] > s.c2[1, 0][0]  # b worse off when struck …
    assert ex.strikes[0].counterforce_spent[1] < ex.strikes[0].counterforce_spent[0]  # … as a
    assert ex.strikes[0].arriving_first_strike[1] > ex.strikes[0].arriving_first_strike[0]
    assert s.r[0, 1][1] >= s.r[0, 1][0] - TOL


# ----------------------------------------------------------------- (e) missile defence
@PROPERTY
@given(a=sides(defences={"protects": "value", "missile": True}), b=sides(), extra=st.integers(1, 500))
def test_value_interceptors_favour_their_owner_striking_first_and_deter_the_other(a, b, extra):
    """More value-protecting interceptors for A: A's cost of striking first does not rise
    (the retaliation it absorbs leaks less at every point of its draw-down curve), B's
    cost of striking first does not fall (B's curve is unchanged and B's warheads arrive
    less at every point of it, checked point by point).

    Not guaranteed, so not asserted: 'fewer warheads arrive at A' at the attacker's
    optimum. Facing A's defence, B's best strike may send more warheads at A's cities,
    and A striking first may spend less on counterforce and absorb more retaliation."""
    arrays = compile_pair(a, b, batch=2)
    arrays.sides[0].layers["interceptors"][1, 0] += extra
    ex, s = metrics(arrays)
    assert s.c1[0, 1][1] <= s.c1[0, 1][0] + TOL
    assert s.c1[1, 0][1] >= s.c1[1, 0][0] - TOL
    curve = ex.strikes[1].curve  # B's curve: identical in both rows
    np.testing.assert_allclose(curve.spend[1], curve.spend[0], atol=1e-9)
    costs_b, _ = curve_costs(arrays.sides[1], arrays.sides[0], arrays.settings, curve)
    assert np.all(costs_b[1] >= costs_b[0] - TOL)


@PROPERTY
@given(data=st.data(), extra=st.integers(1, 500))
def test_forces_interceptors_never_help_the_other_side_strike_first(data, extra):
    """Interceptors defending A's forces thin B's counterforce salvo: B destroys no more
    of A at any spend, so B's cost of striking first does not fall (B with one
    counterforce system and no defences; A's systems share one reliability)."""
    a = side(
        data.draw(forces(reliability=data.draw(unit(0.6, 1.0)))),
        defences=data.draw(
            defences(protects=data.draw(st.sampled_from(["forces", "both"])), missile=True, air=False)
        ),
        **data.draw(postures()),
    )
    b = single_shooter(data.draw)
    arrays = compile_pair(a, b, batch=2)
    arrays.sides[0].layers["interceptors"][1, 0] += extra
    _, s = metrics(arrays)
    assert s.c1[1, 0][1] >= s.c1[1, 0][0] - TOL


# ----------------------------------------------------------------- (f) defence + counterforce
@PROPERTY
@given(data=st.data(), cep=unit(50, 120), yield_kt=unit(300, 800), interceptors=st.integers(50, 500))
def test_defences_with_counterforce_shift_the_first_strike_advantage(data, cep, yield_kt, interceptors):
    """Wilkening & Watman, case by case: giving A accurate MIRVs and a value defence
    (against an inaccurate force without defence) never makes A's first strike costlier
    nor B's first strike cheaper. A has one counterforce system (MIRVed silos), B only
    ballistic forces with one reliability."""
    rel = data.draw(unit(0.6, 1.0))
    a_forces = data.draw(forces(slbm=False, mobile=False, bomber=False))
    a_forces["silo"]["warheads_per_launcher"] = a_forces["silo"]["max_warheads_per_launcher"] = float(
        data.draw(st.integers(3, 10))
    )
    a = side(
        a_forces,
        defences={
            "bmd": missile_defence(
                0,
                kill=data.draw(unit(0.3, 0.9)),
                shots=data.draw(st.integers(1, 3)),
                reliability=data.draw(unit(0.6, 1.0)),
                protects="value",
            )
        },
        **data.draw(postures()),
    )
    b = side(data.draw(forces(bomber=False, reliability=rel)), **data.draw(postures()))
    arrays = compile_pair(a, b, batch=2)
    silo = arrays.sides[0]
    silo.systems["cep_m"][0, 0] = 3000.0  # neither: no counterforce, no defence
    silo.systems["cep_m"][1, 0] = cep  # both: accurate MIRVs and interceptors
    silo.systems["yield_kt"][1, 0] = yield_kt
    silo.layers["interceptors"][1, 0] = interceptors
    _, s = metrics(arrays)
    assert s.c1[0, 1][1] <= s.c1[0, 1][0] + TOL
    assert s.c1[1, 0][1] >= s.c1[1, 0][0] - TOL


def test_defences_with_counterforce_lower_the_index_on_most_symmetric_cases():
    """Wilkening & Watman (R-3412): defences combined with counterforce lower stability.
    In this model it is a strong tendency, not a theorem: on a fixed-seed sample of
    symmetric pairs (silo MIRVs, SLBMs, a mobile ICBM, bombers), giving one side accurate
    MIRVs and a value defence lowers FSI in at least 9 cases out of 10 and on average.
    The exceptions come from the stop rule: a counterforce-capable attacker spends more
    on forces and less on cities, lowering the victim's cost when struck (C2)."""
    rng = np.random.default_rng(20240601)
    n = 400
    template = side(
        {
            "silo": system("icbm_silo", 100, 3, cep=3000, yield_kt=300, reliability=0.8),
            "ssbn": system("slbm", 100, 4, cep=200, yield_kt=100, reliability=0.8, alert=(0.5, 0.8)),
            "mobile": system("icbm_mobile", 50, 1, cep=200, yield_kt=500, reliability=0.8, alert=(0.3, 0.8)),
            "bomber": system("bomber", 20, 8, cep=100, yield_kt=300, reliability=0.8, alert=(0.0, 0.5)),
        },
        defences={"bmd": missile_defence(0, kill=0.5, shots=2, reliability=0.9, protects="value")},
    )
    neither = compile_pair(template, template, batch=n)
    draws = {
        "launchers": rng.integers(10, 300, (n, 4)).astype(float),
        "warheads_per_launcher": rng.integers(1, 9, (n, 4)).astype(float),
        "reliability": rng.uniform(0.6, 1.0, (n, 4)),
        "alert_day_to_day": rng.uniform(0.0, 0.8, (n, 4)),
    }
    draws["launchers"][:, 0] = rng.integers(50, 300, n)
    draws["warheads_per_launcher"][:, 0] = rng.integers(3, 11, n)
    w80 = rng.uniform(100, 1000, n)
    for s_ in neither.sides:
        for key, values in draws.items():
            s_.systems[key][:] = values
        s_.systems["max_warheads_per_launcher"][:] = np.maximum(s_.systems["warheads_per_launcher"], 1)
        s_.systems["alert_generated"][:] = np.maximum(
            s_.systems["alert_generated"], s_.systems["alert_day_to_day"]
        )
        s_.scalars["w80"][:] = w80
    combined = neither.copy()
    combined.sides[0].systems["cep_m"][:, 0] = rng.uniform(50, 120, n)
    combined.sides[0].systems["yield_kt"][:, 0] = rng.uniform(300, 800, n)
    combined.sides[0].layers["interceptors"][:, 0] = rng.integers(50, 500, n)
    _, s0 = metrics(neither)
    _, s1 = metrics(combined)
    lower = s1.fsi[0, 1] < s0.fsi[0, 1] - TOL
    assert lower.mean() >= 0.9
    assert s1.fsi[0, 1].mean() < s0.fsi[0, 1].mean() - 0.02


# ----------------------------------------------------------------- (g) survivable forces
@pytest.mark.parametrize("change", ["more_slbms", "higher_alert"])
@PROPERTY
@given(data=st.data(), added=st.integers(1, 200), raise_by=unit(0.01, 0.5))
def test_more_survivable_forces_for_b_never_make_as_first_strike_cheaper(change, data, added, raise_by):
    """More SLBMs for B, or more of B's survivable forces on alert, never lower A's cost of
    striking first: C1_A does not fall (at every counterforce spend at least as many of
    B's warheads survive, and A keeps the same weapons for B's cities).

    This is the precise form of 'survivable forces for B never make striking first more
    attractive for A'. A's *r* can still fall: B's extra SLBMs also strengthen B's own
    first strike (90 % of survivable forces count as available), raising A's cost when
    struck (C2_A). A attacks with one counterforce system and has no defences; B's
    systems share one reliability."""
    b = side(
        data.draw(forces(reliability=data.draw(unit(0.6, 1.0)))),
        defences=data.draw(defences()),
        **data.draw(postures()),
    )
    a = single_shooter(data.draw)
    arrays = compile_pair(a, b, batch=2)
    ssbn = arrays.sides[1].structure.system_names.index("ssbn")
    s_b = arrays.sides[1].systems
    if change == "more_slbms":
        s_b["launchers"][1, ssbn] += added
    else:
        survivable = ~arrays.sides[1].structure.fixed
        for key in ("alert_day_to_day", "alert_generated"):
            s_b[key][1] = np.where(survivable, np.minimum(1.0, s_b[key][1] + raise_by), s_b[key][1])
    _, s = metrics(arrays)
    assert s.c1[0, 1][1] >= s.c1[0, 1][0] - TOL


# ----------------------------------------------------------------- finding 3
def _symmetric(silos, slbms):
    one = side(
        {
            "silo": system("icbm_silo", silos, 6, cep=90, yield_kt=475, reliability=0.8),
            "ssbn": system("slbm", slbms, 4, cep=150, yield_kt=100, reliability=0.8, alert=(0.6, 0.8)),
        }
    )
    return stability(exchange(compile_pair(one, one))).fsi[0, 1][0]


def test_enlarging_inventories_does_not_necessarily_erode_stability():
    """Finding 3: the sign of the effect of adding forces depends on their posture.
    From 50 MIRVed silos and 100 SLBMs a side: 50 more SLBMs each raise FSI, 100 more
    MIRVed silos each lower it."""
    base = _symmetric(50, 100)
    assert _symmetric(50, 150) > base + 0.1
    assert _symmetric(150, 100) < base - 0.05


# ----------------------------------------------------------------- the ratio behind r
costs = st.one_of(st.just(0.0), unit(0.0, 2.0))


@PROPERTY
@given(c1=st.lists(costs, min_size=1, max_size=20), c2=st.lists(costs, min_size=1, max_size=20))
def test_r_is_the_uncapped_ratio_capped_at_one(c1, c2):
    """``r = min(1, C1/C2)`` goes through ``cost_ratio`` (docs/model.md "Stability"): the
    ratio is C1/C2 where C2 > 0, 1 when both costs are zero, infinite when only C2 is."""
    n = min(len(c1), len(c2))
    c1, c2 = np.array(c1[:n]), np.array(c2[:n])
    ratio = cost_ratio(c1, c2)
    np.testing.assert_array_equal(break_even(c1, c2), np.minimum(1.0, ratio))
    positive = c2 > 0
    np.testing.assert_allclose(ratio[positive], c1[positive] / c2[positive], rtol=1e-15)
    assert np.all(ratio[~positive & (c1 == 0)] == 1.0)
    assert np.all(np.isposinf(ratio[~positive & (c1 > 0)]))


@PROPERTY
@given(a=sides(), b=sides())
def test_stability_reports_the_ratio_behind_each_r(a, b):
    """On random scenarios each side's ``r`` is its ``c1_over_c2`` capped at 1, and the
    ratio is C1/C2 of the same costs."""
    _, s = metrics(compile_pair(a, b))
    for key in ((0, 1), (1, 0)):
        np.testing.assert_array_equal(s.r[key], np.minimum(1.0, s.c1_over_c2[key]))
        np.testing.assert_array_equal(s.c1_over_c2[key], cost_ratio(s.c1[key], s.c2[key]))
