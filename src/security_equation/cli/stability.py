"""`seceq compare`, `seceq arms-race`, `seceq drivers`: stability side by side, the
action–reaction model and the main drivers of the index.

Thin layer: load → compute (``model.evaluate``, ``race``) → present (Rich table or JSON).
Bad input raises ``InputError`` (exit code 2 via ``cli.main``). Wire into the app with
``register(app)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from security_equation.cli.common import (
    DEFAULT_SCENARIO,
    FormatOpt,
    OutputFormat,
    OverrideOpt,
    ScenarioArg,
    SetOpt,
    console,
    fmt,
    load,
    print_json,
)
from security_equation.io.errors import InputError

FrameworksOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--framework",
        help="Treaty framework name or file; repeat to compare one scenario under several frameworks.",
    ),
]
FrameworkOpt = Annotated[
    str | None,
    typer.Option(
        "--framework",
        help="Treaty framework whose limits bind the build-up "
        "(default: the scenario's own; 'none' for no limits).",
    ),
]

#: Per-side metrics shown by `compare`: (key in Evaluation.to_dict()["sides"][side], digits).
SIDE_METRICS = (
    ("r", 3),
    ("c1", 3),
    ("c2", 3),
    ("surviving_warheads", 0),
    ("arriving_warheads", 0),
    ("share_destroyed", 3),
)
_COMPLIANCE_WORDS = ("compl", "headroom", "excess", "within")


# --------------------------------------------------------------------------- compare
def parse_spec(text: str) -> tuple[str, list[str]]:
    """``name``, ``path.yaml`` or ``name:override1,override2`` → (name or path, overrides)."""
    text = text.strip()
    if not text:
        raise InputError.single("empty scenario argument", path="SCENARIOS")
    if Path(text).exists():
        return text, []
    name, sep, rest = text.partition(":")
    if not sep:
        return text, []
    overrides = [o.strip() for o in rest.split(",") if o.strip()]
    if not name or not overrides:
        raise InputError.single(f"expected NAME or NAME:OVERRIDE[,OVERRIDE…], got '{text}'", path="SCENARIOS")
    return name, overrides


def _flatten(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(node, bool | int | float) or node is None:
        out.append((prefix, node))
    return out


def _metrics_of(data: dict) -> list[tuple[str, str | None, Any, int]]:
    """(metric, side, value, digits) rows of one evaluation's to_dict()."""
    rows: list[tuple[str, str | None, Any, int]] = [("fsi", None, data.get("fsi"), 3)]
    for variant, value in (data.get("fsi_variants") or {}).items():
        rows.append((f"fsi[{variant}]", None, value, 3))
    if "schelling" in data:
        rows.append(("schelling", None, data.get("schelling"), 3))
    for side, values in (data.get("sides") or {}).items():
        for key, digits in SIDE_METRICS:
            rows.append((key, side, values.get(key), digits))
    treaty = data.get("treaty")
    if isinstance(treaty, dict):
        for path, value in _flatten(treaty):
            if any(w in path.lower() for w in _COMPLIANCE_WORDS):
                rows.append((f"treaty.{path}", None, value, 0))
    return rows


