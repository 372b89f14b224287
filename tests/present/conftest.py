"""Fixtures for the figure, report and `seceq plot/report` tests."""

from __future__ import annotations

import pytest

from security_equation.io import load_scenario
from security_equation.model import evaluate


@pytest.fixture(scope="session")
def scenario():
    return load_scenario("us-russia-2023")


@pytest.fixture(scope="session")
def evaluation(scenario):
    return evaluate(scenario, sections=())
