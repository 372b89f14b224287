"""The pairwise views of three and more powers: the plain-data matrix shared by the CLI,
the report and the web page, and the heat map of r (greyscale, annotated, labelled)."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pytest

from security_equation.model import evaluate
from security_equation.present import plots
from security_equation.present.tables import (
    headline,
    matrix_cell_text,
    metric_digits,
    metric_rows,
    pair_matrix,
)
from tests.factories import scenario, side, system, three_powers


@pytest.fixture(scope="module")
def three():
    return evaluate(three_powers(), sections=())


def test_pair_matrix_is_none_for_two_sides():
    two = evaluate(scenario(side({"x": system()}), side({"y": system()})), sections=()).to_dict()
    assert pair_matrix(two) is None
    assert not {"pairs", "fsi_pairs", "fsi_pair"} & set(headline(two))
    assert not any(".r[" in row["key"] or "," in row["key"] for row in metric_rows(two))


def test_pair_matrix_rows_cells_and_pairs(three):
    data = three.to_dict()
    matrix = pair_matrix(data)
    assert matrix["sides"] == ["a", "b", "c"] and matrix["labels"] == ["Power A", "Power B", "Power C"]
    for i, row in enumerate(matrix["rows"]):
        assert row["cells"][i] is None
        assert row["binding_adversary"] == data["sides"][row["side"]]["binding_adversary"]
    cell = matrix["rows"][0]["cells"][2]
    assert cell["adversary"] == "c"
    assert matrix_cell_text(cell) == f"{cell['r']:.3f} ({cell['c1_over_c2']:.3f})"
    assert matrix_cell_text(None) == "—"
    assert [e["pair"] for e in matrix["fsi"]] == ["a,b", "a,c", "b,c"]
    assert matrix["fsi_pair"] == data["fsi_pair"]
    keys = {row["key"] for row in metric_rows(data)}
    assert {"fsi[a,b]", "a.r[c]", "c.r[b]"} <= keys


def test_metric_digits_of_pair_names():
    assert metric_digits("a.arriving_warheads[b]") == 0
    assert metric_digits("a.r[b]") == 3 and metric_digits("fsi[a,b]") == 3


def test_matrix_figure_is_greyscale_annotated_and_labelled(three):
    fig = plots.matrix_figure(three)
    ax = fig.axes[0]
    (image,) = ax.get_images()
    rgba = image.cmap(np.linspace(0, 1, 16))
    # Every colour of the map is a grey: it prints the same without colour.
    assert np.allclose(rgba[:, 0], rgba[:, 1]) and np.allclose(rgba[:, 1], rgba[:, 2])
    assert image.get_clim() == (0.0, 1.0)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 6  # one per ordered pair, none on the diagonal
    r = float(three.exchange.stability.r[0, 2][0])
    assert any(t.startswith(f"r = {r:.3f}\nC1/C2 = ") for t in texts)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Power A", "Power B", "Power C"]
    assert ax.get_ylabel() == "side" and "adversary" in ax.get_xlabel()
    colorbar = fig.axes[1]
    assert "probability" in colorbar.get_ylabel() and "r = min(1, C1/C2)" in colorbar.get_ylabel()
    assert mcolors.is_color_like("0.5")
    plots.figure_bytes(fig, "png")


def test_square_figure_draws_the_least_stable_pair_or_a_chosen_one(three):
    fig = plots.square_figure(three)
    assert "Power A – Power C, the least stable pair" in fig.get_suptitle()
    ax = fig.axes[0]
    assert "Power A" in ax.get_xlabel() and "Power C" in ax.get_xlabel()
    chosen = plots.square_figure(three, pair=("b", "a"))
    assert "least stable" not in chosen.get_suptitle()
    assert "Power A" in chosen.axes[0].get_xlabel() and "Power B" in chosen.axes[0].get_xlabel()


def test_other_figures_draw_three_sides(three):
    for fig in (plots.waterfall_figure(three), plots.drawdown_figure(three), plots.forces_figure(three)):
        plots.figure_bytes(fig, "png")
