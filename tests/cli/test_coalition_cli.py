"""`seceq run` and `seceq plot` with coalitions and the two-peer question: the coalition
table, one two-peer table and verdict per side with the numbers of the JSON, allies marked
in the r matrix, `seceq plot matrix` and `seceq plot two-peer` writing PNG and SVG, and a
two-side scenario's output without any of it."""

from __future__ import annotations

import json

import pytest

from security_equation.present.tables import coalition_rows, two_peer_view


@pytest.fixture(scope="module")
def outputs(coalition_file):
    """The table and JSON output of `seceq run` on the coalition file (run once)."""
    import subprocess
    import sys
    from pathlib import Path

    seceq = Path(sys.executable).with_name("seceq")
    env = {"COLUMNS": "220", "PATH": "/usr/bin:/bin", "HOME": str(coalition_file.parent)}
    table = subprocess.run(
        [seceq, "run", coalition_file], capture_output=True, text=True, env=env, check=True
    )
    data = subprocess.run(
        [seceq, "run", coalition_file, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return table.stdout, json.loads(data.stdout)


def test_run_prints_the_coalition_table_with_the_json_numbers(outputs):
    out, data = outputs
    assert "Coalitions: members strike and are struck together" in out
    for row in coalition_rows(data):
        line = next(
            line
            for line in out.splitlines()
            if line.startswith(f"│ {row['labels'][0]}") and f"│ {row['labels'][1]} " in line
        )
        for value in (*row["r"], row["fsi"]):
            assert f"{value:.3f}" in line
        for value in row["arriving"]:
            assert f"{value:,.0f}" in line


def test_run_prints_a_two_peer_table_and_verdict_per_side(outputs):
    out, data = outputs
    views = two_peer_view(data)
    assert {v["side"] for v in views} == {"us", "russia", "china", "uk", "france"}
    for view in views:
        assert f"Two-peer question — {view['label']}:" in out
        assert view["verdict"] in " ".join(out.split())
    us = next(v for v in views if v["side"] == "us")
    assert "needed vs Russia" in out and "needed vs China" in out
    table = out[out.index("Two-peer question — United States") :]
    table = table[: table.index("After ")]
    for row in us["rows"]:
        line = next(line for line in table.splitlines() if line.startswith(f"│ {row['label']} "))
        cells = [c.strip() for c in line.strip("│").split("│")]
        assert cells[1] == f"{row['survivors']:,.0f}"
        assert cells[2:4] == [f"{n:,.0f}" for n in row["needed"]]
        assert cells[4] == f"{row['needed_total']:,.0f}"
        assert cells[5] == ("yes, " if row["meets_all"] else "no, ") + row["status"].removeprefix("met, ")
    # The verdict names the joint strike, the survivors, the need and the spare.
    case = data["two_peer"]["us"]["cases"][us["worst"]]
    assert (
        f"After a joint first strike by partners (Russia, China), United States keeps "
        f"{case['surviving_warheads']:,.0f} warheads" in " ".join(out.split())
    )


def test_run_marks_allies_and_names_the_headline_pair(outputs):
    out, data = outputs
    assert "least stable pair of adversaries" in " ".join(out.split())
    assert "United States – United Kingdom  (allies)" in out
    assert "Russia – China  (allies)" in out
    a, b = data["fsi_pair"].split(",")
    labels = {n: s["label"] for n, s in data["sides"].items()}
    assert f"{labels[a]} – {labels[b]}  (least stable)" in out
    row = next(line for line in out.splitlines() if line.startswith("│ United States ") and "—" in line)
    assert row.count(" ally") == 2  # United Kingdom and France


@pytest.mark.parametrize(
    ("kind", "suffix"), [("matrix", "png"), ("matrix", "svg"), ("two-peer", "png"), ("two-peer", "svg")]
)
def test_plot_matrix_and_two_peer_write_images(seceq, coalition_file, tmp_path, kind, suffix):
    path = tmp_path / f"{kind}.{suffix}"
    code, out, err = seceq("plot", kind, coalition_file, "-o", path)
    assert code == 0, err
    head = path.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in head or b"<?xml" in head
    assert f"{kind} figure of coalition-test" in out


def test_plot_two_peer_of_two_sides_is_an_input_error(seceq, tmp_path):
    code, out, err = seceq("plot", "two-peer", "us-russia-2023", "-o", tmp_path / "x.png")
    assert code == 2
    assert "more than two sides" in err
    assert not (tmp_path / "x.png").exists()


def test_two_side_run_has_no_coalition_or_two_peer_output(seceq):
    code, out, err = seceq("run", "us-russia-2023")
    assert code == 0, err
    for text in ("Coalitions:", "Two-peer question", " ally", "(allies)", "pair of adversaries"):
        assert text not in out
    data = json.loads(seceq("run", "us-russia-2023", "--format", "json")[1])
    assert not {"coalitions", "coalition_pairs", "two_peer", "coalition_notes"} & set(data)


def test_drivers_of_five_sides_print_one_driver_per_column(outputs):
    out, data = outputs
    drivers = out[out.index("Main drivers") :]
    assert "one driver per column" in " ".join(drivers.split())
    for pair in data["fsi_pairs"]:
        assert f"FSI[{pair}]" in drivers
    assert "r us[china]" in drivers and "…" not in drivers.split("Base FSI")[0]
