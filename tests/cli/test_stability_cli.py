"""`seceq compare`, `seceq arms-race` and `seceq drivers` through the real entry point."""

from __future__ import annotations

import json

import pytest

from security_equation.cli.stability import parse_spec
from security_equation.io import dump_scenario, load_scenario
from security_equation.io.errors import InputError

#: Aiming per tube at submarines in port (``aim_points_per_launcher`` 1, as before aim
#: points): Russia's r is capped at 1 (ratio 0.967/0.939 = 1.030); in us-russia-2023 as
#: bundled, aimed per boat, both r are below 1.
PER_TUBE = [
    "--set",
    "us.systems.trident_ii.aim_points_per_launcher=1",
    "--set",
    "russia.systems.slbm.aim_points_per_launcher=1",
]


def test_compare_json_lines_up_scenarios_with_differences(seceq):
    code, out, _ = seceq(
        "compare",
        "us-russia-2023",
        "us-russia-2023:generated,launch-under-attack",
        *PER_TUBE,
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
        for metric in (
            "r",
            "c1_over_c2",
            "c1",
            "c2",
            "surviving_warheads",
            "arriving_warheads",
            "share_destroyed",
        ):
            assert rows[(metric, side)]["values"][0] is not None
    # The uncapped ratio sits next to r: aimed per tube, Russia's r is 1.000, its ratio 1.030.
    names = [(m["metric"], m["side"]) for m in data["metrics"]]
    assert names.index(("c1_over_c2", "russia")) == names.index(("r", "russia")) + 1
    assert rows[("r", "russia")]["values"][0] == 1.0
    assert round(rows[("c1_over_c2", "russia")]["values"][0], 3) == 1.030
    assert ("fsi[generated]", None) in rows


def test_compare_names_each_difference_and_its_sign(seceq):
    # The case: the changed scenario first, the baseline compared with it. The Δ
    # column says which minus which, so +0.045 reads as "the baseline is higher".
    code, out, err = seceq("compare", "us-missile-defence-expansion", "us-russia-2023", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["differences"] == ["us-russia-2023 − us-missile-defence-expansion"]
    fsi = next(m for m in data["metrics"] if m["metric"] == "fsi")
    assert fsi["difference"][1] == pytest.approx(fsi["values"][1] - fsi["values"][0])
    assert fsi["difference"][1] > 0
    code, out, err = seceq("compare", "us-russia-2023", "us-missile-defence-expansion")
    assert code == 0, err
    assert "Δ = column − us-russia-2023" in out
    # The header may wrap over lines; joined, each column's header reads whole.
    header = [line.strip("┃").split("┃") for line in out.splitlines() if line.startswith("┃")]
    names = [" ".join(filter(None, (row[i].strip() for row in header))) for i in range(len(header[0]))]
    assert names[2:] == [
        "us-russia-2023",
        "us-missile-defence-expansion",
        "Δ = us-missile-defence-expansion − us-russia-2023",
    ]
    fsi_line = next(line for line in out.splitlines() if line.startswith("│ fsi "))
    *_, before, after, delta = (c.strip() for c in fsi_line.strip("│ ").split("│"))
    assert float(delta) < 0 and delta == f"{float(after) - float(before):.3f}"


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
    code, out, _ = seceq(
        "arms-race", "us-russia-2023", *sets, "--rounds", "10", "--framework", "none", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] in ("settles", "race to limits", "runs away")
    assert data["path"][0]["round"] == 0
    assert {"us", "russia"} == set(data["path"][0]["sides"])
    assert data["linearised"]["condition"].startswith("Richardson")
    code, out, _ = seceq("arms-race", "us-russia-2023", *sets, "--rounds", "10")
    assert code == 0
    assert "Outcome:" in out and "Linearised reactions" in out


def test_drivers_json_is_sorted_by_fsi_effect(seceq):
    # Aimed per tube (PER_TUBE), Russia's r is capped: its ratio still moves.
    code, out, _ = seceq("drivers", "us-russia-2023", "--top", "6", "--step", "5", *PER_TUBE, "-f", "json")
    assert code == 0
    data = json.loads(out)
    effects = [abs(r["d_fsi"]) for r in data["drivers"]]
    assert len(effects) == 6 and effects == sorted(effects, reverse=True)
    assert all(r["d_c1_over_c2_russia"] != 0 for r in data["drivers"])
    assert data["base"]["c1_over_c2_russia"] > 1
    code, out, _ = seceq("drivers", "us-russia-2023", *PER_TUBE)
    assert code == 0 and "Main drivers" in out and "Base FSI" in out
    assert "own forces grow more survivable" in out
    assert "d C1/C2" in out and "r_russia 1.000 (C1/C2 1.030)" in out


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


def test_run_table_shows_the_uncapped_ratio_next_to_r(seceq):
    """`seceq run`: the security equation has C1/C2 (uncapped) right after r. In the
    default both r are their ratios; aimed per tube (PER_TUBE) Russia's r is 1.000 and its
    ratio 0.967/0.939 = 1.030 (docs/model.md "Stability")."""

    def equation(*args):
        code, out, _ = seceq("run", "us-russia-2023", *args)
        assert code == 0
        lines = out.splitlines()
        (at,) = [k for k, line in enumerate(lines) if "r = min(1, C1/C2)" in line]
        assert lines[at].index("r = min(1, C1/C2)") < lines[at].index("C1/C2 (uncapped)")
        return {
            line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in lines[at + 2 : at + 5]
        }

    rows = equation()
    assert rows["United States"] == ["0.823", "0.979", "0.840", "0.840"]
    assert rows["Russia"] == ["0.959", "1.010", "0.949", "0.949"]
    assert rows["FSI = r_A · r_B"] == ["", "", "0.798", ""]
    rows = equation(*PER_TUBE)
    assert rows["United States"] == ["0.845", "0.965", "0.875", "0.875"]
    assert rows["Russia"] == ["0.967", "0.939", "1.000", "1.030"]
    assert rows["FSI = r_A · r_B"] == ["", "", "0.875", ""]
    code, out, _ = seceq("run", "us-russia-2023", "--format", "json")
    side = json.loads(out)["sides"]["russia"]
    assert list(side)[list(side).index("r") + 1] == "c1_over_c2"
    assert side["c1_over_c2"] == pytest.approx(side["c1"] / side["c2"], rel=1e-15)
