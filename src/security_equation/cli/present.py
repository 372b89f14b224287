"""Rich tables for each section of an evaluation (the CLI's presenters)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from security_equation.model import Evaluation
from security_equation.present.tables import (
    coalition_rows,
    matrix_cell_text,
    number,
    pair_matrix,
    ratio_text,
    two_peer_view,
)


def posture_tables(evaluation: Evaluation) -> list[Table]:
    tables = []
    for side_name, side in evaluation.posture.items():
        table = Table(title=f"{side['label']} ({side_name}) — forces", title_justify="left")
        for col in (
            "system",
            "category",
            "deployed launchers",
            "non-deployed",
            "warheads/launcher",
            "deployed warheads",
            "launcher capacity (deployed)",
        ):
            table.add_column(col, justify="left" if col in ("system", "category") else "right")
        for name, row in side["systems"].items():
            category = row["category"] + ("" if row["nuclear"] else " (conv.)")
            table.add_row(
                name,
                category,
                number(row["launchers"]),
                number(row["non_deployed_launchers"]),
                number(row["warheads_per_launcher"], 2),
                number(row["deployed_warheads"]),
                number(row["warhead_capacity"]),
            )
        t = side["totals"]
        conventional = side.get("conventional_totals")
        table.add_row(
            "total nuclear" if conventional else "total",
            "",
            number(t["launchers"]),
            number(t["non_deployed_launchers"]),
            "",
            number(t["deployed_warheads"]),
            number(t["warhead_capacity"]),
            style="bold",
        )
        if conventional:
            c = conventional
            table.add_row(
                "total conventional",
                "",
                number(c["launchers"]),
                number(c["non_deployed_launchers"]),
                "",
                number(c["deployed_warheads"]),
                number(c["warhead_capacity"]),
                style="bold",
            )
        tables.append(table)
    return tables


def assumptions_table(evaluation: Evaluation, limit: int | None = None) -> Table:
    table = Table(title=f"Assumptions used ({len(evaluation.assumptions)})", title_justify="left")
    table.add_column("field")
    table.add_column("value", justify="right")
    table.add_column("reason")
    rows = evaluation.assumptions if limit is None else evaluation.assumptions[:limit]
    for a in rows:
        reason = a.note.split(":", 1)[1].strip() if ":" in a.note else a.note
        if a.edits:  # an edited figure's reason is its edit, never the old note alone
            reason = a.source
        value = str(a.value)
        for path, text in a.distributions:
            where = path.removeprefix(a.path).lstrip(".")
            value += f"\n~ {where + ': ' if where else ''}{text}"
        table.add_row(a.path, value, reason)
    return table


def edited_values_table(evaluation: Evaluation) -> Table | None:
    """Every value changed from the files (``--set``, an override, a web edit), with its
    original value and source note (docs/model.md, "Provenance of edited values")."""
    from security_equation.model.provenance import edited_values

    rows = edited_values(evaluation.scenario)
    if not rows:
        return None
    table = Table(title=f"Edited values ({len(rows)})", title_justify="left")
    for col in ("field", "value", "original value", "original source", "edited by"):
        table.add_column(col, justify="right" if "value" in col else "left")
    for row in rows:
        original = "not set" if row["original_value"] is None else str(row["original_value"])
        cells = (row["path"], str(row["value"]), original, row["original_source"] or "—", row["by"])
        table.add_row(*(Text(c) for c in cells))  # notes are text, never Rich markup
    return table


def exchange_tables(evaluation: Evaluation) -> list:
    """Who strikes, what survives, what arrives, and the security equation per side (with
    more than two sides also the r matrix, the coalitions and the two-peer question: tables
    and one-line verdicts)."""
    ex = evaluation.exchange
    labels = {n: evaluation.posture[n]["label"] for n in ex.side_names}
    strikes = Table(title="First strike and retaliation (warheads)", title_justify="left")
    strikes.add_column("")
    for attacker in ex.side_names:
        strikes.add_column(f"{labels[attacker]} strikes first", justify="right")
    rows = [
        ("attacker's weapons available", "attacker_weapons", 0),
        ("spent on counterforce", "counterforce_spent", 0),
        ("victim's deployed warheads", "victim_warheads", 0),
        ("victim's warheads destroyed", "destroyed", 0),
        ("  share destroyed", "share_destroyed", 2),
        ("  spent per warhead destroyed", "spent_per_destroyed", 2),
        ("victim's survivors", "victim_survivors", 0),
        ("retaliating (after holdback)", "victim_retaliating", 0),
        ("retaliation arriving", "arriving_retaliation", 0),
        ("attacker's warheads on value (reliable)", "attacker_value_warheads", 0),
        ("first strike arriving on value", "arriving_first_strike", 0),
        ("damage to attacker", "damage_attacker", 3),
        ("damage to victim", "damage_victim", 3),
        ("attacker's cost (C1)", "cost_attacker", 3),
        ("victim's cost (C2)", "cost_victim", 3),
    ]
    if ex.multi_party:
        return [*_strike_tables(evaluation, rows), *_multi_party_tables(evaluation)]
    for label, name, digits in rows:
        values = [getattr(ex.strike(a), name)[0] for a in ex.side_names]
        strikes.add_row(label, *(number(float(v), digits) for v in values))
    index = Table(title="Security equation (Kent & Thaler first-strike stability)", title_justify="left")
    for col in ("side", "C1 strike first", "C2 struck first", "r = min(1, C1/C2)", "C1/C2 (uncapped)"):
        index.add_column(col, justify="left" if col == "side" else "right")
    for name in ex.side_names:
        side = ex.side(name)
        index.add_row(
            labels[name], number(side["c1"], 3), number(side["c2"], 3), number(side["r"], 3), ratio_text(side)
        )
    index.add_row("FSI = r_A · r_B", "", "", number(ex.fsi(), 3), "", style="bold")
    variants = Table(title="FSI under other postures (both sides)", title_justify="left")
    variants.add_column("posture")
    variants.add_column("FSI", justify="right")
    for v in ex.variant_names:
        variants.add_row(v.replace("_", " "), number(ex.fsi(v), 3))
    return [strikes, index, variants]


def _strike_tables(evaluation: Evaluation, rows: list) -> list[Table]:
    """With more than two sides: one table of first strikes per attacker, a column per victim."""
    ex = evaluation.exchange
    labels = {n: evaluation.posture[n]["label"] for n in ex.side_names}
    tables = []
    for attacker in ex.side_names:
        victims = [v for v in ex.side_names if v != attacker]
        table = Table(
            title=f"{labels[attacker]} strikes first: first strike and retaliation (warheads)",
            title_justify="left",
        )
        table.add_column("")
        for victim in victims:
            table.add_column(f"on {labels[victim]}", justify="right")
        for label, name, digits in rows:
            values = [getattr(ex.strike(attacker, v), name)[0] for v in victims]
            table.add_row(label, *(number(float(x), digits) for x in values))
        tables.append(table)
    return tables


def matrix_tables(data: dict) -> list[Table]:
    """The r matrix (rows: side, columns: adversary, uncapped C1/C2 in brackets) and the
    FSI of every pair, from ``Evaluation.to_dict()`` of a scenario with more than two
    sides (none for two)."""
    matrix = pair_matrix(data)
    if matrix is None:
        return []
    allies = bool(matrix["allies"])
    table = Table(
        title="Break-even probability r = min(1, C1/C2) of each side (row) against each adversary"
        " (column); uncapped C1/C2 in brackets" + ("; “ally”: allied sides" if allies else ""),
        title_justify="left",
    )
    table.add_column("side \\ adversary")
    for label in matrix["labels"]:
        table.add_column(label, justify="right")
    table.add_column("binding adversary")
    labels = dict(zip(matrix["sides"], matrix["labels"], strict=True))
    for row in matrix["rows"]:
        binding = row["binding_adversary"]
        table.add_row(
            Text(row["label"]),
            *(matrix_cell_text(c) + (" ally" if c and c.get("allied") else "") for c in row["cells"]),
            Text(labels.get(binding, binding or "—")),
        )
    fsi = Table(
        title="First-strike stability index per pair (FSI = r_A · r_B); the headline FSI is that of"
        " the least stable pair of adversaries"
        + (" (pairs of allies are shown, not counted)" if allies else ""),
        title_justify="left",
    )
    fsi.add_column("pair")
    fsi.add_column("FSI", justify="right")
    for entry in matrix["fsi"]:
        least = entry["pair"] == matrix["fsi_pair"]
        note = "  (least stable)" if least else "  (allies)" if entry.get("allied") else ""
        fsi.add_row(
            Text(f"{labels[entry['a']]} – {labels[entry['b']]}" + note),
            number(entry["fsi"], 3),
            style="bold" if least else None,
        )
    return [table, fsi]


def coalition_table(data: dict) -> Table | None:
    """Each coalition case of ``Evaluation.to_dict()`` (``coalition_pairs``): the two
    parties with their members, each one's r and uncapped C1/C2, the retaliation arriving
    on each when struck first, and the pair's FSI; None without coalitions."""
    rows = coalition_rows(data)
    if not rows:
        return None
    table = Table(
        title="Coalitions: members strike and are struck together (r = min(1, C1/C2) of each party"
        " against the other; arriving: its retaliation when struck first)",
        title_justify="left",
    )
    for col in ("party A", "party B", "r A", "C1/C2 A", "arriving A", "r B", "C1/C2 B", "arriving B", "FSI"):
        table.add_column(col, justify="left" if col.startswith("party") else "right")
    for row in rows:
        table.add_row(
            Text(row["labels"][0]),
            Text(row["labels"][1]),
            number(row["r"][0], 3),
            row["ratio_text"][0],
            number(row["arriving"][0]),
            number(row["r"][1], 3),
            row["ratio_text"][1],
            number(row["arriving"][1]),
            number(row["fsi"], 3),
        )
    return table


