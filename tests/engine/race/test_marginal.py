"""Marginal effects by batched finite differences (docs/model.md "Arms race"): the engine
returns arrays (:class:`MarginalEffects`); the model layer makes the table."""

from __future__ import annotations

import numpy as np
import pytest

from security_equation.engine.exchange import exchange
from security_equation.engine.race import MarginalEffects, marginal_effects, metrics
from security_equation.engine.stability import stability
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario
from security_equation.model.race import effects_table, marginal_effects_table


def _row(effects: MarginalEffects, side: str, item: str, action: str) -> int:
    return effects.perturbations.index((side, item, action))


def test_marginal_effects_use_one_exchange_call_and_match_direct_evaluation(monkeypatch):
    arrays = compile_scenario(load_scenario("us-russia-2023"))
    calls = []

    def counting(a):
        calls.append(a.batch)
        return exchange(a)

    monkeypatch.setattr(metrics, "exchange", counting)
    effects = marginal_effects(arrays, step=10)
    assert len(calls) == 1
    n_items = sum(2 * len(s.structure.system_names) + len(s.structure.layer_names) for s in arrays.sides)
    assert calls[0] == 1 + n_items and len(effects.perturbations) == n_items
    assert effects.members == 1 and effects.units.shape == (n_items, 1)
    assert all(v.shape == (n_items, 1) for v in effects.rates.values())
    assert {action for _, _, action in effects.perturbations} == {"launcher", "upload", "interceptor"}

    # One row checked against a direct evaluation.
    p = _row(effects, "russia", "slbm", "launcher")
    base = stability(exchange(arrays))
    more = arrays.copy()
    more.set("russia.systems.slbm.launchers", more.get("russia.systems.slbm.launchers") + 10)
    ex = exchange(more)
    st = stability(ex)
    assert effects.rates["d_fsi"][p, 0] == pytest.approx(
        (st.fsi[0, 1][0] - base.fsi[0, 1][0]) / 10, abs=1e-12
    )
    assert effects.rates["d_r_us"][p, 0] == pytest.approx((st.r[0, 1][0] - base.r[0, 1][0]) / 10, abs=1e-12)
    assert effects.rates["d_arriving_russia"][p, 0] == pytest.approx(
        (ex.strike(0, 1).arriving_retaliation[0] - exchange(arrays).strike(0, 1).arriving_retaliation[0]) / 10
    )
    assert effects.base["fsi"][0] == pytest.approx(base.fsi[0, 1][0])


def test_upload_is_spread_over_launchers_and_capped(race):
    a = race.side(
        {
            "silo": race.system("icbm_silo", 100, 1, 1.05, cep=100),
            "ssbn": race.system("slbm", 50, 4, 4, alert=(0.5, 0.8)),
        }
    )
    effects = marginal_effects(race.pair(a, a), step=10, actions=("upload",))
    silo, ssbn = _row(effects, "a", "silo", "upload"), _row(effects, "a", "ssbn", "upload")
    assert effects.units[silo, 0] == pytest.approx(5.0)  # 100 × 0.05 left to capacity
    assert effects.units[ssbn, 0] == 0  # at capacity
    assert np.isnan(effects.rates["d_fsi"][ssbn, 0])
    assert np.isfinite(effects.rates["d_fsi"][silo, 0])
    # The same through the model layer's table.
    rows = effects_table(effects)
    rows = rows[rows.side == "a"].set_index("item")
    assert rows.loc["silo", "units"] == pytest.approx(5.0)
    assert rows.loc["ssbn", "units"] == 0
    assert np.isnan(rows.loc["ssbn", "d_fsi"])


