"""The New START history figure: files, axes, and what makes it readable without a caption."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from security_equation.io.errors import InputError
from security_equation.present.history_plot import plot_history


def _texts(fig: Figure) -> str:
    parts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    return "\n".join(p for p in parts if p)


def test_png_and_svg_files(tmp_path):
    png = tmp_path / "h.png"
    plot_history(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "h.svg"
    plot_history(str(svg))
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        plot_history(tmp_path / "h.pdf")
    with pytest.raises(InputError, match="directory does not exist"):
        plot_history(tmp_path / "missing" / "h.png")


def test_readable_without_caption_and_in_greyscale():
    fig = plot_history()
    axes = fig.axes
    assert len(axes) == 3
    text = _texts(fig)
    for fragment in (
        "United States",
        "Russia",
        "limit 700",
        "limit 1,550",
        "limit 800",
        "limits bind from 5 Feb 2018",
        "limits not yet binding",
        "inferred value",
        "New START",
        "2011–2023",
    ):
        assert fragment in text, fragment
    for ax in axes:
        assert "(number of" in ax.get_ylabel()  # units on every value axis
    assert "data as of" in axes[-1].get_xlabel()
    # The two sides differ by line style and marker, not only colour.
    lines = {
        ln.get_label(): ln for ln in axes[0].get_lines() if ln.get_label() in ("United States", "Russia")
    }
    us, ru = lines["United States"], lines["Russia"]
    assert us.get_linestyle() != ru.get_linestyle()
    legend = [h for h in axes[0].get_legend().legend_handles]
    markers = {h.get_label(): h.get_marker() for h in legend}
    assert markers["United States"] != markers["Russia"]


def test_drawing_into_given_axes():
    fig = Figure()
    ax = fig.subplots()
    assert plot_history(ax, limit="total_launchers") is fig
    assert "limit 800" in _texts(fig)
    fig3 = Figure()
    axes = fig3.subplots(1, 3)
    plot_history(list(axes))
    assert all(a.get_title(loc="left") for a in axes)
    with pytest.raises(InputError):
        plot_history(Figure().subplots(), limit="warheads")
