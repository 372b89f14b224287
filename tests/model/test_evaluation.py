"""The model facade: ``security_equation.evaluate`` on us-russia-2023, and
``Evaluation.to_dict()`` / ``to_dataframe()``.

The numbers are those quoted in docs/examples/us-russia-2023.md (the hand calculation of
us-russia-2023), at the precision the page gives them.
"""

from __future__ import annotations

import json
import math

import pytest

import security_equation as se
from security_equation.model import SECTIONS, VARIANTS
from tests.factories import HEAD_KEYS

#: ``{dotted path in to_dict(): (value, decimals)}`` from docs/examples/us-russia-2023.md.
QUOTED = {
    "fsi": (0.798, 3),
    "fsi_variants.generated": (1.0, 3),
    "fsi_variants.launch_under_attack": (0.931, 3),
    "sides.us.c1": (0.8231, 4),
    "sides.us.c2": (0.979, 3),
    "sides.us.r": (0.840, 3),
    "sides.russia.c1": (0.959, 3),
    "sides.russia.c2": (1.010, 3),
    "sides.russia.r": (0.949, 3),
    # Survivors, retaliating and arriving warheads of a side struck first.
    "sides.us.surviving_warheads": (733, 0),
    "sides.us.retaliating_warheads": (659, 0),
    "sides.us.arriving_warheads": (498, 0),
    "sides.us.share_destroyed": (0.56, 2),
    "sides.russia.surviving_warheads": (390.98, 2),
    "sides.russia.retaliating_warheads": (352, 0),
    "sides.russia.arriving_warheads": (261.13, 2),
    "sides.russia.share_destroyed": (0.76, 2),
    "exchange.us_strikes_russia.attacker_weapons": (1389.5, 1),
    "exchange.us_strikes_russia.counterforce_spent": (638, 0),
    "exchange.us_strikes_russia.destroyed": (1233.02, 2),
    "exchange.us_strikes_russia.arriving_first_strike": (515.69, 2),
    "exchange.us_strikes_russia.damage_attacker": (0.7536, 4),
    "exchange.us_strikes_russia.damage_victim": (0.9371, 4),
    "exchange.russia_strikes_us.counterforce_spent": (594.77, 2),
    "exchange.russia_strikes_us.destroyed": (938, 0),
    "treaty.sides.us.upload.added_warheads": (1897, 0),
    "treaty.sides.russia.upload.added_warheads": (977, 0),
    "treaty.sides.us.upload.launcher_capacity_added": (2717, 0),
    "treaty.sides.russia.upload.launcher_capacity_added": (2432, 0),
    "sides.us.posture.totals.deployed_warheads": (1671, 0),
    "sides.russia.posture.totals.deployed_warheads": (1624, 0),
}


#: Aiming per tube at submarines in port (``aim_points_per_launcher`` 1, as before aim
#: points): Russia's r is then capped at 1 (ratio 0.967/0.939 = 1.030), which the tests of
#: the ratio behind a capped r need; us-russia-2023 now leaves both r below 1.
PER_TUBE = [
    "us.systems.trident_ii.aim_points_per_launcher=1",
    "russia.systems.slbm.aim_points_per_launcher=1",
]


def resolve(data, dotted: str):
    for part in dotted.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


@pytest.fixture(scope="module")
def scenario():
    return se.load_scenario("us-russia-2023")


@pytest.fixture(scope="module")
def evaluation(scenario):
    return se.evaluate(scenario)


@pytest.fixture(scope="module")
def data(evaluation):
    return evaluation.to_dict()


@pytest.fixture(scope="module")
def per_tube():
    """us-russia-2023 aimed per tube (``PER_TUBE``): Russia's r is capped at 1."""
    return se.load_scenario("us-russia-2023", set_values=PER_TUBE)


@pytest.fixture(scope="module")
def capped(per_tube):
    return se.evaluate(per_tube).to_dict()


