"""The bundled scenarios: each loads, evaluates, is fully sourced and says what it claims."""

from __future__ import annotations

import json
from functools import cache

import pytest

from security_equation.data import datasets
from security_equation.io import bundled_names, load_scenario
from security_equation.model import evaluate
from security_equation.model.provenance import cited_ids, is_assumption, provenance

#: The last-official-data scenario the two-side what-ifs extend (the default is
#: five-powers-2026: ``DEFAULT_SCENARIO``).
BASE = "us-russia-2023"
NEW = (
    "post-new-start-upload",
    "us-missile-defence-expansion",
    "conventional-prompt-strike",
    "deep-cuts-1000",
)
#: Scenarios with more than two sides (issue 13): sourced and evaluated like the others.
FIVE_POWERS = ("five-powers-2026", "china-silos-2030", "russia-china-strike-2026", "nato-counted-2026")
#: The what-ifs on five-powers-2026 (issue 13).
FIVE_POWER_WHAT_IFS = ("china-silos-2030", "russia-china-strike-2026", "nato-counted-2026")


@cache
def _evaluation(name: str):
    return evaluate(load_scenario(name))


@cache
def _result(name: str) -> dict:
    return _evaluation(name).to_dict()


def _deployed(name: str, side: str) -> float:
    """Deployed nuclear warheads as loaded (bombers at their estimated loads)."""
    scenario = load_scenario(name)
    return sum(
        s.launchers * s.warheads_per_launcher for s in scenario.sides[side].systems.values() if s.nuclear
    )


def test_all_bundled_scenarios_are_listed():
    assert set(NEW) | {BASE} | set(FIVE_POWERS) <= set(bundled_names())


def test_the_default_is_five_powers_2026():
    """The default (issue 13) is the five powers after New START's expiry; us-russia-2023
    stays bundled as the last-official-data scenario."""
    from security_equation.io.loading import DEFAULT_SCENARIO, bundled_catalogue

    assert DEFAULT_SCENARIO == "five-powers-2026"
    assert [row["name"] for row in bundled_catalogue() if row["default"]] == [DEFAULT_SCENARIO]
    assert BASE in bundled_names()


@pytest.mark.parametrize("name", NEW)
def test_extends_the_default(name):
    from security_equation.io.loading import bundled_dir, read_mapping

    raw, _ = read_mapping(bundled_dir("scenarios") / f"{name}.yaml")
    assert raw["extends"] == BASE
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.origin == f"security_equation/data/scenarios/{name}.yaml"
    assert scenario.description and scenario.description != load_scenario(BASE).description


@pytest.mark.parametrize("name", (BASE, *NEW, *FIVE_POWERS))
def test_loads_and_evaluates(name):
    result = _result(name)
    assert result["scenario"] == name
    assert 0.0 < result["fsi"] <= 1.0
    for side in ("us", "russia"):
        values = result["sides"][side]
        assert 0.0 < values["r"] <= 1.0
        assert values["arriving_warheads"] > 0
        assert 0.0 <= values["share_destroyed"] <= 1.0


@pytest.mark.parametrize("name", (BASE, *NEW, *FIVE_POWERS))
def test_every_figure_has_a_source_or_an_assumption(name):
    """No unsourced numeric field; every note cites a registered id or says `assumption`."""
    scenario = load_scenario(name)
    assert _evaluation(name).unsourced == []
    register = set(datasets.load("sources")["source_id"])
    bad = []
    for p in provenance(scenario):
        if is_assumption(p.note):
            assert len(p.note.split(":", 1)[-1].strip()) > 10, f"{p.path}: assumption without a reason"
            continue
        if not cited_ids(p.note) or not set(cited_ids(p.note)) <= register:
            bad.append(f"{p.path}: {p.note}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", NEW)