def two_peer_tables(data: dict) -> list:
    """The two-peer question of ``Evaluation.to_dict()`` (``two_peer``): per side, a table
    of the first strikes it absorbs (rows) with its survivors, the warheads it needs against
    each adversary, in all, and whether they suffice; then its verdict in one sentence."""
    out: list = []
    for view in two_peer_view(data):
        table = Table(
            title=f"Two-peer question — {view['label']}: after absorbing each first strike, can it still"
            f" deliver {number(view['requirement'])} warheads on every adversary at once?",
            title_justify="left",
        )
        table.add_column("struck first by")
        table.add_column("survivors", justify="right")
        for label in view["adversary_labels"]:
            table.add_column(f"needed vs {label}", justify="right")
        table.add_column("needed in all", justify="right")
        table.add_column("meets all?", justify="left")
        for k, row in enumerate(view["rows"]):
            table.add_row(
                Text(row["struck_by"]),
                number(row["survivors"]),
                *(number(n) if n is not None else "∞" for n in row["needed"]),
                number(row["needed_total"]) if row["needed_total"] is not None else "∞",
                Text(("yes, " if row["meets_all"] else "no, ") + row["status"].removeprefix("met, ")),
                style="bold" if k == view["worst"] else None,
            )
        out += [table, Text(view["verdict"], style="bold")]
    notes = data.get("coalition_notes") or {}
    for case, why in notes.items():
        out.append(Text(f"not evaluated: {case}: {why}", style="yellow"))
    return out


