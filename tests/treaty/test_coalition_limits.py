"""Frameworks for more than two powers (docs/model.md, "Frameworks for more than two
powers"): limits per side (``sides``, ``per_side``) and on a coalition's aggregate
(``coalition``), counted on the bundled five-powers-2026."""

from __future__ import annotations

import math

import pytest

from security_equation.io import load_scenario
from security_equation.io.errors import InputError
from security_equation.treaty import assess, engine_limits, load_framework
from security_equation.treaty.limits import coalition_limits


@pytest.fixture(scope="module")
def five():
    return load_scenario("five-powers-2026")


def _limit(side: dict, name: str) -> dict:
    return next(lim for lim in side["limits"] if lim["name"] == name)


def test_nato_aggregate_is_the_sum_of_the_members_counts(five):
    data = assess(five, "security-equation").to_dict()
    nato = data["coalitions"]["nato"]
    assert nato["members"] == ["us", "uk", "france"] and nato["defined_by"] == "scenario"
    warheads = next(lim for lim in nato["limits"] if lim["name"] == "deployed_warheads")
    members = {m: _limit(data["sides"][m], "deployed_warheads")["counted"] for m in nato["members"]}
    assert members == {"us": 1419, "uk": 120, "france": 240}
    assert warheads["by_member"] == members
    assert warheads["counted"] == sum(members.values()) == 1779
    assert warheads["limit"] == 1550 and warheads["headroom"] == -229 and not warheads["compliant"]
    launchers = next(lim for lim in nato["limits"] if lim["name"] == "deployed_launchers")
    assert launchers["by_member"] == {"us": 703, "uk": 24, "france": 48}
    assert launchers["counted"] == 775 and launchers["headroom"] == -75
    # Only the two limits the framework names carry the aggregate.
    assert [lim["name"] for lim in nato["limits"]] == ["deployed_launchers", "deployed_warheads"]
    assert not nato["compliant"] and not data["compliant"]
    # Each member is still counted on its own at 1,550 (the UK well within it).
    assert _limit(data["sides"]["uk"], "deployed_warheads") | {"by_system": None} == {
        **_limit(data["sides"]["uk"], "deployed_warheads"),
        "by_system": None,
        "limit": 1550,
        "compliant": True,
    }


def test_nato_upload_potential_is_the_members_bounded_by_the_aggregate(five):
    data = assess(five, "security-equation").to_dict()
    up = next(lim for lim in data["coalitions"]["nato"]["limits"] if lim["name"] == "deployed_warheads")[
        "upload"
    ]
    members = ("us", "uk", "france")
    potential = sum(data["sides"][m]["upload"]["upload_potential"] for m in members)
    assert up["upload_potential"] == potential == 2002
    # Each member's upload potential stays bounded by the stored warheads that exist.
    for m in members:
        for row in data["sides"][m]["upload"]["by_system"]:
            if row["warheads_available"] is not None:
                assert row["upload_potential"] <= row["warheads_available"]
    after = {m: data["sides"][m]["upload"]["totals_after_upload"]["deployed_warheads"] for m in members}
    assert up["by_member_after_upload"] == after and up["after_upload"] == sum(after.values()) == 3241
    # Already over the limit: only what the limit does not count fits (bomber weapons,
    # counted one per bomber): the upload potential less the counted increase.
    assert up["upload_within_limit"] == potential - (3241 - 1779) == 540
    assert up["bound"] == "aggregate limit" and not up["compliant_after_upload"]


def test_two_side_scenario_has_no_aggregate_and_no_note():
    two = load_scenario("us-russia-2023")
    data = assess(two, "security-equation").to_dict()
    assert "coalitions" not in data
    assert not any("coalition" in a for a in data["framework"]["assumptions"])


def test_the_scenarios_coalition_takes_the_place_of_the_frameworks(tmp_path):
    path = tmp_path / "two-nato.yaml"
    path.write_text("extends: five-powers-2026\nname: two-nato\ncoalitions:\n  nato: [us, uk]\n")
    scenario = load_scenario(path)
    nato = assess(scenario, "security-equation").to_dict()["coalitions"]["nato"]
    assert nato["members"] == ["us", "uk"] and nato["defined_by"] == "scenario"
    warheads = next(lim for lim in nato["limits"] if lim["name"] == "deployed_warheads")
    assert warheads["counted"] == 1419 + 120


def test_new_start_extended_limits_china_at_equal_limits(five):
    data = assess(five, "new-start-extended").to_dict()
    china = {lim["name"]: lim for lim in data["sides"]["china"]["limits"]}
    assert {n: lim["limit"] for n, lim in china.items()} == {
        "deployed_launchers": 700,
        "deployed_warheads": 1550,
        "total_launchers": 800,
    }
    assert china["deployed_warheads"]["counted"] == 352 and china["deployed_warheads"]["headroom"] == 1198
    # The UK and France are not limited; Russia is 10 over, as under New START.
    assert data["sides"]["uk"]["limits"] == [] and data["sides"]["france"]["limits"] == []
    assert _limit(data["sides"]["russia"], "deployed_warheads")["headroom"] == -10
    assert "coalitions" not in data


