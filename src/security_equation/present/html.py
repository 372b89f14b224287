"""The self-contained HTML report: one file, every image inlined, no external URL.

``render_report(report)`` draws the figures of computed results (a :class:`ReportData`,
made by ``analysis.report.build_report``) and renders ``templates/report.html.j2`` with
Jinja2 (autoescaped).
Images are base64 PNG ``data:`` URIs (or inline SVG), styles are inline, and source URLs
from the register are shown as text, never as links, so the file opens offline.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from security_equation.io.atomic import write_text_atomic
from security_equation.io.errors import InputError
from security_equation.io.jsonable import json_safe
from security_equation.model import Evaluation
from security_equation.present import plots
from security_equation.present.tables import (
    STRIKE_ROWS,
    coalition_rows,
    difference_labels,
    flatten,
    headline,
    matrix_cell_text,
    number,
    pair_matrix,
    ratio_text,
    two_peer_view,
)
from security_equation.schema.scenario import Scenario

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class ReportSection:
    """The outcome of one optional part of the report: data, or why there is none."""

    data: Any = None
    note: str | None = None


@dataclass
class ReportData:
    """The results a report shows (``analysis.report.build_report`` computes them)."""

    scenario: Scenario
    #: The framework the treaty part counts under.
    framework: str | None
    #: The evaluation of the scenario and its ``to_dict()`` (JSON-safe).
    evaluation: Evaluation
    data: dict
    treaty: ReportSection
    drivers: ReportSection
    race: ReportSection
    #: ``comparison`` of the scenario with others (``present.tables``), if any.
    comparison: dict | None = None
    #: The Monte Carlo part, its samples (a Dataset) and the nominal metrics, if any.
    uncertainty: ReportSection | None = None
    samples: Any = None
    nominal: dict | None = None


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

    # Sections from other modules may lack optional keys: missing ones render empty.
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = number
    env.filters["signed"] = lambda v, d=0: number(v, d, signed=True)
    env.filters["pct"] = lambda v: "—" if v is None else f"{100 * float(v):.0f} %"
    env.filters["pretty"] = lambda s: str(s).replace("_", " ")
    env.filters["ratio"] = ratio_text
    env.filters["cell"] = matrix_cell_text
    env.filters["key"] = lambda s: str(s).replace("_", " ").replace(".", ": ")
    return env


# --------------------------------------------------------------------------- images
_SVG_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_SVG_NAMESPACES = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def inline_image(fig, fmt: str = "png", alt: str = "") -> Markup:
    """A figure as HTML: ``<img src="data:image/png;base64,…">`` or inline ``<svg>``."""
    from html import escape

    data = plots.figure_bytes(fig, fmt)
    if fmt == "svg":
        text = data.decode("utf-8")
        text = _SVG_PROLOGUE.sub("", text, count=1)
        # HTML parses inline SVG into the right namespaces; the declarations are URLs.
        text = _SVG_NAMESPACES.sub("", text)
        return Markup(f'<div class="svg" role="img" aria-label="{escape(alt)}">{text}</div>')
    encoded = base64.b64encode(data).decode("ascii")
    return Markup(f'<img alt="{escape(alt)}" src="data:image/png;base64,{encoded}">')


def _figure(key: str, title: str, fig_fn, source: str, fmt: str, figures: dict, notes: dict) -> None:
    try:
        fig = fig_fn()
    except InputError as exc:
        notes[key] = str(exc)
        return
    figures[key] = {"key": key, "title": title, "source": source, "html": inline_image(fig, fmt, alt=title)}


# --------------------------------------------------------------------------- provenance
def _provenance(scenario: Scenario, treaty: ReportSection, assumptions: Sequence) -> dict:
    """Every figure with its source (edited ones marked, with what they replaced), the
    edited values, and every source the report cites: in any field's note (also inside
    parentheses and assumptions, and an edited value's original note), the scenario's
    ``references`` and the framework assumptions shown (``data.sources.cited_ids`` reads
    them all)."""
    from security_equation.model.provenance import cited_ids, edited_values, provenance, source_register

    register = source_register()
    rows = []
    cited: dict[str, list[str]] = {}
    for p in provenance(scenario):
        notes = [p.note, *(e.original_source or "" for e in p.edits)]
        ids = list(dict.fromkeys(i for note in notes for i in cited_ids(note)))
        for i in ids:
            cited.setdefault(i, []).append(p.path)
        rows.append({**json_safe(p.to_dict()), "ids": ids})
    for ref in scenario.references:
        cited.setdefault(ref, [])
    framework_assumptions = []
    framework_ids: set[str] = set()
    if isinstance(treaty.data, Mapping):
        fw = treaty.data.get("framework") or {}
        for item in fw.get("assumptions") or []:
            text = item if isinstance(item, str) else "; ".join(f"{k}: {v}" for k, v in flatten(item))
            framework_assumptions.append(text)
            framework_ids.update(cited_ids(text))
    for sid in sorted(framework_ids):
        cited.setdefault(sid, [])
    sources = []
    for sid, used_by in cited.items():
        entry = register.get(sid) or {}
        sources.append(
            {
                "id": sid,
                "title": entry.get("title") or scenario.references.get(sid, ""),
                "author": entry.get("organisation_or_author", ""),
                "date": entry.get("date", ""),
                "location": entry.get("url_or_repo_path", ""),
                "grade": entry.get("grade", ""),
                "used_by": len(used_by),
                "framework": sid in framework_ids,
            }
        )
    return {
        "figures": rows,
        "edited": edited_values(scenario),
        "sources": sorted(sources, key=lambda s: s["id"]),
        "assumptions": [json_safe(a.to_dict()) for a in assumptions],
        "framework_assumptions": framework_assumptions,
    }


def _settings(scenario: Scenario) -> list[dict]:
    from security_equation.engine import constants

    defaults = {
        "lethal_radius_nmi": ("LETHAL_RADIUS_NMI", "open-literature lethal radius constant"),
        "lethal_radius_exponent": ("LETHAL_RADIUS_EXPONENT", "cube-root scaling"),
        "cost_exponent": ("COST_EXPONENT", "Kent & Thaler, RAND R-3765, App. C p. 61"),
        "cost_enemy_weight": ("COST_ENEMY_WEIGHT", "Kent & Thaler, RAND R-3765, App. C p. 61"),
        "attacker_survivable_available": ("ATTACKER_SURVIVABLE_AVAILABLE", "R-3765 p. 34"),
    }
    rows = []
    for name, value in scenario.settings.model_dump().items():
        const, cite = defaults.get(name, (None, ""))
        default = getattr(constants, const, None) if const else None
        rows.append(
            {
                "name": name,
                "value": value,
                "default": default,
                "source": cite,
                "changed": default is not None and value != default,
            }
        )
    return rows


# --------------------------------------------------------------------------- the report
def render_report(report: ReportData, image_format: str = "png") -> str:
    """The report as one HTML document (a string): figures drawn from the results, images
    as base64 PNG ``data:`` URIs (``png``) or inline SVG (``svg``)."""
    from security_equation import __version__

    scenario, framework, evaluation, data = report.scenario, report.framework, report.evaluation, report.data
    treaty, drivers, race = report.treaty, report.drivers, report.race
    figures: dict[str, dict] = {}
    notes: dict[str, str] = {}
    origin = scenario.origin or "the scenario as given"
    src = f"computed by security-equation {__version__} from {origin}"
    _figure(
        "forces",
        "Force structure",
        lambda: plots.forces_figure(evaluation),
        f"scenario launchers, warheads per launcher and capacities ({origin})",
        image_format,
        figures,
        notes,
    )
    if treaty.data is not None:
        _figure(
            "treaty",
            "Treaty counts against limits",
            lambda: plots.treaty_figure(treaty.data),
            f"treaty accounting under {framework}; {src}",
            image_format,
            figures,
            notes,
        )
    _figure(
        "waterfall",
        "Exchange waterfall",
        lambda: plots.waterfall_figure(evaluation),
        f"first-strike exchange both ways (Kent & Thaler R-3765); {src}",
        image_format,
        figures,
        notes,
    )
    _figure(
        "drawdown",
        "First-strike draw-down curves",
        lambda: plots.drawdown_figure(evaluation),
        f"greedy counterforce draw-down and the attacker's cost-minimising stop; {src}",
        image_format,
        figures,
        notes,
    )
    _figure(
        "square",
        "Probability-domain square",
        lambda: plots.square_figure(evaluation),
        f"r = min(1, C1/C2) per side, FSI = r_A·r_B (R-3765 pp. 26, 29); {src}",
        image_format,
        figures,
        notes,
    )
    if evaluation.exchange is not None and evaluation.exchange.multi_party:
        _figure(
            "matrix",
            "Break-even probability per pair of sides",
            lambda: plots.matrix_figure(evaluation),
            f"r = min(1, C1/C2) of each side against each adversary (R-3765 pp. 26, 29); {src}",
            image_format,
            figures,
            notes,
        )
        if data.get("two_peer"):
            _figure(
                "two-peer",
                "Two-peer question: survivors against the warheads needed on every adversary",
                lambda: plots.two_peer_figure(evaluation),
                f"each side's requirement after each adversary's, each coalition's and all adversaries'"
                f" first strike (docs/model.md, 'Coalitions and the two-peer question'); {src}",
                image_format,
                figures,
                notes,
            )
    if race.data is not None:
        _figure(
            "race",
            "Action–reaction path",
            lambda: plots.race_figure(race.data, scenario.name),
            f"action–reaction model (docs/model.md, 'Arms race'); {src}",
            image_format,
            figures,
            notes,
        )
    if report.uncertainty is not None:
        samples, seed = report.uncertainty.data["samples"], report.uncertainty.data["seed"]
        _figure(
            "uncertainty",
            "Monte Carlo distribution",
            lambda: plots.samples_figure(report.samples, report.nominal),
            f"{samples:,} Monte Carlo samples, seed {seed}; {src}",
            image_format,
            figures,
            notes,
        )

    strikes = []
    for key, strike in (data.get("exchange") or {}).items():
        strikes.append(
            {
                "key": key,
                "attacker": strike["attacker"],
                "victim": strike["victim"],
                "rows": [(label, strike.get(field), digits) for field, label, digits in STRIKE_ROWS],
            }
        )
    context = {
        "title": f"Security Equation report: {scenario.name}",
        "scenario": {
            "name": scenario.name,
            "description": scenario.description,
            "origin": scenario.origin,
            "overrides": list(scenario.applied_overrides),
            "framework": framework,
            "description_note": data.get("description_note"),
        },
        "version": __version__,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "headline": headline(data),
        "labels": {n: s["label"] for n, s in evaluation.posture.items()},
        "posture": json_safe(evaluation.posture),
        "side_posture": {
            n: side.posture.model_dump(exclude={"sources"}) for n, side in scenario.sides.items()
        },
        "strikes": strikes,
        "matrix": pair_matrix(data),
        "coalition_rows": coalition_rows(data),
        "two_peer": two_peer_view(data),
        "coalition_notes": dict(data.get("coalition_notes") or {}),
        "figures": figures,
        "figure_notes": notes,
        "treaty": treaty,
        "treaty_flat": _treaty_upload(treaty.data),
        "drivers": drivers,
        "drivers_columns": [
            k for k in ((drivers.data or {}).get("drivers") or [{}])[0] if str(k).startswith("d_")
        ],
        "race": race,
        "uncertainty": report.uncertainty,
        "comparison": _comparison(report.comparison),
        "provenance": _provenance(scenario, treaty, evaluation.assumptions),
        "unsourced": list(evaluation.unsourced),
        "settings": _settings(scenario),
    }
    return _environment().get_template("report.html.j2").render(**context)


def _comparison(compared: Mapping | None) -> dict | None:
    """The comparison as the template shows it: every Δ column named *this minus the
    first* (``present.tables.difference_labels``), also for a table built without names."""
    if not compared:
        return None
    out = dict(compared)
    out.setdefault("differences", difference_labels(out.get("columns") or []))
    return out


def _treaty_upload(treaty: Any) -> dict:
    """Per side, upload potential as a table (list entries such as ``by_system``: one row
    per item) and the remaining entries flattened to ``(key, value)`` pairs."""
    if not isinstance(treaty, Mapping):
        return {}
    out = {}
    for side, info in (treaty.get("sides") or {}).items():
        upload = info.get("upload") or {}
        tables, scalars = [], []
        for key, value in upload.items():
            if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
                columns = list(dict.fromkeys(k for v in value for k in v))
                tables.append(
                    {"name": key, "columns": columns, "rows": [[v.get(c) for c in columns] for v in value]}
                )
            else:
                scalars += flatten(value, key)
        out[side] = {"tables": tables, "scalars": scalars}
    return out


def write_report(html: str, path: Path | str) -> Path:
    """Write the report atomically (temporary file, then ``os.replace``)."""
    return write_text_atomic(path, html)