# ----------------------------------------------------------------- the quoted numbers
def test_us_russia_2023_fsi_is_0_798(evaluation, data):
    assert round(evaluation.fsi, 3) == 0.798
    assert data["fsi"] == evaluation.fsi
    # FSI = r_us · r_russia (R-3765 pp. 26, 29).
    assert data["fsi"] == pytest.approx(data["sides"]["us"]["r"] * data["sides"]["russia"]["r"], abs=1e-15)


@pytest.mark.parametrize("path", sorted(QUOTED))
def test_quoted_numbers_of_the_worked_example(data, path):
    value, decimals = QUOTED[path]
    assert round(resolve(data, path), decimals) == pytest.approx(value, abs=1e-9)


def test_r_is_the_capped_ratio_of_the_costs(data):
    for name, side in data["sides"].items():
        assert side["r"] == pytest.approx(min(1.0, side["c1"] / side["c2"]), abs=1e-15), name


def test_each_side_shows_the_uncapped_ratio_behind_r(data, capped):
    """``sides.<side>.c1_over_c2`` right after ``r`` (docs/model.md "Stability"). In the
    default both ratios are below 1 and are r: US 0.823/0.979 = 0.840, Russia
    0.959/1.010 = 0.949. Aimed per tube (``PER_TUBE``) the US ratio is its r,
    0.8445/0.965 = 0.875; Russia's r is capped at 1 and its ratio, 0.967/0.939 = 1.030,
    shows the margin."""
    for d in (data, capped):
        for name, side in d["sides"].items():
            keys = list(side)
            assert keys[keys.index("r") + 1] == "c1_over_c2", name
            assert side["c1_over_c2"] == pytest.approx(side["c1"] / side["c2"], rel=1e-15), name
            assert side["r"] == min(1.0, side["c1_over_c2"]), name
            assert "c1_over_c2_note" not in side
    assert round(data["sides"]["us"]["c1_over_c2"], 3) == 0.840
    assert round(data["sides"]["russia"]["c1_over_c2"], 3) == 0.949
    assert data["sides"]["russia"]["r"] == data["sides"]["russia"]["c1_over_c2"]
    assert round(capped["sides"]["us"]["c1_over_c2"], 3) == 0.875
    assert round(capped["sides"]["russia"]["c1_over_c2"], 3) == 1.030
    assert capped["sides"]["russia"]["r"] == 1.0
    # The exact values of the model, to the precision of a float.
    assert capped["sides"]["us"]["c1_over_c2"] == pytest.approx(
        0.8445075470321817 / 0.9649345800550633, rel=1e-9
    )
    assert capped["sides"]["russia"]["c1_over_c2"] == pytest.approx(
        0.9665644930237485 / 0.9387708685152533, rel=1e-9
    )


def test_an_infinite_ratio_is_null_in_json_with_a_note(per_tube):
    """C2 = 0 < C1 (being struck first costs nothing): JSON has no infinity, so the ratio
    is null and a note says why; r stays 1 (Russia's r is capped aimed per tube)."""
    evaluation = se.evaluate(per_tube, sections=())
    ex = evaluation.exchange
    key = (ex.side_names.index("russia"), ex.side_names.index("us"))
    ex.stability.c1_over_c2[key] = ex.stability.c1_over_c2[key].copy()
    ex.stability.c1_over_c2[key][0] = math.inf
    side = evaluation.to_dict()["sides"]["russia"]
    assert side["c1_over_c2"] is None and "infinite" in side["c1_over_c2_note"]
    assert side["r"] == 1.0
    json.dumps(evaluation.to_dict(), allow_nan=False)
    assert "<td>∞</td>" in evaluation._repr_html_()


def test_treaty_counts_of_the_default_scenario(data):
    treaty = data["treaty"]
    assert treaty["framework"]["name"] == "new-start"
    assert treaty["compliant"] is True
    counted = {
        side: {lim["name"]: (lim["counted"], lim["headroom"]) for lim in info["limits"]}
        for side, info in treaty["sides"].items()
    }
    assert counted == {
        "us": {
            "deployed_launchers": (662, 38),
            "deployed_warheads": (1419, 131),
            "total_launchers": (800, 0),
        },
        "russia": {
            "deployed_launchers": (526, 174),
            "deployed_warheads": (1474, 76),
            "total_launchers": (761, 39),
        },
    }


