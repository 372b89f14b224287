"""Scenario → arrays (``model.compile``): shapes, the batch axis, the values carried over
from the scenario, and the ``ScenarioArrays`` accessors (get, set, take, swapped)."""

from __future__ import annotations

import numpy as np
import pytest

from security_equation.engine.arrays import LAYER_FIELDS, SETTINGS, SIDE_SCALARS, SYSTEM_FIELDS
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario
from security_equation.schema.scenario import CATEGORIES
from tests.factories import air_defence, compile_pair, missile_defence, side, system

MM3 = "us.systems.minuteman_iii"


@pytest.fixture(scope="module")
def default():
    return load_scenario("us-russia-2023")


@pytest.fixture
def arrays(default):
    return compile_scenario(default)


# ----------------------------------------------------------------- shapes and structure
def test_shapes_of_the_default_scenario(arrays):
    assert arrays.side_names == ("us", "russia")
    assert arrays.batch == 1
    for s in arrays.sides:
        assert set(s.systems) == set(SYSTEM_FIELDS)
        assert {v.shape for v in s.systems.values()} == {(1, 4)}  # four systems a side
        assert s.kill_given.shape == (1, 4, len(CATEGORIES)) == (1, 4, 6)
        assert set(s.layers) == set(LAYER_FIELDS)
        assert {v.shape for v in s.layers.values()} == {(1, 1)}  # one missile defence layer
        assert set(s.scalars) == set(SIDE_SCALARS)
        assert {v.shape for v in s.scalars.values()} == {(1,)}
    assert set(arrays.settings) == set(SETTINGS)
    assert {v.shape for v in arrays.settings.values()} == {(1,)}


def test_structure_of_the_default_scenario(arrays):
    us, russia = (s.structure for s in arrays.sides)
    assert us.system_names == ("minuteman_iii", "trident_ii", "b2a", "b52h")
    assert us.categories == ("icbm_silo", "slbm", "bomber", "bomber")
    assert russia.system_names == ("icbm_silo", "icbm_mobile", "slbm", "bombers")
    np.testing.assert_array_equal(us.fixed, [True, False, False, False])
    np.testing.assert_array_equal(us.ballistic, [True, True, False, False])
    np.testing.assert_array_equal(us.counterforce, [True, True, False, False])  # bombers too slow
    np.testing.assert_array_equal(russia.ballistic, [True, True, True, False])
    np.testing.assert_array_equal(russia.nuclear, [True] * 4)
    assert us.layer_names == ("gmd",) and russia.layer_names == ("a135",)
    np.testing.assert_array_equal(us.layer_value_share, [1.0])  # protects: value
    np.testing.assert_array_equal(us.layer_forces_share, [0.0])
    assert us.damage_table is None and russia.damage_table is None  # both give w80


# ----------------------------------------------------------------- values
def test_system_arrays_carry_the_scenario_values(arrays):
    """The figures of data/scenarios/us-russia-2023.yaml (uncertain ones at their mode)."""
    us, russia = (s.systems for s in arrays.sides)
    expected_us = {
        "launchers": [400, 214, 12, 36],
        "non_deployed_launchers": [54, 66, 8, 10],
        "warheads_per_launcher": [1, 4.5374, 6.25, 6.25],
        "max_warheads_per_launcher": [2, 8, 16, 20],
        "yield_kt": [300, 165, 360, 150],
        "cep_m": [120, 100, 100, 100],
        "reliability": [0.8, 0.8, 0.8, 0.8],
        "hardness_psi": [2000, 10, 5, 5],
        "alert_day_to_day": [0.0, 0.6, 0.0, 0.0],  # a silo has no alert share: 0
        "alert_generated": [0.0, 0.85, 0.8, 0.8],
    }
    expected_russia = {
        "launchers": [136, 180, 160, 50],
        "non_deployed_launchers": [80, 75, 72, 8],
        "warheads_per_launcher": [2.2647, 3, 3.6, 4],
        "max_warheads_per_launcher": [6, 4, 5, 10],
        "yield_kt": [500, 500, 100, 200],
        "cep_m": [200, 200, 300, 100],
        "reliability": [0.8, 0.8, 0.8, 0.8],
        "hardness_psi": [2000, 5, 10, 5],
        "alert_day_to_day": [0.0, 0.3, 0.3, 0.0],
        "alert_generated": [0.0, 0.8, 0.8, 0.6],
    }
    for got, expected in ((us, expected_us), (russia, expected_russia)):
        for name, values in expected.items():
            np.testing.assert_array_equal(got[name][0], values, err_msg=name)
            assert got[name].dtype == np.float64
    assert np.isnan(arrays.sides[0].kill_given).all()  # no kill probability given directly


