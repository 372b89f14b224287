"""Fixtures shared by every test folder: the real `seceq` entry point run in-process,
and us-russia-2023 with and without uncertain parameters."""

from __future__ import annotations

import sys

import pytest

from security_equation.io import load_scenario
from security_equation.schema.scenario import Distribution
from tests.factories import COALITION_YAML


@pytest.fixture
def seceq(monkeypatch, capsys):
    """``seceq("data", "list")`` → ``(exit_code, stdout, stderr)`` through ``cli.main``."""
    from security_equation.cli import main

    monkeypatch.setenv("COLUMNS", "200")  # wide tables: assertions see whole cells

    def run(*args) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["seceq", *map(str, args)])
        capsys.readouterr()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def nominal():
    """us-russia-2023 at its nominal values, with nothing uncertain."""
    return load_scenario("us-russia-2023").model_copy(update={"uncertainty": {}})


@pytest.fixture
def certain_file(nominal, tmp_path):
    """A scenario file with no distributions (us-russia-2023 as bundled has some)."""
    from security_equation.io.loading import dump_scenario

    path = tmp_path / "certain.yaml"
    path.write_text(dump_scenario(nominal))
    return path


@pytest.fixture(scope="session")
def uncertain(nominal):
    """us-russia-2023 with two uncertain parameters (one bounded normal)."""
    return nominal.model_copy(
        update={
            "uncertainty": {
                "russia.systems.icbm_mobile.alert_fraction.day_to_day": Distribution(
                    dist="uniform", low=0.1, high=0.5
                ),
                "us.defences.gmd.kill_probability": Distribution(
                    dist="normal", mean=0.5, sd=0.2, bounds=(0.1, 0.9)
                ),
            }
        }
    )


@pytest.fixture(scope="session")
def coalition_file(tmp_path_factory):
    """:data:`COALITION_YAML` written to a file named coalition-test.yaml."""
    path = tmp_path_factory.mktemp("coalitions") / "coalition-test.yaml"
    path.write_text(COALITION_YAML)
    return path
