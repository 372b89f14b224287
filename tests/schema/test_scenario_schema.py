"""Scenario schema rules that YAML and TOML files meet (no tuples in either format)."""

from __future__ import annotations

import pytest

from security_equation.io.errors import InputError
from security_equation.io.loading import scenario_from_text

TABLE = """
extends: us-russia-2023
name: tabulated
sides:
  us:
    value:
      w80: null
      table: {table}
"""


def test_a_damage_table_is_read_from_yaml_lists():
    sc = scenario_from_text(TABLE.format(table="[[0, 0], [100, 0.5], [400, 0.9]]"))
    assert sc.sides["us"].value.table == [(0.0, 0.0), (100.0, 0.5), (400.0, 0.9)]


def test_a_damage_table_point_with_three_numbers_is_located():
    with pytest.raises(InputError) as err:
        scenario_from_text(TABLE.format(table="[[0, 0], [100, 0.5, 3]]"))
    (problem,) = err.value.problems
    assert problem.path == "us.value.table.1"
    assert problem.line == 8  # the text starts with a blank line
    assert "at most 2 items" in problem.message


def test_a_distribution_describes_itself():
    sc = scenario_from_text("extends: us-russia-2023\nname: d\n")
    described = {path: dist.describe() for path, dist in sc.uncertainty.items()}
    assert described["us.systems.minuteman_iii.reliability"] == "triangular(low=0.65, mode=0.8, high=0.9)"
