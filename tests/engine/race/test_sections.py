"""The model layer over the race engine: typed sections with JSON-ready ``to_dict()``
(``model.race``; docs/model.md "Arms race")."""

from __future__ import annotations

import json

import numpy as np
import pytest

from security_equation.engine.race import RUNS_AWAY, SETTLES, STOPPED_BY_LIMIT, build_path, counted
from security_equation.io import load_scenario
from security_equation.model.compile import compile_scenario
from security_equation.model.race import ArmsRaceSection, DriversSection, arms_race_section, drivers_section
from security_equation.treaty import assess, engine_limits


def test_sections_are_json_ready_and_sorted():
    sc = load_scenario("us-russia-2023", set_values={"us.requirement.arriving_warheads": 600})
    drivers = drivers_section(sc, step=10, top=5)
    assert isinstance(drivers, DriversSection) and drivers.name == "drivers"
    assert len(drivers.drivers) == 5
    values = [abs(r["d_fsi"]) for r in drivers.drivers]
    assert values == sorted(values, reverse=True)
    race = arms_race_section(sc, framework=None, rounds=10)
    assert isinstance(race, ArmsRaceSection) and race.name == "arms_race"
    assert race.outcome in (SETTLES, STOPPED_BY_LIMIT, RUNS_AWAY)
    assert race.linearised is not None and "richardson" in race.linearised
    data = race.to_dict()
    assert list(data)[:7] == ["outcome", "verdict", "rounds", "requirement", "limits", "capped", "path"]
    assert list(data)[7:10] == ["framework", "notes", "linearised"]
    assert data["verdict"].startswith(f"{race.outcome} after")
    json.dumps(drivers.to_dict(), allow_nan=False)
    json.dumps(data, allow_nan=False)
    assert data["outcome"] == race.outcome and data["path"] == race.path
    assert drivers.to_dict()["drivers"] == drivers.drivers


def test_arms_race_section_reports_the_framework_limits():
    sc = load_scenario("us-russia-2023")
    race = arms_race_section(sc, framework=None, rounds=2)
    assert race.notes == ["no treaty limits"]
    assert race.limits["us"] == {
        "deployed_warheads": None,
        "deployed_launchers": None,
        "total_launchers": None,
        "bombers_count_one": False,
        "labels": {},
    }
    race = arms_race_section(sc, framework="new-start", rounds=2)
    assert race.notes == []
    us = race.limits["us"]
    treaty = {c.name: c for c in assess(sc, "new-start").sides["us"].limits.values()}
    arrays = compile_scenario(sc)
    lim = engine_limits("new-start", sc)["us"].limits
    ours = dict(zip(lim.kinds, counted(arrays.sides[0].systems, lim)[0], strict=True))
    # The cap is the race's count now plus the treaty's headroom: it binds where the treaty's limit does.
    assert us["deployed_warheads"] == pytest.approx(
        ours["deployed_warheads"] + treaty["deployed_warheads"].headroom
    )
    assert treaty["deployed_launchers"].headroom == 38
    assert us["deployed_launchers"] == pytest.approx(ours["deployed_launchers"] + 38)
    assert us["total_launchers"] == pytest.approx(ours["total_launchers"])
    assert us["bombers_count_one"]
    assert "1,550" in us["labels"]["deployed_warheads"]
    assert race.path[0]["sides"]["us"]["counted_warheads"] == pytest.approx(ours["deployed_warheads"])
    # A limit the race has no lever for is reported, not silently dropped.
    race = arms_race_section(sc, framework="security-equation", rounds=2)
    assert any("interceptors" in n for n in race.notes)
    assert build_path(arrays.sides[0], lim).stop in ("deployed_warheads", "total_launchers")


def test_explicit_limits_are_reported_like_framework_ones():
    sc = load_scenario("deep-cuts-1000")
    limits = {side: lim.limits for side, lim in engine_limits("new-start", sc).items()}
    given = arms_race_section(sc, limits=limits, rounds=3)
    framework = arms_race_section(sc, framework="new-start", rounds=3)
    # Explicit limits have no framework, hence no status on the scenario's date.
    status = {"framework": "new-start", "framework_status": "in force", "as_of": "2023-03-01"}
    assert given.to_dict() | status == framework.to_dict()
    assert given.race is not None and np.isfinite(given.race.requirement).any()
