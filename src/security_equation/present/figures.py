"""What figures there are and how one is written: kinds, image formats, PNG/SVG bytes and
files (saved atomically).

This module does not import matplotlib (the figures themselves are drawn by ``plots``,
``history_plot``, ``sensitivity_plots`` and ``sweep_plots``), so the command line and the
web app can name the kinds without loading it.
"""

from __future__ import annotations

import io
import threading
from enum import StrEnum
from pathlib import Path
from typing import Any

from security_equation.io.atomic import atomic_path
from security_equation.io.errors import InputError

#: Figure kinds ``analysis.figures.make_figure`` draws, with a one-line description each.
KINDS: dict[str, str] = {
    "forces": "launchers and warheads per system and side",
    "treaty": "counted totals against the limits of a treaty framework",
    "drawdown": "draw-down curve of each side's first strike with the chosen stopping point",
    "square": "Kent–Thaler probability square: the 'both wait' region, FSI = its area",
    "matrix": "heat map of each side's r against each adversary, allies marked (more than two sides)",
    "two-peer": "survivors of each first strike against the warheads needed on every adversary at once"
    " (more than two sides)",
    "waterfall": "exchange waterfall: forces → survivors → arriving → damage",
    "race": "action–reaction path of the arms-race model",
    "history": "New START aggregate data over time against the treaty limits",
    "sensitivity": "global sensitivity of FSI and each side's r (needs uncertain parameters)",
    "uncertainty": "Monte Carlo distribution of FSI and each side's r (needs uncertain parameters)",
    "sweep": "heat map of FSI over one or two swept fields (needs --axis)",
}
#: Kinds that need more than the scenario as given (samples, swept axes): many model runs.
ANALYSIS_KINDS = ("sensitivity", "uncertainty", "sweep")

#: Every figure kind (``seceq plot KIND``).
PlotKind = StrEnum("PlotKind", {k: k for k in KINDS})
#: The kinds drawn from one evaluation of the scenario as given (what the web API serves).
ScenarioPlotKind = StrEnum("PlotKind", {k: k for k in KINDS if k not in ANALYSIS_KINDS})

#: Image formats, also the file suffixes.
FORMATS = ("png", "svg")


class ImageFormat(StrEnum):
    png = "png"
    svg = "svg"


#: Resolution of PNG images.
DPI = 150
#: matplotlib's text layout keeps global caches; figures are drawn one at a time.
RENDER_LOCK = threading.Lock()


def format_of(path: Path | str) -> str:
    """The image format named by a file's suffix (png or svg)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InputError.single(
            f"the output file must end in {' or '.join('.' + f for f in FORMATS)}, got '{Path(path).name}'",
            path="-o",
        )
    return suffix


def figure_bytes(fig, fmt: str = "png", dpi: int = DPI) -> bytes:
    """Render a figure to PNG or SVG bytes (SVG without metadata or external links)."""
    if fmt not in FORMATS:
        raise InputError.single(f"must be one of {', '.join(FORMATS)}, got '{fmt}'", path="format")
    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {"format": fmt, "dpi": dpi}
    if fmt == "svg":
        kwargs["metadata"] = {"Date": None, "Creator": None, "Format": None, "Type": None}
    else:
        kwargs["metadata"] = {"Software": None}
    with RENDER_LOCK:
        fig.savefig(buffer, **kwargs)
    return buffer.getvalue()


def save_figure(fig, path: Path | str, dpi: int = DPI, metadata: dict | None = None) -> Path:
    """Save a figure in the format its suffix names (PNG without one), atomically."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    kwargs: dict[str, Any] = {"format": fmt, "dpi": dpi}
    if metadata is not None:
        kwargs["metadata"] = metadata
    with RENDER_LOCK, atomic_path(path) as tmp:
        fig.savefig(tmp, **kwargs)
    return path


def write_figure(fig, path: Path | str) -> Path:
    """Save a figure to a ``.png`` or ``.svg`` file (an input error for other suffixes)."""
    format_of(path)
    return save_figure(fig, path, dpi=DPI)
