"""Tiny scenarios for treaty counting tests, from the shared builders in ``tests.factories``:
only the fields a test counts on are given."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import counting_scenario, missile_defence, side, system


@pytest.fixture
def make():
    """Builders: ``make.system(...)``, ``make.side(...)``, ``make.scenario(...)`` (the first
    side, ``us``, holds the systems given) and ``make.missile_defence(n)``."""
    return SimpleNamespace(
        system=system, side=side, scenario=counting_scenario, missile_defence=missile_defence
    )
