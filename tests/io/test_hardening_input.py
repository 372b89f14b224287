"""Issue 12: malformed scenario input never gives a traceback, a hang or silent acceptance.

Every bad file (YAML or TOML), ``--set`` value and named override is an ``InputError``:
exit 2 through the real CLI with ``file:line dotted.path: message``. One class per block:
aliases and nesting, non-finite numbers, distributions on bounded fields, names, override
and ``uncertainty`` paths, mapping-valued ``--set``, framework names and text, TOML lines,
and YAML 1.2 scalars.
"""

from __future__ import annotations

import time

import pytest

from security_equation.io import load_scenario, scenario_from_text
from security_equation.io.errors import InputError
from security_equation.io.loading import MAX_DEPTH, parse_text
from security_equation.treaty.counting import round_half_up
from tests.factories import line_of as _line
from tests.factories import write_in_cwd

BASE = "extends: us-russia-2023\n"
MM3 = "sides:\n  us:\n    systems:\n      minuteman_iii:\n"


def _write(tmp_path, monkeypatch, text: str, name: str = "bad.yaml") -> str:
    return write_in_cwd(tmp_path, monkeypatch, text, name)


def _refused(seceq, *args) -> str:
    """The error output of a command that must exit 2 with a message, no traceback."""
    code, out, err = seceq(*args)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and err.startswith("error: "), err
    return " ".join(err.split())  # rich may wrap long messages


# --------------------------------------------------------------------------- 1. aliases, nesting
def _laughs(levels: int = 9) -> str:
    rows = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        this, last = chr(ord("a") + i), chr(ord("a") + i - 1)
        rows.append(f"  {this}: &{this} [" + ", ".join([f"*{last}"] * 9) + "]")
    # a tab after a colon: libyaml reads it, PyYAML's own parser does not
    return BASE + "name:\tx\nreferences:\n" + "\n".join(rows) + "\n"


def test_a_billion_laughs_file_is_refused_in_well_under_a_second(tmp_path, monkeypatch, seceq):
    text = _laughs()
    name = _write(tmp_path, monkeypatch, text)
    started = time.perf_counter()
    err = _refused(seceq, "run", name)
    assert time.perf_counter() - started < 0.5
    assert f"bad.yaml:{_line(text, '  f: &f')} references.f: too many values (the limit is 200,000," in err


def test_an_alias_bomb_under_the_alias_count_is_refused_by_its_size(tmp_path, monkeypatch):
    name = _write(tmp_path, monkeypatch, _laughs(levels=6))  # 45 aliases, 597,871 values
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        load_scenario(name)
    assert time.perf_counter() - started < 0.5
    assert str(exc.value) == (
        "bad.yaml:9 references.f: too many values (the limit is 200,000, each alias counting"
        " the values it repeats); write fewer"
    )


def test_a_billion_laughs_upload_is_refused_whatever_parses_it():
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        scenario_from_text(_laughs())
    assert time.perf_counter() - started < 0.5
    assert str(exc.value) == (
        "<upload>:5 references.b.0: YAML aliases are not accepted in uploads (found *a); write the values out"
    )


def test_a_recursive_alias_is_refused_at_its_line(tmp_path, monkeypatch, seceq):
    name = _write(tmp_path, monkeypatch, BASE + "references: &r {a: *r}\n")
    err = _refused(seceq, "run", name)
    assert "bad.yaml:2 references.a: a YAML alias inside the value it repeats (found *r) never ends" in err


def test_a_few_aliases_in_a_file_are_read(tmp_path, monkeypatch):
    text = (
        BASE
        + MM3
        + "        sources: &notes {cep_m: 'assumption: x'}\n      trident_ii:\n        sources: *notes\n"
    )
    scenario = load_scenario(_write(tmp_path, monkeypatch, text))
    assert scenario.sides["us"].systems["trident_ii"].sources["cep_m"] == "assumption: x"


