"""Counting rules, one edge at a time, under the bundled frameworks."""

from __future__ import annotations

import pytest

from security_equation.treaty import assess, load_framework
from security_equation.treaty.counting import count_limit, round_half_up, upload_rows, uploaded


def counts(result, side="us") -> dict[str, int]:
    return {c.name: c.counted for c in result.sides[side].limits.values()}


def by_system(result, limit, side="us") -> dict[str, int]:
    return dict(result.sides[side].limits[limit].by_system)


# --------------------------------------------------------------------------- New START edges
def test_icbm_counts_launchers_and_loaded_warheads(make):
    sc = make.scenario(
        {
            "mm3": make.system(
                launchers=400, non_deployed_launchers=54, warheads_per_launcher=1, max_warheads_per_launcher=3
            )
        }
    )
    assert counts(assess(sc, "new-start")) == {
        "deployed_launchers": 400,
        "deployed_warheads": 400,
        "total_launchers": 454,
    }


def test_heavy_bomber_counts_as_one_warhead_whatever_it_carries(make):
    sc = make.scenario(
        {"b52": make.system("bomber", launchers=36, warheads_per_launcher=16, max_warheads_per_launcher=20)}
    )
    result = assess(sc, "new-start")
    assert counts(result) == {"deployed_launchers": 36, "deployed_warheads": 36, "total_launchers": 36}
    # … but the all-warheads cap counts what the bombers actually carry.
    assert by_system(assess(sc, "all-warheads-cap"), "all_warheads")["b52"] == 36 * 16


def test_non_deployed_launchers_count_only_towards_the_total(make):
    sc = make.scenario(
        {
            "slbm": make.system(
                "slbm",
                launchers=230,
                non_deployed_launchers=50,
                warheads_per_launcher=4.4,
                max_warheads_per_launcher=8,
            ),
            "b2": make.system("bomber", launchers=12, non_deployed_launchers=8),
        }
    )
    c = counts(assess(sc, "new-start"))
    assert c["deployed_launchers"] == 230 + 12
    assert c["deployed_warheads"] == 1012 + 12
    assert c["total_launchers"] == 280 + 20


@pytest.mark.parametrize("framework", ["new-start", "all-warheads-cap", "security-equation"])
def test_test_launchers_are_never_counted(make, framework):
    plain = make.scenario(
        {
            "mm3": make.system(launchers=397, non_deployed_launchers=57),
            "b2": make.system("bomber", launchers=12, non_deployed_launchers=8),
        }
    )
    with_tests = make.scenario(
        {
            "mm3": make.system(launchers=397, non_deployed_launchers=57, test_launchers=4),
            "b2": make.system("bomber", launchers=12, non_deployed_launchers=8, test_launchers=1),
        }
    )
    assert counts(assess(plain, framework)) == counts(assess(with_tests, framework))


def test_converted_bombers_are_not_accountable_under_new_start(make):
    sc = make.scenario(
        {"b52": make.system("bomber", launchers=36, non_deployed_launchers=10, converted_launchers=41)}
    )
    assert counts(assess(sc, "new-start")) == {
        "deployed_launchers": 36,
        "deployed_warheads": 36,
        "total_launchers": 46,
    }
    # Russia's position (MFA1): converted bombers are still heavy bombers.
    se = counts(assess(sc, "security-equation"))
    assert se["deployed_launchers"] == 36 + 41
    assert se["total_launchers"] == 46 + 41
    assert se["deployed_warheads"] == 36  # converted bombers carry no nuclear warhead


def test_converted_slbm_tubes_and_training_silos_count_only_in_the_security_equation(make):
    """New START counts neither; Russia's position (MFA1) counts both against the 800
    limit on launchers, but not as deployed: they hold no missile."""
    sc = make.scenario(
        {
            "mm3": make.system(launchers=400, non_deployed_launchers=54, training_launchers=4),
            "d5": make.system(
                "slbm",
                launchers=214,
                non_deployed_launchers=66,
                converted_launchers=56,
                warheads_per_launcher=4,
                max_warheads_per_launcher=8,
            ),
        }
    )
    assert counts(assess(sc, "new-start")) == {
        "deployed_launchers": 614,
        "deployed_warheads": 400 + 856,
        "total_launchers": 734,
    }
    result = assess(sc, "security-equation")
    se = counts(result)
    assert se["total_launchers"] == 734 + 56 + 4
    assert se["deployed_launchers"] == 614 and se["deployed_warheads"] == 400 + 856
    # Each is an item of its own in the breakdown, next to the system's own count.
    assert by_system(result, "total_launchers") == {
        "mm3": 454,
        "mm3 (training)": 4,
        "d5": 280,
        "d5 (converted)": 56,
    }
    assert by_system(result, "deployed_launchers") == {"mm3": 400, "d5": 214}


