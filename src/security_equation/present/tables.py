"""Plain-data views of evaluations shared by the command line, the HTML report and the
web API, and :func:`number`, how every number is written for people.

No I/O: dicts and lists in, dicts and lists (or text) out.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from security_equation.io.jsonable import json_safe

#: Headline metrics per side: (key in ``Evaluation.to_dict()["sides"][side]``, label, digits).
SIDE_METRICS: tuple[tuple[str, str, int], ...] = (
    ("r", "break-even probability r = min(1, C1/C2)", 3),
    ("c1_over_c2", "C1/C2 (uncapped)", 3),
    ("c1", "cost when striking first (C1)", 3),
    ("c2", "cost when struck first (C2)", 3),
    ("surviving_warheads", "warheads surviving a first strike", 0),
    ("retaliating_warheads", "warheads retaliating (after holdback)", 0),
    ("arriving_warheads", "retaliatory warheads arriving", 0),
    ("share_destroyed", "share of warheads a first strike destroys", 3),
)
#: Digits each per-side metric is shown with.
DIGITS: dict[str, int] = {key: digits for key, _, digits in SIDE_METRICS}
#: Rows of one first strike: (field of the strike dict, label, digits).
STRIKE_ROWS: tuple[tuple[str, str, int], ...] = (
    ("attacker_weapons", "attacker's weapons available", 0),
    ("counterforce_spent", "spent on counterforce", 0),
    ("victim_warheads", "victim's deployed warheads", 0),
    ("destroyed", "victim's warheads destroyed", 0),
    ("share_destroyed", "share destroyed", 3),
    ("spent_per_destroyed", "spent per warhead destroyed", 2),
    ("victim_survivors", "victim's survivors", 0),
    ("victim_retaliating", "retaliating (after holdback)", 0),
    ("arriving_retaliation", "retaliation arriving", 0),
    ("attacker_value_warheads", "attacker's warheads on value (reliable)", 0),
    ("arriving_first_strike", "first strike arriving on value", 0),
    ("damage_attacker", "damage to attacker (share of value)", 3),
    ("damage_victim", "damage to victim (share of value)", 3),
    ("cost_attacker", "attacker's cost (C1)", 3),
    ("cost_victim", "victim's cost (C2)", 3),
)


def number(value: Any, digits: int = 0, *, signed: bool = False) -> str:
    """A value as people read it: thousands separators and ``digits`` decimals, ``—`` for
    a missing or non-finite number, yes/no for a truth value, anything else as text.
    ``signed`` puts a ``+`` before positive numbers (differences)."""
    if value is None:
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            return "—"
        text = f"{value:,.{digits}f}"
        return "+" + text if signed and value > 0 else text
    return str(value)


def ratio_text(side: Mapping) -> str:
    """A side's uncapped ``C1/C2`` (``Evaluation.to_dict()["sides"][side]``) as people read
    it: 3 decimals, ``∞`` when ``C2 = 0 < C1`` (JSON ``null`` with ``c1_over_c2_note``;
    docs/model.md "Stability")."""
    if side.get("c1_over_c2") is None and side.get("c1_over_c2_note"):
        return "∞"
    return number(side.get("c1_over_c2"), 3)


def pair_matrix(data: Mapping) -> dict | None:
    """The pairwise view of ``Evaluation.to_dict()`` of a scenario with more than two
    sides (None for two): ``sides`` and ``labels`` in file order; ``rows``, one per side,
    each with one cell per adversary (``None`` on the diagonal) holding ``r``,
    ``c1_over_c2`` (``None`` and a note when infinite) and the warheads; and ``fsi``, one
    entry per unordered pair ``{"pair", "a", "b", "fsi"}``; ``fsi_pair`` the least stable
    pair, the one the headline FSI reports."""
    pairs = data.get("pairs")
    if not pairs:
        return None
    sides = list(data.get("sides") or {})
    labels = {n: (data["sides"][n] or {}).get("label") or n for n in sides}
    cells = {(p["side"], p["adversary"]): p for p in pairs}
    allied = allied_pairs(data)
    rows = [
        {
            "side": s,
            "label": labels[s],
            "binding_adversary": (data["sides"][s] or {}).get("binding_adversary"),
            "cells": [
                None if s == a else {**(cells.get((s, a)) or {}), "allied": frozenset((s, a)) in allied}
                for a in sides
            ],
        }
        for s in sides
    ]
    fsi = []
    for key, value in (data.get("fsi_pairs") or {}).items():
        a, _, b = key.partition(",")
        fsi.append({"pair": key, "a": a, "b": b, "fsi": value, "allied": frozenset((a, b)) in allied})
    return {
        "sides": sides,
        "labels": [labels[s] for s in sides],
        "rows": rows,
        "fsi": fsi,
        "fsi_pair": data.get("fsi_pair"),
        "allies": sorted(tuple(sorted(p, key=sides.index)) for p in allied),
    }


def allied_pairs(data: Mapping) -> set[frozenset[str]]:
    """Pairs of allied sides of ``Evaluation.to_dict()`` (more than two sides): sides in
    one coalition (``coalitions``), and sides one of which is committed to the other,
    read from the two-peer question (a side's ``adversaries`` are every other side but its
    allies) or from a side's ``allies`` where the dict gives them."""
    sides = list(data.get("sides") or {})
    out: set[frozenset[str]] = set()
    for members in (data.get("coalitions") or {}).values():
        out |= {frozenset((a, b)) for a in members for b in members if a != b}
    for name, side in (data.get("sides") or {}).items():
        out |= {frozenset((name, b)) for b in (side or {}).get("allies") or () if b != name}
    for name, entry in (data.get("two_peer") or {}).items():
        adversaries = set(entry.get("adversaries") or ())
        out |= {frozenset((name, b)) for b in sides if b != name and b not in adversaries}
    return out


