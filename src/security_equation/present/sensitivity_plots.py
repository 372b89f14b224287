"""Sensitivity bar charts (matplotlib), readable in greyscale print.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state, no GUI backend),
so they are safe in servers and worker processes.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

#: Fill, hatch and edge per index, distinguishable without colour.
_STYLES = {
    "ST": {"color": "0.25", "hatch": None, "label": "total effect ST"},
    "S1": {"color": "white", "hatch": "///", "label": "first order S1"},
    "mu_star": {"color": "0.25", "hatch": None, "label": "μ* (mean |effect|)"},
    "sigma": {"color": "white", "hatch": "///", "label": "σ (spread: interaction / non-linearity)"},
}
_TITLES = {"fsi": "First-strike stability index (FSI)"}


def _title(output: str) -> str:
    if output in _TITLES:
        return _TITLES[output]
    side, _, metric = output.rpartition(".")
    return f"{side}: break-even probability r" if metric == "r" else output


def _short(path: str, width: int = 52) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1) :]


def sensitivity_bar_figure(table, outputs=None, title: str | None = None) -> Figure:
    """Horizontal bars per output: Sobol ``ST`` and ``S1`` (or Morris ``mu_star`` and
    ``sigma``) per parameter, most influential on top, with 95 % confidence bars."""
    method = table.attrs.get("method", "sobol" if "ST" in table.columns else "morris")
    outputs = list(outputs or dict.fromkeys(table["output"]))
    indices = ("ST", "S1") if method == "sobol" else ("mu_star", "sigma")
    errors = {"ST": "ST_conf", "S1": "S1_conf", "mu_star": "mu_star_conf"}
    n_params = table["parameter"].nunique()
    fig = Figure(figsize=(8.0, 1.2 + len(outputs) * (0.55 * n_params + 0.9)), layout="constrained")
    axes = fig.subplots(len(outputs), 1, squeeze=False)[:, 0]
    height = 0.38
    for ax, output in zip(axes, outputs, strict=True):
        rows = table[table["output"] == output].sort_values("rank", kind="stable")
        y = np.arange(len(rows))[::-1]
        for k, index in enumerate(indices):
            style = _STYLES[index]
            values = rows[index].to_numpy(dtype=float)
            err = rows[errors[index]].to_numpy(dtype=float) if index in errors else None
            ax.barh(
                y + (0.5 - k) * height,
                values,
                height,
                color=style["color"],
                hatch=style["hatch"],
                edgecolor="black",
                linewidth=0.8,
                label=style["label"],
                xerr=err,
                error_kw={"ecolor": "black", "capsize": 2, "linewidth": 0.8},
            )
        ax.set_yticks(y, [_short(p) for p in rows["parameter"]], fontsize=8)
        constant = output in table.attrs.get("constant_outputs", ())
        note = table.attrs.get("notes", {}).get(output)
        if constant or note:
            ax.text(
                0.5,
                0.5,
                "does not vary over these ranges: nothing to attribute"
                if constant
                else note.replace(": ", ":\n", 1),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=9,
                style="italic",
                bbox={"facecolor": "white", "edgecolor": "0.5"},
            )
        ax.set_title(_title(output), fontsize=10, loc="left")
        ax.axvline(0.0, color="black", linewidth=0.6)
        ax.grid(axis="x", color="0.85", linewidth=0.6)
        ax.set_axisbelow(True)
        if method == "sobol":
            ax.set_xlim(
                min(0.0, float(np.nanmin(rows[["S1", "ST"]].to_numpy())) - 0.05),
                max(1.0, float(np.nanmax(rows[["S1", "ST"]].to_numpy())) + 0.05),
            )
    axes[-1].set_xlabel(
        "Sobol index (share of output variance)"
        if method == "sobol"
        else "Morris elementary effect per unit of probability range"
    )
    axes[0].legend(loc="lower right", fontsize=8, frameon=True)
    attrs = table.attrs
    fig.suptitle(
        title
        or (
            f"Sensitivity ({method}) — {attrs.get('scenario', '')}: "
            f"{attrs.get('evaluations', '?'):,} evaluations, seed {attrs.get('seed', '?')}"
        ),
        fontsize=11,
    )
    return fig
