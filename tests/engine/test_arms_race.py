"""Arms-race stability (DESIGN §1.8): Richardson's reference model, marginal effects by
batched finite differences, and the action–reaction iteration."""

from __future__ import annotations

import json

import numpy as np
import pytest

from security_equation.engine import arms_race as ar
from security_equation.engine.arms_race import (
    RACE_TO_LIMITS,
    RUNS_AWAY,
    SETTLES,
    Limits,
    action_reaction,
    build_path,
    marginal_effects,
    reaction_slopes,
    richardson,
)
from security_equation.engine.exchange import exchange
from security_equation.engine.stability import stability
from security_equation.io import load_scenario
from security_equation.io.loading import validate
from security_equation.model.compile import compile_scenario
from security_equation.model.race import arms_race_section, drivers_section, limits_from_framework


def system(category, launchers, wpl, max_wpl, *, cep=150, yield_kt=300, alert=None, nd=0, reliability=0.8):
    out = {
        "category": category,
        "nuclear": True,
        "ballistic": category != "bomber",
        "launchers": launchers,
        "non_deployed_launchers": nd,
        "warheads_per_launcher": wpl,
        "max_warheads_per_launcher": max_wpl,
        "yield_kt": yield_kt,
        "cep_m": cep,
        "reliability": reliability,
        "hardness_psi": 2000 if category == "icbm_silo" else 10,
    }
    if category != "icbm_silo":
        out["alert_fraction"] = {"day_to_day": alert[0], "generated": alert[1]}
    return out


def side(systems, *, requirement=None, defences=None, w80=300):
    out = {
        "systems": systems,
        "defences": defences or {},
        "value": {"w80": w80},
        "posture": {
            "alert": "day_to_day",
            "launch_under_attack": 0.0,
            "holdback_fraction": 0.0,
            "max_warheads_per_target": 2,
        },
    }
    if requirement is not None:
        out["requirement"] = {"arriving_warheads": requirement}
    return out


def standard_forces():
    return {
        "silo": system("icbm_silo", 200, 3, 6, cep=100),
        "ssbn": system("slbm", 100, 4, 8, alert=(0.5, 0.8), nd=20),
    }


def pair(a, b, batch=1):
    return compile_scenario(validate({"name": "race", "sides": {"a": a, "b": b}}, {}), batch=batch)


def symmetric(requirement):
    return pair(
        side(standard_forces(), requirement=requirement), side(standard_forces(), requirement=requirement)
    )


def arriving(arrays):
    ex = exchange(arrays)
    return ex.strikes[1].arriving_retaliation, ex.strikes[0].arriving_retaliation


# ============================================================================ Richardson
def test_richardson_worked_case():
    """validation.md: dx/dt = 2y − 5x + 5, dy/dt = 2x − 3y + 5 is stable with equilibrium
    (25/11, 35/11) and m·n = 15 > a·b = 4."""
    model = richardson(a=2, b=2, m=5, n=3, g=5, h=5)
    x, y = model.equilibrium
    assert x == pytest.approx(25 / 11, abs=1e-12) and y == pytest.approx(35 / 11, abs=1e-12)
    assert round(float(x), 4) == 2.2727 and round(float(y), 4) == 3.1818
    assert bool(model.stable)
    assert float(model.m * model.n) == 15 and float(model.a * model.b) == 4
    assert float(model.determinant) == 11
    np.testing.assert_allclose(sorted(model.eigenvalues.real), [-4 - np.sqrt(5), -4 + np.sqrt(5)])
    np.testing.assert_allclose(model.eigenvalues.imag, 0)
    np.testing.assert_allclose(model.derivative(x, y), [0, 0], atol=1e-12)