def test_deep_nesting_is_refused_at_its_line(tmp_path, monkeypatch, seceq):
    text = BASE + "references:\n  x: " + "[" * 100 + "]" * 100 + "\n"
    name = _write(tmp_path, monkeypatch, text)
    err = _refused(seceq, "run", name)
    assert f"bad.yaml:3 references.x.{'.'.join(['0'] * (MAX_DEPTH - 2))}: nested too deeply" in err
    toml = 'extends = "us-russia-2023"\n[references]\nx = ' + "[" * 3000 + "]" * 3000 + "\n"
    name = _write(tmp_path, monkeypatch, toml, "deep.toml")
    assert "deep.toml: nested too deeply (the limit is 64 levels)" in _refused(seceq, "run", name)


def test_set_values_go_through_the_same_guard(seceq):
    err = _refused(seceq, "run", "--set", "references={a: &r [*r]}")
    assert "--set references.a.0: cannot read 'references={a: &r [*r]}': a YAML alias inside" in err


# --------------------------------------------------------------------------- 2. finite numbers
@pytest.mark.parametrize(
    ("value", "got"), [(".inf", "inf"), ("1e309", "inf"), ("-.Inf", "-inf"), (".nan", "nan")]
)
def test_non_finite_numbers_in_yaml_are_refused(tmp_path, monkeypatch, seceq, value, got):
    text = BASE + MM3 + f"        yield_kt: {value}\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert f"bad.yaml:6 us.systems.minuteman_iii.yield_kt: must be a finite number, got {got}" in err


def test_non_finite_numbers_in_toml_are_refused(tmp_path, monkeypatch, seceq):
    text = 'extends = "us-russia-2023"\n\n[sides.us.systems.minuteman_iii]\ncep_m = inf\n'
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text, "bad.toml"))
    assert "bad.toml:4 us.systems.minuteman_iii.cep_m: must be a finite number, got inf" in err


@pytest.mark.parametrize("value", [".inf", ".nan", "1e999"])
def test_non_finite_set_values_are_refused(seceq, value):
    err = _refused(seceq, "run", "--set", f"us.systems.minuteman_iii.cep_m={value}")
    assert "--set us.systems.minuteman_iii.cep_m: must be a finite number" in err


def test_an_infinite_whole_number_is_refused_not_an_overflow(tmp_path, monkeypatch, seceq):
    text = BASE + MM3 + "        launchers: .inf\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert "bad.yaml:6 us.systems.minuteman_iii.launchers: must be a whole number, got inf" in err
    with pytest.raises(ValueError, match="cannot count inf"):
        round_half_up(float("inf"))


def test_a_count_beyond_any_sense_is_refused_and_an_absurd_one_warned(tmp_path, monkeypatch, seceq):
    text = BASE + MM3 + "        launchers: 1000000000000000000000000000000\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert "bad.yaml:6 us.systems.minuteman_iii.launchers: must be <= 1000000000000" in err
    scenario = load_scenario("us-russia-2023", set_values=["us.systems.minuteman_iii.launchers=20000"])
    assert "outside the plausible range" in str(scenario.warnings[0])


def test_print_json_never_raises_on_nan(capsys):
    import datetime as dt

    import numpy as np

    from security_equation.cli.common import print_json

    class Result:
        def to_dict(self):
            return {"x": float("nan")}

    print_json({"a": float("nan"), "b": np.float32("inf"), "c": Result(), "d": dt.date(2026, 1, 2)})
    assert (
        capsys.readouterr().out.split()
        == '{ "a": null, "b": null, "c": { "x": null }, "d": "2026-01-02" }'.split()
    )


# --------------------------------------------------------------------------- 3. distributions
def test_an_unbounded_normal_on_a_kill_probability_is_refused(tmp_path, monkeypatch, seceq):
    text = (
        BASE
        + "sides:\n  us:\n    defences:\n      gmd:\n"
        + "        kill_probability: {dist: normal, mean: 0.5, sd: 0.1}\n"
    )
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert (
        "bad.yaml:6 us.defences.gmd.kill_probability: normal(mean=0.5, sd=0.1) reaches -inf but the"
        " field must be >= 0 and <= 1; give bounds: [low, high] within that range"
    ) in err


