"""New START aggregate numbers 2011–2023 against the three central limits, as a figure.

Readable without a caption and in greyscale: the sides differ by line style and marker
(not only colour), inferred values have hollow markers, each limit line is labelled with
its value, the period before the limits bound (5 Feb 2018) is shaded and marked, and
every axis carries its unit. Built on ``matplotlib.figure.Figure`` (no pyplot, no GUI
backend; Agg renders PNG, SVG is vector).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed; harmless when pyplot is never imported

import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from security_equation.io.errors import InputError  # noqa: E402
from security_equation.present import figures  # noqa: E402
from security_equation.present.figures import save_figure  # noqa: E402
from security_equation.treaty import history  # noqa: E402

FORMATS = tuple(f".{f}" for f in figures.FORMATS)

#: Per side: label and a style that survives greyscale printing.
SIDE_STYLES = {
    "US": {"label": "United States", "color": "black", "linestyle": "-", "marker": "o"},
    "RU": {"label": "Russia", "color": "0.4", "linestyle": "--", "marker": "s"},
}
PANELS = {
    "deployed_launchers": (
        "(a) Deployed ICBMs, SLBMs and heavy bombers",
        "Deployed launchers\n(number of missiles and bombers)",
    ),
    "deployed_warheads": (
        "(b) Warheads on deployed ICBMs and SLBMs + 1 per deployed heavy bomber",
        "Counted warheads\n(number of warheads)",
    ),
    "total_launchers": (
        "(c) Deployed and non-deployed launchers and heavy bombers",
        "All launchers\n(number of launchers and bombers)",
    ),
}
TITLE = (
    "New START: strategic forces declared by the United States and Russia, 2011–2023,\n"
    "against the treaty's three central limits"
)
FOOTNOTE = (
    "Data: official New START aggregates exchanged by the two sides (US State Department fact "
    "sheets, Russian MFA; some via press reports).\nHollow markers: value inferred from "
    "published figures. Gaps: no figure found. Russia provided no data for 1 Mar 2023.\n"
    "The limits bound from 5 Feb 2018; figures above a limit before then were not violations."
)


def _binding_date() -> pd.Timestamp | None:
    fw = history.framework()
    return pd.Timestamp(fw.binding_from) if fw.binding_from else None


def _inferred_mask(df: pd.DataFrame, column: str) -> pd.Series:
    """Rows whose value in ``column`` is inferred (the note names the column as inferred)."""
    inferred = df["tag"].eq("inferred")
    named = df["note"].fillna("").str.contains(rf"{column}[^.]*\binferred", regex=True)
    return inferred & named


def draw_limit_panel(
    ax: Axes,
    column: str,
    data: pd.DataFrame | None = None,
    *,
    show_legend: bool = True,
    show_xlabel: bool = True,
) -> Axes:
    """One limit: both sides' declared figures over time, the limit line and the binding date."""
    if column not in PANELS:
        raise InputError.single(f"no New START limit '{column}' (limits: {', '.join(PANELS)})", path="limit")
    df = history.aggregates() if data is None else data
    limit = history.limits()[column]
    binding = _binding_date()
    title, ylabel = PANELS[column]
    start = df["as_of"].min() - pd.Timedelta(days=120)
    end = df["as_of"].max() + pd.Timedelta(days=120)

    if binding is not None:
        ax.axvspan(start, binding, color="0.92", zorder=0, linewidth=0)
        ax.axvline(binding, color="black", linestyle="-.", linewidth=1.0, zorder=1)
    # Limit: dotted while not yet binding, solid once it binds.
    if binding is not None:
        ax.hlines(limit, start, binding, colors="black", linestyles=":", linewidth=1.2, zorder=2)
        ax.hlines(limit, binding, end, colors="black", linestyles="-", linewidth=2.2, zorder=2)
    else:
        ax.hlines(limit, start, end, colors="black", linestyles="-", linewidth=2.2, zorder=2)
    ax.annotate(
        f"limit {limit:,}",
        xy=(end, limit),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=9,
        fontweight="bold",
    )

    for side, style in SIDE_STYLES.items():
        rows = df[df["side"] == side].dropna(subset=[column])
        if rows.empty:
            continue
        x = rows["as_of"]
        y = rows[column].astype(float)
        ax.plot(
            x,
            y,
            color=style["color"],
            linestyle=style["linestyle"],
            linewidth=1.6,
            label=style["label"],
            zorder=3,
        )
        hollow = _inferred_mask(rows, column)
        ax.plot(
            x[~hollow],
            y[~hollow],
            linestyle="none",
            marker=style["marker"],
            markersize=5,
            color=style["color"],
            zorder=4,
        )
        if hollow.any():
            ax.plot(
                x[hollow],
                y[hollow],
                linestyle="none",
                marker=style["marker"],
                markersize=6,
                markerfacecolor="white",
                markeredgecolor=style["color"],
                markeredgewidth=1.4,
                zorder=5,
            )

    values = df[column].dropna().astype(float)
    top = max(float(values.max()) if len(values) else limit, limit)
    bottom = min(float(values.min()) if len(values) else limit, limit)
    pad = 0.08 * (top - bottom or top)
    ax.set_ylim(max(0.0, bottom - 2 * pad), top + 1.6 * pad)
    ax.set_xlim(start, end)
    if binding is not None:
        # The shaded period before the limits bound, and the date they bound from.
        for text, x, dx, style in (
            ("limits not yet binding", start, 6, {"style": "italic", "color": "0.25"}),
            (f"limits bind from {binding.day} {binding:%b %Y}", binding, 4, {"color": "black"}),
        ):
            ax.annotate(
                text,
                xy=(x, top + 1.6 * pad),
                xytext=(dx, -4),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=8,
                **style,
            )
    ax.set_title(title, loc="left", fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    if show_xlabel:
        ax.set_xlabel("Date of the declared figures (data as of)", fontsize=9)
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="y", color="0.8", linewidth=0.5)
    ax.tick_params(labelsize=8)
    if show_legend:
        # Top right lies above the limit after 2018, where no declared figure comes close.
        ax.legend(
            handles=legend_handles(),
            fontsize=8,
            loc="upper right",
            bbox_to_anchor=(1.0, 0.93),
            ncol=2,
            framealpha=0.95,
        )
    return ax


