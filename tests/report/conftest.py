"""Fixtures for the figure, report and `seceq plot/report` tests."""

from __future__ import annotations

import pytest

from security_equation.model import evaluate
from security_equation.scenario import load_scenario
from security_equation.scenario.schema import Distribution


@pytest.fixture(scope="session")
def scenario():
    return load_scenario("us-russia-2023")


@pytest.fixture(scope="session")
def evaluation(scenario):
    return evaluate(scenario, sections=())


@pytest.fixture(scope="session")
def uncertain(scenario):
    """The default scenario with two uncertain parameters."""
    return scenario.model_copy(
        update={
            "uncertainty": {
                "russia.systems.icbm_mobile.alert_fraction.day_to_day": Distribution(
                    dist="uniform", low=0.1, high=0.5
                ),
                "us.defences.gmd.kill_probability": Distribution(dist="uniform", low=0.3, high=0.7),
            }
        }
    )
