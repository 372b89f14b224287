"""Tiny scenarios for treaty counting tests: only the fields a test cares about are given."""

from __future__ import annotations

import copy

import pytest

from security_equation.schema.scenario import Scenario

_BASE = {
    "nuclear": True,
    "ballistic": True,
    "launchers": 10,
    "warheads_per_launcher": 1,
    "max_warheads_per_launcher": 1,
    "yield_kt": 100,
    "cep_m": 100,
    "reliability": 0.8,
    "hardness_psi": 10,
}
_SURVIVABLE = {"day_to_day": 0.5, "generated": 0.8}


def system(category: str = "icbm_silo", **fields) -> dict:
    """A valid system mapping of a category with the given fields changed."""
    out = copy.deepcopy(_BASE)
    out["category"] = category
    if category != "icbm_silo":
        out["alert_fraction"] = dict(_SURVIVABLE)
    if category == "bomber":
        out["ballistic"] = False
        out["heavy_bomber"] = True
    if category == "cruise_missile":
        out["ballistic"] = False
    out.update(fields)
    if not out["nuclear"] and "kill_probability" not in out:
        out["kill_probability"] = {"icbm_silo": 0.5}
    if out["max_warheads_per_launcher"] < out["warheads_per_launcher"]:
        out["max_warheads_per_launcher"] = out["warheads_per_launcher"]
    return out


def side(systems: dict, defences: dict | None = None, label: str | None = None) -> dict:
    out = {
        "systems": systems,
        "defences": defences or {},
        "value": {"w80": 300},
        "posture": {
            "alert": "day_to_day",
            "launch_under_attack": 0.0,
            "holdback_fraction": 0.0,
            "max_warheads_per_target": 2,
        },
    }
    if label:
        out["label"] = label
    return out


def scenario(
    us_systems: dict,
    other_systems: dict | None = None,
    *,
    us_defences: dict | None = None,
    framework: str = "new-start",
    names: tuple[str, str] = ("us", "russia"),
) -> Scenario:
    """A two-sided scenario; the other side defaults to a single small ICBM force."""
    other = other_systems or {"icbm": system(launchers=1)}
    return Scenario.model_validate(
        {
            "name": "test",
            "framework": framework,
            "sides": {names[0]: side(us_systems, us_defences), names[1]: side(other)},
        }
    )


def missile_defence(interceptors: int) -> dict:
    return {
        "kind": "missile_defence",
        "interceptors": interceptors,
        "kill_probability": 0.5,
        "shots_per_warhead": 2,
        "system_reliability": 0.9,
    }


@pytest.fixture
def make():
    """Builders: ``make.system(...)``, ``make.scenario(...)``, ``make.missile_defence(n)``."""

    class Make:
        pass

    m = Make()
    m.system = system
    m.side = side
    m.scenario = scenario
    m.missile_defence = missile_defence
    return m


@pytest.fixture
def cli(seceq):
    """Run ``seceq ARGS…`` through the real entry point: (exit code, stdout, stderr)."""
    return seceq