def test_an_unbounded_normal_on_w80_is_refused(tmp_path, monkeypatch, seceq):
    text = BASE + "sides:\n  us:\n    value:\n      w80: {dist: normal, mean: 300, sd: 50}\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert "bad.yaml:5 us.value.w80: normal(mean=300, sd=50) reaches -inf but the field must be > 0" in err


def test_a_bounded_normal_is_accepted_and_bounds_outside_the_field_are_not(tmp_path, monkeypatch, seceq):
    good = (
        BASE + "sides:\n  us:\n    value:\n      w80: {dist: normal, mean: 300, sd: 50, bounds: [100, 500]}\n"
    )
    assert "us.value.w80" in load_scenario(_write(tmp_path, monkeypatch, good)).uncertainty
    text = (
        BASE + "uncertainty:\n  us.systems.minuteman_iii.reliability: {dist: uniform, low: 0.5, high: 1.5}\n"
    )
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert (
        "bad.yaml:3 uncertainty.us.systems.minuteman_iii.reliability: distribution reaches 1.5:"
        " must be <= 1, got 1.5"
    ) in err


# --------------------------------------------------------------------------- 4. names
@pytest.mark.parametrize(
    ("key", "shown", "why"),
    [
        ("''", "us.systems.", "a name may not be empty"),
        ("mm.iii", "us.systems.mm.iii", "'mm.iii' may not be a name: it has a dot"),
        ("' mm'", "us.systems. mm", "' mm' may not be a name: it has white space at an end"),
        ('"mm\\tiii"', "us.systems.mm\\tiii", "'mm\\tiii' may not be a name: it has white space"),
        ('"mm\\x01"', "us.systems.mm\\x01", "'mm\\x01' may not be a name: it has a control"),
    ],
)
def test_odd_system_names_are_refused(tmp_path, monkeypatch, seceq, key, shown, why):
    text = BASE + "sides:\n  us:\n    systems:\n      " + key + ": {category: icbm_silo}\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert f"bad.yaml:5 {shown}: {why}" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            BASE + "sides:\n  settings: {}\n",
            "bad.yaml:3 settings: 'settings' may not name a side: it is a top-level key of a scenario",
            id="a side named as a top-level key",
        ),
        pytest.param(
            BASE + "overrides:\n  a.b:\n    us.posture.alert: generated\n",
            "bad.yaml:3 overrides.a.b: 'a.b' may not be a name: it has a dot",
            id="an override with a dotted name",
        ),
        pytest.param(
            BASE + MM3.rstrip() + " null\n",
            "bad.yaml:5 us.systems.minuteman_iii: must be a mapping, got None",
            id="a system set to null",
        ),
        pytest.param(
            BASE + "name: x\nframework: nope\n",
            "bad.yaml:3 framework: no bundled framework named 'nope' and no such file",
            id="an unknown framework in a file",
        ),
        pytest.param(
            BASE + "framework: " + "x" * 300 + "\n",
            "bad.yaml:2 framework: not a framework name or file (File name too long)",
            id="a framework name longer than a file name",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_its_file_and_line(text, message, tmp_path, monkeypatch, seceq):
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert message in err


# --------------------------------------------------------------------------- 5. override, uncertainty paths
def test_override_paths_are_checked_against_the_scenario(tmp_path, monkeypatch, seceq):
    text = BASE + "overrides:\n  x:\n    us.systems.nope.launchers: 3\n    us.posture.alertz: generated\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text), "-O", "x")
    assert "bad.yaml:4 overrides.x.us.systems.nope.launchers: no system 'nope'" in err
    assert "bad.yaml:5 overrides.x.us.posture.alertz: unknown key 'alertz'; did you mean 'alert'?" in err


def test_an_override_changing_nothing_or_the_loader_keys_is_refused(tmp_path, monkeypatch, seceq):
    text = BASE + "overrides:\n  empty: {}\n  meta:\n    overrides.y.us.posture.alert: generated\n"
    name = _write(tmp_path, monkeypatch, text)
    assert "bad.yaml:3 overrides.empty: an override must change at least one value" in _refused(
        seceq, "run", name, "-O", "empty"
    )
    assert (
        "bad.yaml:5 overrides.meta.overrides.y.us.posture.alert: 'overrides' cannot be changed here"
        in _refused(seceq, "run", name, "-O", "meta")
    )


def test_a_nested_override_is_read_relative_to_its_key(tmp_path, monkeypatch):
    text = BASE + "overrides:\n  x:\n    us:\n      posture: {alert: generated}\n"
    scenario = load_scenario(_write(tmp_path, monkeypatch, text), ["x"])
    assert scenario.sides["us"].posture.alert == "generated"
    assert [e.path for e in scenario.edits] == ["us.posture.alert"]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("us.systems.bogus.cep_m", "no system 'bogus'"),
        ("us.systems.minuteman_iii.sources.cep_m", "source notes are text: only numbers can be uncertain"),
        ("us.value.table.1.1", "'us.value.table' is a single value, with no '1' inside"),
        ("us.label", "not a number field: only numbers can be uncertain"),
    ],
)
def test_uncertainty_paths_are_checked_in_the_users_file(tmp_path, monkeypatch, seceq, path, why):
    text = BASE + f"uncertainty:\n  {path}: {{dist: uniform, low: 0.1, high: 0.2}}\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert f"bad.yaml:3 uncertainty.{path}: {why}" in err