def test_changed_figures_carry_their_own_notes(name):
    """A figure the scenario changes must not keep the source note of us-russia-2023."""
    base, scenario = load_scenario(BASE), load_scenario(name)
    base_notes = {p.path: p.note for p in provenance(base)}
    stale = []
    for p in provenance(scenario):
        if p.path in base_notes and p.note == base_notes[p.path]:
            old = next(q for q in provenance(base) if q.path == p.path)
            if old.value != p.value:
                stale.append(p.path)
    assert not stale, stale


def test_results_are_distinct():
    fsis = {name: round(_result(name)["fsi"], 4) for name in (BASE, *NEW)}
    assert len(set(fsis.values())) == len(fsis), fsis


@pytest.mark.parametrize("name", NEW)
def test_runs_through_the_cli(seceq, name):
    code, out, err = seceq("run", name, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["scenario"] == name


def test_scenarios_command_lists_them(seceq):
    code, out, err = seceq("scenarios", "--format", "json")
    assert code == 0, err
    rows = {r["name"]: r for r in json.loads(out)}
    for name in NEW:
        assert rows[name]["extends"] == BASE
        assert rows[name]["description"]


def test_default_overrides_are_inherited(seceq):
    code, out, err = seceq("run", "post-new-start-upload", "-O", "generated", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["applied_overrides"] == ["generated"]


# --------------------------------------------------------------------------- post-new-start-upload
def test_upload_raises_deployed_warheads_on_both_sides():
    for side in ("us", "russia"):
        assert _deployed("post-new-start-upload", side) > 1.4 * _deployed(BASE, side)


def test_upload_stays_within_capacity_and_existing_launchers():
    base, up = load_scenario(BASE), load_scenario("post-new-start-upload")
    for side in ("us", "russia"):
        for name, system in up.sides[side].systems.items():
            old = base.sides[side].systems[name]
            assert system.warheads_per_launcher >= old.warheads_per_launcher
            assert system.warheads_per_launcher <= system.max_warheads_per_launcher
            assert system.launchers >= old.launchers
            assert system.non_deployed_launchers <= old.non_deployed_launchers
    # the US deploys only launchers it already has: 800 deployed + non-deployed as before
    us = up.sides["us"].systems.values()
    assert sum(s.launchers + s.non_deployed_launchers for s in us) == 800
    assert sum(s.launchers for s in us) > 700  # above the lapsed New START limit


def test_upload_stays_within_estimated_warhead_stocks():
    """Uploaded warheads do not exceed what FAS estimates each side holds."""
    est = datasets.load("warhead-estimates")

    def fas(side, year, measure):
        rows = est[
            (est["side"] == side)
            & (est["year"] == year)
            & (est["measure"] == measure)
            & (est["estimator"] == "FAS")
        ]
        return int(rows["value"].iloc[0])

    assert _deployed("post-new-start-upload", "us") <= fas("US", 2023, "stockpile")
    russian_strategic = fas("RU", 2023, "deployed_strategic") + fas("RU", 2023, "reserve_strategic")
    assert _deployed("post-new-start-upload", "russia") <= russian_strategic
    systems = load_scenario("post-new-start-upload").sides["russia"].systems
    icbm = sum(systems[n].launchers * systems[n].warheads_per_launcher for n in ("icbm_silo", "icbm_mobile"))
    assert icbm == pytest.approx(1185, abs=2)  # NN-RU22 / KUETT ICBM warhead capacity


def test_upload_changes_the_exchange():
    base, up = _result(BASE), _result("post-new-start-upload")
    for side in ("us", "russia"):
        assert up["sides"][side]["surviving_warheads"] > base["sides"][side]["surviving_warheads"]


# --------------------------------------------------------------------------- deep-cuts-1000
def test_deep_cuts_to_about_1000_deployed_warheads():
    for side in ("us", "russia"):
        assert _deployed("deep-cuts-1000", side) == pytest.approx(1000, rel=0.01)


def test_deep_cuts_follow_the_proportional_rule():
    base, cut = load_scenario(BASE), load_scenario("deep-cuts-1000")
    for side in ("us", "russia"):
        factor = 1000 / _deployed(BASE, side)
        for name, old in base.sides[side].systems.items():
            new = cut.sides[side].systems[name]
            assert new.launchers == round(old.launchers * factor)
            assert new.non_deployed_launchers == round(old.non_deployed_launchers * factor)
            assert new.warheads_per_launcher == old.warheads_per_launcher
        assert cut.sides[side].defences == base.sides[side].defences
        assert cut.sides[side].posture == base.sides[side].posture


def test_deep_cuts_shrink_retaliation_and_make_posture_matter_more():
    base, cut = _result(BASE), _result("deep-cuts-1000")
    for side in ("us", "russia"):
        assert cut["sides"][side]["arriving_warheads"] < base["sides"][side]["arriving_warheads"]
    # R-3765: posture matters more under deep reductions
    gain = cut["fsi_variants"]["generated"] - cut["fsi_variants"]["day_to_day"]
    assert gain > base["fsi_variants"]["generated"] - base["fsi_variants"]["day_to_day"]


# --------------------------------------------------------------------------- us-missile-defence-expansion
def test_missile_defence_expansion_uses_the_planned_gmd_total():
    md = datasets.load("missile-defence")
    planned = int(md[(md["system"] == "GMD") & (md["item"] == "gbis_total")]["value"].iloc[0]) + int(
        md[(md["system"] == "GMD") & (md["item"] == "ngi_planned")]["value"].iloc[0]
    )
    defences = load_scenario("us-missile-defence-expansion").sides["us"].defences
    assert defences["gmd"].interceptors == planned == 64
    assert defences["sm3_iia"].interceptors > 0
    assert (
        load_scenario("us-missile-defence-expansion").sides["russia"] == load_scenario(BASE).sides["russia"]
    )


def test_missile_defence_lowers_retaliation_arriving_on_the_us():
    base, md = _result(BASE), _result("us-missile-defence-expansion")
    # Russia struck first: its surviving force is unchanged, but less of it arrives.
    assert md["sides"]["russia"]["surviving_warheads"] == pytest.approx(
        base["sides"]["russia"]["surviving_warheads"]
    )
    assert md["sides"]["russia"]["arriving_warheads"] < base["sides"]["russia"]["arriving_warheads"] - 20
    # Defence plus counterforce makes striking first more attractive for the US (R-3412).
    assert md["sides"]["us"]["c1"] < base["sides"]["us"]["c1"]
    assert md["fsi"] < base["fsi"]


# --------------------------------------------------------------------------- conventional-prompt-strike
def test_conventional_strike_adds_non_nuclear_systems_only():
    base, conv = load_scenario(BASE), load_scenario("conventional-prompt-strike")
    added = set(conv.sides["us"].systems) - set(base.sides["us"].systems)
    assert added == {"lrhw", "cps", "conventional_cruise"}
    for name in added:
        system = conv.sides["us"].systems[name]
        assert system.nuclear is False
        assert system.category == "conventional_strike"
        assert system.newstart_accountable is False
        assert system.kill_probability and all(0 <= p <= 1 for p in system.kill_probability.values())
    for name, system in base.sides["us"].systems.items():
        assert conv.sides["us"].systems[name] == system
    assert conv.sides["russia"] == base.sides["russia"]
    # conventional weapons add nothing to the nuclear count
    assert _deployed("conventional-prompt-strike", "us") == _deployed(BASE, "us")


def test_conventional_strike_threatens_russia():
    """Conventional prompt (hypersonic) counterforce on top of the nuclear one destroys
    more Russian warheads and frees nuclear ones for value, so striking first is cheaper
    for the US, Russia is worse off when struck first, and the index falls. (The cruise
    missiles take no part: too slow for a disarming strike.)"""
    base, conv = _result(BASE), _result("conventional-prompt-strike")
    assert conv["sides"]["us"]["c1"] < base["sides"]["us"]["c1"] - 0.005
    assert conv["sides"]["russia"]["c2"] > base["sides"]["russia"]["c2"]
    assert conv["sides"]["russia"]["surviving_warheads"] < base["sides"]["russia"]["surviving_warheads"] - 3
    assert conv["sides"]["russia"]["share_destroyed"] > base["sides"]["russia"]["share_destroyed"]
    assert conv["fsi"] < base["fsi"] - 0.005


def test_assumptions_name_the_distribution_they_are_sampled_from():
    assumptions = {a["path"]: a for a in _result(BASE)["assumptions"]}
    gmd = assumptions["us.defences.gmd.kill_probability"]
    assert gmd["value"] == 0.5
    assert gmd["distributions"] == {
        "us.defences.gmd.kill_probability": "triangular(low=0.2, mode=0.5, high=0.8)"
    }
    alert = assumptions["us.systems.trident_ii.alert_fraction"]
    assert list(alert["distributions"]) == ["us.systems.trident_ii.alert_fraction.day_to_day"]
    assert "distributions" not in assumptions["us.posture.holdback_fraction"]


# --------------------------------------------------------------------------- five powers
def test_china_silos_2030_changes_only_china():
    base, what_if = load_scenario("five-powers-2026"), load_scenario("china-silos-2030")
    assert set(what_if.sides) == {"us", "russia", "china", "uk", "france"}
    for side in ("us", "russia", "uk", "france"):
        assert what_if.sides[side] == base.sides[side]
    silos = what_if.sides["china"].systems["df31_silo"]
    assert silos.launchers == 320 and silos.non_deployed_launchers == 0  # DOD-CMPR24
    # the DoD's >1,000 warheads by 2030: deployed here + reserve + 116 left out (DF-26, H-6N)
    assert _deployed("china-silos-2030", "china") + what_if.sides["china"].reserve.warheads + 116 == 1000


def test_uk_and_france_are_committed_to_the_us():
    """Extended deterrence in five-powers-2026 (UK-IR21; France: an assumption), inherited
    by its what-ifs; no ally cycle (the US commits to nobody)."""
    for name in ("five-powers-2026", *FIVE_POWER_WHAT_IFS):
        sides = load_scenario(name).sides
        assert sides["uk"].commits_to == ["us"] and sides["france"].commits_to == ["us"]
        assert sides["us"].commits_to == [] and sides["russia"].commits_to == sides["china"].commits_to == []


@pytest.mark.parametrize("name", FIVE_POWER_WHAT_IFS)
def test_five_power_what_ifs_extend_five_powers_2026(name):
    from security_equation.io.loading import bundled_dir, read_mapping

    raw, _ = read_mapping(bundled_dir("scenarios") / f"{name}.yaml")
    assert raw["extends"] == "five-powers-2026"
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.description.startswith("What-if:")


def test_russia_china_strike_2026_is_a_generated_partnership():
    base, what_if = load_scenario("five-powers-2026"), load_scenario("russia-china-strike-2026")
    assert what_if.coalitions == {"nato": ["us", "uk", "france"], "partners": ["russia", "china"]}
    assert base.coalitions == {"nato": ["us", "uk", "france"]}
    alerts = {n: s.posture.alert for n, s in what_if.sides.items()}
    assert alerts == {
        "us": "day_to_day",
        "russia": "generated",
        "china": "generated",
        "uk": "day_to_day",
        "france": "day_to_day",
    }
    # Only the alert levels change; forces, values and requirements are five-powers-2026's.
    for name, side in what_if.sides.items():
        assert side.systems == base.sides[name].systems
        assert side.model_copy(update={"posture": base.sides[name].posture}) == base.sides[name]
    assert load_scenario("russia-china-strike-2026", ["generated"]).sides["us"].posture.alert == "generated"


def test_nato_counted_2026_changes_only_the_coalition_and_framework():
    base, what_if = load_scenario("five-powers-2026"), load_scenario("nato-counted-2026")
    assert what_if.coalitions == {"nato": ["us", "uk", "france"]}
    assert (base.framework, what_if.framework) == ("new-start", "security-equation")
    assert what_if.sides == base.sides and what_if.date == base.date
