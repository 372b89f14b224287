"""Issue 2: bad input through the real CLI prints a located message and exits 2.

Each message names the file, the line and the dotted path (``scenario.yaml:12
russia.systems.yars.cep_m: must be > 0, got -5``); no traceback unless ``--debug``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from security_equation.io.errors import InputError
from security_equation.io.loading import MAX_FILE_BYTES
from tests.factories import line_of as _line
from tests.factories import write_in_cwd as _write

#: A complete extra Russian system, so paths read russia.systems.yars.<field>.
YARS = """\
extends: us-russia-2023
name: bad-input
sides:
  russia:
    systems:
      yars:
        category: icbm_mobile
        nuclear: true
        ballistic: true
        launchers: {launchers}
        warheads_per_launcher: 3
        max_warheads_per_launcher: 4
        yield_kt: 500
        cep_m: {cep}
        reliability: {reliability}
        alert_fraction: {{day_to_day: 0.3, generated: 0.8}}
        hardness_psi: 5
"""


def _yars(launchers="120", cep="200", reliability="0.8", extra: str = "") -> str:
    return YARS.format(launchers=launchers, cep=cep, reliability=reliability) + extra


def _error(err: str) -> str:
    assert "Traceback" not in err
    assert err.startswith("error: ")
    return err


def test_valid_file_runs(tmp_path, monkeypatch, seceq):
    name = _write(tmp_path, monkeypatch, _yars())
    code, out, err = seceq("run", name, "--format", "json")
    assert code == 0, err
    assert '"scenario": "bad-input"' in out


def test_negative_cep(tmp_path, monkeypatch, seceq):
    text = _yars(cep="-5")
    name = _write(tmp_path, monkeypatch, text)
    code, out, err = seceq("run", name)
    assert code == 2 and out == ""
    line = _line(text, "cep_m:")
    assert f"scenario.yaml:{line} russia.systems.yars.cep_m: must be > 0, got -5" in _error(err)


def test_unknown_key_suggests(tmp_path, monkeypatch, seceq):
    text = _yars(extra="        launcherz: 3\n")
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    line = _line(text, "launcherz")
    assert (
        f"scenario.yaml:{line} russia.systems.yars.launcherz: unknown key 'launcherz';"
        " did you mean 'launchers'?"
    ) in _error(err)


@pytest.mark.parametrize(("key", "meant"), [("cep_km", "cep_m"), ("yield_mt", "yield_kt")])
def test_wrong_unit(tmp_path, monkeypatch, seceq, key, meant):
    text = _yars(extra=f"        {key}: 3\n")
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    line = _line(text, key)
    assert (
        f"scenario.yaml:{line} russia.systems.yars.{key}: unknown key '{key}'; did you mean"
        f" '{meant}'? (units live in field names)"
    ) in _error(err)


def test_negative_count(tmp_path, monkeypatch, seceq):
    text = _yars(launchers="-4")
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    line = _line(text, "launchers:")
    assert f"scenario.yaml:{line} russia.systems.yars.launchers: must be >= 0, got -4" in _error(err)


@pytest.mark.parametrize(
    ("value", "message"), [("1.5", "must be <= 1, got 1.5"), ("-0.1", "must be >= 0, got -0.1")]
)
def test_probability_outside_unit_interval(tmp_path, monkeypatch, seceq, value, message):
    text = _yars(reliability=value)
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    line = _line(text, "reliability:")
    assert f"scenario.yaml:{line} russia.systems.yars.reliability: {message}" in _error(err)


def test_every_problem_is_listed_at_once(tmp_path, monkeypatch, seceq):
    text = _yars(launchers="-4", cep="-5", reliability="1.5", extra="        cep_km: 3\n")
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    err = _error(err)
    assert err.startswith("error: 4 problems found:")
    for key in ("launchers", "cep_m", "reliability", "cep_km"):
        assert f"scenario.yaml:{_line(text, key + ':')} russia.systems.yars.{key}:" in err


def test_error_in_a_base_file_names_that_file(tmp_path, monkeypatch, seceq):
    base = _yars(cep="-5")
    _write(tmp_path, monkeypatch, base, "base.yaml")
    name = _write(tmp_path, monkeypatch, "extends: base.yaml\nname: child\n", "child.yaml")
    code, _, err = seceq("run", name)
    assert code == 2
    assert f"base.yaml:{_line(base, 'cep_m:')} russia.systems.yars.cep_m: must be > 0, got -5" in _error(err)


def test_missing_file(tmp_path, monkeypatch, seceq):
    monkeypatch.chdir(tmp_path)
    code, out, err = seceq("run", "missing.yaml")
    assert code == 2 and out == ""
    assert _error(err).strip() == "error: file not found: missing.yaml"


def test_empty_file(tmp_path, monkeypatch, seceq):
    name = _write(tmp_path, monkeypatch, "")
    code, _, err = seceq("run", name)
    assert code == 2
    assert _error(err).strip() == "error: scenario.yaml: file is empty"


def test_comments_only_file_is_empty(tmp_path, monkeypatch, seceq):
    name = _write(tmp_path, monkeypatch, "# nothing here\n")
    code, _, err = seceq("run", name)
    assert code == 2
    assert "scenario.yaml: file is empty" in _error(err)


def test_not_yaml(tmp_path, monkeypatch, seceq):
    text = "name: x\nsides: [1, 2\nvalue: }\n"
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    assert _error(err).startswith("error: scenario.yaml:3: not valid YAML: ")


@pytest.mark.parametrize(("text", "kind"), [("- 1\n- 2\n", "list"), ("just some words\n", "str")])
def test_yaml_that_is_not_a_mapping(tmp_path, monkeypatch, seceq, text, kind):
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    assert f"scenario.yaml:1: expected a mapping of keys to values at the top, got {kind}" in _error(err)


def test_binary_file(tmp_path, monkeypatch, seceq):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenario.yaml").write_bytes(b"\xff\xfe\x00\x01binary")
    code, _, err = seceq("run", "scenario.yaml")
    assert code == 2
    assert "scenario.yaml: file is not UTF-8 text" in _error(err)


def test_huge_file(tmp_path, monkeypatch, seceq):
    text = "name: x\n" + "#" * (MAX_FILE_BYTES + 10) + "\n"
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    assert f"scenario.yaml: file is too large ({len(text):,} bytes; the limit is {MAX_FILE_BYTES:,})" in (
        _error(err)
    )


def test_directory_instead_of_file(tmp_path, monkeypatch, seceq):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    code, _, err = seceq("run", "./scenarios")
    assert code == 2
    assert "expected a scenario file, got a directory: ./scenarios" in _error(err)


def test_duplicate_key(tmp_path, monkeypatch, seceq):
    text = _yars(extra="        cep_m: 150\n")
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    assert f"scenario.yaml:{len(text.splitlines())} russia.systems.yars.cep_m: duplicate key" in _error(err)


# --------------------------------------------------------------------------- --set and overrides
def test_set_not_a_dotted_path(seceq):
    code, _, err = seceq("run", "us-russia-2023", "--set", "russia.systems..launchers=3")
    assert code == 2
    assert "--set russia.systems..launchers: cannot read 'russia.systems..launchers=3':" in _error(err)
    assert "is not a dotted path" in err


def test_set_without_value(seceq):
    code, _, err = seceq("run", "us-russia-2023", "--set", "russia.systems.slbm.launchers")
    assert code == 2
    assert "--set: expected PATH=VALUE, got 'russia.systems.slbm.launchers'" in _error(err)


def test_set_unknown_field(seceq):
    code, _, err = seceq("run", "us-russia-2023", "--set", "russia.systems.icbm_mobile.cep_km=3")
    assert code == 2
    assert (
        "--set russia.systems.icbm_mobile.cep_km: unknown key 'cep_km'; did you mean 'cep_m'?"
        " (units live in field names)"
    ) in _error(err)


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("russia.systems.icbm_mobile.launchers=abc", "must be a whole number, got 'abc'"),
        ("russia.systems.icbm_mobile.launchers=-3", "must be >= 0, got -3"),
        ("russia.systems.icbm_mobile.reliability=2", "must be <= 1, got 2"),
        ("russia.systems.icbm_mobile.cep_m=0", "must be > 0, got 0"),
    ],
)
def test_set_bad_value(seceq, assignment, message):
    code, _, err = seceq("run", "us-russia-2023", "--set", assignment)
    assert code == 2
    assert f"--set {assignment.split('=')[0]}: {message}" in _error(err)


def test_set_value_not_yaml(seceq):
    code, _, err = seceq("run", "us-russia-2023", "--set", "russia.posture.alert=[1")
    assert code == 2
    assert "--set russia.posture.alert: cannot read 'russia.posture.alert=[1'" in _error(err)


@pytest.mark.parametrize("assignment", ["russia.systems.yars.launchers=120", "usa.posture.alert=generated"])
def test_set_path_to_nothing_is_reported_at_set(seceq, assignment):
    code, _, err = seceq("run", "us-russia-2023", "--set", assignment)
    assert code == 2
    err = _error(err)
    assert "problems found" not in err  # one problem, not one per missing field
    assert f"--set {assignment.split('=')[0]}" in err
    assert "us-russia-2023.yaml" not in err
    assert "no system 'yars'" in err or "no side 'usa'; did you mean 'us'?" in err


def test_unknown_override(seceq):
    code, _, err = seceq("run", "us-russia-2023", "-O", "nonesuch")
    assert code == 2
    assert (
        "security_equation/data/scenarios/us-russia-2023.yaml overrides: unknown override"
        " 'nonesuch' (available: generated, launch-under-attack)"
    ) in _error(err)


def test_unknown_override_in_a_user_file(tmp_path, monkeypatch, seceq):
    name = _write(
        tmp_path, monkeypatch, _yars(extra="overrides:\n  tight: {russia.posture.alert: generated}\n")
    )
    code, _, err = seceq("run", name, "--override", "loose")
    assert code == 2
    # the file's own overrides extend the base's
    assert (
        "scenario.yaml overrides: unknown override 'loose' (available: generated, launch-under-attack, tight)"
    ) in _error(err)


def test_known_override_from_a_user_file_applies(tmp_path, monkeypatch, seceq):
    name = _write(
        tmp_path, monkeypatch, _yars(extra="overrides:\n  tight: {russia.posture.alert: generated}\n")
    )
    code, out, err = seceq("run", name, "--override", "tight", "--format", "json")
    assert code == 0, err
    assert '"applied_overrides": [\n    "tight"\n  ]' in out


def test_unknown_bundled_scenario(seceq):
    code, out, err = seceq("run", "us-rusia-2023")
    assert code == 2 and out == ""
    assert (
        "no bundled scenario named 'us-rusia-2023' and no such file; did you mean 'us-russia-2023'?"
    ) in _error(err)


def test_unknown_base_scenario_is_located_at_extends(tmp_path, monkeypatch, seceq):
    text = "name: child\nextends: deep-cuts-100\n"
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2
    assert (
        "scenario.yaml:2 extends: no bundled scenario named 'deep-cuts-100' and no such file;"
        " did you mean 'deep-cuts-1000'?"
    ) in _error(err)


# --------------------------------------------------------------------------- a real process
def _process(*args: str, cwd) -> subprocess.CompletedProcess:
    code = "from security_equation.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_process_exit_code_and_no_traceback(tmp_path):
    (tmp_path / "scenario.yaml").write_text(_yars(cep="-5"), encoding="utf-8")
    result = _process("run", "scenario.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    line = _line(_yars(), "cep_m:")
    assert f"error: scenario.yaml:{line} russia.systems.yars.cep_m: must be > 0, got -5" in result.stderr


def test_process_debug_shows_traceback(tmp_path):
    result = _process("--debug", "run", "missing.yaml", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
    assert "InputError: file not found: missing.yaml" in result.stderr


@pytest.mark.parametrize("args", [("run", "--format", "xml"), ("nosuch",), ("run", "--samples", "0")])
def test_usage_errors_exit_2_without_traceback(seceq, args):
    code, _, err = seceq(*args)
    assert code == 2
    assert "Traceback" not in err and "Error:" in err


@pytest.mark.parametrize("base", ["us-russia-2023.yaml", "../../etc/passwd", "nonesuch"])
def test_uploaded_text_extends_bundled_names_only(base, tmp_path, monkeypatch):
    from security_equation.io.loading import scenario_from_text

    monkeypatch.chdir(tmp_path)
    (tmp_path / "us-russia-2023.yaml").write_text("name: local\n")
    with pytest.raises(InputError, match="uploads may only extend a bundled scenario by name") as info:
        scenario_from_text(f"extends: {base}\n")
    assert (info.value.problems[0].path, info.value.problems[0].line) == ("extends", 1)


@pytest.mark.parametrize(
    ("command", "text", "where"),
    [
        ("run", "extends: us-russia-2023\nname: t\nsides:\n  us:\n    label: 2021-02-30\n", ":5 us.label:"),
        ("treaty", "extends: new-start\nname: x\ntitle: x\nexpires: 2020-13-01\n", ":4 expires:"),
    ],
)
def test_an_impossible_date_is_a_located_error(seceq, tmp_path, command, text, where):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    args = (command, str(path)) if command == "run" else (command, "-F", str(path))
    code, _, err = seceq(*args)
    assert code == 2
    assert f"{path}{where} cannot read this value" in err
    assert "Traceback" not in err


def test_error_messages_are_printed_literally(seceq, tmp_path):
    """Rich must not read markup or emoji codes (":100:") into a user's values."""
    code, _, err = seceq(
        "sweep", "--axis", "us.systems.minuteman_iii.launchers=0:100:7", "-o", str(tmp_path / "s.nc")
    )
    assert code == 2
    assert "(0:100:7 steps by" in err
    assert "\U0001f4af" not in err  # the "hundred points" emoji Rich makes of ":100:"
