"""Figures: every kind draws, renders to PNG and SVG, reads in greyscale and shows the
numbers the model computed (stop point, r, FSI, limits)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from security_equation.analysis.figures import make_figure
from security_equation.io.errors import InputError
from security_equation.io.loading import load_scenario
from security_equation.present import plots

PNG = b"\x89PNG\r\n\x1a\n"


def _texts(fig) -> str:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        out += [ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    for legend in fig.legends:
        out += [t.get_text() for t in legend.get_texts()]
    if fig._suptitle is not None:
        out.append(fig._suptitle.get_text())
    return "\n".join(out)


@pytest.mark.parametrize("kind", ["forces", "drawdown", "square", "waterfall"])
def test_figures_render_to_png_and_svg_with_labelled_axes(kind, scenario, evaluation):
    fig = make_figure(kind, scenario, evaluation=evaluation)
    png = plots.figure_bytes(fig, "png")
    svg = plots.figure_bytes(fig, "svg")
    assert png.startswith(PNG) and len(png) > 10_000
    assert b"<svg" in svg[:2000]
    # Every axis with data has a unit-bearing label on the value axis.
    for ax in fig.axes:
        if ax.has_data():
            assert ax.get_ylabel() or ax.get_xlabel(), f"{kind}: unlabelled axes"


def test_lines_differ_by_style_and_marker_not_only_colour(evaluation):
    fig = plots.drawdown_figure(evaluation)
    for ax in fig.axes:
        lines = [
            ln
            for ln in ax.get_lines()
            if ln.get_label()
            and not ln.get_label().startswith("_")
            and ln.get_linestyle() not in ("None", "none", "")
        ]
        styles = [ln.get_linestyle() for ln in lines]
        assert len(styles) == len(set(styles)), "two series share a line style"
        assert all(ln.get_color() in ("black", "k", "#000000") for ln in lines)


def test_drawdown_marks_the_chosen_stop_at_the_engines_optimum(evaluation):
    fig = plots.drawdown_figure(evaluation, attacker="us")
    strike = evaluation.exchange.strike("us")
    stop = float(strike.counterforce_spent[0])
    top, bottom = fig.axes[:2]
    stars = [ln for ln in bottom.get_lines() if ln.get_marker() == "*"]
    assert stars and all(np.isclose(ln.get_xdata()[0], stop) for ln in stars)
    ys = sorted(float(ln.get_ydata()[0]) for ln in stars)
    assert ys == pytest.approx(sorted([float(strike.cost_attacker[0]), float(strike.cost_victim[0])]))
    # The attacker's cost curve has its minimum at the stop (the stop rule).
    cost = next(ln for ln in bottom.get_lines() if "attacker" in ln.get_label())
    y = np.asarray(cost.get_ydata())
    assert y.min() >= float(strike.cost_attacker[0]) - 1e-6
    assert "stop at" in _texts(fig)


def test_drawdown_rejects_an_unknown_attacker(evaluation):
    with pytest.raises(InputError, match="--attacker"):
        plots.drawdown_figure(evaluation, attacker="china")


def test_square_shades_the_both_wait_region_with_area_fsi(evaluation):
    fig = plots.square_figure(evaluation)
    ax = fig.axes[0]
    a, b = evaluation.exchange.side_names
    r_a, r_b = evaluation.exchange.side(a)["r"], evaluation.exchange.side(b)["r"]
    wait = next(
        p for p in ax.patches if isinstance(p, Rectangle) and str(p.get_label()).startswith("both wait")
    )
    assert wait.get_width() == pytest.approx(r_a) and wait.get_height() == pytest.approx(r_b)
    assert wait.get_width() * wait.get_height() == pytest.approx(evaluation.fsi)
    assert wait.get_hatch()  # readable without colour
    assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1)
    assert f"FSI = {evaluation.fsi:.3f}" in _texts(fig)
    assert "probability" in ax.get_xlabel() and "probability" in ax.get_ylabel()


def test_waterfall_steps_follow_the_exchange(evaluation):
    fig = plots.waterfall_figure(evaluation)
    text = _texts(fig)
    for attacker in evaluation.exchange.side_names:
        s = evaluation.exchange.strike(attacker)
        for value in (s.victim_warheads, s.victim_survivors, s.arriving_retaliation):
            assert f"{float(value[0]):,.0f}" in text
        assert f"{float(s.damage_attacker[0]) * 100:.0f} %" in text
    hatches = {p.get_hatch() for ax in fig.axes for p in ax.patches}
    assert len(hatches) >= 2  # kept and lost warheads differ by pattern


def test_forces_figure_shows_every_system(evaluation):
    fig = plots.forces_figure(evaluation)
    ticks = {t.get_text().split("\n")[0] for ax in fig.axes for t in ax.get_xticklabels()}
    for side in evaluation.posture.values():
        assert {name.replace("_", " ") for name in side["systems"]} <= ticks


TREATY = {
    "framework": {"name": "toy", "title": "Toy framework"},
    "compliant": False,
    "sides": {
        "a": {
            "label": "A",
            "compliant": False,
            "limits": [
                {
                    "name": "warheads",
                    "label": "Deployed warheads",
                    "unit": "warheads",
                    "limit": 100,
                    "counted": 120,
                    "headroom": -20,
                    "compliant": False,
                    "by_system": {"x": 70, "y": 50},
                }
            ],
        },
        "b": {
            "label": "B",
            "compliant": True,
            "limits": [
                {
                    "name": "warheads",
                    "label": "Deployed warheads",
                    "unit": "warheads",
                    "limit": 100,
                    "counted": 60,
                    "headroom": 40,
                    "compliant": True,
                    "by_system": {"z": 60},
                }
            ],
        },
    },
}


def test_treaty_figure_draws_limits_counts_and_verdicts():
    fig = plots.treaty_figure(TREATY)
    ax = fig.axes[0]
    limit_lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert limit_lines and limit_lines[0].get_xdata()[0] == 100
    text = _texts(fig)
    assert "EXCEEDS limit" in text and "within limit" in text and "warheads" in text
    assert "limit 100" in text
    # One fill per system, distinct in greyscale: grey level and hatch.
    fills = {(tuple(np.round(p.get_facecolor()[:3], 2)), p.get_hatch()) for p in ax.patches}
    assert len(fills) == 3


def test_treaty_figure_from_the_treaty_module(scenario):
    fig = make_figure("treaty", scenario, framework="new-start")
    assert "limit 1,550" in _texts(fig)


def test_race_and_history_figures(scenario):
    from security_equation.model.race import arms_race_section

    race = arms_race_section(scenario, framework="none", rounds=3)
    fig = plots.race_figure(race.to_dict(), scenario.name)
    assert "warheads" in fig.axes[0].get_ylabel()
    assert fig.axes[1].get_ylabel() == "have / need"
    labels = fig.axes[1].get_legend_handles_labels()[1]
    assert labels == ["us: arriving / required (200)", "russia: arriving / required (200)"]
    coupled = plots.race_figure(
        arms_race_section(load_scenario("counterforce-race"), framework="new-start", rounds=2).to_dict(),
        "counterforce-race",
    )
    assert "russia: prompt warheads / coverage needs" in coupled.axes[1].get_legend_handles_labels()[1]
    assert "expired on 2026-02-05: no limits" in coupled._suptitle.get_text()
    assert plots.figure_bytes(fig).startswith(PNG)
    # The bundled New START aggregates: one panel per central limit. Missing or broken
    # bundled data must fail here, not skip.
    history = make_figure("history", scenario)
    assert len(history.axes) == 3
    text = _texts(history)
    assert "limit 700" in text and "limit 1,550" in text and "limit 800" in text
    assert "limits bind from 5 Feb 2018" in text
    assert plots.figure_bytes(history, "png").startswith(PNG)


def test_sensitivity_and_uncertainty_reuse_the_analysis(uncertain):
    fig = make_figure("sensitivity", uncertain, samples=16, seed=1)
    assert "Sobol" in _texts(fig) or "sobol" in _texts(fig)
    fig = make_figure("uncertainty", uncertain, samples=64, seed=1)
    assert "64 samples" in _texts(fig)


def test_sweep_heat_map(scenario):
    fig = make_figure(
        "sweep",
        scenario,
        axes=["us.systems.minuteman_iii.launchers=0:400:3", "russia.systems.slbm.launchers=0:160:3"],
    )
    assert plots.figure_bytes(fig, "png").startswith(PNG)
    with pytest.raises(InputError, match="--axis"):
        make_figure("sweep", scenario)


def test_analysis_figures_need_uncertain_parameters(scenario):
    certain = scenario.model_copy(update={"uncertainty": {}})
    with pytest.raises(InputError, match="no uncertain parameters"):
        make_figure("uncertainty", certain, samples=10)


def test_unknown_kind_and_format_are_input_errors(scenario, evaluation):
    with pytest.raises(InputError, match="must be one of"):
        make_figure("pie", scenario)
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        plots.format_of("x.jpg")
    with pytest.raises(InputError):
        plots.figure_bytes(plots.square_figure(evaluation), "gif")


def test_write_figure_is_atomic_and_follows_the_suffix(tmp_path, evaluation):
    fig = plots.square_figure(evaluation)
    png = plots.write_figure(fig, tmp_path / "square.png")
    svg = plots.write_figure(fig, tmp_path / "square.svg")
    assert png.read_bytes().startswith(PNG)
    assert b"<svg" in svg.read_bytes()[:2000]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["square.png", "square.svg"]


def test_square_regions_are_distinguishable_without_colour(evaluation):
    fig = plots.square_figure(evaluation)
    patches = [p for p in fig.axes[0].patches if not str(p.get_label()).startswith("_")]
    keys = [(p.get_hatch(), str(p.get_linestyle()), p.get_fill()) for p in patches]
    assert len(patches) >= 3 and len(keys) == len(set(keys))
