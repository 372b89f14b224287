"""`seceq treaty …` through the real entry point (exit codes, JSON, tables, plots, errors)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from security_equation.cli.treaty import render_treaty
from security_equation.io import load_scenario
from security_equation.treaty import assess

BAD = (
    "name: bad\ntitle: Bad\nlimits:\n  x:\n    label: x\n    unit: u\n    limit: -1\n    source: s\n"
    "    rules:\n      - categories: [icbm]\n        count: deployed_launchers\n"
)


def test_default_form_prints_the_tables(seceq):
    """Without a scenario: the default, five-powers-2026."""
    code, out, err = seceq("treaty")
    assert code == 0, err
    assert "Status as of 2026-12-01 (the scenario's date)" in out
    for text in (
        "New START",
        "United States",
        "Russia",
        "China",
        "counted by system",
        "upload potential",
        "Counts after upload",
        "Framework assumptions",
        "minuteman_iii",
        "Compliant",
    ):
        assert text in out, text


def test_scenario_argument_with_and_without_check_gives_the_same_json(seceq):
    code, out1, err = seceq("treaty", "us-russia-2023", "--format", "json")
    assert code == 0, err
    code, out2, _ = seceq("treaty", "check", "us-russia-2023", "-f", "json")
    assert code == 0
    assert json.loads(out1) == json.loads(out2)
    data = json.loads(out1)
    assert data["framework"]["name"] == "new-start" and data["compliant"] is True
    assert [lim["name"] for lim in data["sides"]["us"]["limits"]] == [
        "deployed_launchers",
        "deployed_warheads",
        "total_launchers",
    ]


def test_options_before_the_scenario_and_framework_choice(seceq):
    code, out, err = seceq("treaty", "--framework", "all-warheads-cap", "-f", "json", "us-russia-2023")
    assert code == 0, err
    data = json.loads(out)
    assert data["framework"]["name"] == "all-warheads-cap"
    assert data["sides"]["russia"]["compliant"] is False
    code, out, _ = seceq(
        "treaty", "us-russia-2023", "-F", "all-warheads-cap", "--limit", "all_warheads=5000", "-f", "json"
    )
    assert json.loads(out)["compliant"] is True


def test_set_and_override_reach_the_count(seceq):
    code, out, err = seceq(
        "treaty", "us-russia-2023", "-s", "us.systems.trident_ii.launchers=300", "-f", "json"
    )
    assert code == 0, err  # non-compliance is a result, not an error
    us = json.loads(out)["sides"]["us"]
    lim = {x["name"]: x for x in us["limits"]}
    assert lim["deployed_launchers"]["counted"] == 400 + 300 + 48
    assert lim["deployed_launchers"]["headroom"] == -48 and us["compliant"] is False
    code, out, _ = seceq("treaty", "us-russia-2023", "-s", "us.systems.trident_ii.launchers=300")
    assert code == 0 and "over" in out and "NO" in out
    code, out, _ = seceq("treaty", "us-russia-2023", "-O", "generated", "-f", "json")
    assert code == 0 and json.loads(out)["compliant"] is True


def test_history_table_json_and_plots(seceq, tmp_path):
    code, out, err = seceq("treaty", "history")
    assert code == 0, err
    assert "not yet binding" in out and "2011-02-05" in out and "2023-03-01" in out
    code, out, _ = seceq("treaty", "history", "--format", "json")
    data = json.loads(out)
    assert data["binding_from"] == "2018-02-05" and len(data["rows"]) == 47
    assert {r["status"] for r in data["rows"]} == {"not yet binding", "compliant"}
    for suffix in (".png", ".svg"):
        path = tmp_path / f"plot{suffix}"
        code, _, err = seceq("treaty", "history", "-o", str(path), "-f", "json")
        assert code == 0, err
        assert path.stat().st_size > 10_000 and f"wrote {path}" in err
    code, _, err = seceq("treaty", "history", "-o", str(tmp_path / "plot.jpg"))
    assert code == 2 and ".png or .svg" in err and "Traceback" not in err
    # A saved figure is never replaced without --force (no terminal here to ask).
    saved = tmp_path / "plot.png"
    before = saved.read_bytes()
    code, _, err = seceq("treaty", "history", "-o", str(saved), "-f", "json")
    assert code == 2 and "use --force" in err and saved.read_bytes() == before
    code, _, err = seceq("treaty", "history", "-o", str(saved), "-f", "json", "--force")
    assert code == 0, err


def test_frameworks_listing(seceq):
    code, out, _ = seceq("treaty", "frameworks", "-f", "json")
    assert code == 0
    assert [r["name"] for r in json.loads(out)] == [
        "all-warheads-cap",
        "new-start",
        "new-start-extended",
        "proportional-cuts",
        "security-equation",
    ]


def test_group_help(seceq):
    code, out, _ = seceq("treaty", "--help")
    assert code == 0 and "history" in out and "check" in out and "[SCENARIO]" in out


def test_bad_framework_exits_2_with_a_located_message(seceq, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    code, out, err = seceq("treaty", "--framework", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:7 limits.x.limit: must be >= 0, got -1" in err
    assert f"{bad}:10 limits.x.rules.0.categories.0:" in " ".join(err.split())
    assert "Traceback" not in err
    code, _, err = seceq("treaty", "--framework", str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml: framework file not found" in err
    code, _, err = seceq("treaty", "--limit", "nope=3")
    assert code == 2 and "has no limit 'nope'" in err


def test_bad_framework_through_the_installed_script(tmp_path):
    script = Path(sys.executable).with_name("seceq")
    assert script.is_file(), f"the seceq entry point is not installed next to {sys.executable}"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntitle: t\nlimits: [1,\n")
    proc = subprocess.run(
        [str(script), "treaty", "--framework", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "not valid YAML" in proc.stderr and str(bad) in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_render_treaty_for_other_presenters():
    console = Console(record=True, width=160)
    render_treaty(assess(load_scenario("us-russia-2023"), "security-equation"), console)
    text = console.export_text()
    assert "Security equation" in text and "interceptors" in text and "101 over" in text


def test_framework_json_schema(seceq):
    code, out, _ = seceq("treaty", "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Framework" and "limits" in schema["properties"]