# --------------------------------------------------------------------------- 6. mapping-valued --set
def test_mapping_valued_set_values_change_the_fields_below(seceq):
    scenario = load_scenario(
        "us-russia-2023",
        set_values=[
            "us.systems.trident_ii.alert_fraction={day_to_day: 0.5, generated: 0.9}",
            "us.value={w80: null, table: [[0,0],[100,0.5],[300,0.8]]}",
        ],
    )
    trident = scenario.sides["us"].systems["trident_ii"]
    assert (trident.alert_fraction.day_to_day, trident.alert_fraction.generated) == (0.5, 0.9)
    value = scenario.sides["us"].value
    assert value.w80 is None and value.table == [(0, 0), (100, 0.5), (300, 0.8)]
    assert {e.path for e in scenario.edits} >= {
        "us.systems.trident_ii.alert_fraction.day_to_day",
        "us.value.w80",
        "us.value.table",
    }
    code, _, err = seceq(
        "run", "--set", "us.systems.trident_ii.alert_fraction={day_to_day: 0.5, generated: 0.9}"
    )
    assert code == 0, err


def test_a_mapping_valued_set_value_with_a_bad_key_blames_set(seceq):
    err = _refused(seceq, "run", "--set", "us.value={w8O: 3}")
    assert "--set us.value.w8O: unknown key 'w8O'" in err


# --------------------------------------------------------------------------- 7. framework names, text
def test_a_lone_surrogate_is_located_not_an_encoding_error(tmp_path, monkeypatch, seceq):
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, BASE + 'name: "\\ud800"\n'))
    assert "bad.yaml:2: not valid YAML: found invalid Unicode character escape code" in err
    with pytest.raises(InputError) as exc:
        scenario_from_text("name: x\ndescription: \ud800\n")
    assert str(exc.value) == "<upload>:2: text is not valid Unicode (it holds \\ud800, a lone surrogate)"
    err = _refused(seceq, "run", "--set", "description=\udcff")
    assert "--set description: cannot read 'description=\\udcff': text is not valid Unicode" in err