def test_a_user_rule_counts_training_launchers(make, tmp_path):
    fw_file = tmp_path / "training.yaml"
    fw_file.write_text(
        """\
name: training
title: Training launchers
limits:
  training:
    label: Training launchers
    unit: launchers
    limit: 3
    source: "assumption: a test"
    rules:
      - categories: [icbm_silo]
        count: training_launchers
        each: 2
"""
    )
    sc = make.scenario({"mm3": make.system(launchers=400, training_launchers=4), "d5": make.system("slbm")})
    lim = assess(sc, fw_file).sides["us"].limits["training"]
    assert lim.counted == 8 and lim.by_system == {"mm3 (training)": 8}  # nothing else counted
    assert lim.headroom == -5


def test_an_item_name_taken_by_a_system_is_not_overwritten(make):
    sc = make.scenario(
        {
            "b52": make.system("bomber", launchers=36, converted_launchers=41),
            "b52 (converted)": make.system("bomber", launchers=5),
        }
    )
    lim = assess(sc, "security-equation").sides["us"].limits["total_launchers"]
    assert lim.by_system == {"b52": 36, "b52 (converted_launchers)": 41, "b52 (converted)": 5}
    assert lim.counted == 36 + 41 + 5


def test_conventionally_armed_bomber_is_not_accountable(make):
    sc = make.scenario({"b1": make.system("bomber", nuclear=False, launchers=45, yield_kt=0)})
    assert counts(assess(sc, "new-start")) == {
        "deployed_launchers": 0,
        "deployed_warheads": 0,
        "total_launchers": 0,
    }
    assert counts(assess(sc, "security-equation"))["deployed_launchers"] == 45


def test_bomber_that_is_not_heavy_is_not_counted(make):
    sc = make.scenario({"tu22": make.system("bomber", heavy_bomber=False, launchers=60)})
    assert counts(assess(sc, "new-start"))["deployed_launchers"] == 0


def test_conventional_warheads_on_ballistic_missiles_count_under_new_start(make):
    sc = make.scenario(
        {
            "conv_icbm": make.system(nuclear=False, launchers=10, warheads_per_launcher=1, yield_kt=0),
            "conv_slbm": make.system("slbm", nuclear=False, launchers=8, warheads_per_launcher=2, yield_kt=0),
            "cps": make.system(
                "conventional_strike",
                nuclear=False,
                launchers=6,
                warheads_per_launcher=1,
                non_deployed_launchers=2,
                yield_kt=0,
            ),
        }
    )
    result = assess(sc, "new-start")
    assert by_system(result, "deployed_launchers") == {"conv_icbm": 10, "conv_slbm": 8, "cps": 6}
    assert by_system(result, "deployed_warheads") == {"conv_icbm": 10, "conv_slbm": 16, "cps": 6}
    assert counts(result)["total_launchers"] == 10 + 8 + 8


def test_systems_outside_new_start_are_not_counted(make):
    sc = make.scenario(
        {
            "tomahawk": make.system(
                "conventional_strike", nuclear=False, ballistic=False, launchers=500, yield_kt=0
            ),
            "slcm_n": make.system("cruise_missile", launchers=20),
            "lrhw": make.system(
                "conventional_strike", nuclear=False, launchers=8, yield_kt=0, newstart_accountable=False
            ),
            "flagged_off": make.system(launchers=5, newstart_accountable=False),
        }
    )
    assert counts(assess(sc, "new-start")) == {
        "deployed_launchers": 0,
        "deployed_warheads": 0,
        "total_launchers": 0,
    }
    # The security equation counts every long-range system, whatever the flag.
    se = by_system(assess(sc, "security-equation"), "deployed_launchers")
    assert se == {"tomahawk": 500, "slcm_n": 20, "lrhw": 8, "flagged_off": 5}


def test_interceptors_count_only_under_the_security_equation(make):
    sc = make.scenario(
        {"mm3": make.system()},
        defences={
            "gmd": make.missile_defence(44),
            "aegis": make.missile_defence(80),
            "air": {"kind": "air_defence", "penetration_probability": 0.9},
        },
    )
    se = assess(sc, "security-equation").sides["us"].limits["interceptors"]
    assert se.by_system == {"gmd": 44, "aegis": 80}
    assert se.counted == 124 and se.headroom == -24 and not se.compliant
    assert "interceptors" not in assess(sc, "new-start").sides["us"].limits


# --------------------------------------------------------------------------- rounding
def test_fractional_loading_is_rounded_per_system_and_adds_up(make):
    sc = make.scenario(
        {
            "a": make.system("slbm", launchers=214, warheads_per_launcher=4.54, max_warheads_per_launcher=8),
            "b": make.system("slbm", launchers=3, warheads_per_launcher=0.5),  # 1.5 -> 2 (halves up)
            "c": make.system("slbm", launchers=3, warheads_per_launcher=0.4),  # 1.2 -> 1
        }
    )
    lim = assess(sc, "new-start").sides["us"].limits["deployed_warheads"]
    assert lim.by_system == {"a": 972, "b": 2, "c": 1}
    assert lim.counted == sum(lim.by_system.values()) == 975


def test_round_half_up():
    assert [round_half_up(x) for x in (0.5, 1.5, 2.5, 2.4999, 971.56, 4.4 * 230)] == [1, 2, 3, 2, 972, 1012]


