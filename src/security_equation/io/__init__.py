"""Scenarios: schema, loading, overrides and dotted paths."""

from security_equation.io.loading import (
    bundled_names,
    dump_scenario,
    load_scenario,
    parse_set,
    scenario_from_text,
)
from security_equation.schema.scenario import Scenario, Side, System

__all__ = [
    "Scenario",
    "Side",
    "System",
    "bundled_names",
    "dump_scenario",
    "load_scenario",
    "parse_set",
    "scenario_from_text",
]
