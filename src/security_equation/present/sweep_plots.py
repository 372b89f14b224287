"""Sweep plots: a metric (FSI by default) over the first two sweep axes."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

_LABELS = {"fsi": "FSI (first-strike stability index)"}


def _reduce(ds, metric: str):
    """The metric over the first two axes; other dims (samples, further axes) → median."""
    da = ds[metric]
    axis_dims = [d for d in da.dims if d != "sample"]
    keep = axis_dims[:2]
    pooled = [d for d in da.dims if d not in keep]
    note = ""
    if pooled:
        da = da.median(dim=pooled)
        note = "median over " + ", ".join("samples" if d == "sample" else str(d) for d in pooled)
    return da.transpose(*keep), keep, note


def fsi_heatmap_figure(ds, metric: str = "fsi", title: str | None = None) -> Figure:
    """Heat map of ``metric`` over the first two axes of a sweep (a line for one axis).

    A perceptually uniform map (cividis: lightness rises monotonically, so it also reads
    in greyscale) with labelled contour lines.
    """
    da, dims, note = _reduce(ds, metric)
    label = _LABELS.get(metric, metric)
    if metric == "fsi" and any(str(n).startswith("fsi[") for n in ds.data_vars):
        label = "lowest FSI over the pairs of sides (least stable pair)"
    fig = Figure(figsize=(7.0, 5.2), layout="constrained")
    ax = fig.subplots()
    if len(dims) == 0:
        raise ValueError("the dataset has no sweep axis to plot over")
    if len(dims) == 1:
        x = ds[dims[0]].values
        ax.plot(x, da.values, color="black", linewidth=1.5, label=label)
        if "sample" in ds[metric].dims:
            band = ds[metric].quantile([0.05, 0.95], dim="sample")
            others = [d for d in band.dims if d not in ("quantile", dims[0])]
            if others:
                band = band.median(dim=others)
            ax.fill_between(
                x,
                band.isel(quantile=0).values,
                band.isel(quantile=1).values,
                color="0.8",
                label="5–95 % of samples",
            )
            ax.legend(fontsize=8)
        ax.set_xlabel(dims[0])
        ax.set_ylabel(label)
        ax.grid(color="0.85", linewidth=0.6)
    else:
        x = ds[dims[1]].values
        y = ds[dims[0]].values
        z = da.values
        finite = z[np.isfinite(z)]
        vmin, vmax = (
            (0.0, 1.0)
            if metric == "fsi" or metric.endswith(".r")
            else (float(finite.min()) if finite.size else 0.0, float(finite.max()) if finite.size else 1.0)
        )
        mesh = ax.pcolormesh(x, y, z, cmap="cividis", vmin=vmin, vmax=vmax, shading="nearest")
        cbar = fig.colorbar(mesh, ax=ax)
        cbar.set_label(label + (f" ({note})" if note else ""))
        if len(x) > 1 and len(y) > 1 and finite.size and np.ptp(finite) > 0:
            levels = np.linspace(vmin, vmax, 11)[1:-1]
            levels = levels[(levels > finite.min()) & (levels < finite.max())]
            if levels.size:
                lines = ax.contour(x, y, z, levels=levels, colors="black", linewidths=0.7)
                ax.clabel(lines, fmt="%.2f", fontsize=7)
        ax.set_xlabel(dims[1])
        ax.set_ylabel(dims[0])
    scenario = ds.attrs.get("scenario", "")
    ax.set_title(
        title or f"{label} — {scenario}" + (f"\n{note}" if note and len(dims) == 1 else ""), fontsize=10
    )
    return fig
