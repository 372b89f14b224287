"""Figures of an evaluation (matplotlib, Agg), readable in greyscale print.

Every figure is built on a ``matplotlib.figure.Figure`` (no pyplot state, no GUI
backend), so it is safe in servers and worker threads. Sides and series are told apart
by hatching, line style and marker, never by colour alone; every axis carries its unit.

Figures:

- :func:`forces_figure` — launchers and warheads per system and side;
- :func:`treaty_figure` — counted totals against each limit of a treaty framework;
- :func:`drawdown_figure` — the draw-down curve of a first strike and the stop point;
- :func:`square_figure` — Kent & Thaler's probability-domain square, FSI as an area;
- :func:`matrix_figure` — heat map of every side's r against each adversary (any number
  of sides; the report shows it for more than two);
- :func:`two_peer_figure` — per side, survivors of each first strike against the warheads
  needed to meet its requirement on every adversary at once (more than two sides);
- :func:`waterfall_figure` — forces → survivors → retaliating → arriving → damage;
- :func:`race_figure` — the action–reaction path;
- :func:`history_figure` — New START aggregate data over time against the limits
  (drawn by ``present.history_plot``);
- :func:`samples_figure` — Monte Carlo distribution of FSI and each side's ``r``;
- sensitivity bars and sweep heat maps: ``present.sensitivity_plots`` and
  ``present.sweep_plots``.

Figures take results (an :class:`~security_equation.model.Evaluation`, a section's dict,
a dataset); ``analysis.figures.make_figure`` runs what a figure needs and draws it by name
(CLI and web API). :func:`figure_bytes` renders a figure to PNG or SVG bytes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from security_equation.io.errors import InputError
from security_equation.model import Evaluation
from security_equation.present.figures import (
    FORMATS,
    KINDS,
    figure_bytes,
    format_of,
    save_figure,
    write_figure,
)
from security_equation.present.tables import allied_pairs, two_peer_view

__all__ = [
    "KINDS",
    "FORMATS",
    "forces_figure",
    "treaty_figure",
    "drawdown_figure",
    "square_figure",
    "matrix_figure",
    "two_peer_figure",
    "waterfall_figure",
    "race_figure",
    "history_figure",
    "samples_figure",
    "figure_bytes",
    "format_of",
    "save_figure",
    "write_figure",
]

#: Greys and hatches that stay distinct in greyscale print, cycled per series.
GREYS = ("0.35", "white", "0.7", "white", "0.5", "white", "0.85", "0.2", "white", "0.6", "white", "0.9")
HATCHES = ("", "///", "", "...", "\\\\\\", "xxx", "", "ooo", "---", "|||", "+++", "//")
#: (line style, marker) per series.
LINES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"))


def _style(k: int) -> dict:
    return {
        "color": GREYS[k % len(GREYS)],
        "hatch": HATCHES[k % len(HATCHES)] or None,
        "edgecolor": "black",
        "linewidth": 0.8,
    }


def _patch(k: int) -> dict:
    """``_style`` for legend patches (``facecolor``, not ``color``, which would hide the edge)."""
    style = _style(k)
    return {"facecolor": style.pop("color"), **style}


def _line(k: int) -> dict:
    ls, marker = LINES[k % len(LINES)]
    return {
        "color": "black",
        "linestyle": ls,
        "marker": marker,
        "markersize": 4,
        "linewidth": 1.4,
        "markerfacecolor": "white" if k % 2 else "black",
    }


#: A marker on a curve (the chosen stop of a first strike).
_STAR = {"marker": "*", "markersize": 12, "color": "black", "linestyle": "none"}


def _label_above(ax, text: str, xy, fontsize: float = 8) -> None:
    """A value written just above a point (the top of a bar)."""
    ax.annotate(
        text, xy, ha="center", va="bottom", fontsize=fontsize, xytext=(0, 1), textcoords="offset points"
    )


def _grid(ax, axis: str = "y") -> None:
    ax.grid(axis=axis, color="0.85", linewidth=0.6)
    ax.set_axisbelow(True)


def _labels(evaluation: Evaluation) -> dict[str, str]:
    return {name: side["label"] for name, side in evaluation.posture.items()}


def _strikes(evaluation: Evaluation, attacker: str | None = None) -> list[tuple[int, int]]:
    """(attacker, victim) of the first strikes to draw: with two sides both; with more,
    both strikes of the least stable pair of adversaries (the headline FSI's; twenty
    panels would be unreadable and slow); only ``attacker``'s (on every other side) when
    given."""
    ex = evaluation.exchange
    if attacker is None and ex.multi_party:
        i, j = ex.least_stable_pair()
        return [(i, j), (j, i)]
    return [(a, v) for a, v in ex.result.pairs if attacker is None or ex.side_names[a] == attacker]


def _poss(label: str) -> str:
    """Possessive: "Russia's", "United States'"."""
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def _pretty(name: str) -> str:
    return name.replace("_", " ")


# --------------------------------------------------------------------------- forces
def forces_figure(evaluation: Evaluation) -> Figure:
    """Per side: deployed and non-deployed launchers, deployed warheads and upload headroom
    (warheads addable on deployed launchers up to capacity), per system."""
    posture = evaluation.posture
    names = list(posture)
    widths = [max(2, len(posture[n]["systems"])) for n in names]
    fig = Figure(figsize=(3.2 + 1.0 * sum(widths), 6.2), layout="constrained")
    axes = fig.subplots(2, len(names), squeeze=False, width_ratios=widths)
    for col, name in enumerate(names):
        side = posture[name]
        systems = side["systems"]
        x = np.arange(len(systems))
        labels = [_pretty(s) + ("" if row["nuclear"] else "\n(conv.)") for s, row in systems.items()]
        rows = list(systems.values())
        deployed = np.array([r["launchers"] for r in rows], dtype=float)
        spare = np.array([r["non_deployed_launchers"] for r in rows], dtype=float)
        warheads = np.array([r["deployed_warheads"] for r in rows], dtype=float)
        headroom = np.maximum(np.array([r["warhead_capacity"] for r in rows], dtype=float) - warheads, 0.0)
        top, bottom = axes[0, col], axes[1, col]
        top.bar(x, deployed, 0.6, label="deployed", **_style(0))
        top.bar(x, spare, 0.6, bottom=deployed, label="non-deployed", **_style(1))
        bottom.bar(x, warheads, 0.6, label="deployed warheads", **_style(0))
        bottom.bar(x, headroom, 0.6, bottom=warheads, label="upload headroom (to capacity)", **_style(3))
        for ax, values, extra in ((top, deployed, spare), (bottom, warheads, headroom)):
            for xi, v, e in zip(x, values, extra, strict=True):
                _label_above(ax, f"{v:,.0f}" + (f" (+{e:,.0f})" if e > 0 else ""), (xi, v + e), fontsize=7)
            ax.set_xticks(x, labels, fontsize=8, rotation=20 if len(x) > 3 else 0)
            ax.margins(y=0.12)
            _grid(ax)
        t = side["totals"]
        top.set_title(
            f"{side['label']}: {t['launchers']:,.0f} deployed launchers, "
            f"{t['non_deployed_launchers']:,.0f} non-deployed",
            fontsize=9,
            loc="left",
        )
        bottom.set_title(
            f"{t['deployed_warheads']:,.0f} deployed warheads, capacity {t['warhead_capacity']:,.0f}",
            fontsize=9,
            loc="left",
        )
        top.set_ylabel("launchers")
        bottom.set_ylabel("warheads")
        if col == 0:
            top.legend(fontsize=8, loc="upper right")
            bottom.legend(fontsize=8, loc="upper right")
    fig.suptitle(f"Force structure — {evaluation.scenario.name}", fontsize=11)
    return fig


# --------------------------------------------------------------------------- treaty
def treaty_figure(treaty: Mapping) -> Figure:
    """One row per limit: each side's counted total, split by system, against the limit."""
    sides = treaty.get("sides") or {}
    side_names = list(sides)
    limit_names: list[str] = []
    for side in sides.values():
        for lim in side.get("limits") or []:
            if lim["name"] not in limit_names:
                limit_names.append(lim["name"])
    fw = treaty.get("framework") or {}
    if not limit_names:
        fig = Figure(figsize=(7.0, 2.0), layout="constrained")
        ax = fig.subplots()
        ax.axis("off")
        ax.text(
            0.5,
            0.5,
            f"{fw.get('title') or fw.get('name') or 'framework'}: no limits",
            ha="center",
            va="center",
        )
        return fig
    fig = Figure(figsize=(8.0, 1.0 + 1.45 * len(limit_names)), layout="constrained")
    axes = fig.subplots(len(limit_names), 1, squeeze=False)[:, 0]
    system_styles: dict[str, int] = {}
    for ax, lname in zip(axes, limit_names, strict=True):
        y = np.arange(len(side_names))[::-1]
        limit_value = None
        unit = ""
        label = lname
        for yi, sname in zip(y, side_names, strict=True):
            lim = next((x for x in sides[sname].get("limits") or [] if x["name"] == lname), None)
            if lim is None:
                continue
            label = lim.get("label") or lname
            unit = lim.get("unit") or ""
            limit_value = lim.get("limit")
            left = 0.0
            by_system = lim.get("by_system") or {}
            if not by_system:
                by_system = {"counted": lim.get("counted") or 0.0}
            for system, count in by_system.items():
                k = system_styles.setdefault(system, len(system_styles))
                ax.barh(yi, count, 0.55, left=left, **_style(k))
                left += float(count or 0.0)
            counted = float(lim.get("counted") or left)
            ok = lim.get("compliant")
            verdict = "" if ok is None else ("  within limit" if ok else "  EXCEEDS limit")
            head = lim.get("headroom")
            extra = f" (headroom {head:,.0f})" if isinstance(head, int | float) and ok else ""
            ax.annotate(
                f"{counted:,.0f}{extra}{verdict}",
                (counted, yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                fontweight="normal" if ok or ok is None else "bold",
            )
        if limit_value is not None:
            ax.axvline(limit_value, color="black", linestyle="--", linewidth=1.2)
        ax.set_yticks(y, [sides[s].get("label") or s for s in side_names], fontsize=9)
        title = label + (f" — limit {limit_value:,.0f} (dashed line)" if limit_value is not None else "")
        ax.set_title(textwrap.fill(title, 90), fontsize=9, loc="left")
        ax.set_xlabel(unit or "counted")
        right = max(
            [float(limit_value or 0.0)]
            + [
                float(x.get("counted") or 0.0)
                for s in side_names
                for x in sides[s].get("limits") or []
                if x["name"] == lname
            ]
        )
        ax.set_xlim(0, right * 1.35 if right > 0 else 1.0)
        _grid(ax, "x")
    handles = [Patch(label=_pretty(s), **_patch(k)) for s, k in system_styles.items()]
    fig.legend(
        handles=handles, loc="outside right center", fontsize=8, title="counted by system", title_fontsize=8
    )
    title = fw.get("title") or fw.get("name") or "treaty framework"
    verdict = treaty.get("compliant")
    status = treaty.get("status")
    fig.suptitle(
        f"{title}: "
        + ("all sides compliant" if verdict else "not compliant" if verdict is False else "limits")
        + (f"\n({status}, as of {treaty.get('as_of')})" if status and status != "in force" else ""),
        fontsize=11,
    )
    return fig


# --------------------------------------------------------------------------- draw-down
def _drawdown_panels(evaluation: Evaluation, pair: tuple[int, int], top, bottom) -> None:
    ex = evaluation.exchange
    labels = _labels(evaluation)
    a, v = pair
    attacker, victim = ex.side_names[a], ex.side_names[v]
    strike = ex.result.strike(a, v)
    curve = strike.curve
    dense, c_att, c_vic = ex.costed_curve(a, v, per_piece=24)
    spend = dense.spend[0]
    retaliating = dense.victim_ballistic[0] + dense.victim_air[0]
    value = dense.attacker_ballistic[0] + dense.attacker_air[0]
    stop = float(strike.counterforce_spent[0])
    top.plot(
        spend,
        retaliating,
        label=f"{labels[victim]}: reliable retaliating warheads",
        **{**_line(0), "marker": None},
    )
    top.plot(
        spend,
        value,
        label=f"{labels[attacker]}: reliable warheads left for value",
        **{**_line(1), "marker": None},
    )
    top.plot(
        spend,
        dense.destroyed[0],
        label=f"{labels[victim]}: warheads destroyed",
        **{**_line(2), "marker": None},
    )
    # Breakpoints of the curve (where the next counterforce option starts).
    top.plot(
        curve.spend[0],
        curve.victim_ballistic[0] + curve.victim_air[0],
        linestyle="none",
        marker="o",
        markersize=3,
        color="black",
    )
    bottom.plot(
        spend, c_att[0], label=f"cost to {labels[attacker]} (attacker)", **{**_line(0), "marker": None}
    )
    bottom.plot(spend, c_vic[0], label=f"cost to {labels[victim]} (victim)", **{**_line(1), "marker": None})
    for ax in (top, bottom):
        ax.axvline(stop, color="black", linewidth=0.9, linestyle=(0, (1, 1)))
        _grid(ax, "both")
    # The stop on both cost curves: filled on the attacker's, hollow on the victim's.
    bottom.plot(
        [stop], [float(strike.cost_attacker[0])], label="chosen stop: attacker's lowest cost", **_STAR
    )
    bottom.plot([stop], [float(strike.cost_victim[0])], markerfacecolor="white", **_STAR)
    top.annotate(
        f"stop at {stop:,.0f} warheads\n{float(strike.destroyed[0]):,.0f} destroyed "
        f"({float(strike.share_destroyed[0]):.0%})",
        (stop, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -4),
        textcoords="offset points",
        va="top",
        fontsize=7.5,
    )
    top.set_title(f"{labels[attacker]} strikes {labels[victim]} first", fontsize=10, loc="left")
    bottom.set_title("C = D_own^0.75 + 0.3·(1 − D_enemy^0.75)  (R-3765 App. C)", fontsize=8, loc="left")
    top.set_ylabel("warheads")
    bottom.set_ylabel("cost C (unitless, 0–1.3)")
    bottom.set_xlabel("counterforce warheads spent by the attacker (warheads)")
    top.legend(fontsize=7, loc="best")
    bottom.legend(fontsize=7, loc="best")


def drawdown_figure(evaluation: Evaluation, attacker: str | None = None) -> Figure:
    """The draw-down curve of a first strike (both directions unless ``attacker`` is given):
    warheads against counterforce spend, the two sides' costs, and the stop the attacker
    picks (its lowest cost; R-3765 p. 22)."""
    ex = evaluation.exchange
    if attacker is not None and attacker not in ex.side_names:
        raise InputError.single(
            f"must be one of {', '.join(ex.side_names)}, got '{attacker}'", path="--attacker"
        )
    pairs = _strikes(evaluation, attacker)
    fig = Figure(figsize=(6.0 * len(pairs), 7.0), layout="constrained")
    axes = fig.subplots(2, len(pairs), squeeze=False, sharex="col")
    for col, pair in enumerate(pairs):
        _drawdown_panels(evaluation, pair, axes[0, col], axes[1, col])
    fig.suptitle(f"First-strike draw-down — {evaluation.scenario.name}", fontsize=11)
    return fig


# --------------------------------------------------------------------------- the square
def square_figure(
    evaluation: Evaluation,
    variants: Sequence[str] = ("generated", "launch_under_attack"),
    pair: tuple[str, str] | None = None,
) -> Figure:
    """Kent & Thaler's probability domain: each side's estimate that the other will attack.

    Side A strikes first if its estimate ``p_A`` exceeds ``r_A``; the lower-left
    rectangle ``[0, r_A] × [0, r_B]`` is where both wait, so FSI = ``r_A · r_B`` is its area
    (R-3765 pp. 26, 29). Posture variants are drawn as outlines. With more than two sides
    the square is of ``pair`` (names), by default the least stable pair (lowest FSI).
    """
    ex = evaluation.exchange
    if pair is None:
        i, j = ex.least_stable_pair()
    else:
        i, j = sorted(ex.side_names.index(n) for n in pair)
    a, b = ex.side_names[i], ex.side_names[j]
    labels = _labels(evaluation)
    r_a, r_b = float(ex.stability.r[i, j][0]), float(ex.stability.r[j, i][0])
    fig = Figure(figsize=(6.6, 7.0), layout="constrained")
    ax = fig.subplots()
    ax.add_patch(
        Rectangle(
            (0, 0),
            r_a,
            r_b,
            facecolor="0.82",
            edgecolor="black",
            hatch="..",
            linewidth=1.2,
            label=f"both wait: FSI = {r_a:.3f} × {r_b:.3f} = {r_a * r_b:.3f}",
        )
    )
    # Where a side's estimate p exceeds its r, it strikes first: a band right of r_a (A),
    # a band above r_b (B); hatched differently so the overlap reads in greyscale.
    for side, r, corner, size, fill, hatch in (
        (a, r_a, (r_a, 0), (1 - r_a, 1), "white", "///"),
        (b, r_b, (0, r_b), (1, 1 - r_b), "none", "\\\\\\"),
    ):
        if r < 1:
            ax.add_patch(
                Rectangle(
                    corner,
                    *size,
                    facecolor=fill,
                    edgecolor="0.3",
                    hatch=hatch,
                    linewidth=0.0,
                    label=f"{labels[side]} strikes first",
                )
            )
    for k, variant in enumerate(v for v in variants if v in ex.variant_names):
        ra = float(ex.stability.r[i, j][1 + ex.variant_names.index(variant)])
        rb = float(ex.stability.r[j, i][1 + ex.variant_names.index(variant)])
        ls = ("--", "-.", ":")[k % 3]
        ax.add_patch(
            Rectangle(
                (0, 0),
                ra,
                rb,
                facecolor="none",
                edgecolor="black",
                linestyle=ls,
                linewidth=1.6,
                label=f"both sides {_pretty(variant)}: FSI = {ra * rb:.3f}",
            )
        )
    ax.text(
        r_a,
        0.02,
        f"r({a}) = {r_a:.3f} ",
        rotation=90,
        ha="right",
        va="bottom",
        fontsize=8,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
    ax.text(
        0.02,
        r_b,
        f"r({b}) = {r_b:.3f}",
        ha="left",
        va="top",
        fontsize=8,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
    ax.text(
        r_a / 2,
        r_b / 2,
        f"both wait\nFSI = {r_a * r_b:.3f}",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        bbox={"facecolor": "white", "edgecolor": "black", "boxstyle": "round"},
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(f"probability {labels[a]} assigns to a first strike by {labels[b]}")
    ax.set_ylabel(f"probability {labels[b]} assigns to a first strike by {labels[a]}")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, frameon=False)
    which = f" ({labels[a]} – {labels[b]}, the least stable pair)" if ex.multi_party and pair is None else ""
    fig.suptitle(f"First-strike stability — {evaluation.scenario.name}{which}", fontsize=11)
    return fig


# --------------------------------------------------------------------------- pair matrix
def matrix_figure(evaluation: Evaluation) -> Figure:
    """Heat map of every side's break-even probability ``r = min(1, C1/C2)`` (rows) against
    each adversary (columns), for a scenario with any number of sides: greys from white
    (r = 0, striking first always pays) to black (r = 1), every cell annotated with ``r``
    and the uncapped ``C1/C2``; the diagonal (no side strikes itself) is hatched, cells of
    allied sides are dotted and marked "ally", and the two cells of the least stable pair
    of adversaries (the headline FSI's) are framed."""
    ex = evaluation.exchange
    labels = _labels(evaluation)
    names = ex.side_names
    n = len(names)
    values = np.full((n, n), np.nan)
    ratios = np.full((n, n), np.nan)
    for (s, a), r in ex.stability.r.items():
        values[s, a] = float(r[0])
        ratios[s, a] = float(ex.stability.c1_over_c2[s, a][0])
    allied = allied_pairs(evaluation.to_dict())
    size = 1.3 + 1.25 * n
    # "compressed": the layout for an axes of fixed aspect, so the labels are never clipped.
    fig = Figure(figsize=(size + 1.8, size + 0.5), layout="compressed")
    ax = fig.subplots()
    image = ax.imshow(np.ma.masked_invalid(values), cmap="Greys", vmin=0.0, vmax=1.0)
    for k in range(n):
        ax.add_patch(Rectangle((k - 0.5, k - 0.5), 1, 1, facecolor="white", edgecolor="0.5", hatch="///"))
    least = ex.least_stable_pair() if ex.multi_party else None
    for s in range(n):
        for a in range(n):
            if s == a:
                continue
            r, ratio = values[s, a], ratios[s, a]
            ratio_text = "∞" if np.isinf(ratio) else f"{ratio:.3f}"
            ally = frozenset((names[s], names[a])) in allied
            if ally:
                ax.add_patch(
                    Rectangle((a - 0.5, s - 0.5), 1, 1, facecolor="none", edgecolor="0.6", hatch="..", lw=0)
                )
            if least is not None and {s, a} == set(least):
                ax.add_patch(
                    Rectangle((a - 0.46, s - 0.46), 0.92, 0.92, facecolor="none", edgecolor="black", lw=2.5)
                )
                ax.add_patch(
                    Rectangle((a - 0.40, s - 0.40), 0.80, 0.80, facecolor="none", edgecolor="white", lw=1.2)
                )
            dark = r > 0.55
            ax.text(
                a,
                s,
                f"r = {r:.3f}\nC1/C2 = {ratio_text}" + ("\nally" if ally else ""),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
                bbox={"facecolor": "black" if dark else "white", "edgecolor": "none", "pad": 1.5}
                if ally
                else None,
            )
    ticks = [textwrap.fill(labels[name], 14) for name in names]
    ax.set_xticks(range(n), ticks, fontsize=8)
    ax.set_yticks(range(n), ticks, fontsize=8)
    ax.set_xlabel("adversary (the side it weighs striking first, or being struck by)")
    ax.set_ylabel("side")
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("break-even probability r = min(1, C1/C2) (probability, 0–1)")
    notes = []
    if allied:
        notes.append("dotted, “ally”: allied sides (committed to each other or in one coalition)")
    if least is not None:
        i, j = least
        notes.append(
            f"framed: {labels[names[i]]} – {labels[names[j]]}, the least stable pair of adversaries"
            f" (headline FSI = {float(ex.stability.fsi[least][0]):.3f})"
        )
    title = f"Break-even probability per pair of sides — {evaluation.scenario.name}"
    fig.suptitle(title + ("\n" + "\n".join(notes) if notes else ""), fontsize=10)
    return fig


# --------------------------------------------------------------------------- two-peer question
def two_peer_figure(evaluation: Evaluation) -> Figure:
    """The two-peer question (more than two sides; ``present.tables.two_peer_view``): per
    side, for each first strike it absorbs (each adversary alone, each coalition of its
    adversaries, all together), its surviving warheads (left bar) against the warheads it
    needs to deliver its requirement on every adversary at once (right bar, stacked by
    adversary); a shortfall is the dashed box on top of the survivors, with its size."""
    views = two_peer_view(evaluation.to_dict())
    if not views:
        raise InputError.single(
            "the two-peer question needs more than two sides, each with a requirement"
            " (requirement.arriving_warheads)",
            path="KIND",
        )
    columns = 1 if len(views) == 1 else 2
    rows = -(-len(views) // columns)
    widest = max(len(v["rows"]) for v in views)
    fig = Figure(figsize=(max(6.0, 1.7 * widest + 1.5) * columns, 4.3 * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).reshape(-1)
    for ax in axes[len(views) :]:
        ax.set_visible(False)
    styles: dict[str, int] = {}
    for view in views:
        for name in view["adversaries"]:
            styles.setdefault(name, 1 + len(styles))
    names = {a: lab for v in views for a, lab in zip(v["adversaries"], v["adversary_labels"], strict=True)}
    for ax, view in zip(axes, views, strict=False):
        x = np.arange(len(view["rows"]))
        width = 0.38
        top = 0.0
        for xi, row in zip(x, view["rows"], strict=True):
            survivors = row["survivors"]
            ax.bar(xi - width / 2, survivors, width, **_style(0))
            _label_above(ax, f"{survivors:,.0f}", (xi - width / 2, survivors), fontsize=7)
            bottom = 0.0
            for name, need in zip(view["adversaries"], row["needed"], strict=True):
                if need is None:
                    continue
                ax.bar(xi + width / 2, need, width, bottom=bottom, **_style(styles[name]))
                bottom += need
            total = row["needed_total"]
            if total is None:
                ax.text(
                    xi + width / 2,
                    0,
                    "∞: no reliable\nwarhead survives",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
                top = max(top, survivors)
                continue
            _label_above(ax, f"{total:,.0f}", (xi + width / 2, total), fontsize=7)
            if not row["meets_all"] and total > survivors:
                ax.bar(
                    xi - width / 2,
                    total - survivors,
                    width,
                    bottom=survivors,
                    facecolor="none",
                    edgecolor="black",
                    linestyle="--",
                    linewidth=1.0,
                )
                ax.annotate(
                    f"short\n{total - survivors:,.0f}",
                    (xi - width / 2, (survivors + total) / 2),
                    ha="center",
                    va="center",
                    fontsize=7,
                    fontweight="bold",
                )
            top = max(top, survivors, total)
        ax.set_ylim(0, top * 1.14 if top > 0 else 1.0)
        ticks = [
            textwrap.fill(row["struck_by"], 18) + ("\n(worst)" if k == view["worst"] else "")
            for k, row in enumerate(view["rows"])
        ]
        ax.set_xticks(x, ticks, fontsize=7.5)
        ax.set_xlabel("who strikes first")
        ax.set_ylabel(f"{view['label']} warheads")
        met = view["met"]
        ax.set_title(
            textwrap.fill(
                f"{view['label']}: {view['requirement']:,.0f} must arrive on each of "
                f"{len(view['adversaries'])} adversaries; met in {met} of {len(view['rows'])} cases",
                95,
            ),
            fontsize=9,
            loc="left",
        )
        _grid(ax)
    handles = [Patch(label="surviving warheads", **_patch(0))]
    handles += [Patch(label=f"needed against {names[a]}", **_patch(k)) for a, k in styles.items()]
    handles.append(
        Patch(label="shortfall (needed − survivors)", facecolor="none", edgecolor="black", linestyle="--")
    )
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4), fontsize=8)
    fig.suptitle(
        "Two-peer question: after absorbing a first strike, can each side still meet its requirement "
        f"against every adversary at once? — {evaluation.scenario.name}",
        fontsize=10,
    )
    return fig


# --------------------------------------------------------------------------- waterfall
_WATERFALL_STEPS = (
    ("deployed\nwarheads", "victim_warheads", None),
    ("destroyed by\nfirst strike", None, ("victim_warheads", "victim_survivors")),
    ("survivors", "victim_survivors", None),
    ("held back", None, ("victim_survivors", "victim_retaliating")),
    ("retaliating", "victim_retaliating", None),
    ("failed or\nintercepted", None, ("victim_retaliating", "arriving_retaliation")),
    ("arriving", "arriving_retaliation", None),
)


def waterfall_figure(evaluation: Evaluation) -> Figure:
    """For each first strike: the victim's warheads falling from deployed to survivors,
    retaliating and arriving, and the damage each side suffers (share of its value)."""
    ex = evaluation.exchange
    labels = _labels(evaluation)
    pairs = _strikes(evaluation)
    fig = Figure(figsize=(11.0, 4.2 * len(pairs)), layout="constrained")
    axes = fig.subplots(len(pairs), 2, squeeze=False, width_ratios=(4.2, 1.0))
    for row, (a, v) in enumerate(pairs):
        attacker, victim = ex.side_names[a], ex.side_names[v]
        s = ex.result.strike(a, v)
        get = {
            n: float(getattr(s, n)[0])
            for n in ("victim_warheads", "victim_survivors", "victim_retaliating", "arriving_retaliation")
        }
        ax, dmg = axes[row]
        x = np.arange(len(_WATERFALL_STEPS))
        for xi, (_label, level, drop) in zip(x, _WATERFALL_STEPS, strict=True):
            if level is not None:
                v = get[level]
                ax.bar(xi, v, 0.62, **_style(0))
                _label_above(ax, f"{v:,.0f}", (xi, v))
            else:
                hi, lo = get[drop[0]], get[drop[1]]
                ax.bar(xi, hi - lo, 0.62, bottom=lo, **_style(1))
                _label_above(ax, f"−{hi - lo:,.0f}", (xi, hi))
            if xi + 1 < len(x):
                level_here = get[level] if level else get[drop[1]]
                ax.plot([xi + 0.31, xi + 0.69], [level_here] * 2, color="black", linewidth=0.6, linestyle=":")
        ax.set_xticks(x, [label for label, _, _ in _WATERFALL_STEPS], fontsize=8)
        ax.set_ylabel(f"{labels[victim]} warheads")
        ax.set_title(
            f"{labels[attacker]} strikes first: {_poss(labels[victim])} retaliation", fontsize=10, loc="left"
        )
        top = get["victim_warheads"]
        ax.set_ylim(0, top * 1.12 if top > 0 else 1.0)
        _grid(ax)
        damages = [float(s.damage_attacker[0]) * 100, float(s.damage_victim[0]) * 100]
        dx = np.arange(2)
        dmg.bar(dx[0], damages[0], 0.6, **_style(0))
        dmg.bar(dx[1], damages[1], 0.6, **_style(3))
        for xi, v in zip(dx, damages, strict=True):
            _label_above(dmg, f"{v:.0f} %", (xi, v))
        dmg.set_xticks(
            dx,
            [f"to {labels[attacker]}\n(by retaliation)", f"to {labels[victim]}\n(by first strike)"],
            fontsize=8,
        )
        dmg.set_ylim(0, 110)
        dmg.set_ylabel("damage (% of value destroyed)")
        dmg.set_title("damage", fontsize=10, loc="left")
        _grid(dmg)
    handles = [Patch(label="warheads", **_patch(0)), Patch(label="lost at this step", **_patch(1))]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8)
    fig.suptitle(f"Exchange waterfall — {evaluation.scenario.name}", fontsize=11)
    return fig


# --------------------------------------------------------------------------- arms race
def race_figure(race: Mapping, title: str = "") -> Figure:
    """Action–reaction by round: deployed warheads per side (top), how far each side is
    from its two requirements (middle: arriving over required retaliation, prompt warheads
    over what coverage needs; 1 = just met) and FSI (bottom)."""
    path = race.get("path") or []
    fig = Figure(figsize=(8.0, 7.5), layout="constrained")
    top, middle, bottom = fig.subplots(3, 1, sharex=True, height_ratios=(2.0, 1.6, 1.0))
    rounds = [entry["round"] for entry in path]
    sides = list(path[0]["sides"]) if path else []
    for k, side in enumerate(sides):
        warheads = [entry["sides"][side]["deployed_warheads"] for entry in path]
        top.plot(rounds, warheads, label=f"{side}: deployed warheads", **_line(k))
    for k, side in enumerate(sides):  # two line styles per side
        values = [entry["sides"][side] for entry in path]
        required = values[0].get("required")
        if required:  # None or NaN-free zero: no retaliation requirement
            middle.plot(
                rounds,
                [v["arriving"] / required for v in values],
                label=f"{side}: arriving / required ({required:,.0f})",
                **_line(2 * k),
            )
        if any(v.get("counterforce_required") for v in values):
            middle.plot(
                rounds,
                [
                    v["counterforce_warheads"] / v["counterforce_required"]
                    if v.get("counterforce_required")
                    else float("nan")
                    for v in values
                ],
                label=f"{side}: prompt warheads / coverage needs",
                **_line(2 * k + 1),
            )
    middle.axhline(1.0, color="0.4", linewidth=0.8, linestyle=(0, (4, 2, 1, 2)))
    middle.annotate(
        "requirement just met",
        (1.0, 1.0),
        xycoords=("axes fraction", "data"),
        xytext=(-3, -9),
        textcoords="offset points",
        ha="right",
        fontsize=7,
    )
    middle.set_ylabel("have / need")
    bottom.plot(rounds, [entry["fsi"] for entry in path], label="FSI", **_line(0))
    bottom.set_ylim(0, 1.05)
    bottom.set_ylabel("FSI (0–1)")
    bottom.set_xlabel("round of action and reaction")
    bottom.set_xlim(-0.5, max(rounds or [0]) + 0.5)
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    top.set_ylabel("warheads")
    for ax in (top, middle):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    for ax in (top, middle, bottom):
        _grid(ax, "both")
    fw = race.get("framework") or "none"
    status = race.get("framework_status")
    if status and status != "in force":  # expired or not yet binding on the scenario's date
        fw += f", {status.split(' — ')[0]}: {'limits applied' if race.get('limits_applied') else 'no limits'}"
    fig.suptitle(
        f"Action–reaction {title}: {race.get('outcome', '')} after "
        f"{race.get('rounds', 0)} round(s)\n(framework: {fw})",
        fontsize=11,
    )
    return fig


# --------------------------------------------------------------------------- history
def history_figure() -> Figure:
    """New START aggregate data over time against the limits (``present.history_plot``)."""
    from security_equation.present.history_plot import history_figure as draw

    return draw()


# --------------------------------------------------------------------------- Monte Carlo
def samples_figure(ds, nominal: Mapping[str, float] | None = None) -> Figure:
    """Histograms of FSI and each side's r over Monte Carlo samples, with the median
    (solid), the 5–95 % interval (dashed) and the nominal value (dotted)."""
    variables = [str(n) for n in ds.data_vars]
    names = ["fsi"] + [n for n in variables if n.endswith(".r")]
    pairs = [n for n in variables if n.startswith("fsi[")]
    if pairs:  # more than two sides: also every pair's FSI and each side's r per adversary
        names = ["fsi"] * ("fsi" in variables) + pairs + [n for n in variables if ".r[" in n]
    columns = min(len(names), 4) if pairs else len(names)
    rows = -(-len(names) // columns)
    fig = Figure(figsize=(4.0 * columns, 3.6 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).reshape(-1)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    for ax, name in zip(axes, names, strict=False):
        values = np.asarray(ds[name].values, dtype=float).reshape(-1)
        values = values[np.isfinite(values)]
        if values.size:
            lo, med, hi = np.quantile(values, [0.05, 0.5, 0.95])
            ax.hist(
                values, bins=30, range=(0.0, 1.0), color="0.75", edgecolor="black", linewidth=0.5, hatch="//"
            )
            ax.axvline(med, color="black", linewidth=1.4, label=f"median {med:.3f}")
            ax.axvline(lo, color="black", linewidth=1.0, linestyle="--", label=f"5–95 %: {lo:.3f}–{hi:.3f}")
            ax.axvline(hi, color="black", linewidth=1.0, linestyle="--")
        if nominal and nominal.get(name) is not None:
            ax.axvline(
                nominal[name],
                color="black",
                linewidth=1.0,
                linestyle=":",
                label=f"nominal {nominal[name]:.3f}",
            )
        ax.set_xlim(0, 1)
        is_fsi = name == "fsi" or name.startswith("fsi[")
        ax.set_xlabel(
            f"{'FSI' + name.removeprefix('fsi')} (probability area, 0–1)"
            if is_fsi
            else f"{name} (break-even probability)"
        )
        ax.set_ylabel("samples")
        ax.legend(fontsize=7, loc="upper left")
        _grid(ax)
    fig.suptitle(
        f"Monte Carlo: {ds.sizes.get('sample', 0):,} samples, seed "
        f"{ds.attrs.get('seed', '?')} — {ds.attrs.get('scenario', '')}",
        fontsize=11,
    )
    return fig
