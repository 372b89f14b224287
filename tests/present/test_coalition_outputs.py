"""Coalitions and the two-peer question in the presenters: the plain-data views (tables
shared by the CLI, the report and the web page) hold the numbers of the JSON, allies are
marked in the matrix, the figures draw those numbers, the report has the sections, and a
two-side evaluation has none of it."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from security_equation.io import load_scenario
from security_equation.io.errors import InputError
from security_equation.io.jsonable import json_safe
from security_equation.model import evaluate
from security_equation.present import plots
from security_equation.present.tables import (
    allied_pairs,
    coalition_rows,
    pair_matrix,
    party_label,
    two_peer_view,
)


@pytest.fixture(scope="module")
def evaluation(coalition_file):
    return evaluate(load_scenario(coalition_file), sections=())


@pytest.fixture(scope="module")
def data(evaluation):
    return json_safe(evaluation.to_dict())


@pytest.fixture(scope="module")
def two_sides():
    return evaluate(load_scenario("us-russia-2023"), sections=())


def test_allies_come_from_coalitions_and_commitments(data):
    allied = allied_pairs(data)
    assert frozenset(("us", "uk")) in allied and frozenset(("russia", "china")) in allied
    assert frozenset(("uk", "france")) in allied  # both in nato
    assert frozenset(("us", "russia")) not in allied and frozenset(("us", "china")) not in allied
    matrix = pair_matrix(data)
    cells = {(row["side"], c["adversary"]): c for row in matrix["rows"] for c in row["cells"] if c}
    assert cells["us", "uk"]["allied"] and cells["china", "russia"]["allied"]
    assert not cells["us", "china"]["allied"]
    fsi = {e["pair"]: e for e in matrix["fsi"]}
    assert fsi["us,uk"]["allied"] and not fsi["us,china"]["allied"]
    # The headline pair is a pair of adversaries.
    assert not fsi[data["fsi_pair"]]["allied"]


def test_commitments_alone_are_read_from_the_two_peer_adversaries(data):
    without = {k: v for k, v in data.items() if k not in ("coalitions", "coalition_pairs")}
    # With only the two-peer question, commitments still show: the UK is not the US's adversary.
    allied = allied_pairs(without)
    assert frozenset(("us", "uk")) in allied and frozenset(("russia", "china")) in allied


def test_coalition_rows_hold_the_json_numbers(data):
    rows = coalition_rows(data)
    assert len(rows) == len(data["coalition_pairs"]) == 6
    for row, case in zip(rows, data["coalition_pairs"], strict=True):
        a, b = case["parties"]
        assert row["parties"] == [a, b]
        assert row["r"] == [case["r"][a], case["r"][b]]
        assert row["fsi"] == case["fsi"]
        assert row["arriving"][0] == case["strikes"][f"{b}_strikes_{a}"]["arriving_retaliation"]
        assert row["arriving"][1] == case["strikes"][f"{a}_strikes_{b}"]["arriving_retaliation"]
    first = rows[0]
    assert first["labels"][0] == "nato (United States, United Kingdom, France)"
    assert party_label(data, "russia+china", ["russia", "china"]) == "Russia + China"


def test_two_peer_view_holds_the_json_numbers_and_says_the_worst_case(data):
    views = {v["side"]: v for v in two_peer_view(data)}
    assert set(views) == set(data["two_peer"])
    us = views["us"]
    entry = data["two_peer"]["us"]
    assert us["adversaries"] == entry["adversaries"] == ["russia", "china"]
    assert us["requirement"] == entry["requirement_arriving_warheads"]
    for row, case in zip(us["rows"], entry["cases"], strict=True):
        assert row["survivors"] == case["surviving_warheads"]
        assert row["needed"] == [case["needed_warheads"][a] for a in entry["adversaries"]]
        assert row["needed_total"] == case["needed_total"]
        assert row["meets_all"] == case["meets_all"]
    worst = us["rows"][us["worst"]]
    assert worst["attackers"] == "partners" and worst["joint"]
    case = entry["cases"][us["worst"]]
    spare = case["surviving_warheads"] - case["needed_total"]
    assert us["verdict"].startswith(
        f"After a joint first strike by partners (Russia, China), United States keeps"
        f" {case['surviving_warheads']:,.0f} warheads and needs {case['needed_total']:,.0f} to deliver 200"
        " on each of Russia and China: "
    )
    if case["meets_all"]:
        assert f"met, {spare:,.0f} to spare" in us["verdict"]
    russia = views["russia"]
    short = [r for r in russia["rows"] if not r["meets_all"]]
    assert short and all(r["status"] == f"short by {r['short']:,.0f}" for r in short)
    assert russia["met"] == sum(c["meets_all"] for c in data["two_peer"]["russia"]["cases"])


def test_an_infinite_need_reads_as_never_met():
    data = {
        "sides": {"a": {"label": "A"}, "b": {"label": "B"}, "c": {"label": "C"}},
        "two_peer": {
            "a": {
                "requirement_arriving_warheads": 10.0,
                "adversaries": ["b", "c"],
                "cases": [
                    {
                        "attackers": "b",
                        "members": ["b"],
                        "surviving_warheads": 0.0,
                        "needed_warheads": {"b": None, "c": None},
                        "arriving_if_all_on_one": {"b": 0.0, "c": 0.0},
                        "needed_total": None,
                        "meets_all": False,
                        "short_warheads": None,
                    }
                ],
            }
        },
    }
    (view,) = two_peer_view(data)
    assert view["rows"][0]["status"] == "never met: no reliable warhead survives"
    assert "cannot deliver it with any number of warheads" in view["verdict"]


def test_two_sides_have_no_coalition_or_two_peer_view(two_sides):
    data = json_safe(two_sides.to_dict())
    assert coalition_rows(data) == [] and two_peer_view(data) == []
    with pytest.raises(InputError, match="more than two sides"):
        plots.two_peer_figure(two_sides)


def test_matrix_figure_marks_allies_and_the_headline_pair(evaluation, data):
    fig = plots.matrix_figure(evaluation)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    allies = [t for t in texts if t.endswith("\nally")]
    # us-uk, us-france, uk-france (nato), russia-china (partners): both directions.
    assert len(allies) == 8
    cell = next(p for p in data["pairs"] if (p["side"], p["adversary"]) == ("us", "uk"))
    assert f"r = {cell['r']:.3f}\nC1/C2 = {cell['c1_over_c2']:.3f}\nally" in texts
    assert ax.get_ylabel() == "side"
    assert "least stable pair of adversaries" in fig.get_suptitle()
    assert f"{data['fsi']:.3f}" in fig.get_suptitle()
    # Nothing is clipped: the labels lie inside the figure.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = ax.yaxis.label.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    plots.figure_bytes(fig, "png")


def test_two_peer_figure_draws_the_json_numbers(evaluation, data):
    fig = plots.two_peer_figure(evaluation)
    views = two_peer_view(data)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(views)
    for ax, view in zip(panels, views, strict=True):
        assert ax.get_ylabel() == f"{view['label']} warheads"
        heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]
        for row in view["rows"]:
            assert any(np.isclose(h, row["survivors"]) for h in heights)
            for need in row["needed"]:
                assert any(np.isclose(h, need) for h in heights)
            if not row["meets_all"]:
                assert any(np.isclose(h, row["needed_total"] - row["survivors"]) for h in heights)
        texts = [t.get_text() for t in ax.texts]
        for row in view["rows"]:
            if not row["meets_all"]:
                assert f"short\n{row['needed_total'] - row['survivors']:,.0f}" in texts
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "surviving warheads" in legend and "needed against Russia" in legend
    assert plots.figure_bytes(fig, "svg").lstrip().startswith(b"<?xml")


def test_report_has_the_coalition_and_two_peer_sections(coalition_file, data):
    from security_equation.analysis.report import build_report

    html = build_report(load_scenario(coalition_file))
    assert 'id="coalitions"' in html and 'id="coalition-pairs"' in html
    assert 'id="two-peer"' in html and 'id="two-peer-us"' in html and 'id="fig-two-peer"' in html
    assert 'id="fig-matrix"' in html and "ally</span>" in html and "(allies)" in html
    us = next(v for v in two_peer_view(data) if v["side"] == "us")
    assert us["verdict"] in html.replace("&#39;", "'")
    row = coalition_rows(data)[0]
    assert f"{row['fsi']:.3f}" in html


def test_two_side_report_has_no_coalition_or_two_peer_section():
    from security_equation.analysis.report import build_report

    html = build_report(load_scenario("us-russia-2023"))
    for marker in ('id="coalitions"', 'id="two-peer"', "fig-two-peer", "two-peer-", "coalition-pairs"):
        assert marker not in html
