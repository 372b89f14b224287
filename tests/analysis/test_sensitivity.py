"""Sobol and Morris sensitivity, the bar figure, and the metric set."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from security_equation.analysis.metrics import metric_names, metrics
from security_equation.analysis.sensitivity import (
    NEARLY_CONSTANT_ABSOLUTE,
    NEARLY_CONSTANT_RELATIVE,
    output_summary,
    sensitivity,
)
from security_equation.io import load_scenario
from security_equation.io.errors import InputError
from security_equation.model import evaluate
from security_equation.model.compile import compile_scenario
from security_equation.schema.scenario import Distribution

DOMINANT = "russia.systems.icbm_mobile.alert_fraction.day_to_day"
MINOR = "us.defences.gmd.kill_probability"
#: Bombers are not used for prompt counterforce, so their CEP changes nothing.
NO_EFFECT = "us.systems.b2a.cep_m"
#: Aiming per tube at submarines in port (``aim_points_per_launcher`` 1, as before aim
#: points): a US first strike then spends so much on Russian forces that Russia's r is 1,
#: or nearly, over the distributions below and us-russia-2023's own. In us-russia-2023 as
#: bundled (aimed per boat) Russia's r varies (about 0.92-0.97), so no output is (nearly) constant.
PER_TUBE = [
    "us.systems.trident_ii.aim_points_per_launcher=1",
    "russia.systems.slbm.aim_points_per_launcher=1",
]
PER_TUBE_ARGS = [arg for path in PER_TUBE for arg in ("--set", path)]


@pytest.fixture(scope="module")
def three():
    """us-russia-2023 aimed per tube (``PER_TUBE``), at nominal values, with three
    uncertain parameters."""
    nominal = load_scenario("us-russia-2023", set_values=PER_TUBE)
    return nominal.model_copy(
        update={
            "uncertainty": {
                NO_EFFECT: Distribution(dist="uniform", low=50.0, high=500.0),
                MINOR: Distribution(dist="triangular", low=0.4, mode=0.5, high=0.6),
                DOMINANT: Distribution(dist="uniform", low=0.1, high=0.6),
            }
        }
    )


@pytest.fixture(scope="module")
def sobol_table(three):
    return sensitivity(three, "sobol", samples=256, seed=3)


def test_sobol_ranks_the_dominant_parameter_first_and_no_effect_last(sobol_table):
    fsi = sobol_table[sobol_table["output"] == "fsi"].set_index("parameter")
    assert fsi.loc[DOMINANT, "rank"] == 1
    assert fsi.loc[DOMINANT, "ST"] > 0.8
    assert fsi.loc[NO_EFFECT, "ST"] == pytest.approx(0.0, abs=1e-9)
    assert fsi.loc[NO_EFFECT, "S1"] == pytest.approx(0.0, abs=1e-9)
    assert fsi.loc[NO_EFFECT, "rank"] == 3
    assert fsi.loc[MINOR, "ST"] < fsi.loc[DOMINANT, "ST"] / 5


def test_sobol_table_is_tidy(sobol_table):
    assert list(dict.fromkeys(sobol_table["output"])) == ["fsi", "us.r", "russia.r"]
    assert {
        "output",
        "parameter",
        "rank",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
        "distribution",
        "low",
        "high",
    } <= set(sobol_table.columns)
    assert len(sobol_table) == 3 * 3
    attrs = sobol_table.attrs
    assert attrs["method"] == "sobol" and attrs["evaluations"] == 256 * (3 + 2)
    row = sobol_table.set_index(["output", "parameter"]).loc[("fsi", DOMINANT)]
    assert (row["low"], row["high"]) == pytest.approx((0.1, 0.6))


def test_constant_output_gets_zero_indices_and_shared_rank(sobol_table):
    # Russia never gains by striking first here: r stays 1 whatever the parameters.
    russia = sobol_table[sobol_table["output"] == "russia.r"]
    assert (russia["ST"] == 0).all() and (russia["rank"] == 1).all()
    assert sobol_table.attrs["constant_outputs"] == ["russia.r"]


def test_morris_agrees_on_the_ranking(three):
    table = sensitivity(three, "morris", samples=20, seed=1)
    fsi = table[table["output"] == "fsi"].set_index("parameter")
    assert fsi.loc[DOMINANT, "rank"] == 1
    assert fsi.loc[NO_EFFECT, "mu_star"] == 0.0
    assert table.attrs["evaluations"] == 20 * (3 + 1)


@pytest.mark.parametrize("seed", [0, 9])
def test_same_seed_same_indices_and_confidence_intervals(three, seed):
    # Seed 0 included: SALib's Sobol analysis once took it for "no seed" and bootstrapped
    # different confidence intervals on every run.
    a = sensitivity(three, "sobol", samples=64, seed=seed)
    b = sensitivity(three, "sobol", samples=64, seed=seed)
    for column in ("S1", "ST", "S1_conf", "ST_conf"):
        assert np.array_equal(a[column].to_numpy(), b[column].to_numpy(), equal_nan=True), column


def test_unbounded_normal_uses_1_to_99_percent_quantiles(nominal):
    scenario = nominal.model_copy(
        update={"uncertainty": {"settings.cost_enemy_weight": Distribution(dist="normal", mean=0.3, sd=0.05)}}
    )
    table = sensitivity(scenario, "morris", samples=4, seed=0)
    row = table.iloc[0]
    assert row["low"] == pytest.approx(0.3 - 2.3263 * 0.05, abs=1e-4)
    assert row["high"] == pytest.approx(0.3 + 2.3263 * 0.05, abs=1e-4)


def test_input_errors(three, nominal):
    with pytest.raises(InputError, match="power of two"):
        sensitivity(three, "sobol", samples=100)
    with pytest.raises(InputError, match="must be one of"):
        sensitivity(three, "fast")
    with pytest.raises(InputError, match="no uncertain parameters"):
        sensitivity(nominal, "sobol")


def test_bar_figure_is_labelled_and_grey(sobol_table, tmp_path):
    from security_equation.present.figures import save_figure
    from security_equation.present.sensitivity_plots import sensitivity_bar_figure

    fig = sensitivity_bar_figure(sobol_table)
    axes = fig.axes
    assert len(axes) == 3
    assert "Sobol index" in axes[-1].get_xlabel()
    assert axes[0].get_title(loc="left").startswith("First-strike stability")
    ticks = {t.get_position()[1]: t.get_text() for t in axes[0].get_yticklabels()}
    assert ticks[max(ticks)].endswith("day_to_day")  # the most influential on top
    for patch in axes[0].patches:
        r, g, b = to_rgb(patch.get_facecolor())
        assert r == g == b  # greyscale fills; S1 is told apart by hatching
    path = save_figure(fig, tmp_path / "sens.png")
    assert path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_sensitivity_json_and_plot(seceq, tmp_path):
    plot = tmp_path / "s.png"
    code, out, err = seceq(
        "sensitivity",
        "us-russia-2023",
        "--method",
        "morris",
        "--samples",
        "10",
        "--seed",
        "2",
        "--set",
        f"{DOMINANT}={{dist: uniform, low: 0.1, high: 0.6}}",
        "--set",
        f"{NO_EFFECT}={{dist: uniform, low: 50, high: 500}}",
        "--plot",
        str(plot),
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["method"] == "morris" and data["plot"] == str(plot)
    top = [r for r in data["indices"] if r["output"] == "fsi" and r["rank"] == 1]
    assert [r["parameter"] for r in top] == [DOMINANT]
    assert plot.exists()
    # The plot is not overwritten without --force.
    code, _, err = seceq(
        "sensitivity",
        "us-russia-2023",
        "--method",
        "morris",
        "--samples",
        "4",
        "--set",
        f"{DOMINANT}={{dist: uniform, low: 0.1, high: 0.6}}",
        "--plot",
        str(plot),
    )
    assert code == 2 and "--force" in err


def test_cli_sensitivity_table(seceq):
    code, out, err = seceq(
        "sensitivity",
        "us-russia-2023",
        "--samples",
        "64",
        "--set",
        f"{DOMINANT}={{dist: uniform, low: 0.1, high: 0.6}}",
    )
    assert code == 0, err
    assert "ST ± 95 %" in out and "S1 ± 95 %" in out and "fsi" in out
    assert re.search(r"\d\.\d{3} ± \d\.\d{3}", out)  # each index with its 95 % half-width


# --------------------------------------------------------------------------- nearly constant outputs
def test_output_summary_rule():
    # Nearly constant: standard deviation < max(0.001, 1 % of |mean|).
    assert output_summary(np.array([1.0, 1.0, 0.998, 1.0]))["nearly_constant"]
    assert output_summary(np.array([100.0, 101.0, 99.0]))["nearly_constant"]  # sd 0.8 < 1.0
    assert not output_summary(np.array([100.0, 103.0, 97.0]))["nearly_constant"]  # sd 2.4
    assert not output_summary(np.array([0.0, 0.01, 0.02]))["nearly_constant"]  # sd 0.008 > 0.001
    summary = output_summary(np.array([0.9, np.nan, 1.0]))
    assert (summary["min"], summary["max"]) == (0.9, 1.0)
    assert NEARLY_CONSTANT_RELATIVE == 0.01 and NEARLY_CONSTANT_ABSOLUTE == 1e-3


@pytest.fixture(scope="module")
def default_sobol():
    """us-russia-2023 aimed per tube (``PER_TUBE``) with its own distributions, 64
    Sobol base samples, seed 1."""
    return sensitivity(load_scenario("us-russia-2023", set_values=PER_TUBE), "sobol", samples=64, seed=1)


def test_nearly_constant_output_is_flagged(default_sobol):
    attrs = default_sobol.attrs
    ranges = attrs["output_ranges"]
    # Russia's r stays at 1 for almost every draw (0.980–1.000, sd 0.0017) ...
    russia = ranges["russia.r"]
    assert russia["max"] == 1.0 and russia["min"] > 0.97
    assert russia["std"] < 0.01 * russia["mean"]
    # ... yet its Sobol indices are of order one, with intervals as wide as the indices.
    rows = default_sobol[default_sobol["output"] == "russia.r"]
    assert rows["ST"].max() > 0.5 and rows["ST_conf"].max() > 0.5
    assert attrs["nearly_constant_outputs"] == ["russia.r"]
    assert not rows["meaningful"].any()
    assert default_sobol[default_sobol["output"] != "russia.r"]["meaningful"].all()
    span = f"{russia['min']:.3f}–1.000"
    assert attrs["notes"]["russia.r"].startswith(f"output nearly constant ({span}")
    assert attrs["notes"]["russia.r"].endswith("indices not meaningful")
    (warning,) = attrs["warnings"]
    assert warning.startswith(f"russia.r hardly varies over the sample: {span}")
    # FSI and the US r vary (sd ≈ 0.04 on a mean ≈ 0.87): not flagged.
    for output in ("fsi", "us.r"):
        assert not ranges[output]["nearly_constant"] and ranges[output]["std"] > 0.03
    # The bar figure carries the flag on Russia's panel only.
    from security_equation.present.sensitivity_plots import sensitivity_bar_figure

    fig = sensitivity_bar_figure(default_sobol)
    texts = [[t.get_text() for t in ax.texts] for ax in fig.axes]
    assert texts[0] == texts[1] == [] and "indices not meaningful" in texts[2][0]


def test_morris_flags_the_nearly_constant_output_too():
    table = sensitivity(load_scenario("us-russia-2023", set_values=PER_TUBE), "morris", samples=10, seed=1)
    assert table.attrs["nearly_constant_outputs"] == ["russia.r"]
    assert "morris indices are not meaningful" in table.attrs["warnings"][0]
    assert not table[table["output"] == "russia.r"]["meaningful"].any()


def test_exactly_constant_output_is_noted_without_a_warning(sobol_table):
    assert sobol_table.attrs["notes"] == {"russia.r": "output constant (1.000): nothing to attribute"}
    assert sobol_table.attrs["warnings"] == []


def test_cli_sensitivity_warns_and_flags_a_nearly_constant_output(seceq):
    code, out, err = seceq("sensitivity", "us-russia-2023", "--samples", "64", "--seed", "1", *PER_TUBE_ARGS)
    assert code == 0, err
    assert "warning:" in err and "russia.r hardly varies" in err
    tail = out[out.index("russia.r: sobol") :]
    assert "output nearly constant (0.9" in tail and "indices not meaningful" in tail
    assert "output nearly constant" not in out[: out.index("russia.r: sobol")]
    code, out, err = seceq(
        "sensitivity", "us-russia-2023", "--samples", "64", "--seed", "1", *PER_TUBE_ARGS, "-f", "json"
    )
    data = json.loads(out)
    assert data["nearly_constant_outputs"] == ["russia.r"] and len(data["warnings"]) == 1
    row = data["indices"][-1]
    assert row["output"] == "russia.r" and row["meaningful"] is False
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(row)


def test_cli_sensitivity_without_uncertainty_exits_2(seceq, certain_file):
    code, _, err = seceq("sensitivity", str(certain_file))
    assert code == 2 and "no uncertain parameters" in err


# --------------------------------------------------------------------------- metrics
def test_metrics_match_the_model_facade(nominal):
    out = metrics(compile_scenario(nominal))
    assert tuple(out) == metric_names(nominal.side_names)
    assert all(v.shape == (1,) for v in out.values())
    ev = evaluate(nominal).to_dict()
    # The facade evaluates a batch with posture variants; the optimiser agrees to ~1e-7.
    assert out["fsi"][0] == pytest.approx(ev["fsi"], rel=1e-6)
    assert out["schelling"][0] == pytest.approx(ev["schelling"], rel=1e-6, abs=1e-9)
    for side in nominal.side_names:
        for key in ("r", "c1", "c2", "surviving_warheads", "arriving_warheads", "share_destroyed"):
            assert out[f"{side}.{key}"][0] == pytest.approx(ev["sides"][side][key], rel=1e-5, abs=1e-6), (
                side,
                key,
            )