# --------------------------------------------------------------------------- 8. TOML lines
def test_toml_problems_carry_their_lines(tmp_path, monkeypatch, seceq):
    text = (
        'extends = "us-russia-2023"\n'
        "\n"
        "[sides.us.systems.minuteman_iii]\n"
        "launchers = 5\n"
        "cep_m = -3\n"
        "\n"
        "[sides.russia]\n"
        'posture.alert = "x"\n'
        "value = {w80 = -1}\n"
    )
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text, "bad.toml"))
    assert "bad.toml:5 us.systems.minuteman_iii.cep_m: must be > 0, got -3" in err
    assert "bad.toml:8 russia.posture.alert: must be 'day_to_day' or 'generated', got 'x'" in err
    assert "bad.toml:9 russia.value.w80: must be > 0, got -1" in err


def test_toml_syntax_errors_carry_their_line(tmp_path, monkeypatch, seceq):
    err = _refused(
        seceq, "run", _write(tmp_path, monkeypatch, 'extends = "us-russia-2023"\nx = = 1\n', "bad.toml")
    )
    assert "bad.toml:2: not valid TOML: Invalid value (at line 2, column 5)" in err


# --------------------------------------------------------------------------- 9. YAML 1.2 scalars
def test_yaml_scalars_are_read_as_yaml_1_2():
    data, _ = parse_text(
        "a: 010\nb: 1:30\nc: 1e3\nd: [yes, no, on, off]\ne: 1.5e3\nf: 0x10\ng: 0o10\nh: true\n", "t"
    )
    assert data == {
        "a": 10,
        "b": "1:30",
        "c": 1000,
        "d": ["yes", "no", "on", "off"],
        "e": 1500.0,
        "f": 16,
        "g": 8,
        "h": True,
    }


def test_a_sexagesimal_or_yes_is_text_where_a_number_or_flag_is_expected(tmp_path, monkeypatch, seceq):
    text = BASE + MM3 + "        launchers: 1:30\n        nuclear: yes\n"
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, text))
    assert "bad.yaml:6 us.systems.minuteman_iii.launchers: must be a whole number, got '1:30'" in err
    assert "bad.yaml:7 us.systems.minuteman_iii.nuclear: must be true or false, got 'yes'" in err
    scenario = load_scenario(_write(tmp_path, monkeypatch, BASE + MM3 + "        launchers: 0400\n"))
    assert scenario.sides["us"].systems["minuteman_iii"].launchers == 400


def test_saved_text_reads_back_the_same_under_both_yaml_versions():
    from security_equation.io import dump_scenario

    scenario = load_scenario("us-russia-2023", set_values=["description=yes", "name='1e3'"])
    text = dump_scenario(scenario)
    assert "description: 'yes" in text and "name: '1e3'" in text
    again = scenario_from_text(text)
    assert (again.name, again.sides) == ("1e3", scenario.sides)


# --------------------------------------------------------------------------- lines everywhere
def test_a_character_yaml_refuses_is_located(tmp_path, monkeypatch, seceq):
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, BASE + "name: x\n# a \x01 here\n"))
    assert "bad.yaml:3: not valid YAML: unacceptable character #x0001" in err


def test_an_extends_cycle_names_the_line_of_extends(tmp_path, monkeypatch, seceq):
    (tmp_path / "b.yaml").write_text("name: b\nextends: bad.yaml\n")
    err = _refused(seceq, "run", _write(tmp_path, monkeypatch, "name: a\nextends: b.yaml\n"))
    assert "b.yaml:2 extends: scenarios extend each other in a cycle: " in err


def test_a_sweep_axis_that_is_no_dotted_path_is_a_located_error(seceq, tmp_path):
    code, _, err = seceq("sweep", "us-russia-2023", "--axis", "a..b=1:2:2", "-o", tmp_path / "x.nc")
    assert code == 2
    assert "--axis a..b: 'a..b' is not a dotted path" in err
    assert "Traceback" not in err


def test_python_m_runs_the_command_line():
    import subprocess
    import sys

    command = [sys.executable, "-m", "security_equation.cli", "scenarios"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "counterforce-race" in done.stdout