def test_richardson_trajectory_closed_form_matches_solve_ivp_and_converges():
    model = richardson(2, 2, 5, 3, 5, 5)
    t = np.linspace(0, 12, 25)
    x, y = model.integrate(0.0, 0.0, t)
    xi, yi = model.integrate(0.0, 0.0, t, method="ivp")
    np.testing.assert_allclose(x, xi, atol=1e-7)
    np.testing.assert_allclose(y, yi, atol=1e-7)
    assert x[-1] == pytest.approx(25 / 11, abs=1e-6) and y[-1] == pytest.approx(35 / 11, abs=1e-6)
    # From any start, including above the equilibrium.
    x, y = model.integrate(10.0, 0.0, [30.0])
    assert x[-1] == pytest.approx(25 / 11, abs=1e-6) and y[-1] == pytest.approx(35 / 11, abs=1e-6)


def test_richardson_unstable_case_runs_away_and_models_batch():
    model = richardson(a=[2, 5], b=[2, 4], m=[5, 2], n=[3, 3], g=1, h=1)
    np.testing.assert_array_equal(model.stable, [True, False])  # 15 > 4; 6 < 20
    x, y = model.integrate(0.0, 0.0, [0.0, 5.0])
    assert x.shape == (2, 2)
    assert x[1, -1] > 1e3 and y[1, -1] > 1e3  # the arms race
    assert model.eigenvalues[1].real.max() > 0
    with pytest.raises(ValueError, match="'method'"):
        model.integrate(0, 0, [1.0], method="euler")


def test_richardson_parallel_reaction_lines_have_no_equilibrium():
    model = richardson(a=2, b=3, m=2, n=3)
    assert not bool(model.stable)
    assert np.isnan(model.equilibrium[0])
    x, y = model.integrate(1.0, 1.0, [0.0, 1.0])  # still integrable
    assert np.all(np.isfinite(x))
    json.dumps(model.to_dict(), allow_nan=False)


# ============================================================================ marginal effects
def test_marginal_effects_use_one_exchange_call_and_match_direct_evaluation(monkeypatch):
    arrays = compile_scenario(load_scenario("us-russia-2023"))
    calls = []
    real = ar.exchange

    def counting(a):
        calls.append(a.batch)
        return real(a)

    monkeypatch.setattr(ar, "exchange", counting)
    df = marginal_effects(arrays, step=10)
    assert len(calls) == 1
    n_items = sum(2 * len(s.structure.system_names) + len(s.structure.layer_names) for s in arrays.sides)
    assert calls[0] == 1 + n_items and len(df) == n_items
    assert set(df["action"]) == {"launcher", "upload", "interceptor"}

    # One row checked against a direct evaluation.
    row = df[(df.side == "russia") & (df.item == "slbm") & (df.action == "launcher")].iloc[0]
    base = stability(real(arrays))
    more = arrays.copy()
    more.set("russia.systems.slbm.launchers", more.get("russia.systems.slbm.launchers") + 10)
    ex = real(more)
    st = stability(ex)
    assert row["d_fsi"] == pytest.approx((st.fsi[0, 1][0] - base.fsi[0, 1][0]) / 10, abs=1e-12)
    assert row["d_r_us"] == pytest.approx((st.r[0, 1][0] - base.r[0, 1][0]) / 10, abs=1e-12)
    assert row["d_arriving_russia"] == pytest.approx(
        (ex.strikes[0].arriving_retaliation[0] - real(arrays).strikes[0].arriving_retaliation[0]) / 10
    )
    assert df.attrs["base"]["fsi"][0] == pytest.approx(base.fsi[0, 1][0])


def test_upload_is_spread_over_launchers_and_capped():
    a = side(
        {
            "silo": system("icbm_silo", 100, 1, 1.05, cep=100),
            "ssbn": system("slbm", 50, 4, 4, alert=(0.5, 0.8)),
        }
    )
    df = marginal_effects(pair(a, a), step=10, actions=("upload",))
    rows = df[df.side == "a"].set_index("item")
    assert rows.loc["silo", "units"] == pytest.approx(5.0)  # 100 × 0.05 left to capacity
    assert rows.loc["ssbn", "units"] == 0  # at capacity
    assert np.isnan(rows.loc["ssbn", "d_fsi"])
    assert np.isfinite(rows.loc["silo", "d_fsi"])


