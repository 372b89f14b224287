"""Every example in the README runs: the Python block, the YAML scenario block, and each
command of the command table with its placeholders filled in."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from security_equation.io.loading import scenario_from_text

README = Path(__file__).resolve().parents[2] / "README.md"
TEXT = README.read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", TEXT, flags=re.DOTALL)


#: How each placeholder of the command table is filled in (files go to the test's tmp_path).
PLACEHOLDERS = {
    "[SCENARIO]": "us-russia-2023",
    "SCENARIO": "us-russia-2023",
    "[--framework NAME\\|PATH]": "--framework security-equation",
    "[-o FILE.png\\|svg]": "-o {tmp}/history.png",
    "NAME": "sources",
    "A B …": "us-russia-2023 deep-cuts-1000",
    "--axis PATH=START:STOP:NUM …": "--axis us.systems.minuteman_iii.launchers=300:400:2 -o {tmp}/sweep.nc",
    "[--limits-in-force]": "--limits-in-force",
    "KIND": "square",
    "-o FILE": "-o {tmp}/square.png",
    "-o report.html": "-o {tmp}/report.html",
}


def _table_commands() -> list[str]:
    commands = []
    for cell in re.findall(r"^\| (`seceq .*?) \|", TEXT, flags=re.MULTILINE):
        commands += re.findall(r"`(seceq [^`]*)`", cell)
    return commands


def _filled(command: str, tmp: Path) -> list[str]:
    for placeholder in sorted(PLACEHOLDERS, key=len, reverse=True):
        command = command.replace(placeholder, PLACEHOLDERS[placeholder])
    return shlex.split(command.format(tmp=tmp))


def test_the_command_table_lists_every_command():
    commands = _table_commands()
    assert len(commands) == 14, commands
    assert {c.split()[1] for c in commands} >= {"run", "treaty", "compare", "report", "serve", "plot"}


@pytest.mark.parametrize("command", [c for c in _table_commands() if c != "seceq serve"])
def test_each_table_command_runs(command, seceq, tmp_path):
    args = _filled(command, tmp_path)
    assert not any(a.isupper() or "[" in a for a in args), f"unfilled placeholder in {args}"
    code, out, err = seceq(*args[1:])
    assert code == 0, err
    assert out or any(tmp_path.iterdir())


def test_the_python_example_runs():
    (block,) = _blocks("python")
    namespace: dict = {}
    exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README's own code
    result = namespace["result"]
    assert round(result.fsi, 3) == 0.736  # 120 Russian mobile launchers instead of 180: 0.798 -> 0.736
    assert len(result.to_dataframe()) == 21  # FSI, 4 posture variants, 8 metrics per side


def test_the_yaml_example_is_a_valid_scenario():
    (block,) = _blocks("yaml")
    scenario = scenario_from_text(block)
    assert scenario.sides["russia"].systems["icbm_mobile"].launchers == 120
    assert scenario.sides["russia"].posture.alert == "generated"


def test_the_quoted_set_command_runs(seceq):
    (command,) = re.findall(r"\(`(seceq run --set [^`]*)`\)", TEXT)
    code, out, err = seceq(*shlex.split(command)[1:])
    assert code == 0, err
    assert "FSI" in out
