"""Plain-data views shared by the HTML report and the web API (``present.tables``), on the
evaluation of us-russia-2023 (numbers as in docs/examples/us-russia-2023.md)."""

from __future__ import annotations

import json

import pytest

import security_equation as se
from security_equation.present.tables import (
    SIDE_METRICS,
    STRIKE_ROWS,
    comparison,
    difference_labels,
    flatten,
    headline,
    metric_rows,
    ratio_text,
)

SIDE_KEYS = [
    "r",
    "c1_over_c2",
    "c1",
    "c2",
    "surviving_warheads",
    "retaliating_warheads",
    "arriving_warheads",
    "share_destroyed",
]


@pytest.fixture(scope="module")
def data():
    """us-russia-2023 with its treaty section (the other sections play no part)."""
    return se.evaluate(se.load_scenario("us-russia-2023"), sections=("treaty",)).to_dict()


@pytest.fixture(scope="module")
def per_tube():
    """us-russia-2023 aimed per tube at submarines in port (``aim_points_per_launcher`` 1, as
    before aim points): Russia's r is capped at 1 there, not as bundled."""
    sets = [
        "us.systems.trident_ii.aim_points_per_launcher=1",
        "russia.systems.slbm.aim_points_per_launcher=1",
    ]
    return se.evaluate(se.load_scenario("us-russia-2023", set_values=sets), sections=("treaty",)).to_dict()


@pytest.fixture(scope="module")
def generated():
    return se.evaluate(se.load_scenario("us-russia-2023", ["generated"]), sections=()).to_dict()


# ----------------------------------------------------------------- the metric tables
def test_metric_names_exist_in_the_evaluation(data):
    assert [key for key, _, _ in SIDE_METRICS] == SIDE_KEYS
    for side in data["sides"].values():
        assert set(SIDE_KEYS) <= set(side)
    for strike in data["exchange"].values():
        assert {field for field, _, _ in STRIKE_ROWS} <= set(strike)
    assert len(STRIKE_ROWS) == 15


# ----------------------------------------------------------------- headline
def test_headline_of_the_default_scenario(data):
    head = headline(data)
    assert list(head) == ["fsi", "fsi_variants", "schelling", "sides"]
    assert round(head["fsi"], 3) == 0.798
    assert {k: round(v, 3) for k, v in head["fsi_variants"].items()} == {
        "day_to_day": 0.798,
        "generated": 1.0,
        "no_launch_under_attack": 0.798,
        "launch_under_attack": 0.931,
    }
    us, russia = head["sides"]["us"], head["sides"]["russia"]
    assert list(us) == ["label", *SIDE_KEYS]
    assert us["label"] == "United States" and russia["label"] == "Russia"
    assert (round(us["r"], 3), round(us["c1"], 4), round(us["c2"], 3)) == (0.840, 0.8231, 0.979)
    assert (round(russia["r"], 3), round(russia["c1"], 3), round(russia["c2"], 3)) == (0.949, 0.959, 1.010)
    assert round(us["surviving_warheads"]) == 733 and round(us["arriving_warheads"]) == 498
    assert round(russia["surviving_warheads"], 2) == 390.98
    assert round(russia["arriving_warheads"], 2) == 261.13
    assert (round(us["share_destroyed"], 2), round(russia["share_destroyed"], 2)) == (0.56, 0.76)


def test_headline_shows_the_uncapped_ratio_behind_r(data, per_tube):
    """Aimed per tube, Russia's r is capped at 1; the ratio C1/C2 behind it (docs/model.md
    "Stability") shows the margin, 0.967/0.939 = 1.030, and the US ratio is its r, 0.875.
    In us-russia-2023 both ratios are below 1 and are r (0.840 and 0.949)."""
    for d in (data, per_tube):
        for side in headline(d)["sides"].values():
            assert side["c1_over_c2"] == pytest.approx(side["c1"] / side["c2"], rel=1e-12)
            assert side["r"] == pytest.approx(min(1.0, side["c1_over_c2"]), rel=1e-12)
    default = headline(data)["sides"]
    assert (round(default["us"]["c1_over_c2"], 3), round(default["russia"]["c1_over_c2"], 3)) == (
        0.840,
        0.949,
    )
    sides = headline(per_tube)["sides"]
    assert round(sides["us"]["c1_over_c2"], 3) == 0.875
    assert round(sides["russia"]["c1_over_c2"], 3) == 1.030
    assert [r["metric"] for r in metric_rows(data) if r["key"] == "russia.c1_over_c2"] == ["C1/C2 (uncapped)"]
    assert ratio_text(sides["russia"]) == "1.030"
    assert "c1_over_c2_note" not in sides["russia"]


