"""Scenarios of three and more powers through the model (docs/model.md, "Three and more
powers"): the schema takes 2 to 8 sides, every ordered pair is evaluated, the JSON gains
the pairwise section only with more than two sides, and an inert third side changes
nothing between the other two."""

from __future__ import annotations

import json

import pytest

from security_equation.io.errors import InputError
from security_equation.io.jsonable import json_safe
from security_equation.io.loading import validate
from security_equation.model import evaluate
from security_equation.schema.scenario import MAX_SIDES
from tests.factories import HEAD_KEYS, scenario, side, system, three_powers

A = side({"silo": system("icbm_silo", 100, 3, cep=120), "ssbn": system("slbm", 10, 4, cep=200)}, w80=300)
B = side(
    {"silo": system("icbm_silo", 80, 1, cep=150), "mobile": system("icbm_mobile", 50, 1, cep=200)}, w80=300
)
#: A side with no weapons: one silo system with no launchers.
INERT = side({"none": system("icbm_silo", 0, 1)})


@pytest.fixture(scope="module")
def three():
    return evaluate(three_powers(), sections=())


# --------------------------------------------------------------------------- schema
def test_one_side_is_a_located_error():
    data = {"name": "one", "sides": {"a": A}}
    with pytest.raises(InputError) as err:
        validate(data, {("sides",): ("one.yaml", 3)})
    (problem,) = err.value.problems
    assert problem.path == "sides"
    assert problem.line == 3
    assert "a scenario needs at least two sides" in problem.message


def test_more_than_the_most_sides_is_a_located_error():
    sides = {f"p{k}": A for k in range(MAX_SIDES + 1)}
    with pytest.raises(InputError) as err:
        validate({"name": "many", "sides": sides}, {})
    (problem,) = err.value.problems
    assert problem.path == "sides" and f"at most {MAX_SIDES} sides" in problem.message
    assert len(validate({"name": "most", "sides": dict(list(sides.items())[:MAX_SIDES])}, {}).sides) == 8


@pytest.mark.parametrize("bad", ["settings", "a.b", " c"])
def test_a_bad_third_side_name_is_a_located_error(bad):
    with pytest.raises(InputError) as err:
        scenario(A, B, more={bad: INERT})
    (problem,) = err.value.problems
    assert problem.path == bad  # located at the side's key (paths leave out ``sides.``)
    assert "may not" in problem.message


def test_any_valid_names_and_side_keyed_paths_work_for_a_third_side():
    sc = three_powers(names=("north", "south", "east pole"))
    assert sc.side_names == ("north", "south", "east pole")
    ev = evaluate(sc, sections=())
    arrays = ev.exchange.arrays
    assert arrays.get("east pole.systems.silo.launchers")[0] == 30
    assert ev.to_dict()["sides"]["east pole"]["binding_adversary"] in ("north", "south")


# --------------------------------------------------------------------------- evaluation
def test_three_sides_give_every_pair_in_the_json(three):
    data = json.loads(json.dumps(json_safe(three.to_dict())))
    names = ("a", "b", "c")
    assert [(p["side"], p["adversary"]) for p in data["pairs"]] == [
        (s, v) for s in names for v in names if s != v
    ]
    for p in data["pairs"]:
        assert set(p) >= {
            "side",
            "adversary",
            "r",
            "c1",
            "c2",
            "c1_over_c2",
            "arriving_warheads",
            "surviving_warheads",
        }
        assert p["r"] == pytest.approx(min(1.0, p["c1"] / p["c2"]), abs=1e-12)
        struck = data["exchange"][f"{p['adversary']}_strikes_{p['side']}"]
        assert p["arriving_warheads"] == pytest.approx(struck["arriving_retaliation"], abs=1e-9)
    assert set(data["fsi_pairs"]) == {"a,b", "a,c", "b,c"}
    rs = {(p["side"], p["adversary"]): p["r"] for p in data["pairs"]}
    for key, fsi in data["fsi_pairs"].items():
        i, j = key.split(",")
        assert fsi == pytest.approx(rs[i, j] * rs[j, i], abs=1e-12)
    # The headline FSI is the least stable pair's.
    assert data["fsi"] == min(data["fsi_pairs"].values())
    assert data["fsi_pairs"][data["fsi_pair"]] == data["fsi"]
    assert len(data["exchange"]) == 6


def test_each_side_reports_against_its_binding_adversary(three):
    data = three.to_dict()
    pairs = {(p["side"], p["adversary"]): p for p in data["pairs"]}
    for name, values in data["sides"].items():
        binding = values["binding_adversary"]
        mine = [p for (s, _), p in pairs.items() if s == name]
        assert pairs[name, binding]["arriving_warheads"] == min(p["arriving_warheads"] for p in mine)
        for key in ("r", "c1", "c2", "arriving_warheads", "surviving_warheads"):
            assert values[key] == pairs[name, binding][key]


def test_two_sides_keep_their_output_and_equal_the_pair_beside_an_inert_third():
    """Two sides: no pairwise keys (the JSON as before); a third side with no weapons
    changes nothing in the other pair's numbers."""
    two = evaluate(scenario(A, B), sections=())
    data = two.to_dict()
    assert not {"pairs", "fsi_pairs", "fsi_pair"} & set(data)
    assert all("binding_adversary" not in s for s in data["sides"].values())
    assert list(data)[: len(HEAD_KEYS)] == HEAD_KEYS
    three = evaluate(scenario(A, B, more={"c": INERT}), sections=())
    wide = three.to_dict()
    assert wide["fsi_pairs"]["a,b"] == pytest.approx(data["fsi"], abs=1e-12)
    for v in two.exchange.variant_names:
        assert three.exchange.fsi(v, ("a", "b")) == pytest.approx(two.exchange.fsi(v), abs=1e-12)
    pairs = {(p["side"], p["adversary"]): p for p in wide["pairs"]}
    for own, other in (("a", "b"), ("b", "a")):
        for key in ("r", "c1", "c2", "c1_over_c2", "arriving_warheads", "surviving_warheads"):
            assert pairs[own, other][key] == pytest.approx(data["sides"][own][key], abs=1e-12), key
        # The weaponless side strikes nothing: the real adversary binds.
        assert wide["sides"][own]["binding_adversary"] == other
    for key in ("a_strikes_b", "b_strikes_a"):
        for field, value in data["exchange"][key].items():
            if isinstance(value, float):
                assert wide["exchange"][key][field] == pytest.approx(value, abs=1e-12), field


def test_sections_run_for_three_sides():
    ev = evaluate(three_powers(), sections=("treaty", "drivers", "arms_race"))
    data = ev.to_dict()
    assert set(data["treaty"]["sides"]) == {"a", "b", "c"}
    row = data["drivers"]["drivers"][0]
    assert "d_fsi[a,b]" in row and "d_r_c[a]" in row
    assert set(data["arms_race"]["path"][0]["sides"]) == {"a", "b", "c"}


def test_dataframe_and_notebook_view_work_for_three_sides(three):
    frame = three.to_dataframe()
    assert set(frame["side"].dropna()) == {"a", "b", "c"}
    assert "Power C" in three._repr_html_()