def test_marginal_effects_per_unit_rates_and_batches():
    arrays = symmetric(None)
    one = marginal_effects(arrays, step=1)
    ten = marginal_effects(arrays, step=10)
    # Per-unit secants over 1 and 10 launchers agree to first order.
    key = (one.side == "a") & (one.item == "ssbn") & (one.action == "launcher")
    assert ten[key]["d_arriving_a"].iloc[0] == pytest.approx(one[key]["d_arriving_a"].iloc[0], rel=0.05)
    batch = arrays.repeat(3)
    batch.sides[0].systems["launchers"][1:, 1] = [150, 200]
    df = marginal_effects(batch, step=5)
    assert list(df.columns[:5]) == ["member", "side", "item", "action", "units"]
    assert len(df) == 3 * len(one)
    with pytest.raises(ValueError, match="'step'"):
        marginal_effects(arrays, step=0)


def test_interceptors_never_increase_the_warheads_arriving_at_their_owner():
    """Adding value interceptors to X: the other side's retaliation arriving at X after X
    strikes first does not grow, and X's own retaliation does not shrink."""
    bmd = {
        "kind": "missile_defence",
        "interceptors": 50,
        "kill_probability": 0.6,
        "shots_per_warhead": 2,
        "system_reliability": 0.9,
        "protects": "value",
    }
    arrays = pair(
        side(standard_forces(), defences={"bmd": bmd}),
        side(standard_forces(), defences={"bmd": dict(bmd, interceptors=0)}),
    )
    cases = [(arrays, ("a", "b")), (compile_scenario(load_scenario("us-russia-2023")), ("us", "russia"))]
    for arr, names in cases:
        df = marginal_effects(arr, step=20, actions=("interceptor",))
        assert len(df) >= 1
        for _, row in df.iterrows():
            other = names[1 - names.index(row["side"])]
            assert row[f"d_arriving_{other}"] <= 1e-9
            assert row[f"d_arriving_{row['side']}"] >= -1e-9


# ============================================================================ build path
def test_build_path_uploads_survivable_systems_first_then_redeploys_then_builds():
    arrays = symmetric(None)
    path = build_path(arrays.sides[0], production=10)
    ssbn, silo = 1, 0
    assert list(path.kind) == [0, 0, 1, 2]
    assert list(path.system) == [ssbn, silo, ssbn, ssbn]
    np.testing.assert_allclose(path.capacity, [100 * 4, 200 * 3, 20 * 8, 10 * 8])
    assert path.u_max == pytest.approx(400 + 600 + 160 + 80) and path.stop == "production"
    after = path.apply(np.array([0.0, 200.0, 400 + 600 + 80]))
    np.testing.assert_allclose(after["warheads_per_launcher"][1], [3, 6])
    np.testing.assert_allclose(after["launchers"][2], [200, 110])
    np.testing.assert_allclose(after["non_deployed_launchers"][2], [0, 10])
    np.testing.assert_allclose(after["warheads_per_launcher"][2], [6, 8])


def test_build_path_stops_where_a_limit_binds():
    arrays = symmetric(None)
    s = arrays.sides[0]
    path = build_path(s, Limits(deployed_warheads=1300))
    assert path.u_max == pytest.approx(300) and path.stop == "deployed_warheads"
    path = build_path(s, Limits(deployed_launchers=305))
    assert path.u_max == pytest.approx(400 + 600 + 5 * 8) and path.stop == "deployed_launchers"
    path = build_path(s, Limits(total_launchers=320 + 3))
    assert path.u_max == pytest.approx(400 + 600 + 160 + 3 * 8) and path.stop == "total_launchers"
    # Already over a limit: nothing that counts toward it can be added.
    assert build_path(s, Limits(deployed_warheads=900)).u_max == 0


