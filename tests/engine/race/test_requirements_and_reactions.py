"""The two requirements, the action–reaction outcomes they drive and the reaction
functions linearised (docs/model.md "Arms race")."""

from __future__ import annotations

import json

import numpy as np
import pytest

from security_equation.engine.race import (
    SETTLES,
    action_reaction,
    build_path,
    counterforce_warheads,
    coverage_required,
    reaction_slopes,
)
from security_equation.engine.race.search import Probe, least, moved
from security_equation.io.errors import InputError
from security_equation.io.loading import load_scenario
from security_equation.model.race import arms_race_section
from tests.factories import compile_pair, scenario, side, system


def _side(share=0.0, arriving=None, builds=None, per_target=2):
    out = side(
        {
            "silo": system("icbm_silo", 200, 3, 6, cep=100, non_deployed_launchers=20),
            "ssbn": system("slbm", 100, 4, 8, alert=(0.5, 0.8)),
        },
        per_target=per_target,
    )
    out["requirement"] = {
        "arriving_warheads": arriving if arriving is not None else 0,
        "counterforce_share": share,
    }
    if builds is not None:
        out["requirement"]["builds"] = builds
    return out


# ============================================================================ requirements
def test_coverage_counts_prompt_warheads_against_the_others_aim_points():
    arrays = compile_pair(_side(share=1.0), _side(share=0.5, per_target=3))
    # Prompt warheads: 200 silos × 3 + 100 tubes × 4 = 1,000 on each side.
    assert counterforce_warheads(arrays.sides[0])[0] == pytest.approx(1000)
    # Aim points: 200 silos + 100 tubes × (1 − 0.5 at sea) × 1 aim point per tube = 250.
    assert coverage_required(arrays, 0)[0] == pytest.approx(1.0 * 2 * 250)
    assert coverage_required(arrays, 1)[0] == pytest.approx(0.5 * 3 * 250)


def test_new_launchers_raise_the_others_coverage_requirement_uploads_do_not():
    arrays = compile_pair(_side(share=1.0), _side(builds="silo"))
    path = build_path(arrays.sides[1], production=50)
    # b's path: uploads (600 on silos, 400 on tubes: no new aim points), redeploy 20 silos, build silos.
    before = coverage_required(arrays, 0)[0]
    upload_only = moved(arrays, 1, path, 900.0)
    assert coverage_required(upload_only, 0)[0] == pytest.approx(before)
    with_silos = moved(arrays, 1, path, path.u_max)
    # 20 redeployed + 50 new silos: 70 more aim points, two warheads each.
    assert coverage_required(with_silos, 0)[0] == pytest.approx(before + 2 * 70)


def test_builds_names_the_system_new_launchers_are_built_of():
    arrays = compile_pair(_side(builds="silo"), _side())
    path = build_path(arrays.sides[0], production=10)
    assert path.system[-1] == 0 and path.capacity[-1] == 10 * 6
    default = build_path(compile_pair(_side(), _side()).sides[0], production=10)
    assert default.system[-1] == 1  # the most survivable: the SSBN


def test_builds_must_name_a_nuclear_system_of_the_side():
    bad = _side(builds="bomber")
    with pytest.raises(InputError, match="requirement.builds must name one of this side's nuclear systems"):
        scenario(bad, _side())


def test_the_race_adds_the_least_force_that_covers_the_other():
    """Only a coverage requirement: a covers 2 × 250 + the 50 % margin it asks for."""
    arrays = compile_pair(_side(share=1.0, per_target=5), _side())
    need = coverage_required(arrays, 0)[0]
    have = counterforce_warheads(arrays.sides[0])[0]
    assert need == pytest.approx(1250) and have == pytest.approx(1000)
    race = action_reaction(arrays, rounds=5)
    assert race.outcome == SETTLES
    first = race.path[0]["sides"]["a"]
    assert first["short_of"] == ["counterforce coverage"]
    # The upload goes to prompt systems only, so the least addition is the gap itself.
    assert first["added_warheads"] == pytest.approx(250, abs=0.3)
    assert race.path[-1]["sides"]["a"]["counterforce_warheads"] >= 1250 - 0.5


# ============================================================================ reactions
def test_a_side_with_a_surplus_reacts_only_past_the_threshold():
    arrays = compile_pair(_side(share=1.0), _side(builds="silo"))
    slopes = reaction_slopes(arrays, (0, 1))
    n_a = slopes.threshold[0]
    # a's surplus: 1,000 prompt warheads against 500 needed = 250 more aim points of b,
    # which b reaches after its uploads (1,000 warheads), then redeploys and builds silos.
    assert slopes.addition_now[0] == 0 and np.isfinite(n_a) and n_a > 1000
    path_b = build_path(arrays.sides[1])
    a_path = build_path(arrays.sides[0])
    below, above = (moved(arrays, 1, path_b, y) for y in (n_a - 20, n_a + 60))
    (f_below, _), (f_above, _) = least(
        [Probe(below, 0, a_path, 0, "met"), Probe(above, 0, build_path(above.sides[0]), 0, "met")]
    )
    assert f_below == 0 and f_above > 0
    # Beyond the threshold: two warheads per new silo of six warheads = 1/3 per warhead.
    assert slopes.rho[0] == pytest.approx(1 / 3, rel=0.02)


def test_linearised_reactions_are_never_negative_and_zero_only_with_a_reason():
    for name in ("us-russia-2023", "post-new-start-upload", "deep-cuts-1000", "counterforce-race"):
        section = arms_race_section(load_scenario(name), framework="none", rounds=3)
        for key in ("linearised", "linearised_end"):
            lin = section.to_dict().get(key)
            if not lin:
                continue
            for side_name, data in lin["sides"].items():
                rho = data["rho"]
                assert rho is None or rho >= 0, (name, side_name)
                if rho == 0:
                    assert "surplus" in data["explanation"] or "does not change" in data["explanation"]
                assert data["required_warheads"] >= data["warheads"] - 1e-9


def test_an_equilibrium_outside_the_feasible_region_is_never_quoted_as_a_force():
    """post-new-start-upload without limits: the old model quoted ρ_us = 13.3, a required
    count of −21,376 and an equilibrium at −31,106 US warheads, labelled stable."""
    section = arms_race_section(load_scenario("post-new-start-upload"), framework="none", rounds=5)
    data = section.to_dict()
    lin = data["linearised"]

    def numbers(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from numbers(v)
        elif isinstance(node, list):
            for v in node:
                yield from numbers(v)
        elif isinstance(node, float | int) and not isinstance(node, bool):
            yield node

    for key in ("sides", "equilibrium", "linear_end"):
        assert all(v >= 0 for v in numbers(lin[key])), key
    assert lin["rho"] == {"us": 0.0, "russia": 0.0}
    assert "does not react to anything" in lin["sides"]["us"]["explanation"]
    json.dumps(data, allow_nan=False)


def test_counterforce_race_binds_both_requirements_and_settles():
    section = arms_race_section(load_scenario("counterforce-race"), framework="none")
    kinds = {k for e in section.path for v in e["sides"].values() for k in v["short_of"]}
    assert kinds == {"assured retaliation", "counterforce coverage"}
    assert section.outcome == SETTLES and section.rounds == 18
    assert "reacts only once" in section.verdict or "is short now" in section.verdict
    # Each side's forces only grow.
    for name in ("us", "russia"):
        warheads = [e["sides"][name]["deployed_warheads"] for e in section.path]
        assert warheads == sorted(warheads)
