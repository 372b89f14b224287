"""`seceq compare`, `seceq arms-race`, `seceq drivers`: stability side by side, the
action–reaction model and the main drivers of the index.

Thin layer: load → compute (``model.evaluate``, ``race``) → present (Rich table or JSON).
Bad input raises ``InputError`` (exit code 2 via ``cli.main``). Wire into the app with
``register(app)``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from security_equation.analysis.metrics import SIDE_METRICS
from security_equation.cli import options
from security_equation.cli.common import console, load, parse_spec, print_json
from security_equation.cli.options import OutputFormat
from security_equation.io.errors import InputError
from security_equation.present.tables import DIGITS, difference_labels, flatten, line_up, number

__all__ = ["arms_race", "compare", "compare_data", "drivers", "parse_spec", "register"]

FrameworksOpt = options.framework_option(
    "Repeat to compare one scenario under several frameworks.", many=True
)
RaceFrameworkOpt = options.framework_option("Its limits bind the build-up; 'none' for no limits.")
#: Treaty entries `compare` shows: those whose dotted key holds one of these words.
_COMPLIANCE_WORDS = ("compl", "headroom", "excess", "within")


# --------------------------------------------------------------------------- compare
def _metrics_of(data: dict) -> list[dict]:
    """The rows `compare` shows of one evaluation's to_dict(): the pair's indices, each
    side's standard metrics (``analysis.metrics``) and the treaty's compliance entries."""
    rows = [("fsi", None, data.get("fsi"), 3)]
    for variant, value in (data.get("fsi_variants") or {}).items():
        rows.append((f"fsi[{variant}]", None, value, 3))
    if "schelling" in data:
        rows.append(("schelling", None, data.get("schelling"), 3))
    for side, values in (data.get("sides") or {}).items():
        for key in SIDE_METRICS:
            rows.append((key, side, values.get(key), DIGITS[key]))
    # More than two sides: every pair's FSI and each side's r against each adversary.
    for pair, value in (data.get("fsi_pairs") or {}).items():
        rows.append((f"fsi[{pair}]", None, value, 3))
    for p in data.get("pairs") or []:
        rows.append((f"r[{p['adversary']}]", p["side"], p.get("r"), 3))
    treaty = data.get("treaty")
    if isinstance(treaty, dict):
        for path, value in flatten(treaty, into_lists=False):
            scalar = value is None or isinstance(value, bool | int | float)
            if scalar and any(w in path.lower() for w in _COMPLIANCE_WORDS):
                rows.append((f"treaty.{path}", None, value, 0))
    return [
        {"key": (metric, side), "metric": metric, "side": side, "value": value, "digits": digits}
        for metric, side, value, digits in rows
    ]


def compare_data(
    specs: list[str],
    frameworks: list[str] | None = None,
    overrides: list[str] | None = None,
    set_values: list[str] | None = None,
) -> dict:
    """Evaluate every scenario (× framework) and line the metrics up, with each column's
    ``difference`` *this column minus the first*, named in ``differences`` (``"B − A"``)."""
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
    keep = ("metric", "side", "values", "difference", "digits")
    metrics = [{k: row[k] for k in keep} for row in line_up(results)]
    labels = [c["label"] for c in columns]
    return {"columns": columns, "differences": difference_labels(labels), "metrics": metrics}


def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(help="Scenarios: a bundled name, a YAML/TOML file, or NAME:OVERRIDE[,OVERRIDE…]."),
    ],
    framework: FrameworksOpt = None,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
    output_format: options.FormatOpt = OutputFormat.table,
) -> None:
    """Compare scenarios (or one scenario under several frameworks) side by side."""
    data = compare_data(scenarios, framework, override, set_)
    if output_format is OutputFormat.json:
        print_json(
            {
                "columns": data["columns"],
                "differences": data["differences"],
                "metrics": [{k: v for k, v in m.items() if k != "digits"} for m in data["metrics"]],
            }
        )
        return
    labels = [c["label"] for c in data["columns"]]
    table = Table(
        title=f"Stability compared (Δ = column − {escape(labels[0])}: negative where lower)",
        title_justify="left",
    )
    table.add_column("metric", style="bold")
    table.add_column("side")
    for label in labels:
        table.add_column(escape(label), justify="right", overflow="fold")
    for difference in data["differences"]:
        # Folded, not cut: the header must keep both names of "Δ = B − A".
        table.add_column(escape(f"Δ = {difference}"), justify="right", style="cyan", overflow="fold")
    for m in data["metrics"]:
        d = m["digits"]
        cells = [number(v, d) for v in m["values"]]
        cells += [number(v, d, signed=True) for v in m["difference"][1:]]
        table.add_row(escape(m["metric"]), m["side"] or "", *cells)
    console.print(table)


def _show(name: str, section, output_format: OutputFormat, render) -> None:
    """A section of one scenario as JSON (with the scenario's name) or as Rich tables."""
    data = section.to_dict()
    if output_format is OutputFormat.json:
        print_json({"scenario": name, **data})
    else:
        render(data, name)


# --------------------------------------------------------------------------- arms race
def arms_race(
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    rounds: Annotated[
        int, typer.Option("--rounds", "-n", min=0, max=200, help="Most rounds of action and reaction.")
    ] = 20,
    framework: RaceFrameworkOpt = None,
    production: Annotated[
        float | None,
        typer.Option(
            "--production",
            min=0,
            help="New launchers a side can build per round (default: as many as it deploys).",
        ),
    ] = None,
    limits_in_force: Annotated[
        bool,
        typer.Option(
            "--limits-in-force",
            help="Apply the framework's limits even when it has expired (or does not bind yet)"
            " on the scenario's date (default: such a framework sets no limits).",
        ),
    ] = False,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
    output_format: options.FormatOpt = OutputFormat.table,
) -> None:
    """Action–reaction: each side adds the least force that meets its requirement.

    The framework's limits bind only if it is in force on the scenario's `date` (today's
    date when the scenario gives none); `--limits-in-force` applies them all the same."""
    from security_equation.model.race import arms_race_section

    sc = load(scenario, override, set_)
    fw = framework if framework is not None else sc.framework
    _show(
        sc.name,
        arms_race_section(
            sc, framework=fw, rounds=rounds, production=production, limits_in_force=limits_in_force
        ),
        output_format,
        render_arms_race,
    )


def render_arms_race(data: dict, name: str = "", out: Console | None = None) -> None:
    """Print an ``arms_race_section`` dict (also usable from ``present.render``)."""
    out = out or console
    framework = data.get("framework") or "none"
    status = data.get("framework_status")
    if status and status != "in force":  # expired or not yet binding on the scenario's date
        applied = "limits applied all the same" if data.get("limits_applied") else "no limits"
        framework += f", {status.split(' — ')[0]}: {applied}"
    table = Table(title=f"Action–reaction {name} (framework: {escape(framework)})", title_justify="left")
    for col in (
        "round",
        "side",
        "warheads",
        "launchers",
        "arriving",
        "required",
        "prompt warheads",
        "coverage needs",
        "r",
        "FSI",
        "adds",
        "short of / stopped by",
    ):
        table.add_column(col, justify="left" if col in ("side", "short of / stopped by") else "right")
    for entry in data["path"]:
        for i, (side, v) in enumerate(entry["sides"].items()):
            why = ", ".join(v.get("short_of") or [])
            if v.get("stopped_by"):
                why += f"; stopped by {v['stopped_by']}"
            table.add_row(
                str(entry["round"]) if i == 0 else "",
                side,
                number(v["deployed_warheads"]),
                number(v["deployed_launchers"]),
                number(v["arriving"]),
                number(v.get("required")),
                number(v.get("counterforce_warheads")),
                number(v.get("counterforce_required")) if v.get("counterforce_required") else "—",
                number(v["r"], 3),
                number(entry["fsi"], 3) if i == 0 else "",
                number(v["added_warheads"]) if v["added_warheads"] else "—",
                why,
            )
    out.print(table)
    outcome = data["outcome"]
    style = "green" if outcome == "settles" else "red" if outcome == "runs away" else "yellow"
    out.print(f"Outcome: [bold {style}]{outcome}[/bold {style}] after {data['rounds']} round(s)")
    for side, what in (data.get("capped") or {}).items():
        label = (data.get("limits", {}).get(side, {}).get("labels") or {}).get(what, what)
        out.print(f"  {side} is stopped by {escape(label)} while short of its requirements")
    for key, where in (("linearised", "at the start"), ("linearised_end", "at the end")):
        lin = data.get(key)
        if not lin:
            continue
        if "sides" in lin:
            _print_linearised(lin, where, out)
        else:  # more than two sides: one linearisation per pair, keyed "a,b"
            for pair, entry in lin.items():
                if isinstance(entry, dict) and "sides" in entry:
                    _print_linearised(entry, f"{where}, pair {pair}", out)
    for note in data.get("notes") or []:
        out.print(f"[dim]note: {note}[/dim]")


def _print_linearised(lin: dict, where: str, out: Console) -> None:
    rho = lin.get("rho", {})
    parts = ", ".join(f"ρ_{s} = {number(v, 3) if v is not None else '—'}" for s, v in rho.items())
    verdict = "stable" if lin.get("stable") else "unstable"
    out.print(
        f"Linearised reactions {escape(where)} (warheads a side adds per warhead the other adds, "
        f"slopes of the reaction functions): {escape(parts)}; ρ·ρ = {number(lin.get('product'), 3)} → "
        f"{verdict} (Richardson m·n > a·b with m = n = 1)"
    )
    for side in lin["sides"].values():
        out.print(f"  {escape(side['explanation'])}")
    out.print(f"  {escape(lin['linear_end']['note'])}; {escape(lin['equilibrium']['note'])}")


# --------------------------------------------------------------------------- drivers
def drivers(
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    step: Annotated[
        float,
        typer.Option("--step", help="Units added per perturbation (> 0; effects are reported per unit)."),
    ] = 10.0,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows to show.")] = 20,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
    output_format: options.FormatOpt = OutputFormat.table,
) -> None:
    """Main drivers: change in r and FSI per launcher, warhead of upload or interceptor."""
    from security_equation.model.race import drivers_section

    if not step > 0:
        raise InputError.single(f"must be > 0, got {step:g}", path="--step")
    sc = load(scenario, override, set_)
    _show(sc.name, drivers_section(sc, step=step, top=top), output_format, render_drivers)


def render_drivers(data: dict, name: str = "", out: Console | None = None) -> None:
    """Print a ``drivers_section`` dict (also usable from ``present.render``)."""
    out = out or console
    rows = data["drivers"]
    if rows and "d_fsi" not in rows[0]:
        _render_drivers_pairs(data, name, out)
        return
    sides = [k.removeprefix("d_r_") for k in (rows[0] if rows else {}) if k.startswith("d_r_")]
    table = Table(
        title=f"Main drivers of first-strike stability {name} "
        f"(change per unit added; secant over {number(data['step'], 1)} units)",
        title_justify="left",
    )
    for col in (
        "side",
        "item",
        "action",
        "d FSI",
        *(col for s in sides for col in (f"d r {s}", f"d C1/C2 {s}")),
        *(f"d arriving {s}" for s in sides),
    ):
        # Neither names nor numbers are cut (numbers fold on a narrow terminal).
        names = col in ("side", "item", "action")
        table.add_column(col, justify="left" if names else "right", no_wrap=names, overflow="fold")
    for row in rows:
        table.add_row(
            row["side"],
            row["item"],
            row["action"],
            _sci(row["d_fsi"]),
            # Each r with the uncapped ratio behind it (docs/model.md "Stability"), which
            # moves where r = 1 cannot.
            *(_sci(row[key]) for s in sides for key in (f"d_r_{s}", f"d_c1_over_c2_{s}")),
            *(number(row[f"d_arriving_{s}"], 3) for s in sides),
        )
    out.print(table)
    base = data.get("base") or {}
    if "fsi" in base:
        out.print(
            f"Base FSI {number(base['fsi'], 3)}; "
            + ", ".join(
                f"r_{s} {number(base.get(f'r_{s}'), 3)} (C1/C2 {number(base.get(f'c1_over_c2_{s}'), 3)})"
                for s in sides
            )
        )
    if rows:
        out.print(
            "A side's r can fall as its own forces grow more survivable (the enemy's first strike "
            'shifts to value): docs/model.md, "Stability".'
        )


def _render_drivers_pairs(data: dict, name: str, out: Console) -> None:
    """Drivers of a scenario with more than two sides: the change in every pair's FSI and
    in every side's r against each adversary (``d_r_<side>[<adversary>]``); the JSON also
    holds the uncapped ratios, the costs and the arriving warheads per pair."""
    rows = data["drivers"]
    first = rows[0]
    fsi_keys = [k for k in first if k.startswith("d_fsi[")]
    r_keys = [k for k in first if k.startswith("d_r_")]
    if len(fsi_keys) + len(r_keys) > WIDE_DRIVERS:
        _render_drivers_transposed(data, name, fsi_keys, r_keys, out)
        return
    table = Table(
        title=f"Main drivers of first-strike stability {name} "
        f"(change per unit added; secant over {number(data['step'], 1)} units; r of side\\[adversary])",
        title_justify="left",
    )
    for col in ("side", "item", "action"):
        table.add_column(col, no_wrap=True)
    for key in fsi_keys:
        table.add_column(escape("d FSI " + key.removeprefix("d_fsi")), justify="right", overflow="fold")
    for key in r_keys:
        table.add_column(escape("d r " + key.removeprefix("d_r_")), justify="right", overflow="fold")
    for row in rows:
        table.add_row(
            escape(str(row["side"])),
            escape(str(row["item"])),
            row["action"],
            *(_sci(row.get(k)) for k in (*fsi_keys, *r_keys)),
        )
    out.print(table)
    _print_base_fsi(data, out)


def _print_base_fsi(data: dict, out: Console) -> None:
    """The FSI of every pair before the drivers' changes (more than two sides)."""
    base = data.get("base") or {}
    pairs = [k for k in base if k.startswith("fsi[")]
    if pairs:
        out.print(
            escape("Base " + ", ".join(f"FSI{k.removeprefix('fsi')} {number(base[k], 3)}" for k in pairs))
        )


#: More changes than this per driver (four sides and more: the FSI of every pair and every
#: side's r against each adversary) are printed one per row, a column per driver.
WIDE_DRIVERS = 12
#: Drivers per table when printed one per column.
DRIVERS_PER_TABLE = 5


def _render_drivers_transposed(data: dict, name: str, fsi_keys: list, r_keys: list, out: Console) -> None:
    """The drivers of many sides with the changes as rows and the drivers as columns, a few
    drivers per table (too many changes to fit a terminal as columns)."""
    from rich import box

    rows = data["drivers"]
    for start in range(0, len(rows), DRIVERS_PER_TABLE):
        chunk = rows[start : start + DRIVERS_PER_TABLE]
        table = Table(
            title=f"Main drivers of first-strike stability {name} ({start + 1}–{start + len(chunk)} of"
            f" {len(rows)}: change per unit added, one driver per column; secant over"
            f" {number(data['step'], 1)} units; r of side\\[adversary])",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("change in", no_wrap=True)
        for k, row in enumerate(chunk, start + 1):
            header = f"{k}. {row['side']} {row['item']} ({row['action']})"
            table.add_column(escape(header), justify="right", overflow="fold")
        for key in fsi_keys:
            table.add_row(escape("FSI" + key.removeprefix("d_fsi")), *(_sci(r.get(key)) for r in chunk))
        for key in r_keys:
            table.add_row(escape("r " + key.removeprefix("d_r_")), *(_sci(r.get(key)) for r in chunk))
        out.print(table)
    _print_base_fsi(data, out)


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