def test_an_infinite_ratio_is_shown_as_infinite():
    """C2 = 0 < C1: JSON carries null and a note; people read ∞, not a missing number."""
    infinite = {"r": 1.0, "c1_over_c2": None, "c1_over_c2_note": "C2 = 0 < C1"}
    assert ratio_text(infinite) == "∞"
    assert headline({"sides": {"blue": infinite}})["sides"]["blue"]["c1_over_c2_note"] == "C2 = 0 < C1"
    assert ratio_text({"c1_over_c2": None}) == "—"


def test_headline_schelling_measure_from_the_two_strikes(data):
    """(D1 − D2)(d1 − d2): the damage each side does striking first minus in retaliation."""
    us_first = data["exchange"]["us_strikes_russia"]
    russia_first = data["exchange"]["russia_strikes_us"]
    expected = (us_first["damage_victim"] - russia_first["damage_attacker"]) * (
        russia_first["damage_victim"] - us_first["damage_attacker"]
    )
    assert headline(data)["schelling"] == pytest.approx(expected, abs=1e-12)
    # With the page's rounded damages: (0.9371 − 0.9308)(0.9520 − 0.7536) = 0.0013.
    assert round(headline(data)["schelling"], 4) == 0.0013


def test_headline_of_partial_data():
    assert headline({}) == {"fsi": None, "fsi_variants": {}, "schelling": None, "sides": {}}
    head = headline({"fsi": 0.5, "sides": {"blue": {"r": 0.5}}})
    assert head["sides"]["blue"] == {"label": "blue", "r": 0.5, **dict.fromkeys(SIDE_KEYS[1:])}


# ----------------------------------------------------------------- metric rows
def test_metric_rows_of_the_default_scenario(data):
    rows = metric_rows(data)
    keys = [r["key"] for r in rows]
    assert keys == [
        "fsi",
        "fsi[day_to_day]",
        "fsi[generated]",
        "fsi[no_launch_under_attack]",
        "fsi[launch_under_attack]",
        "schelling",
        *(f"us.{k}" for k in SIDE_KEYS),
        *(f"russia.{k}" for k in SIDE_KEYS),
        "treaty.compliant",
        "us.treaty.deployed_launchers.headroom",
        "us.treaty.deployed_warheads.headroom",
        "us.treaty.total_launchers.headroom",
        "russia.treaty.deployed_launchers.headroom",
        "russia.treaty.deployed_warheads.headroom",
        "russia.treaty.total_launchers.headroom",
    ]
    by_key = {r["key"]: r for r in rows}
    assert by_key["fsi"] == {
        "key": "fsi",
        "metric": "FSI = r_A · r_B",
        "side": None,
        "value": data["fsi"],
        "digits": 3,
    }
    assert by_key["fsi[generated]"]["metric"] == "FSI, both sides generated"
    assert by_key["fsi[generated]"]["value"] == 1.0
    assert by_key["us.surviving_warheads"]["side"] == "us"
    assert by_key["us.surviving_warheads"]["digits"] == 0
    assert round(by_key["us.surviving_warheads"]["value"]) == 733
    assert by_key["treaty.compliant"]["value"] is True
    headroom = {k: r["value"] for k, r in by_key.items() if k.endswith(".headroom")}
    assert list(headroom.values()) == [38, 131, 0, 174, 76, 39]
    assert by_key["us.treaty.deployed_warheads.headroom"]["metric"] == (
        "treaty headroom: Warheads on deployed ICBMs and SLBMs, plus one per deployed heavy bomber"
    )


