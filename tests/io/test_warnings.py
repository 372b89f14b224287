"""Issue 11 item 9 (last bullet), issue 12: absurd but possible inputs get a warning
naming the field, not silence (docs/model.md, "Plausible ranges").

A value outside its plausible range (``schema.plausible.RANGES``) is no error: the model
runs, the CLI exits 0 and prints the warning on stderr with file, line and dotted path;
JSON output carries it under ``warnings``."""

from __future__ import annotations

import json

import pytest

from security_equation.data.sources import cited_ids
from security_equation.io import load_scenario
from security_equation.io.loading import bundled_catalogue, bundled_names
from security_equation.schema import plausible

GMD = "us.defences.gmd.interceptors"


def test_cli_warns_naming_the_path_and_exits_0(seceq):
    code, out, err = seceq("run", "us-russia-2023", "--set", f"{GMD}=1000000000")
    assert code == 0, err
    assert "warning:" in err
    assert f"--set {GMD}: 1,000,000,000 is outside the plausible range (≤ 10,000:" in err
    assert "the model runs, but check it" in err
    assert "warning" not in out  # results on stdout, warnings on stderr
    assert out.strip()


def test_json_output_carries_the_warnings(seceq):
    code, out, err = seceq("run", "us-russia-2023", "--set", f"{GMD}=1000000000", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data)[-1] == "warnings"
    (warning,) = data["warnings"]
    assert (warning["path"], warning["file"], warning["line"]) == (GMD, "--set", None)
    assert warning["message"].startswith("1,000,000,000 is outside the plausible range")
    code, out, _ = seceq("run", "us-russia-2023", "--format", "json")
    assert json.loads(out)["warnings"] == []


def test_a_file_warning_gives_its_line(seceq, tmp_path, monkeypatch):
    text = (
        "extends: us-russia-2023\n"
        "name: absurd\n"
        "sides:\n"
        "  us:\n"
        "    defences:\n"
        "      gmd:\n"
        "        interceptors: 1000000000\n"
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "absurd.yaml").write_text(text, encoding="utf-8")
    (warning,) = load_scenario("absurd.yaml").warnings
    assert (warning.file, warning.line, warning.path) == ("absurd.yaml", 7, GMD)
    code, _, err = seceq("run", "absurd.yaml")
    assert code == 0, err
    assert f"absurd.yaml:7 {GMD}: 1,000,000,000 is outside the plausible range" in err


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenarios_give_no_warnings(name):
    assert load_scenario(name).warnings == ()
    overrides = next(row["overrides"] for row in bundled_catalogue() if row["name"] == name)
    for override in overrides:
        assert load_scenario(name, [override]).warnings == (), override


def test_all_ten_bundled_scenarios_checked():
    assert len(bundled_names()) == 10


@pytest.mark.parametrize(
    ("path", "at_bound", "beyond"),
    [
        (GMD, 10_000, 10_001),
        ("us.systems.minuteman_iii.yield_kt", 25_000, 25_001),
        ("us.systems.minuteman_iii.hardness_psi", 100_000, 100_001),
        ("us.systems.minuteman_iii.cep_m", 1, 0.5),
        ("us.systems.minuteman_iii.max_warheads_per_launcher", 24, 25),
        ("us.value.w80", 10_000, 10_001),
    ],
)
def test_a_value_at_the_bound_gives_none(path, at_bound, beyond):
    assert load_scenario("us-russia-2023", set_values={path: at_bound}).warnings == ()
    (warning,) = load_scenario("us-russia-2023", set_values={path: beyond}).warnings
    assert warning.path == path


def test_cep_bound_applies_to_nuclear_systems_only():
    scenario = load_scenario("conventional-prompt-strike")
    conventional = [
        (side, name, s.cep_m)
        for side, s_ in scenario.sides.items()
        for name, s in s_.systems.items()
        if not s.nuclear
    ]
    assert conventional
    side, name, _ = conventional[0]
    path = f"{side}.systems.{name}.cep_m"
    assert load_scenario("conventional-prompt-strike", set_values={path: 0.1}).warnings == ()


def test_the_table_names_real_fields_and_gives_reasons():
    for (model, field), rule in plausible.RANGES.items():
        assert field in model.model_fields, (model.__name__, field)
        assert rule.low is not None or rule.high is not None
        assert rule.reason.strip()
        # A quoted figure cites a registered source; otherwise the reason says it is an assumption.
        assert cited_ids(rule.reason) or "assumption" in rule.reason, (model.__name__, field)