def _multi_party_tables(evaluation: Evaluation) -> list[Table]:
    """Each side against its binding adversary, the r matrix, the FSI per pair and per
    posture variant (more than two sides)."""
    ex = evaluation.exchange
    labels = {n: evaluation.posture[n]["label"] for n in ex.side_names}
    index = Table(
        title="Security equation: each side against its binding adversary (the one whose first"
        " strike leaves it fewest arriving warheads)",
        title_justify="left",
    )
    for col in (
        "side",
        "against",
        "C1 strike first",
        "C2 struck first",
        "r = min(1, C1/C2)",
        "C1/C2 (uncapped)",
    ):
        index.add_column(col, justify="left" if col in ("side", "against") else "right")
    # The pairwise sections of the JSON (the CLI prints what `--format json` holds).
    data = evaluation.to_dict()
    for side in data["sides"].values():
        index.add_row(
            Text(side["label"]),
            Text(labels[side["binding_adversary"]]),
            number(side["c1"], 3),
            number(side["c2"], 3),
            number(side["r"], 3),
            ratio_text(side),
        )
    variants = Table(title="FSI per pair under other postures (all sides)", title_justify="left")
    variants.add_column("posture")
    pairs = ex.unordered_pairs()
    for a, b in pairs:
        variants.add_column(f"{labels[a]} – {labels[b]}", justify="right")
    for v in ex.variant_names:
        variants.add_row(v.replace("_", " "), *(number(ex.fsi(v, p), 3) for p in pairs))
    coalitions = coalition_table(data)
    return [
        index,
        *matrix_tables(data),
        variants,
        *([coalitions] if coalitions is not None else []),
        *two_peer_tables(data),
    ]


def _section_presenters() -> dict:
    """Presenter per evaluation section, in the order `seceq run` prints them."""
    from security_equation.cli.stability import render_arms_race, render_drivers
    from security_equation.cli.treaty import render_treaty

    return {
        "treaty": lambda section, out: render_treaty(section.assessment, out),
        "drivers": lambda section, out: render_drivers(section.to_dict(), out=out),
        "arms_race": lambda section, out: render_arms_race(section.to_dict(), out=out),
    }


#: Sections printed before the exchange (the rest come after it).
BEFORE_EXCHANGE = ("treaty",)


def render(evaluation: Evaluation, console: Console, *, all_assumptions: bool = True) -> None:
    s = evaluation.scenario
    console.print(
        f"[bold]Scenario[/bold] {s.name}"
        + (f"  [dim](overrides: {', '.join(s.applied_overrides)})[/dim]" if s.applied_overrides else "")
    )
    if s.description:
        console.print(s.description, style="dim", markup=False)
    edited = edited_values_table(evaluation)
    if edited is not None:
        from security_equation.model.provenance import description_note

        console.print(description_note(s), style="yellow", markup=False)
        console.print(edited)
    console.print()
    for table in posture_tables(evaluation):
        console.print(table)
    presenters = _section_presenters()

    def sections(before: bool):
        for name, section in evaluation.sections.items():
            if (name in BEFORE_EXCHANGE) == before and name in presenters:
                presenters[name](section, console)

    sections(before=True)
    if evaluation.exchange is not None:
        for table in exchange_tables(evaluation):
            console.print(table)
    sections(before=False)
    console.print(assumptions_table(evaluation))
    if evaluation.unsourced:
        console.print(
            f"[yellow]Unsourced values ({len(evaluation.unsourced)}):[/yellow] "
            + ", ".join(evaluation.unsourced)
        )