def legend_handles() -> list:
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            color=s["color"],
            linestyle=s["linestyle"],
            marker=s["marker"],
            markersize=5,
            label=s["label"],
        )
        for s in SIDE_STYLES.values()
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor="black",
            label="inferred value",
        )
    )
    handles.append(Line2D([], [], color="black", linewidth=2.2, label="treaty limit (binding)"))
    handles.append(
        Line2D([], [], color="black", linestyle=":", linewidth=1.2, label="limit, not yet binding")
    )
    return handles


def history_figure(figure: Figure | None = None) -> Figure:
    """The three panels, one per limit, in one figure with title and data note."""
    fig = figure if figure is not None else Figure(figsize=(9.0, 10.5), layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
    data = history.aggregates()
    for i, (ax, column) in enumerate(zip(axes, history.LIMIT_COLUMNS, strict=True)):
        draw_limit_panel(ax, column, data, show_legend=i == 0, show_xlabel=i == 2)
    fig.suptitle(TITLE, fontsize=12, fontweight="bold")
    fig.supxlabel(FOOTNOTE, x=0.01, ha="left", fontsize=7.5, linespacing=1.4)
    fig.get_layout_engine().set(h_pad=0.06)
    return fig


def save(fig: Figure, path: str | Path, dpi: int = 150) -> Path:
    """Save as PNG or SVG (by suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError.single(
            f"plot files must end in {' or '.join(FORMATS)}, got '{path.name}'", file=str(path)
        )
    if not path.parent.exists():
        raise InputError.single("directory does not exist", file=str(path.parent))
    return save_figure(fig, path, dpi=dpi, metadata={"Title": TITLE.replace("\n", " ")})


def plot_history(
    path_or_ax: str | Path | Axes | Sequence[Axes] | Figure | None = None, *, limit: str = "deployed_warheads"
) -> Figure:
    """Plot the New START aggregates against the limits and return the figure.

    ``path_or_ax``: a ``.png``/``.svg`` path (the three-panel figure is saved there), a
    matplotlib ``Figure`` (panels drawn into it), a sequence of three ``Axes`` (one limit
    each), a single ``Axes`` (only ``limit`` is drawn), or ``None`` (a new figure).
    """
    if isinstance(path_or_ax, Axes):
        draw_limit_panel(path_or_ax, limit)
        return path_or_ax.figure
    if isinstance(path_or_ax, Figure):
        return history_figure(path_or_ax)
    if (
        isinstance(path_or_ax, Sequence)
        and not isinstance(path_or_ax, str)
        and path_or_ax
        and all(isinstance(a, Axes) for a in path_or_ax)
    ):
        if len(path_or_ax) != len(history.LIMIT_COLUMNS):
            raise ValueError(f"give {len(history.LIMIT_COLUMNS)} axes, one per limit")
        data = history.aggregates()
        for i, (ax, column) in enumerate(zip(path_or_ax, history.LIMIT_COLUMNS, strict=True)):
            draw_limit_panel(ax, column, data, show_legend=i == 0)
        return path_or_ax[0].figure
    fig = history_figure()
    if path_or_ax is not None:
        save(fig, path_or_ax)
    return fig
