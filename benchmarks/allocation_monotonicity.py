"""How often the mixed-weapon allocation breaks monotonicity, and by how much.

With several counterforce weapon types the draw-down curve's greedy order is not an
optimal allocation (docs/model.md, step 3; tests/engine/test_stability_properties.py): a
victim adding launchers or raising its alert can *lower* the attacker's first-strike
cost C1. Two mechanisms do it:

* the greedy counted the victim's warheads destroyed, not its *reliable* ones, so a
  victim hiding unreliable warheads pushed the attacker onto reliable ones
  (``settings.allocation: reliable``, the default, removes this);
* where the per-target cap binds, slots went to the weapon cheapest per warhead forgone
  rather than the best per shot; more targets meant more slots and a better plan
  (``"best"`` also plans shot-first there and keeps the cheaper plan).

For each allocation (``settings.allocation``) this script measures, over random
two-sided scenarios (the attacker has two or three counterforce types), the share of
cases where C1 falls when the victim becomes more survivable, and the worst fall.
Run: ``python benchmarks/allocation_monotonicity.py [N] [--seed S] [--modes greedy best]``.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from security_equation.engine import exchange as engine
from security_equation.io.loading import validate
from security_equation.model.compile import compile_scenario


def _system(category, alert=None):
    out = {
        "category": category,
        "nuclear": True,
        "ballistic": category != "bomber",
        "launchers": 100,
        "warheads_per_launcher": 1.0,
        "max_warheads_per_launcher": 10.0,
        "yield_kt": 300.0,
        "cep_m": 200.0,
        "reliability": 0.8,
        "hardness_psi": 2000.0 if category == "icbm_silo" else 10.0,
    }
    if alert is not None:
        out["alert_fraction"] = {"day_to_day": alert[0], "generated": alert[1]}
    return out


def _side():
    return {
        "systems": {
            "silo": _system("icbm_silo"),
            "ssbn": _system("slbm", (0.5, 0.8)),
            "mobile": _system("icbm_mobile", (0.3, 0.8)),
            "bomber": _system("bomber", (0.0, 0.5)),
        },
        "defences": {
            "bmd": {
                "kind": "missile_defence",
                "interceptors": 0,
                "kill_probability": 0.5,
                "shots_per_warhead": 2,
                "system_reliability": 0.9,
                "protects": "both",
            },
            "air": {"kind": "air_defence", "penetration_probability": 1.0},
        },
        "value": {"w80": 300.0},
        "posture": {
            "alert": "day_to_day",
            "launch_under_attack": 0.0,
            "holdback_fraction": 0.0,
            "max_warheads_per_target": 2,
        },
    }


def random_pairs(n: int, rng: np.random.Generator):
    """n random scenarios in one batch; the attacker (side 0) keeps 2–3 counterforce types."""
    arrays = compile_scenario(
        validate({"name": "random", "sides": {"a": _side(), "b": _side()}}, {}), batch=n
    )
    for s in arrays.sides:
        m = s.systems
        m["launchers"][:] = rng.integers(1, 400, (n, 4))
        m["warheads_per_launcher"][:] = rng.integers(1, 10, (n, 4))
        m["max_warheads_per_launcher"][:] = m["warheads_per_launcher"]
        m["cep_m"][:] = rng.uniform(50, 400, (n, 4))
        m["yield_kt"][:] = rng.uniform(50, 800, (n, 4))
        m["reliability"][:] = rng.uniform(0.3, 1.0, (n, 4))
        day = rng.uniform(0, 0.9, (n, 4))
        m["alert_day_to_day"][:] = day
        m["alert_generated"][:] = rng.uniform(day, 1.0)
        s.scalars["w80"][:] = rng.uniform(50, 1000, n)
        s.scalars["generated"][:] = rng.integers(0, 2, n)
        s.scalars["launch_under_attack"][:] = rng.choice([0, 0, 0.5, 0.9], n)
        s.scalars["holdback_fraction"][:] = rng.uniform(0, 0.2, n)
        s.scalars["max_warheads_per_target"][:] = rng.integers(1, 4, n)
        s.layers["interceptors"][:, 0] = np.where(rng.random(n) < 0.5, 0.0, rng.integers(0, 400, n))
    drop = rng.integers(0, 6, n)  # in half the cases one of the three missile types is absent
    for k in range(3):
        arrays.sides[0].systems["launchers"][drop == k, k] = 0
    return arrays


def more_survivable(arrays, rng: np.random.Generator, change: str):
    out = arrays.copy()
    n = out.batch
    m = out.sides[1].systems
    if change == "launchers":
        m["launchers"][np.arange(n), rng.integers(0, 3, n)] += rng.integers(1, 200, n)
    elif change == "slbm":
        m["launchers"][:, 1] += rng.integers(1, 200, n)
    else:  # alert
        up = rng.uniform(0.01, 0.5, n)[:, None]
        for key in ("alert_day_to_day", "alert_generated"):
            m[key][:, 1:] = np.minimum(1.0, m[key][:, 1:] + up)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="?", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--modes", nargs="+", default=["greedy", "reliable", "best"])
    args = parser.parse_args()
    print(f"{args.cases:,} random scenarios per change; attacker has 2-3 counterforce weapon types")
    for mode in args.modes:
        print(f"allocation {mode!r}:")
        for change in ("launchers", "slbm", "alert"):
            rng = np.random.default_rng(args.seed)
            base = replace(random_pairs(args.cases, rng), allocation=mode)
            more = more_survivable(base, rng, change)
            c0 = engine.exchange(base).strikes[0].cost_attacker
            c1 = engine.exchange(more).strikes[0].cost_attacker
            fall = (c0 - c1) / np.maximum(np.abs(c0), 1e-12)
            print(
                f"  victim adds {change:9}: C1 falls by >1e-6 in {np.mean(fall > 1e-6):7.3%}"
                f" ({np.sum(fall > 1e-6)}), >1e-3 in {np.mean(fall > 1e-3):7.3%};"
                f" worst fall {max(fall.max(), 0):.2%}"
            )


if __name__ == "__main__":
    main()