def _side_label(data: Mapping, name: str) -> str:
    return ((data.get("sides") or {}).get(name) or {}).get("label") or name


def party_label(data: Mapping, name: str, members: Sequence[str] | None = None) -> str:
    """A party (a side, a declared coalition or sides together) as people read it:
    ``United States``, ``nato (United States, United Kingdom, France)``, ``Russia + China``."""
    coalitions = data.get("coalitions") or {}
    if name in (data.get("sides") or {}) and (members is None or list(members) == [name]):
        return _side_label(data, name)
    if name in coalitions:
        return f"{name} ({', '.join(_side_label(data, m) for m in coalitions[name])})"
    members = list(members) if members is not None else name.split("+")
    return " + ".join(_side_label(data, m) for m in members)


def _ratio(ratio: Any, c1: Any, c2: Any) -> str:
    """An uncapped C1/C2 of a coalition case: ``∞`` where it is null with C2 = 0 < C1."""
    if ratio is None and isinstance(c1, numbers.Real) and c1 > 0 and c2 == 0:
        return "∞"
    return number(ratio, 3)


def coalition_rows(data: Mapping) -> list[dict]:
    """The coalition cases of ``Evaluation.to_dict()`` (``coalition_pairs``: each declared
    coalition against each side outside it and each other coalition), one row per case:
    ``parties`` (names), ``labels`` (with members), ``members``, each party's ``r``,
    ``c1``, ``c2``, ``c1_over_c2`` and its text ``ratio_text`` (``∞`` when infinite),
    ``fsi`` and the arriving retaliation ``arriving`` of each party when struck first by
    the other. Empty without coalitions."""
    rows = []
    for case in data.get("coalition_pairs") or []:
        parties = list(case["parties"])
        members = case.get("members") or {}
        strikes = case.get("strikes") or {}
        arriving = {}
        for a, v in (parties, parties[::-1]):
            strike = strikes.get(f"{a}_strikes_{v}") or {}
            arriving[v] = strike.get("arriving_retaliation")
        rows.append(
            {
                "parties": parties,
                "members": {p: list(members.get(p) or [p]) for p in parties},
                "labels": [party_label(data, p, members.get(p)) for p in parties],
                "r": [case["r"].get(p) for p in parties],
                "c1": [case["c1"].get(p) for p in parties],
                "c2": [case["c2"].get(p) for p in parties],
                "c1_over_c2": [case["c1_over_c2"].get(p) for p in parties],
                "ratio_text": [
                    _ratio(case["c1_over_c2"].get(p), case["c1"].get(p), case["c2"].get(p)) for p in parties
                ],
                "arriving": [arriving.get(p) for p in parties],
                "fsi": case.get("fsi"),
            }
        )
    return rows


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _case_status(case: Mapping) -> str:
    """Whether a two-peer case meets every requirement, in words: ``met, 158 to spare``,
    ``short by 363``, or ``never met`` when nothing reliable survives."""
    if case.get("meets_all"):
        spare = max(float(case["surviving_warheads"]) - float(case.get("needed_total") or 0.0), 0.0)
        return f"met, {number(spare)} to spare"
    if case.get("short_warheads") is None:
        return "never met: no reliable warhead survives"
    return f"short by {number(case['short_warheads'])}"


