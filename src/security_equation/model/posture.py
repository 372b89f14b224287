"""Force posture summary: launchers and warheads per side and system."""

from __future__ import annotations

from security_equation.schema.scenario import Scenario


def summarize(scenario: Scenario) -> dict:
    """Per side and system: deployed and non-deployed launchers, loaded and capacity warheads.

    ``totals`` sum the nuclear systems only (a conventional warhead is not a nuclear one);
    ``conventional_totals`` sum the conventional systems, when there are any.
    """
    sides = {}
    for side_name, side in scenario.sides.items():
        systems = {}
        keys = (
            "launchers",
            "non_deployed_launchers",
            "deployed_warheads",
            "warhead_capacity",
            "non_deployed_capacity",
        )
        totals = dict.fromkeys(keys, 0.0)
        conventional = dict.fromkeys(keys, 0.0)
        for name, sys in side.systems.items():
            row = {
                "category": sys.category,
                "nuclear": sys.nuclear,
                "launchers": sys.launchers,
                "non_deployed_launchers": sys.non_deployed_launchers,
                "warheads_per_launcher": sys.warheads_per_launcher,
                "deployed_warheads": sys.launchers * sys.warheads_per_launcher,
                "warhead_capacity": sys.launchers * sys.max_warheads_per_launcher,
                "non_deployed_capacity": sys.non_deployed_launchers * sys.max_warheads_per_launcher,
            }
            systems[name] = row
            into = totals if sys.nuclear else conventional
            for key in keys:
                into[key] += row[key]
        sides[side_name] = {"label": side.label or side_name, "systems": systems, "totals": totals}
        if any(not sys.nuclear for sys in side.systems.values()):
            sides[side_name]["conventional_totals"] = conventional
    return sides