def test_new_start_extended_on_two_sides_counts_as_new_start_and_says_china_is_skipped():
    two = load_scenario("us-russia-2023")
    extended = assess(two, "new-start-extended").to_dict()
    plain = assess(two, "new-start").to_dict()
    assert extended["sides"] == plain["sides"]
    notes = [a for a in extended["framework"]["assumptions"] if "china not in the scenario" in a]
    assert len(notes) == 3


def test_per_side_value_overrides_the_limit(five, tmp_path):
    path = tmp_path / "china-1000.yaml"
    path.write_text(
        "extends: new-start-extended\nname: china-1000\nlimits:\n  deployed_warheads:\n"
        "    per_side: {china: 300}\n"
    )
    data = assess(five, path).to_dict()
    china = _limit(data["sides"]["china"], "deployed_warheads")
    assert china["limit"] == 300 and china["counted"] == 352 and china["headroom"] == -52
    assert _limit(data["sides"]["us"], "deployed_warheads")["limit"] == 1550
    caps = engine_limits(path, five)
    row = caps["china"].names.index("deployed_warheads")
    assert caps["china"].values[row] == 300 and caps["china"].headroom[row] == -52
    assert "uk" not in caps and "france" not in caps


def test_proportional_cuts_are_a_quarter_of_each_sides_2025_count(five):
    data = assess(five, "proportional-cuts").to_dict()
    counts = {
        "us": (1671, 662),
        "russia": (1710, 526),
        "china": (352, 312),
        "uk": (120, 24),
        "france": (280, 88),
    }
    for side, (warheads, launchers) in counts.items():
        w = _limit(data["sides"][side], "deployed_warheads")
        launch = _limit(data["sides"][side], "deployed_launchers")
        assert (w["counted"], launch["counted"]) == (warheads, launchers), side
        assert w["limit"] == math.floor(0.75 * warheads) and launch["limit"] == math.floor(0.75 * launchers)
        assert not w["compliant"] and not launch["compliant"]
    assert _limit(data["sides"]["china"], "deployed_warheads")["limit"] == 264


def test_aggregate_only_limit(five, tmp_path):
    path = tmp_path / "agg.yaml"
    path.write_text(
        "name: agg\ntitle: Aggregate only\ncoalitions: {nato: [us, uk, france]}\nlimits:\n"
        "  warheads:\n    label: Warheads\n    unit: warheads\n    limit: 2100\n"
        "    source: 'assumption: test'\n    sides: []\n    coalition: nato\n    rules:\n"
        "      - {categories: [icbm_silo, icbm_mobile, slbm, bomber], nuclear: true,"
        " count: deployed_launchers, each: loaded_warheads}\n"
    )
    data = assess(five, path).to_dict()
    assert all(side["limits"] == [] for side in data["sides"].values())
    nato = data["coalitions"]["nato"]["limits"][0]
    assert nato["counted"] == 1671 + 120 + 280 and nato["compliant"] and data["compliant"]
    (agg,) = coalition_limits(path, five)
    assert agg.members == ("us", "uk", "france") and agg.headroom == 2100 - 2071
    assert agg.engine.members == (0, 3, 4)


def _problems(exc: InputError) -> list[tuple]:
    return [(p.line, p.path, p.message) for p in exc.problems]


def test_bad_references_are_located(tmp_path, five):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\ntitle: Bad\ncoalitions:\n  nato: [us, uk, us]\nlimits:\n  w:\n"
        "    label: W\n    unit: warheads\n    limit: 10\n    source: SD2\n"
        "    sides: [us, russia, us]\n    per_side:\n      china: 5\n    coalition: natoo\n"
        "    rules:\n      - {categories: [slbm], count: deployed_launchers}\n"
    )
    with pytest.raises(InputError) as err:
        load_framework(path)
    got = _problems(err.value)
    assert (4, "coalitions.nato.2", "'us' is named twice") in got
    assert (11, "limits.w.sides.2", "'us' is named twice") in got
    assert any(p[:2] == (13, "limits.w.per_side.china") and "not among the sides" in p[2] for p in got)
    assert any(p[:2] == (14, "limits.w.coalition") and "no coalition named 'natoo'" in p[2] for p in got)
    assert all(p.file == str(path) or p.file.endswith("bad.yaml") for p in err.value.problems)


def test_cli_treaty_shows_the_coalition_and_exits_2_on_a_bad_framework(tmp_path, seceq):
    code, out, err = seceq("treaty", "five-powers-2026", "-F", "security-equation")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Limits on coalitions' aggregates" in flat
    assert (
        "coalition nato (us + uk + france) exceeds deployed_launchers by 75, deployed_warheads by 229" in flat
    )
    assert "Compliant (all sides and coalitions)" in flat
    code, out, err = seceq("treaty", "five-powers-2026", "-F", "new-start-extended")
    assert code == 0, err
    assert "not limited on its own" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "extends: security-equation\nname: bad\nlimits:\n  deployed_warheads:\n    coalition: warsaw\n"
    )
    code, out, err = seceq("treaty", "five-powers-2026", "-F", str(bad))
    assert code == 2
    assert "bad.yaml:5 limits.deployed_warheads.coalition: no coalition named 'warsaw'" in " ".join(
        err.split()
    )