def test_bombers_counting_one_warhead_can_upload_under_a_warhead_limit():
    forces = {
        "bomber": system("bomber", 20, 4, 16, alert=(0.3, 0.8)),
        "silo": system("icbm_silo", 100, 1, 3, cep=100),
    }
    arrays = pair(side(forces), side(forces))
    counted = ar.counted(arrays.sides[0], Limits(bombers_count_one=True))[0]
    np.testing.assert_allclose(counted, [20 + 100, 120, 120])
    path = build_path(arrays.sides[0], Limits(deployed_warheads=120, bombers_count_one=True))
    assert path.u_max == pytest.approx(20 * 12)  # the bomber upload, then the limit binds
    path = build_path(arrays.sides[0], Limits(deployed_warheads=20 * 4 + 100))
    assert path.u_max == pytest.approx(0)  # plain counting: already at the limit


# ============================================================================ action–reaction
def test_action_reaction_settles_on_a_symmetric_survivable_case():
    race = action_reaction(symmetric(500), rounds=20)
    assert race.outcome == SETTLES
    assert race.rounds_run >= 1
    first, last = race.path[0], race.path[-1]
    for name in ("a", "b"):
        assert first["sides"][name]["arriving"] < 500
        assert last["sides"][name]["arriving"] >= 500 - 0.5
        assert last["sides"][name]["deployed_warheads"] > first["sides"][name]["deployed_warheads"]
    # Symmetric sides make symmetric moves.
    for entry in race.path:
        assert entry["sides"]["a"]["deployed_warheads"] == pytest.approx(
            entry["sides"]["b"]["deployed_warheads"], rel=1e-9
        )
    # The final state reproduces the recorded numbers.
    arr_a, arr_b = arriving(race.final)
    assert arr_a[0] == pytest.approx(last["sides"]["a"]["arriving"])
    json.dumps(race.to_dict(), allow_nan=False)
    assert set(race.to_dataframe().columns) >= {"round", "side", "deployed_warheads", "arriving", "r"}


def test_each_round_adds_the_least_force():
    """One round from the start: the addition meets the requirement against the other's
    unchanged forces, and 1 % less would not."""
    arrays = symmetric(500)
    race = action_reaction(arrays, rounds=1)
    added = race.path[0]["sides"]["a"]["added_warheads"]
    path = build_path(arrays.sides[0])
    trial = arrays.repeat(2)
    for row, u in enumerate((added, 0.99 * added)):
        for key, values in path.apply(np.array([u])).items():
            trial.sides[0].systems[key][row] = values[0]
    got = arriving(trial)[0]
    assert got[0] >= 500 - 1e-6
    assert got[1] < 500


def test_a_side_above_its_requirement_does_not_cut_or_build():
    arrays = pair(side(standard_forces(), requirement=50), side(standard_forces(), requirement=500))
    race = action_reaction(arrays, rounds=20)
    assert race.outcome == SETTLES
    a_warheads = [e["sides"]["a"]["deployed_warheads"] for e in race.path]
    assert a_warheads == [a_warheads[0]] * len(a_warheads)
    b_warheads = [e["sides"]["b"]["deployed_warheads"] for e in race.path]
    assert b_warheads[-1] > b_warheads[0]


def test_action_reaction_races_to_limits_when_the_requirement_is_unreachable():
    limits = Limits(deployed_warheads=1600, deployed_launchers=320)
    race = action_reaction(symmetric(900), rounds=20, limits=limits)
    assert race.outcome == RACE_TO_LIMITS
    assert race.capped == {"a": "deployed_warheads", "b": "deployed_warheads"}
    last = race.path[-1]["sides"]
    for name in ("a", "b"):
        assert last[name]["deployed_warheads"] == pytest.approx(1600, abs=1e-6)
        assert last[name]["arriving"] < 900
    # Per-side limits, and capacity as a cap: no production, everything uploaded.
    race = action_reaction(
        symmetric(2000), rounds=20, production=0, limits={"a": Limits(total_launchers=1e9)}
    )
    assert race.outcome == RACE_TO_LIMITS
    assert race.capped == {"a": "capacity", "b": "capacity"}