def two_peer_view(data: Mapping) -> list[dict]:
    """The two-peer question of ``Evaluation.to_dict()`` (``two_peer``), one entry per side
    with a requirement: ``side``, ``label``, ``requirement`` (warheads that must arrive on
    each adversary), ``adversaries`` and their ``adversary_labels``, and ``rows``, one per
    first strike absorbed (each adversary alone, each coalition of its adversaries, all of
    them together): ``attackers``, ``label``, ``struck_by`` (the label as a row heading),
    ``joint``, ``survivors``, ``needed`` (one per
    adversary, ``None`` = no number will do), ``needed_total``, ``meets_all``, ``short``,
    ``spare`` and ``status`` (in words); ``worst``, the index of the row furthest from
    meeting every requirement, ``met`` (rows met) and ``verdict``, the worst row in one
    sentence. Empty for two sides."""
    out = []
    for side, entry in (data.get("two_peer") or {}).items():
        adversaries = list(entry.get("adversaries") or [])
        required = entry.get("requirement_arriving_warheads")
        rows = []
        for case in entry.get("cases") or []:
            members = list(case.get("members") or [case["attackers"]])
            survivors = float(case["surviving_warheads"])
            total = case.get("needed_total")
            who = party_label(data, case["attackers"], members)
            joint = len(members) > 1
            rows.append(
                {
                    "attackers": case["attackers"],
                    "members": members,
                    "label": who,
                    # The row's heading: sides that are no declared coalition strike "together".
                    "struck_by": who + (" together" if joint and "+" in case["attackers"] else ""),
                    "joint": joint,
                    "survivors": survivors,
                    "needed": [(case.get("needed_warheads") or {}).get(a) for a in adversaries],
                    "needed_total": total,
                    "meets_all": bool(case.get("meets_all")),
                    "short": case.get("short_warheads"),
                    "spare": max(survivors - float(total), 0.0)
                    if case.get("meets_all") and total is not None
                    else None,
                    "status": _case_status(case),
                }
            )

        def badness(row: dict) -> float:
            if row["meets_all"]:
                return -(row["spare"] or 0.0)
            return math.inf if row["short"] is None else float(row["short"])

        worst = max(range(len(rows)), key=lambda i: (badness(rows[i]), i)) if rows else None
        label = _side_label(data, side)
        names = [_side_label(data, a) for a in adversaries]
        verdict = ""
        if worst is not None:
            row = rows[worst]
            by = (
                f"a joint first strike by {row['label']}"
                if row["joint"]
                else f"a first strike by {row['label']}"
            )
            on = f"each of {_and(names)}" if len(names) > 1 else _and(names)
            needs = (
                "cannot deliver it with any number of warheads"
                if row["needed_total"] is None
                else f"needs {number(row['needed_total'])}"
            )
            verdict = (
                f"After {by}, {label} keeps {number(row['survivors'])} warheads and {needs} to deliver "
                f"{number(required)} on {on}: {row['status']}"
                f" (the worst of {len(rows)} cases; met in {sum(r['meets_all'] for r in rows)} of them)."
            )
        out.append(
            {
                "side": side,
                "label": label,
                "requirement": required,
                "adversaries": adversaries,
                "adversary_labels": names,
                "rows": rows,
                "worst": worst,
                "met": sum(r["meets_all"] for r in rows),
                "verdict": verdict,
            }
        )
    return out


def matrix_cell_text(cell: Mapping | None) -> str:
    """One cell of the r matrix as people read it: ``0.840 (0.840)``, r with the uncapped
    C1/C2 in brackets; ``—`` on the diagonal."""
    if not cell:
        return "—"
    return f"{number(cell.get('r'), 3)} ({ratio_text(cell)})"


def metric_digits(name: str) -> int:
    """Digits a metric of the standard set (``analysis.metrics``) is shown with (also a
    pair's, ``us.arriving_warheads[china]``)."""
    if name.endswith("]") and "[" in name:
        name = name[: name.rindex("[")]
    return 0 if name.endswith("warheads") else 3


def headline(data: Mapping) -> dict:
    """FSI, its posture variants and the per-side metrics of ``Evaluation.to_dict()``."""
    sides = {}
    for name, side in (data.get("sides") or {}).items():
        sides[name] = {"label": side.get("label", name), **{key: side.get(key) for key, _, _ in SIDE_METRICS}}
        if side.get("c1_over_c2_note"):  # why the ratio is None (infinite)
            sides[name]["c1_over_c2_note"] = side["c1_over_c2_note"]
    out = {
        "fsi": data.get("fsi"),
        "fsi_variants": dict(data.get("fsi_variants") or {}),
        "schelling": data.get("schelling"),
        "sides": sides,
    }
    if data.get("pairs"):  # more than two sides: the pairwise numbers too
        for name, side in (data.get("sides") or {}).items():
            sides[name]["binding_adversary"] = side.get("binding_adversary")
        out["fsi_pair"] = data.get("fsi_pair")
        out["fsi_pairs"] = dict(data.get("fsi_pairs") or {})
        out["pairs"] = [dict(p) for p in data["pairs"]]
    return out