# ----------------------------------------------------------------- posture variants
def test_posture_variants_are_present_and_match_the_named_overrides(data):
    variants = data["fsi_variants"]
    assert (
        list(variants)
        == list(VARIANTS)
        == [
            "day_to_day",
            "generated",
            "no_launch_under_attack",
            "launch_under_attack",
        ]
    )
    # The scenario is day-to-day without launch under attack: two variants are itself.
    assert variants["day_to_day"] == data["fsi"]
    assert variants["no_launch_under_attack"] == data["fsi"]
    # The other two equal the scenario's named overrides, evaluated on their own.
    for variant, override in (("generated", "generated"), ("launch_under_attack", "launch-under-attack")):
        alone = se.evaluate(se.load_scenario("us-russia-2023", [override]), sections=())
        assert variants[variant] == pytest.approx(alone.fsi, abs=1e-12), variant
        assert alone.to_dict()["applied_overrides"] == [override]


# ----------------------------------------------------------------- sections
def test_default_sections_and_keys(evaluation, data):
    assert SECTIONS == ("treaty", "drivers", "arms_race")
    assert list(evaluation.sections) == list(SECTIONS)
    assert list(data) == [
        *HEAD_KEYS,
        "sides",
        "exchange",
        "treaty",
        "drivers",
        "arms_race",
        "assumptions",
        "unsourced",
        "warnings",
    ]
    assert data["scenario"] == "us-russia-2023"
    assert data["origin"].endswith("scenarios/us-russia-2023.yaml")
    assert list(data["exchange"]) == ["us_strikes_russia", "russia_strikes_us"]
    assert data["sides"]["us"]["label"] == "United States"
    assert data["unsourced"] == []  # every figure of the bundled scenario cites a source
    assert data["arms_race"]["outcome"] == "settles"  # both sides already above 200 arriving
    assert data["drivers"]["base"]["fsi"] == data["fsi"]


def test_drivers_show_the_ratio_moving_where_r_is_capped(capped):
    """Russia's r is 1 in us-russia-2023 aimed per tube (``PER_TUBE``), so every
    d_r_russia is 0; the uncapped ratio behind it (docs/model.md "Stability") still moves."""
    data = capped
    drivers = data["drivers"]
    base = drivers["base"]
    assert base["c1_over_c2_russia"] == pytest.approx(data["sides"]["russia"]["c1_over_c2"], rel=1e-12)
    assert base["c1_over_c2_us"] == pytest.approx(data["sides"]["us"]["c1_over_c2"], rel=1e-12)
    rows = drivers["drivers"]
    for row in rows:
        keys = list(row)
        for side in ("us", "russia"):
            assert keys[keys.index(f"d_r_{side}") + 1] == f"d_c1_over_c2_{side}"
    assert all(row["d_r_russia"] == 0 for row in rows)
    assert all(row["d_c1_over_c2_russia"] != 0 for row in rows)
    # Where r < 1 it is the ratio, so their changes agree.
    for row in rows:
        assert row["d_c1_over_c2_us"] == pytest.approx(row["d_r_us"], rel=1e-9, abs=1e-15)


def test_no_sections_gives_the_exchange_only(scenario, data):
    bare = se.evaluate(scenario, sections=())
    assert bare.sections == {}
    out = bare.to_dict()
    assert not {"treaty", "drivers", "arms_race"} & set(out)
    assert out["fsi"] == data["fsi"]
    assert out["sides"]["russia"]["arriving_warheads"] == data["sides"]["russia"]["arriving_warheads"]