def test_every_system_field_matches_the_validated_scenario(default, arrays):
    for s, name in zip(arrays.sides, arrays.side_names, strict=True):
        for col, sys_name in enumerate(s.structure.system_names):
            model = default.sides[name].systems[sys_name]
            for field in SYSTEM_FIELDS:
                if field.startswith("alert_"):
                    af = model.alert_fraction
                    want = getattr(af, field.removeprefix("alert_")) if af is not None else 0.0
                else:
                    want = getattr(model, field)
                assert s.systems[field][0, col] == want, f"{name}.{sys_name}.{field}"


#: The layer defaults (docs/model.md, "Defences"): no decoys, a salvo.
NO_DECOYS_SALVO = {"decoys_per_warhead": 0.0, "discrimination_probability": 1.0, "shoot_look_shoot": 0.0}


def test_layers_scalars_and_settings_carry_the_scenario_values(arrays):
    us, russia = arrays.sides
    assert {k: v[0, 0] for k, v in us.layers.items()} == {
        "interceptors": 44,
        "kill_probability": 0.5,
        "shots_per_warhead": 4,
        "system_reliability": 0.9,
        **NO_DECOYS_SALVO,
    }
    assert {k: v[0, 0] for k, v in russia.layers.items()} == {
        "interceptors": 68,
        "kill_probability": 0.5,
        "shots_per_warhead": 2,
        "system_reliability": 0.8,
        **NO_DECOYS_SALVO,
    }
    common = {
        "w80": 300,
        "generated": 0.0,  # day-to-day alert
        "launch_under_attack": 0.0,
        "holdback_fraction": 0.1,
        "max_warheads_per_target": 2,
        "required_arriving_warheads": 200,
        "counterforce_share": 0.0,
        "reserve_mode": 0.0,
    }
    assert {k: v[0] for k, v in us.scalars.items()} == {
        "penetration_probability": 0.9,
        **common,
        "upload_reserve": 1938,  # NN-US23
    }
    assert {k: v[0] for k, v in russia.scalars.items()} == {
        "penetration_probability": 0.7,
        **common,
        "upload_reserve": 977,  # NN-RU22
    }
    assert {k: v[0] for k, v in arrays.settings.items()} == pytest.approx(
        {
            "lethal_radius_nmi": 2.62,
            "lethal_radius_exponent": 1 / 3,
            "cost_exponent": 0.75,
            "cost_enemy_weight": 0.3,
            "attacker_survivable_available": 0.9,
        },
        abs=1e-15,
    )


def test_named_overrides_reach_the_posture_scalars():
    generated = compile_scenario(load_scenario("us-russia-2023", ["generated"]))
    lua = compile_scenario(load_scenario("us-russia-2023", ["launch-under-attack"]))
    for k in range(2):
        assert generated.sides[k].scalars["generated"][0] == 1.0
        assert generated.sides[k].scalars["launch_under_attack"][0] == 0.0
        assert lua.sides[k].scalars["launch_under_attack"][0] == 0.9
        assert lua.sides[k].scalars["generated"][0] == 0.0