def test_marginal_effects_per_unit_rates_and_batches(race):
    arrays = race.symmetric(None)
    one = marginal_effects(arrays, step=1)
    ten = marginal_effects(arrays, step=10)
    # Per-unit secants over 1 and 10 launchers agree to first order.
    key = _row(one, "a", "ssbn", "launcher")
    assert ten.rates["d_arriving_a"][key, 0] == pytest.approx(one.rates["d_arriving_a"][key, 0], rel=0.05)
    batch = arrays.repeat(3)
    batch.sides[0].systems["launchers"][1:, 1] = [150, 200]
    effects = marginal_effects(batch, step=5)
    assert effects.members == 3 and effects.units.shape == (len(one.perturbations), 3)
    df = effects_table(effects)
    assert list(df.columns[:5]) == ["member", "side", "item", "action", "units"]
    assert len(df) == 3 * len(one.records())
    with pytest.raises(ValueError, match="'step'"):
        marginal_effects(arrays, step=0)
    with pytest.raises(ValueError, match="'actions'"):
        marginal_effects(arrays, actions=("disarm",))


def test_two_sides_name_columns_by_side(race):
    df = marginal_effects_table(race.symmetric(None), step=5)
    assert list(df.columns[4:]) == [
        "d_r_a",
        "d_c1_over_c2_a",
        "d_r_b",
        "d_c1_over_c2_b",
        "d_fsi",
        "d_arriving_a",
        "d_arriving_b",
        "d_c1_a",
        "d_c1_b",
    ]
    assert list(df.attrs["base"]) == [
        "fsi",
        "r_a",
        "c1_over_c2_a",
        "arriving_a",
        "r_b",
        "c1_over_c2_b",
        "arriving_b",
    ]


def test_interceptors_never_increase_the_warheads_arriving_at_their_owner(race):
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
    arrays = race.pair(
        race.side(race.standard_forces(), defences={"bmd": bmd}),
        race.side(race.standard_forces(), defences={"bmd": dict(bmd, interceptors=0)}),
    )
    cases = [(arrays, ("a", "b")), (compile_scenario(load_scenario("us-russia-2023")), ("us", "russia"))]
    for arr, names in cases:
        effects = marginal_effects(arr, step=20, actions=("interceptor",))
        assert len(effects.perturbations) >= 1
        for row in effects.records():
            other = names[1 - names.index(row["side"])]
            assert row[f"d_arriving_{other}"] <= 1e-9
            assert row[f"d_arriving_{row['side']}"] >= -1e-9


def test_the_table_holds_the_records_and_the_base(race):
    """The model layer's table is the engine's records, in their columns, with the base
    values and the step in ``attrs``."""
    effects = marginal_effects(race.symmetric(None), step=5)
    records = effects.records()
    assert [list(rec) for rec in records] == [effects.columns] * len(records)
    assert all(isinstance(v, float) for rec in records for k, v in rec.items() if k.startswith("d_"))
    df = effects_table(effects)
    assert list(df.columns) == effects.columns and len(df) == len(effects.perturbations)
    for rec, row in zip(records, df.to_dict(orient="records"), strict=True):
        assert row.keys() == rec.keys()
        for key, value in rec.items():
            assert row[key] == value or (np.isnan(row[key]) and np.isnan(value))
    assert df.attrs["base"] == effects.base and df.attrs["step"] == 5.0


def test_upload_drivers_are_bounded_by_the_stored_warheads():
    """post-new-start-upload has loaded every stored US warhead: no US upload is a driver,
    and Russia's silos can take only their 37 stored warheads (a 10-warhead step fits)."""
    from security_equation.io.loading import load_scenario
    from security_equation.model.compile import compile_scenario

    arrays = compile_scenario(load_scenario("post-new-start-upload"))
    effects = marginal_effects(arrays, step=50.0, actions=("upload",))
    units = {(s, item): float(effects.units[p, 0]) for p, (s, item, _) in enumerate(effects.perturbations)}
    assert units[("us", "minuteman_iii")] == 0 and units[("us", "trident_ii")] == 0
    assert units[("russia", "icbm_silo")] == pytest.approx(37)
    assert units[("us", "b2a")] == pytest.approx(0)  # 66 stored, but every B-2A is loaded to capacity