def test_metric_rows_without_treaty_or_schelling(generated):
    rows = metric_rows(generated)
    assert len(rows) == 1 + 4 + 1 + 2 * len(SIDE_KEYS)
    assert not any("treaty" in r["key"] for r in rows)
    without = {k: v for k, v in generated.items() if k != "schelling"}
    assert "schelling" not in [r["key"] for r in metric_rows(without)]


# ----------------------------------------------------------------- comparison
def test_comparison_lines_up_two_evaluations(data, generated):
    table = comparison([("day-to-day", data), ("generated", generated)])
    assert table["columns"] == ["day-to-day", "generated"]
    assert table["differences"] == ["generated − day-to-day"]  # Δ = this column − the first
    rows = {r["key"]: r for r in table["metrics"]}
    fsi = rows["fsi"]
    assert fsi["values"] == [data["fsi"], generated["fsi"]]
    assert round(fsi["values"][1], 3) == 1.0
    assert fsi["difference"][0] == 0
    assert fsi["difference"][1] == pytest.approx(1.0 - data["fsi"], abs=1e-15)
    assert round(fsi["difference"][1], 3) == 0.202
    # Rows only the first column has: no value and no difference for the second.
    headroom = rows["us.treaty.deployed_warheads.headroom"]
    assert headroom["values"] == [131, None] and headroom["difference"] == [0, None]
    # A yes/no value has no difference.
    assert rows["treaty.compliant"]["values"] == [True, None]
    assert rows["treaty.compliant"]["difference"] == [None, None]
    json.dumps(table, allow_nan=False)


def test_comparison_turns_missing_numbers_into_null():
    table = comparison([("a", {"fsi": float("nan")}), ("b", {"fsi": 0.5})])
    (fsi,) = (r for r in table["metrics"] if r["key"] == "fsi")
    assert fsi["values"] == [None, 0.5]
    assert fsi["difference"] == [None, None]
    json.dumps(table, allow_nan=False)


def test_comparison_difference_is_this_column_minus_the_first():
    # A larger US missile defence lowers FSI (0.798 → 0.734 at the time of writing): its
    # Δ against the baseline is negative, and the baseline's Δ against it positive.
    base, defended = (
        se.evaluate(se.load_scenario(name), sections=()).to_dict()
        for name in ("us-russia-2023", "us-missile-defence-expansion")
    )
    assert defended["fsi"] < base["fsi"]
    for first, other, sign in (
        (("us-russia-2023", base), ("us-missile-defence-expansion", defended), -1),
        (("us-missile-defence-expansion", defended), ("us-russia-2023", base), +1),
    ):
        table = comparison([first, other])
        assert table["differences"] == [f"{other[0]} − {first[0]}"]
        (fsi,) = (r for r in table["metrics"] if r["key"] == "fsi")
        assert fsi["difference"][1] == pytest.approx(other[1]["fsi"] - first[1]["fsi"])
        assert sign * fsi["difference"][1] > 0.01
    assert difference_labels(["a", "b", "c"]) == ["b − a", "c − a"] and difference_labels([]) == []


# ----------------------------------------------------------------- flatten
def test_flatten_gives_dotted_leaves():
    nested = {"a": {"b": 1, "c": [1, 2]}, "d": [{"e": 3}, {"e": 4}], "f": "x"}
    assert flatten(nested) == [("a.b", 1), ("a.c", [1, 2]), ("d.0.e", 3), ("d.1.e", 4), ("f", "x")]
    assert flatten(7, "top") == [("top", 7)]


def test_flatten_of_the_treaty_section(data):
    leaves = dict(flatten(data["treaty"]))
    assert leaves["sides.us.limits.1.name"] == "deployed_warheads"
    assert leaves["sides.us.limits.1.counted"] == 1419
    assert leaves["sides.russia.limits.1.counted"] == 1474
    assert leaves["sides.us.upload.added_warheads"] == 1897  # upload potential
    assert leaves["sides.us.upload.launcher_capacity_added"] == 2717
    assert leaves["compliant"] is True