def test_one_section_and_the_framework_argument(scenario):
    out = se.evaluate(scenario, sections=["treaty"], framework="all-warheads-cap").to_dict()
    assert out["treaty"]["framework"]["name"] == "all-warheads-cap"
    assert "drivers" not in out and "arms_race" not in out
    assert "treaty" not in se.evaluate(scenario, sections=["treaty"], framework="none").to_dict()


def test_unknown_section_is_a_value_error(scenario):
    with pytest.raises(
        ValueError, match=r"unknown section\(s\) bogus; choose from treaty, drivers, arms_race"
    ):
        se.evaluate(scenario, sections=("treaty", "bogus"))


# ----------------------------------------------------------------- serialisation
def test_to_dict_is_strict_json(data):
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["fsi"] == data["fsi"]


def test_to_dict_of_a_scenario_with_missing_numbers_is_strict_json(scenario):
    """A side without an arms-race requirement has NaN in the arrays: it must come out as
    ``null``, never as NaN."""
    sides = {name: side.model_copy(update={"requirement": None}) for name, side in scenario.sides.items()}
    out = se.evaluate(scenario.model_copy(update={"sides": sides})).to_dict()
    json.dumps(out, allow_nan=False)
    assert out["arms_race"]["requirement"] == {"us": None, "russia": None}
    assert math.isfinite(out["fsi"])


def test_to_dataframe_holds_the_headline_numbers(evaluation, data):
    df = evaluation.to_dataframe()
    assert list(df.columns) == ["side", "metric", "value"]
    # FSI, its four variants, and eight numbers for each of the two sides.
    assert len(df) == 1 + 4 + 2 * 8
    whole = df[df["side"].isna()].set_index("metric")["value"]
    assert whole["fsi"] == data["fsi"]
    assert round(whole["fsi[launch_under_attack]"], 3) == 0.931
    per_side = df.dropna(subset=["side"]).set_index(["side", "metric"])["value"]
    assert round(per_side["us", "r"], 3) == 0.840
    assert round(per_side["russia", "surviving_warheads"], 2) == 390.98
    assert set(per_side.index.get_level_values("metric")) == {
        "c1",
        "c2",
        "r",
        "c1_over_c2",
        "surviving_warheads",
        "retaliating_warheads",
        "arriving_warheads",
        "share_destroyed",
    }


def test_html_repr_shows_the_index(evaluation, per_tube):
    html = evaluation._repr_html_()
    assert "FSI = 0.798" in html and "<b>us-russia-2023</b>" in html
    assert "<th>United States</th>" in html and "<td>733</td>" in html
    assert "<th>c1_over_c2</th>" in html and "<td>0.949</td>" in html
    # Where r is capped at 1 the column shows the ratio behind it.
    assert "<td>1.030</td>" in se.evaluate(per_tube, sections=())._repr_html_()


def test_one_evaluation_compiles_once_and_resolves_the_framework_once(scenario, monkeypatch):
    """Every section reads the one compiled batch and the one resolved framework."""
    from security_equation.model import compile as compile_module
    from security_equation.model import evaluation as evaluation_module
    from security_equation.treaty import frameworks

    calls = {"compile": 0, "load_framework": 0}
    real_compile, real_load = compile_module.compile_scenario, frameworks.load_framework

    def counting_compile(*args, **kwargs):
        calls["compile"] += 1
        return real_compile(*args, **kwargs)

    def counting_load(*args, **kwargs):
        calls["load_framework"] += 1
        return real_load(*args, **kwargs)

    for module in (compile_module, evaluation_module):
        monkeypatch.setattr(module, "compile_scenario", counting_compile)
    monkeypatch.setattr("security_equation.model.race.compile_scenario", counting_compile)
    monkeypatch.setattr(frameworks, "load_framework", counting_load)
    monkeypatch.setattr("security_equation.treaty.assessment.load_framework", counting_load)
    result = se.evaluate(scenario, framework="security-equation")
    assert set(result.sections) == set(SECTIONS)
    assert calls == {"compile": 1, "load_framework": 1}
    assert result.to_dict()["arms_race"]["framework"] == "security-equation"