def metric_rows(data: Mapping) -> list[dict]:
    """One evaluation's comparable numbers: ``{"key", "metric", "side", "value", "digits"}``."""
    rows = [{"key": "fsi", "metric": "FSI = r_A · r_B", "side": None, "value": data.get("fsi"), "digits": 3}]
    for variant, value in (data.get("fsi_variants") or {}).items():
        rows.append(
            {
                "key": f"fsi[{variant}]",
                "metric": f"FSI, both sides {variant.replace('_', ' ')}",
                "side": None,
                "value": value,
                "digits": 3,
            }
        )
    if "schelling" in data:
        rows.append(
            {
                "key": "schelling",
                "metric": "Schelling measure (D1 − D2)(d1 − d2)",
                "side": None,
                "value": data.get("schelling"),
                "digits": 3,
            }
        )
    for side, values in (data.get("sides") or {}).items():
        for key, label, digits in SIDE_METRICS:
            rows.append(
                {
                    "key": f"{side}.{key}",
                    "metric": label,
                    "side": side,
                    "value": values.get(key),
                    "digits": digits,
                }
            )
    # More than two sides: every pair's FSI and every ordered pair's r.
    for pair, value in (data.get("fsi_pairs") or {}).items():
        rows.append(
            {"key": f"fsi[{pair}]", "metric": f"FSI of {pair}", "side": None, "value": value, "digits": 3}
        )
    for p in data.get("pairs") or []:
        rows.append(
            {
                "key": f"{p['side']}.r[{p['adversary']}]",
                "metric": f"r against {p['adversary']}",
                "side": p["side"],
                "value": p.get("r"),
                "digits": 3,
            }
        )
    treaty = data.get("treaty")
    if isinstance(treaty, Mapping):
        rows.append(
            {
                "key": "treaty.compliant",
                "metric": "treaty: all sides compliant",
                "side": None,
                "value": treaty.get("compliant"),
                "digits": 0,
            }
        )
        for side, info in (treaty.get("sides") or {}).items():
            for lim in info.get("limits") or []:
                rows.append(
                    {
                        "key": f"{side}.treaty.{lim.get('name')}.headroom",
                        "metric": f"treaty headroom: {lim.get('label') or lim.get('name')}",
                        "side": side,
                        "value": lim.get("headroom"),
                        "digits": 0,
                    }
                )
    return rows


def line_up(columns: Iterable[Iterable[Mapping]]) -> list[dict]:
    """Rows of several columns matched by their ``key``, in order of first appearance:
    each row's ``values`` (one per column, ``None`` where a column lacks it) and their
    ``difference`` *this column minus the first* (``values[i] − values[0]``, so a column
    whose value is lower than the first's has a negative difference; ``None`` where either
    is not a number; see :func:`difference_labels`).
    Every other entry of a row is taken from the first column that has it."""
    columns = [list(c) for c in columns]
    rows: dict[Any, dict] = {}
    for c, column in enumerate(columns):
        for row in column:
            key = row["key"]
            if key not in rows:
                rows[key] = {k: v for k, v in row.items() if k != "value"}
                rows[key]["values"] = [None] * len(columns)
            rows[key]["values"][c] = row["value"]
    for row in rows.values():
        first = row["values"][0]
        row["difference"] = [
            v - first
            if all(isinstance(x, int | float) and not isinstance(x, bool) for x in (v, first))
            else None
            for v in row["values"]
        ]
    return list(rows.values())


def difference_labels(labels: Sequence[str]) -> list[str]:
    """What each difference of :func:`line_up` is, as people read it: ``"B − A"`` for
    every column ``B`` after the first, ``A`` (one per column but the first)."""
    labels = [str(label) for label in labels]
    return [f"{label} − {labels[0]}" for label in labels[1:]] if labels else []


def comparison(columns: Sequence[tuple[str, Mapping]]) -> dict:
    """Line up evaluations (``(label, Evaluation.to_dict())`` pairs): every metric with
    its value per column and its ``difference`` *this column minus the first*;
    ``differences`` names them (``"B − A"``, one per column after the first)."""
    metrics = line_up(metric_rows(data) for _, data in columns)
    labels = [label for label, _ in columns]
    return {"columns": labels, "differences": difference_labels(labels), "metrics": json_safe(metrics)}


def flatten(node: Any, prefix: str = "", *, into_lists: bool = True) -> list[tuple[str, Any]]:
    """Leaves of nested dicts as ``(dotted.key, value)``. Lists of mappings are entered
    (``key.0.name``) when ``into_lists``, else kept whole like lists of scalars."""
    out: list[tuple[str, Any]] = []
    if isinstance(node, Mapping):
        for k, v in node.items():
            out += flatten(v, f"{prefix}.{k}" if prefix else str(k), into_lists=into_lists)
    elif into_lists and isinstance(node, list) and any(isinstance(v, Mapping) for v in node):
        for i, v in enumerate(node):
            out += flatten(v, f"{prefix}.{i}")
    else:
        out.append((prefix, node))
    return out