def test_kill_probabilities_defence_shares_tables_and_missing_fields():
    """What us-russia-2023 does not exercise: kill probabilities given directly,
    layers defending forces or both, a damage table, no air defence, no requirement."""
    cps = system(
        "conventional_strike",
        8,
        nuclear=False,
        yield_kt=0,
        cep=5,
        alert=(0.5, 0.9),
        kill={"icbm_silo": 0.2, "bomber": 0.9},
    )
    a = side(
        {"icbm": system(launchers=50), "cps": cps},
        defences={
            "v": missile_defence(10, protects="value"),
            "f": missile_defence(20, protects="forces"),
            "both": missile_defence(30, protects="both"),
        },
    )
    # Tuples: the strict schema refuses a list of lists here.
    a["value"] = {"table": [(0, 0), (100, 0.5), (300, 0.9)]}
    b = side(
        {"ssbn": system("slbm", 20, 4, alert=(0.6, 0.8))}, requirement=150, defences={"air": air_defence(0.7)}
    )
    arrays = compile_pair(a, b)
    sa, sb = arrays.sides
    np.testing.assert_array_equal(sa.structure.counterforce, [True, True])  # prompt conventional
    np.testing.assert_array_equal(sa.structure.nuclear, [True, False])
    kill = sa.kill_given[0]
    assert kill[1, CATEGORIES.index("icbm_silo")] == 0.2
    assert kill[1, CATEGORIES.index("bomber")] == 0.9
    assert np.isnan(kill[0]).all() and np.isnan(np.delete(kill[1], [0, 3])).all()
    assert sa.structure.layer_names == ("v", "f", "both")
    np.testing.assert_array_equal(sa.structure.layer_value_share, [1.0, 0.0, 0.5])
    np.testing.assert_array_equal(sa.structure.layer_forces_share, [0.0, 1.0, 0.5])
    np.testing.assert_array_equal(sa.layers["interceptors"][0], [10, 20, 30])
    assert sa.structure.damage_table == ((0, 100, 300), (0, 0.5, 0.9))
    assert np.isnan(sa.scalars["w80"][0])  # the table replaces w80
    assert np.isnan(sa.scalars["required_arriving_warheads"][0])
    assert sa.scalars["penetration_probability"][0] == 1.0  # no air defence: everything passes
    assert sb.scalars["penetration_probability"][0] == 0.7
    assert sb.scalars["required_arriving_warheads"][0] == 150
    assert sb.layers["interceptors"].shape == (1, 0)  # an air defence is not a layer
    assert arrays.get("a.systems.cps.kill_probability.bomber")[0] == 0.9
    assert "a.systems.icbm.kill_probability.bomber" not in arrays.slots  # not given: no slot


# ----------------------------------------------------------------- batch axis
def test_batch_repeats_row_zero_in_independent_copies(default):
    one = compile_scenario(default)
    many = compile_scenario(default, batch=5)
    assert many.batch == 5
    for s1, s5 in zip(one.sides, many.sides, strict=True):
        for group in ("systems", "layers", "scalars"):
            for name, values in getattr(s1, group).items():
                got = getattr(s5, group)[name]
                assert got.shape == (5, *values.shape[1:])
                np.testing.assert_array_equal(got, np.repeat(values, 5, axis=0), err_msg=name)
        assert s5.kill_given.shape == (5, 4, 6)
    for name, values in one.settings.items():
        np.testing.assert_array_equal(many.settings[name], np.repeat(values, 5))
    # Rows are copies: writing one changes no other row and no other compilation.
    many.sides[0].systems["launchers"][3, 0] = 1.0
    assert many.sides[0].systems["launchers"][:, 0].tolist() == [400, 400, 400, 1, 400]
    assert one.sides[0].systems["launchers"][0, 0] == 400
    assert compile_scenario(default, batch=5).sides[0].systems["launchers"][3, 0] == 400


# ----------------------------------------------------------------- slots, get and set
def test_every_numeric_field_has_a_dotted_path(arrays):
    # 8 systems × 12 fields + 2 layers × 7 fields + 2 air defences + 2 sides × 8 scalars
    # (penetration comes from the air defence; reserve.warheads where given) + 5 settings.
    assert len(arrays.slots) == 8 * 12 + 2 * 7 + 2 + 2 * 8 + 5 == 133
    assert arrays.get("us.systems.trident_ii.upload_warheads_available")[0] == 949
    assert arrays.get("russia.reserve.warheads")[0] == 977
    assert arrays.get("us.systems.trident_ii.aim_points_per_launcher")[0] == 0.05
    assert arrays.get(f"{MM3}.launchers")[0] == 400
    assert arrays.get("us.systems.trident_ii.alert_fraction.day_to_day")[0] == 0.6
    assert arrays.get("russia.defences.a135.interceptors")[0] == 68
    assert arrays.get("russia.defences.air.penetration_probability")[0] == 0.7
    assert arrays.get("us.value.w80")[0] == 300
    assert arrays.get("us.posture.alert")[0] == 0.0
    assert arrays.get("russia.requirement.arriving_warheads")[0] == 200
    assert arrays.get("settings.cost_exponent")[0] == 0.75