# --------------------------------------------------------------------------- compliance
def test_headroom_excess_and_compliance(make):
    sc = make.scenario(
        {
            "mm3": make.system(
                launchers=650,
                warheads_per_launcher=3,
                max_warheads_per_launcher=3,
                non_deployed_launchers=200,
            )
        }
    )
    result = assess(sc, "new-start")
    lims = result.sides["us"].limits
    assert lims["deployed_launchers"].headroom == 50 and lims["deployed_launchers"].compliant
    assert lims["deployed_warheads"].headroom == 1550 - 1950 and not lims["deployed_warheads"].compliant
    assert lims["total_launchers"].headroom == -50
    assert lims["total_launchers"].counted == 850
    assert not result.sides["us"].compliant and result.sides["russia"].compliant
    assert not result.compliant
    # Exactly at the limit is compliant.
    at = make.scenario({"mm3": make.system(launchers=700, warheads_per_launcher=1)})
    assert assess(at, "new-start").sides["us"].limits["deployed_launchers"].compliant


# --------------------------------------------------------------------------- upload
def test_upload_potential_deployed_and_non_deployed(make):
    sc = make.scenario(
        {
            "mm3": make.system(
                launchers=400, non_deployed_launchers=50, warheads_per_launcher=1, max_warheads_per_launcher=3
            ),
            "b52": make.system(
                "bomber",
                launchers=36,
                non_deployed_launchers=10,
                warheads_per_launcher=6.25,
                max_warheads_per_launcher=20,
                test_launchers=4,
                converted_launchers=41,
                training_launchers=2,
            ),
            "cps": make.system("conventional_strike", nuclear=False, launchers=8, yield_kt=0),
        }
    )
    rows = {r.system: r for r in upload_rows(sc.sides["us"])}
    assert set(rows) == {"mm3", "b52"}  # conventional systems carry no nuclear upload
    mm3, b52 = rows["mm3"], rows["b52"]
    assert (mm3.warheads_now, mm3.capacity, mm3.added_warheads) == (400, 1350, 950)
    assert (mm3.added_on_deployed, mm3.added_on_non_deployed) == (800, 150)
    # test, converted and training launchers are left out
    assert (b52.warheads_now, b52.capacity, b52.added_warheads) == (225, 920, 695)
    up = assess(sc, "new-start").to_dict()["sides"]["us"]["upload"]
    assert up["added_warheads"] == 950 + 695
    # After upload: non-deployed launchers are deployed, missiles carry 3, bombers still count one.
    assert up["totals_after_upload"] == {
        "deployed_launchers": 450 + 46 + 8,
        "deployed_warheads": 1350 + 46 + 8,
        "total_launchers": 450 + 46 + 8,
    }
    assert up["compliant_after_upload"] is True  # 504 launchers, 1,404 warheads
    # The uploaded side is a new object; the scenario is unchanged.
    assert uploaded(sc.sides["us"]).systems["mm3"].launchers == 450
    assert sc.sides["us"].systems["mm3"].launchers == 400


def test_upload_draws_on_the_stored_reserve_first(make):
    fw = load_framework("all-warheads-cap")
    sc = make.scenario(
        {"mm3": make.system(launchers=400, warheads_per_launcher=1, max_warheads_per_launcher=3)}
    )
    res = assess(sc, fw)
    reserve = fw.limits["all_warheads"].allowances["us"]["reserve"].count
    other = fw.limits["all_warheads"].allowances["us"]["non_strategic"].count
    lim = res.sides["us"].limits["all_warheads"]
    assert lim.by_system == {"mm3": 400, "reserve": reserve, "non_strategic": other}
    # +800 warheads come out of the reserve (1,938): the total is unchanged.
    assert res.sides["us"].after_upload["all_warheads"].counted == lim.counted
    assert res.sides["us"].after_upload["all_warheads"].by_system["reserve"] == reserve - 800
    # A bigger upload than the reserve holds needs new warheads.
    big = make.scenario(
        {"mm3": make.system(launchers=1000, warheads_per_launcher=1, max_warheads_per_launcher=4)}
    )
    after = assess(big, fw).sides["us"].after_upload["all_warheads"]
    assert after.by_system["reserve"] == 0
    assert after.counted == 4000 + other


def test_allowances_are_per_side_and_missing_sides_are_noted(make):
    sc = make.scenario({"mm3": make.system()}, names=("blue", "red"))
    result = assess(sc, "all-warheads-cap")
    assert result.sides["blue"].limits["all_warheads"].by_system == {"mm3": 10}
    notes = result.to_dict()["framework"]["assumptions"]
    assert any("no allowance for side 'blue'" in n for n in notes)


def test_count_limit_without_side_name_ignores_allowances(make):
    fw = load_framework("all-warheads-cap")
    sc = make.scenario({"mm3": make.system()})
    assert count_limit(sc.sides["us"], "all_warheads", fw.limits["all_warheads"]).counted == 10
