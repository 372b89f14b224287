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


@pytest.mark.parametrize("field", ["training_launchers", "converted_launchers"])
def test_a_negative_launcher_count_is_located(tmp_path, field):
    from security_equation.io import load_scenario

    path = tmp_path / "neg.yaml"
    path.write_text(
        "extends: us-russia-2023\nname: neg\nsides:\n  us:\n    systems:\n      minuteman_iii:\n"
        f"        {field}: -4\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_scenario(path)
    (problem,) = err.value.problems
    assert problem.file == str(path) and problem.line == 7
    assert problem.path == f"us.systems.minuteman_iii.{field}"
    assert ">= 0" in problem.message


def test_training_launchers_are_whole_numbers_and_default_to_none():
    sc = scenario_from_text("extends: us-russia-2023\nname: t\n")
    assert sc.sides["us"].systems["minuteman_iii"].training_launchers == 4  # MFA1
    assert sc.sides["us"].systems["trident_ii"].training_launchers == 0
    with pytest.raises(InputError) as err:
        scenario_from_text(
            "extends: us-russia-2023\nname: t\nsides:\n  us:\n    systems:\n      trident_ii:\n"
            "        training_launchers: 2.5\n"
        )
    (problem,) = err.value.problems
    assert problem.path == "us.systems.trident_ii.training_launchers" and problem.line == 7


DEFENCE = (
    "extends: us-russia-2023\nname: md\nsides:\n  us:\n    defences:\n      gmd:\n        {field}: {value}\n"
)


def test_missile_defence_layer_defaults_are_no_decoys_and_a_salvo():
    gmd = scenario_from_text("extends: us-russia-2023\nname: md\n").sides["us"].defences["gmd"]
    assert (gmd.decoys_per_warhead, gmd.discrimination_probability, gmd.firing) == (0.0, 1.0, "salvo")
    sc = scenario_from_text(DEFENCE.format(field="firing", value="shoot_look_shoot"))
    assert sc.sides["us"].defences["gmd"].firing == "shoot_look_shoot"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("decoys_per_warhead", "-1", ">= 0"),
        ("discrimination_probability", "1.5", "<= 1"),
        ("discrimination_probability", "-0.1", ">= 0"),
        ("firing", "shoot_shoot", "salvo"),
    ],
)
def test_bad_decoy_and_firing_fields_are_located(field, value, message):
    with pytest.raises(InputError) as err:
        scenario_from_text(DEFENCE.format(field=field, value=value))
    (problem,) = err.value.problems
    assert problem.path == f"us.defences.gmd.{field}"
    assert problem.line == 7
    assert message in problem.message