def compare_data(
    specs: list[str],
    frameworks: list[str] | None = None,
    overrides: list[str] | None = None,
    set_values: list[str] | None = None,
) -> dict:
    """Evaluate every scenario (× framework) and line the metrics up, with differences
    against the first column."""
    from security_equation.model import evaluate

    if not specs:
        raise InputError.single("give at least one scenario", path="SCENARIOS")
    frameworks = list(frameworks or [None])
    columns, results = [], []
    for spec in specs:
        name, spec_overrides = parse_spec(spec)
        scenario = load(name, [*spec_overrides, *(overrides or [])], set_values)
        for framework in frameworks:
            label = spec if framework is None else f"{spec} @ {framework}"
            columns.append(
                {
                    "label": label,
                    "scenario": scenario.name,
                    "source": name,
                    "overrides": list(scenario.applied_overrides),
                    "framework": framework,
                }
            )
            results.append(_metrics_of(evaluate(scenario, framework=framework).to_dict()))
    order: list[tuple[str, str | None]] = []
    digits: dict[tuple[str, str | None], int] = {}
    table: dict[tuple[str, str | None], list[Any]] = {}
    for c, rows in enumerate(results):
        for metric, side, value, d in rows:
            key = (metric, side)
            if key not in table:
                order.append(key)
                table[key] = [None] * len(results)
                digits[key] = d
            table[key][c] = value
    metrics = []
    for key in order:
        values = table[key]
        first = values[0]
        diffs = []
        for v in values:
            numeric = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (v, first))
            diffs.append(v - first if numeric else None)
        metrics.append(
            {"metric": key[0], "side": key[1], "values": values, "difference": diffs, "digits": digits[key]}
        )
    return {"columns": columns, "metrics": metrics}


def _cell(value: Any, digits: int, signed: bool = False) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    text = fmt(value, digits)
    if signed and isinstance(value, int | float) and value > 0:
        text = "+" + text
    return text


def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(help="Scenarios: a bundled name, a YAML/TOML file, or NAME:OVERRIDE[,OVERRIDE…]."),
    ],
    framework: FrameworksOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Compare scenarios (or one scenario under several frameworks) side by side."""
    data = compare_data(scenarios, framework, override, set_)
    if output_format is OutputFormat.json:
        print_json(
            {
                "columns": data["columns"],
                "metrics": [{k: v for k, v in m.items() if k != "digits"} for m in data["metrics"]],
            }
        )
        return
    labels = [c["label"] for c in data["columns"]]
    table = Table(title="Stability compared (Δ against the first column)", title_justify="left")
    table.add_column("metric", style="bold")
    table.add_column("side")
    for label in labels:
        table.add_column(escape(label), justify="right")
    for label in labels[1:]:
        table.add_column(escape(f"Δ {label}"), justify="right", style="cyan")
    for m in data["metrics"]:
        d = m["digits"]
        cells = [_cell(v, d) for v in m["values"]]
        cells += [_cell(v, d, signed=True) for v in m["difference"][1:]]
        table.add_row(escape(m["metric"]), m["side"] or "", *cells)
    console.print(table)


# --------------------------------------------------------------------------- arms race
def arms_race(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    rounds: Annotated[
        int, typer.Option("--rounds", "-n", min=0, max=200, help="Most rounds of action and reaction.")
    ] = 20,
    framework: FrameworkOpt = None,
    production: Annotated[
        float | None,
        typer.Option(
            "--production",
            min=0,
            help="New launchers a side can build per round (default: as many as it deploys).",
        ),
    ] = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Action–reaction: each side adds the least force that meets its requirement."""
    from security_equation.model.race import arms_race_section

    sc = load(scenario, override, set_)
    fw = framework if framework is not None else sc.framework
    data = arms_race_section(sc, framework=fw, rounds=rounds, production=production)
    if output_format is OutputFormat.json:
        print_json({"scenario": sc.name, **data})
        return
    render_arms_race(data, sc.name)