def test_set_then_get_round_trips_per_member_and_broadcasts(default):
    arrays = compile_scenario(default, batch=3)
    for path, values in (
        (f"{MM3}.launchers", [100.0, 200.0, 300.0]),
        ("us.systems.trident_ii.alert_fraction.generated", [0.9, 0.95, 1.0]),
        ("us.defences.gmd.interceptors", [0.0, 44.0, 100.0]),
        ("russia.posture.holdback_fraction", [0.0, 0.1, 0.2]),
        ("settings.cost_enemy_weight", [0.1, 0.2, 0.3]),
    ):
        arrays.set(path, values)
        np.testing.assert_array_equal(arrays.get(path), values, err_msg=path)
    # The values land in the arrays the engine reads.
    np.testing.assert_array_equal(arrays.sides[0].systems["launchers"][:, 0], [100, 200, 300])
    np.testing.assert_array_equal(arrays.sides[0].systems["alert_generated"][:, 1], [0.9, 0.95, 1.0])
    np.testing.assert_array_equal(arrays.sides[0].layers["interceptors"][:, 0], [0, 44, 100])
    np.testing.assert_array_equal(arrays.sides[1].scalars["holdback_fraction"], [0, 0.1, 0.2])
    np.testing.assert_array_equal(arrays.settings["cost_enemy_weight"], [0.1, 0.2, 0.3])
    # Other columns and sides are untouched.
    np.testing.assert_array_equal(arrays.sides[0].systems["launchers"][:, 1], [214] * 3)
    np.testing.assert_array_equal(arrays.sides[1].systems["launchers"][:, 0], [136] * 3)
    arrays.set("us.posture.alert", 1.0)  # a scalar broadcasts over the batch
    np.testing.assert_array_equal(arrays.sides[0].scalars["generated"], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(arrays.sides[1].scalars["generated"], [0.0, 0.0, 0.0])


def test_set_on_an_unknown_path_names_known_ones(arrays):
    with pytest.raises(KeyError, match=r"'us\.systems\.nope\.launchers' is not a numeric field"):
        arrays.set("us.systems.nope.launchers", 1.0)
    with pytest.raises(KeyError, match="not a numeric field"):
        arrays.set("us.label", 1.0)  # text, not a number


# ----------------------------------------------------------------- take, copy, swapped
def test_take_selects_members_and_keeps_the_structure(default):
    arrays = compile_scenario(default, batch=4)
    arrays.set(f"{MM3}.launchers", [10.0, 20.0, 30.0, 40.0])
    arrays.set("settings.cost_exponent", [0.5, 0.6, 0.7, 0.8])
    two = arrays.take([3, 1])
    assert two.batch == 2
    assert two.get(f"{MM3}.launchers").tolist() == [40, 20]
    assert two.settings["cost_exponent"].tolist() == [0.8, 0.6]
    one = arrays.take(slice(2, 3))
    assert one.batch == 1 and one.get(f"{MM3}.launchers").tolist() == [30]
    assert one.sides[0].structure is arrays.sides[0].structure
    assert one.slots == arrays.slots
    # A copy is independent of its source.
    copy = arrays.copy()
    copy.set(f"{MM3}.launchers", 0.0)
    assert arrays.get(f"{MM3}.launchers").tolist() == [10, 20, 30, 40]


def test_swapped_exchanges_the_sides_and_back(arrays):
    swapped = arrays.swapped()
    assert swapped.side_names == ("russia", "us")
    assert swapped.sides[0] is arrays.sides[1] and swapped.sides[1] is arrays.sides[0]
    assert swapped.sides[0].systems["launchers"][0].tolist() == [136, 180, 160, 50]
    assert swapped.settings is arrays.settings
    # Dotted paths refer to the original order, so the swapped arrays carry none.
    assert swapped.slots == {}
    with pytest.raises(KeyError):
        swapped.set(f"{MM3}.launchers", 1.0)
    back = swapped.swapped()
    assert back.side_names == arrays.side_names
    assert back.sides[0] is arrays.sides[0]


def test_decoys_and_firing_compile_and_have_dotted_paths(default):
    from security_equation.io.loading import scenario_from_text

    sc = scenario_from_text(
        "extends: us-russia-2023\nname: md\nsides:\n  us:\n    defences:\n      gmd:\n"
        "        decoys_per_warhead: 3\n        discrimination_probability: 0.6\n"
        "        firing: shoot_look_shoot\n"
    )
    arrays = compile_scenario(sc, batch=2)
    assert arrays.get("us.defences.gmd.decoys_per_warhead").tolist() == [3.0, 3.0]
    assert arrays.get("us.defences.gmd.discrimination_probability").tolist() == [0.6, 0.6]
    assert arrays.get("us.defences.gmd.firing").tolist() == [1.0, 1.0]  # shoot-look-shoot
    assert arrays.get("russia.defences.a135.firing").tolist() == [0.0, 0.0]  # salvo
    arrays.set("us.defences.gmd.firing", [0.0, 1.0])
    np.testing.assert_array_equal(arrays.sides[0].layers["shoot_look_shoot"][:, 0], [0.0, 1.0])