def test_action_reaction_runs_away_when_rounds_are_exhausted():
    race = action_reaction(symmetric(900), rounds=1)
    assert race.outcome == RUNS_AWAY
    assert len(race.path) == 2


def test_action_reaction_takes_scenarios_and_explicit_requirements():
    sc = validate({"name": "race", "sides": {"a": side(standard_forces()), "b": side(standard_forces())}}, {})
    assert action_reaction(sc).outcome == SETTLES  # no requirements
    race = action_reaction(sc, requirement={"a": 400})
    assert race.outcome == SETTLES and race.rounds_run >= 1
    assert race.path[-1]["sides"]["b"]["deployed_warheads"] == race.path[0]["sides"]["b"]["deployed_warheads"]
    with pytest.raises(ValueError, match="'limits'"):
        action_reaction(sc, limits={"c": Limits()})
    with pytest.raises(ValueError, match="'rounds'"):
        action_reaction(sc, rounds=-1)


def test_reaction_slopes_and_their_richardson_model():
    out = reaction_slopes(symmetric(500))
    rho = out["rho"]
    assert rho[0] == pytest.approx(rho[1])
    assert out["own_effect"][0] > 0
    model = out["richardson"]
    assert float(model.m) == 1 and float(model.n) == 1
    assert out["stable"] == bool(rho[0] * rho[1] < 1)
    # Required warheads lie above the current force when a side is short.
    assert out["required_warheads"][0] > out["warheads"][0]


# ============================================================================ sections and limits
def test_sections_are_json_ready_and_sorted():
    sc = load_scenario("us-russia-2023", set_values={"us.requirement.arriving_warheads": 600})
    drivers = drivers_section(sc, step=10, top=5)
    assert len(drivers["drivers"]) == 5
    values = [abs(r["d_fsi"]) for r in drivers["drivers"]]
    assert values == sorted(values, reverse=True)
    race = arms_race_section(sc, framework=None, rounds=10)
    assert race["outcome"] in (SETTLES, RACE_TO_LIMITS, RUNS_AWAY)
    assert "linearised" in race and "richardson" in race["linearised"]
    json.dumps(drivers, allow_nan=False)
    json.dumps(race, allow_nan=False)


def test_limits_from_framework_keep_the_treaty_headroom():
    sc = load_scenario("us-russia-2023")
    limits, notes = limits_from_framework(sc, None)
    assert limits == {} and notes
    limits, notes = limits_from_framework(sc, "new-start")
    assert notes == []
    from security_equation.treaty import assess

    treaty = {e["name"]: e for e in assess(sc, "new-start").to_dict()["sides"]["us"]["limits"]}
    arrays = compile_scenario(sc)
    ours = ar.counted(arrays.sides[0], limits["us"])[0]
    # Headroom is kept: the limit binds where the treaty's would, whatever our own count.
    assert limits["us"].deployed_warheads == pytest.approx(ours[0] + treaty["deployed_warheads"]["headroom"])
    assert treaty["deployed_launchers"]["headroom"] == 38
    assert limits["us"].deployed_launchers == pytest.approx(ours[1] + 38)
    assert limits["us"].total_launchers == pytest.approx(ours[2])
    assert limits["us"].bombers_count_one
    assert "1,550" in limits["us"].labels["deployed_warheads"]
    # A limit the model has no lever for is reported, not silently dropped.
    _, notes = limits_from_framework(sc, "security-equation")
    assert any("interceptors" in n for n in notes)
    path = build_path(arrays.sides[0], limits["us"])
    assert path.stop in ("deployed_warheads", "total_launchers")