def render_arms_race(data: dict, name: str = "", out: Console | None = None) -> None:
    """Print an ``arms_race_section`` dict (also usable from ``present.render``)."""
    out = out or console
    table = Table(
        title=f"Action–reaction {name} (framework: {data.get('framework') or 'none'})", title_justify="left"
    )
    for col in (
        "round",
        "side",
        "warheads",
        "launchers",
        "arriving",
        "required",
        "r",
        "FSI",
        "adds",
        "stopped by",
    ):
        table.add_column(col, justify="left" if col in ("side", "stopped by") else "right")
    for entry in data["path"]:
        for i, (side, v) in enumerate(entry["sides"].items()):
            table.add_row(
                str(entry["round"]) if i == 0 else "",
                side,
                fmt(v["deployed_warheads"]),
                fmt(v["deployed_launchers"]),
                fmt(v["arriving"]),
                fmt(v.get("required")),
                fmt(v["r"], 3),
                fmt(entry["fsi"], 3) if i == 0 else "",
                fmt(v["added_warheads"]) if v["added_warheads"] else "—",
                v.get("stopped_by") or "",
            )
    out.print(table)
    outcome = data["outcome"]
    style = {"settles": "green", "race to limits": "yellow", "runs away": "red"}.get(outcome, "")
    out.print(f"Outcome: [bold {style}]{outcome}[/bold {style}] after {data['rounds']} round(s)")
    for side, what in (data.get("capped") or {}).items():
        label = (data.get("limits", {}).get(side, {}).get("labels") or {}).get(what, what)
        out.print(f"  {side} is stopped by {label} while short of its requirement")
    for key, where in (("linearised", "at the start"), ("linearised_end", "at the end")):
        lin = data.get(key)
        if not lin:
            continue
        rho = lin.get("rho", {})
        parts = ", ".join(f"ρ_{s} = {fmt(v, 3) if v is not None else '—'}" for s, v in rho.items())
        verdict = "stable" if lin.get("stable") else "unstable"
        out.print(
            f"Linearised reactions {where} (warheads a side adds per warhead the other "
            f"adds): {parts}; ρ·ρ = {fmt(lin.get('product'), 3)} → {verdict} "
            f"(Richardson m·n > a·b with m = n = 1)"
        )
    for note in data.get("notes") or []:
        out.print(f"[dim]note: {note}[/dim]")


# --------------------------------------------------------------------------- drivers
def drivers(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    step: Annotated[
        float,
        typer.Option("--step", help="Units added per perturbation (> 0; effects are reported per unit)."),
    ] = 10.0,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows to show.")] = 20,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Main drivers: change in r and FSI per launcher, warhead of upload or interceptor."""
    from security_equation.model.race import drivers_section

    if not step > 0:
        raise InputError.single(f"must be > 0, got {step:g}", path="--step")
    sc = load(scenario, override, set_)
    data = drivers_section(sc, step=step, top=top)
    if output_format is OutputFormat.json:
        print_json({"scenario": sc.name, **data})
        return
    render_drivers(data, sc.name)


def render_drivers(data: dict, name: str = "", out: Console | None = None) -> None:
    """Print a ``drivers_section`` dict (also usable from ``present.render``)."""
    out = out or console
    rows = data["drivers"]
    sides = [k.removeprefix("d_r_") for k in (rows[0] if rows else {}) if k.startswith("d_r_")]
    table = Table(
        title=f"Main drivers of first-strike stability {name} "
        f"(change per unit added; secant over {fmt(data['step'], 1)} units)",
        title_justify="left",
    )
    for col in (
        "side",
        "item",
        "action",
        "d FSI",
        *(f"d r {s}" for s in sides),
        *(f"d arriving {s}" for s in sides),
    ):
        table.add_column(col, justify="left" if col in ("side", "item", "action") else "right")
    for row in rows:
        table.add_row(
            row["side"],
            row["item"],
            row["action"],
            _sci(row["d_fsi"]),
            *(_sci(row[f"d_r_{s}"]) for s in sides),
            *(fmt(row[f"d_arriving_{s}"], 3) for s in sides),
        )
    out.print(table)
    base = data.get("base") or {}
    if "fsi" in base:
        out.print(
            f"Base FSI {fmt(base['fsi'], 3)}; "
            + ", ".join(f"r_{s} {fmt(base.get(f'r_{s}'), 3)}" for s in sides)
        )


def _sci(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.2e}" if value else "0"


# --------------------------------------------------------------------------- wiring
def register(app: typer.Typer) -> None:
    """Add `compare`, `arms-race` and `drivers` to the `seceq` app (idempotent)."""
    have = {c.name for c in app.registered_commands}
    for name, func in (("compare", compare), ("arms-race", arms_race), ("drivers", drivers)):
        if name not in have:
            app.command(name)(func)
