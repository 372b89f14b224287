"""`seceq compare`, `seceq arms-race` and `seceq drivers` through the real entry point."""

from __future__ import annotations

import json

import pytest

from security_equation.cli.stability import parse_spec
from security_equation.io import dump_scenario, load_scenario
from security_equation.io.errors import InputError


def test_compare_json_lines_up_scenarios_with_differences(seceq):
    code, out, _ = seceq(
        "compare",
        "us-russia-2023",
        "us-russia-2023:generated,launch-under-attack",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert [c["overrides"] for c in data["columns"]] == [[], ["generated", "launch-under-attack"]]
    rows = {(m["metric"], m["side"]): m for m in data["metrics"]}
    fsi = rows[("fsi", None)]
    assert fsi["difference"][0] == 0
    assert fsi["difference"][1] == pytest.approx(fsi["values"][1] - fsi["values"][0])
    assert fsi["values"][1] > fsi["values"][0]
    for side in ("us", "russia"):
        for metric in ("r", "c1", "c2", "surviving_warheads", "arriving_warheads", "share_destroyed"):
            assert rows[(metric, side)]["values"][0] is not None
    assert ("fsi[generated]", None) in rows


def test_compare_table_files_and_frameworks(seceq, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(dump_scenario(load_scenario("us-russia-2023", ["generated"])))
    code, out, _ = seceq("compare", "us-russia-2023", str(path))
    assert code == 0
    assert "fsi[generated]" in out and "Δ" in out and "russia" in out
    code, out, _ = seceq(
        "compare",
        "us-russia-2023",
        "--framework",
        "new-start",
        "--framework",
        "none",
        "--set",
        "us.posture.alert=generated",
        "-f",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert [c["framework"] for c in data["columns"]] == ["new-start", "none"]
    assert all(c["scenario"] == "us-russia-2023" for c in data["columns"])


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "no-such-scenario"),
        ("compare", "us-russia-2023:no-such-override"),
        ("compare", "us-russia-2023:"),
        ("arms-race", "no-such-scenario"),
        ("drivers", "no-such-scenario"),
        ("drivers", "--step", "0"),
        ("arms-race", "--set", "us.requirement.arriving_warheads=-5"),
    ],
)
def test_bad_input_exits_2_without_a_traceback(seceq, args):
    code, _, err = seceq(*args)
    assert code == 2
    assert "error" in err and "Traceback" not in err


def test_arms_race_json_and_table(seceq):
    sets = (
        "--set",
        "us.requirement.arriving_warheads=600",
        "--set",
        "russia.requirement.arriving_warheads=600",
    )
    code, out, _ = seceq("arms-race", *sets, "--rounds", "10", "--framework", "none", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] in ("settles", "race to limits", "runs away")
    assert data["path"][0]["round"] == 0
    assert {"us", "russia"} == set(data["path"][0]["sides"])
    assert data["linearised"]["condition"].startswith("Richardson")
    code, out, _ = seceq("arms-race", *sets, "--rounds", "10")
    assert code == 0
    assert "Outcome:" in out and "Linearised reactions" in out


def test_drivers_json_is_sorted_by_fsi_effect(seceq):
    code, out, _ = seceq("drivers", "--top", "6", "--step", "5", "-f", "json")
    assert code == 0
    data = json.loads(out)
    effects = [abs(r["d_fsi"]) for r in data["drivers"]]
    assert len(effects) == 6 and effects == sorted(effects, reverse=True)
    code, out, _ = seceq("drivers")
    assert code == 0 and "Main drivers" in out and "Base FSI" in out


def test_parse_spec():
    assert parse_spec("us-russia-2023") == ("us-russia-2023", [])
    assert parse_spec("x:a, b") == ("x", ["a", "b"])
    with pytest.raises(InputError):
        parse_spec(":a")
    with pytest.raises(InputError):
        parse_spec("  ")


def test_render_functions_print_sections_to_a_given_console():
    from rich.console import Console

    from security_equation.cli.stability import render_arms_race, render_drivers
    from security_equation.model.race import arms_race_section, drivers_section

    sc = load_scenario("us-russia-2023")
    out = Console(record=True, width=120)
    render_drivers(drivers_section(sc, top=3).to_dict(), sc.name, out)
    render_arms_race(arms_race_section(sc, rounds=5).to_dict(), sc.name, out)
    text = out.export_text()
    assert "Main drivers" in text and "Outcome: settles" in text
