"""`seceq` with three powers: the r matrix and the FSI per pair in the table, the pairwise
JSON, treaty, drivers, arms race, Monte Carlo names per pair, the report's matrix table
and heat map, and located errors (exit 2) for one side and a bad side name."""

from __future__ import annotations

import json

import pytest
import yaml

from security_equation.io import dump_scenario
from tests.factories import three_powers


@pytest.fixture(scope="module")
def three_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("three") / "three.yaml"
    data = yaml.safe_load(dump_scenario(three_powers()))
    # Something uncertain on the third side, for the Monte Carlo run.
    data["sides"]["c"]["systems"]["silo"]["cep_m"] = {"dist": "uniform", "low": 200, "high": 300}
    data["overrides"] = {"bigger-c": {"c.systems.silo.launchers": 60}}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_run_prints_the_r_matrix_and_the_fsi_per_pair(seceq, three_file):
    code, out, err = seceq("run", three_file)
    assert code == 0, err
    assert "against each adversary" in out and "binding adversary" in out
    assert "First-strike stability index per pair" in out
    assert "Power A – Power C  (least stable)" in out
    data = json.loads(seceq("run", three_file, "--format", "json")[1])
    cell = next(p for p in data["pairs"] if (p["side"], p["adversary"]) == ("a", "c"))
    # The matrix row of Power A holds r against C with its uncapped C1/C2 in brackets.
    row = next(line for line in out.splitlines() if line.startswith("│ Power A") and "(" in line)
    assert f"{cell['r']:.3f} ({cell['c1_over_c2']:.3f})" in row
    assert f"{data['fsi']:.3f}" in out
    # Drivers and the per-pair linearised reactions are shown too.
    assert "Main drivers" in out and "d FSI" in out
    assert "Linearised reactions at the start, pair a,b" in out


def test_set_and_treaty_work_on_the_third_side(seceq, three_file):
    code, out, err = seceq("run", three_file, "-f", "json", "--set", "c.systems.silo.launchers=60")
    assert code == 0, err
    data = json.loads(out)
    assert data["edited_values"][0]["path"] == "c.systems.silo.launchers"
    by_override = json.loads(seceq("run", three_file, "-f", "json", "-O", "bigger-c")[1])
    assert by_override["applied_overrides"] == ["bigger-c"]
    assert by_override["fsi_pairs"] == pytest.approx(data["fsi_pairs"], abs=1e-12)
    code, out, err = seceq("treaty", three_file, "--format", "json")
    assert code == 0, err
    treaty = json.loads(out)
    assert set(treaty["sides"]) == {"a", "b", "c"}
    # New START's limits apply per side: C's deployed warheads are counted on their own.
    counted = {lim["name"]: lim["counted"] for lim in treaty["sides"]["c"]["limits"]}
    assert counted["deployed_warheads"] == 30 + 4 * 4


def test_drivers_and_arms_race_run_for_three_sides(seceq, three_file):
    code, out, err = seceq("drivers", three_file, "--format", "json")
    assert code == 0, err
    assert "d_r_a[c]" in json.loads(out)["drivers"][0]
    code, out, err = seceq("arms-race", three_file)
    assert code == 0, err
    assert "Outcome" in out


def test_monte_carlo_names_every_pair(seceq, three_file):
    code, out, err = seceq("run", three_file, "-n", "20", "-f", "json")
    assert code == 0, err
    metrics = json.loads(out)["metrics"]
    assert {"fsi", "fsi[a,b]", "fsi[b,c]", "a.r[c]", "c.r[a]", "c.arriving_warheads[b]"} <= set(metrics)
    assert metrics["fsi"]["nominal"] == pytest.approx(
        min(metrics[k]["nominal"] for k in metrics if k.startswith("fsi["))
    )
    assert "against" not in metrics["a.r[c]"]["description"] or "c" in metrics["a.r[c]"]["description"]
    code, out, err = seceq("run", three_file, "-n", "20")
    assert code == 0, err
    assert "a.r[c]" in out  # not eaten as Rich markup


def test_report_has_the_matrix_table_and_heat_map(seceq, three_file, tmp_path):
    html = tmp_path / "three.html"
    code, _, err = seceq("report", three_file, "-o", html)
    assert code == 0, err
    text = html.read_text()
    assert 'id="pair-matrix"' in text and 'id="fsi-pairs"' in text
    assert "Break-even probability per pair of sides" in text
    assert 'id="fig-matrix"' in text or "fig-matrix" in text
    assert "binding adversary" in text


def test_one_side_and_a_bad_side_name_exit_2_with_a_location(seceq, tmp_path):
    data = yaml.safe_load(dump_scenario(three_powers()))
    one = tmp_path / "one.yaml"
    one.write_text(yaml.safe_dump({**data, "sides": {"a": data["sides"]["a"]}}, sort_keys=False))
    code, out, err = seceq("run", one)
    assert code == 2
    assert f"{one}:" in err and "sides: a scenario needs at least two sides, got 1" in err
    bad = tmp_path / "bad.yaml"
    sides = dict(data["sides"])
    sides["settings"] = sides.pop("c")
    bad.write_text(yaml.safe_dump({**data, "sides": sides}, sort_keys=False))
    code, out, err = seceq("run", bad)
    assert code == 2
    assert "'settings' may not name a side" in err and f"{bad}:" in err
