"""Framework files: bundled ones load and document themselves; bad ones get located errors."""

from __future__ import annotations

import json
import textwrap

import pytest

from security_equation.io import load_scenario
from security_equation.io.errors import InputError
from security_equation.model.provenance import cited_ids, is_assumption, source_register
from security_equation.treaty import (
    TreatyAssessment,
    assess,
    bundled_frameworks,
    framework_from_text,
    load_framework,
)
from security_equation.treaty.frameworks import parse_limit_values, with_limits

MINIMAL = """\
name: mine
title: Mine
limits:
  launchers:
    label: Launchers
    unit: launchers
    limit: 500
    source: "assumption: a test"
    rules:
      - categories: [icbm_silo, icbm_mobile, slbm]
        count: deployed_launchers
"""


def write(tmp_path, text: str, name: str = "fw.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(exc: InputError) -> list[tuple]:
    return [(p.file, p.line, p.path, p.message) for p in exc.problems]


# --------------------------------------------------------------------------- bundled
def test_bundled_frameworks_load_and_cite_known_sources():
    assert bundled_frameworks() == [
        "all-warheads-cap",
        "new-start",
        "new-start-extended",
        "proportional-cuts",
        "security-equation",
    ]
    register = source_register()
    for name in bundled_frameworks():
        fw = load_framework(name)
        assert fw.name == name and fw.origin.endswith(f"frameworks/{name}.yaml")
        assert set(fw.sources) <= set(register), name
        for lim in fw.limits.values():
            assert is_assumption(lim.source) or cited_ids(lim.source), (name, lim.source)


def test_new_start_limits_and_dates():
    fw = load_framework("new-start")
    assert {k: v.limit for k, v in fw.limits.items()} == {
        "deployed_launchers": 700,
        "deployed_warheads": 1550,
        "total_launchers": 800,
    }
    assert str(fw.binding_from) == "2018-02-05" and str(fw.expires) == "2026-02-05"
    assert fw.status == "treaty"


@pytest.mark.parametrize("name", ["all-warheads-cap", "security-equation"])
def test_hypothetical_limit_values_are_marked_as_assumptions(name):
    fw = load_framework(name)
    assert fw.status == "proposal"
    assert all(is_assumption(lim.source) for lim in fw.limits.values())
    stated = assess(load_scenario("us-russia-2023"), name).to_dict()["framework"]["assumptions"]
    for lim_name in fw.limits:
        assert any(a.startswith(f"limit {lim_name} = ") for a in stated)


def test_result_contract_and_json():
    sc = load_scenario("us-russia-2023")
    result = assess(sc)  # the scenario's own framework
    assert isinstance(result, TreatyAssessment) and result.framework.name == sc.framework == "new-start"
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert set(data) == {"framework", "compliant", "sides", "status", "as_of"}
    assert (data["status"], data["as_of"]) == ("in force", "2023-03-01")  # the scenario's date
    assert set(data["framework"]) == {"name", "title", "description", "origin", "assumptions"}
    assert set(data["sides"]) == {"us", "russia"}
    for side in data["sides"].values():
        assert set(side) == {"label", "compliant", "limits", "upload"}
        for lim in side["limits"]:
            assert set(lim) == {
                "name",
                "label",
                "unit",
                "limit",
                "counted",
                "headroom",
                "compliant",
                "by_system",
            }
            assert lim["headroom"] == lim["limit"] - lim["counted"]
            assert sum(lim["by_system"].values()) == lim["counted"]
        assert set(side["upload"]) == {
            "by_system",
            "added_warheads",  # = upload_potential (kept from before the bound)
            "launcher_capacity_added",
            "upload_potential",
            "reserve",
            "totals_after_upload",
            "compliant_after_upload",
        }
        assert side["upload"]["added_warheads"] == side["upload"]["upload_potential"]
        for row in side["upload"]["by_system"]:
            assert set(row) == {
                "system",
                "deployed_launchers",
                "non_deployed_launchers",
                "warheads_now",
                "capacity",
                "launcher_capacity_added",
                "warheads_available",
                "upload_potential",
                "bound",
                "bound_source",
                "added_on_deployed",
                "added_on_non_deployed",
                "redeployed_launchers",
                "added_warheads",
            }
            assert row["upload_potential"] <= row["launcher_capacity_added"]
    us = {lim["name"]: lim["counted"] for lim in data["sides"]["us"]["limits"]}
    # SD3 (2023-03-01): 662 / 1,419 / 800; the scenario's average loading rounds to 1,420.
    assert us["deployed_launchers"] == 662 and us["total_launchers"] == 800
    assert abs(us["deployed_warheads"] - 1419) <= 1
    ru = {lim["name"]: lim["counted"] for lim in data["sides"]["russia"]["limits"]}
    # MFA1 (2022-03-01): 526 / 1,474 / 761.
    assert ru["deployed_launchers"] == 526 and ru["total_launchers"] == 761
    assert abs(ru["deployed_warheads"] - 1474) <= 1
    assert data["compliant"] is True


def test_security_equation_reproduces_russias_claim_of_101_us_launchers_over_800():
    """MFA1 (data as of 2022-03-01): the US exceeds the 800 limit on launchers "by 101
    units", 56 converted Trident II launchers, 41 converted B-52H and 4 training silos."""
    sc = load_scenario("us-russia-2023")
    result = assess(sc, "security-equation")
    us = result.sides["us"].limits
    total = us["total_launchers"]
    assert total.counted == 901 and total.headroom == -101 and not total.compliant
    items = {k: v for k, v in total.by_system.items() if k not in sc.sides["us"].systems}
    assert items == {"b52h (converted)": 41, "minuteman_iii (training)": 4, "trident_ii (converted)": 56}
    assert sum(items.values()) == 56 + 41 + 4 == 101 == -total.headroom
    # The rest is the US's own New START count, 800 (SD3), system by system.
    new_start = assess(sc, "new-start").sides["us"].limits["total_launchers"]
    assert new_start.counted == 800
    assert {k: v for k, v in total.by_system.items() if k not in items} == new_start.by_system
    # Deployed launchers: converted bombers still count as deployed heavy bombers (MFA1);
    # converted SLBM tubes and training silos hold no missile, so they do not.
    deployed = us["deployed_launchers"]
    assert deployed.counted == 662 + 41
    assert {k: v for k, v in deployed.by_system.items() if k not in sc.sides["us"].systems} == {
        "b52h (converted)": 41
    }
    assert us["deployed_warheads"].counted == 1419  # they carry no warheads
    assert us["interceptors"].by_system == {"gmd": 44}
    # Russia: no converted or training launchers in the data, so its count is New START's.
    russia = result.sides["russia"].limits["total_launchers"]
    assert russia.counted == 761 and set(russia.by_system) == set(sc.sides["russia"].systems)
    # The JSON carries the same items.
    data = json.loads(json.dumps(result.to_dict()))
    by_name = {lim["name"]: lim for lim in data["sides"]["us"]["limits"]}
    assert by_name["total_launchers"]["counted"] == 901 and by_name["total_launchers"]["headroom"] == -101
    assert by_name["total_launchers"]["by_system"]["trident_ii (converted)"] == 56
    assert not data["sides"]["us"]["compliant"]


def test_seceq_treaty_shows_the_101_and_its_three_items(seceq):
    code, out, err = seceq("treaty", "us-russia-2023", "-F", "security-equation")
    assert code == 0, err
    assert "total_launchers by 101" in out and "101 over" in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 5}
    items = {"trident_ii (converted)": 56, "b52h (converted)": 41, "minuteman_iii (training)": 4}
    for item, n in items.items():
        assert f" {n} " in rows[item], rows[item]
    code, out, err = seceq("treaty", "us-russia-2023", "-F", "security-equation", "--format", "json")
    assert code == 0, err
    total = next(lim for lim in json.loads(out)["sides"]["us"]["limits"] if lim["name"] == "total_launchers")
    assert total["counted"] == 901 and total["headroom"] == -101
    assert {k: total["by_system"][k] for k in ("trident_ii (converted)", "b52h (converted)")} == {
        "trident_ii (converted)": 56,
        "b52h (converted)": 41,
    }
    assert total["by_system"]["minuteman_iii (training)"] == 4


@pytest.mark.parametrize("framework", ["new-start", "all-warheads-cap"])
def test_converted_and_training_launchers_leave_the_other_counts_alone(framework):
    """New START counts neither converted nor training launchers: the US official
    662 / 1,419 / 800 (SD3) hold with the 56 + 41 + 4 in the scenario, and the
    all-warheads cap counts warheads only."""
    sc = load_scenario("us-russia-2023")
    plain = sc.model_copy(
        update={
            "sides": {
                **sc.sides,
                "us": sc.sides["us"].model_copy(
                    update={
                        "systems": {
                            name: s.model_copy(update={"converted_launchers": 0, "training_launchers": 0})
                            for name, s in sc.sides["us"].systems.items()
                        }
                    }
                ),
            }
        }
    )
    assert assess(sc, framework).to_dict()["sides"] == assess(plain, framework).to_dict()["sides"]


def test_scenario_framework_field_is_used_and_set_changes_it():
    sc = load_scenario("us-russia-2023", set_values=["framework=all-warheads-cap"])
    assert assess(sc).framework.name == "all-warheads-cap"


def test_changed_limit_values(tmp_path):
    sc = load_scenario("us-russia-2023")
    res = assess(sc, "all-warheads-cap", limits={"all_warheads": 5000})
    assert res.compliant
    assert any("instead of 4,000" in a for a in res.to_dict()["framework"]["assumptions"])
    with pytest.raises(InputError) as err:
        with_limits(load_framework("new-start"), {"deployed_warhead": 10, "total_launchers": -1})
    msgs = [p.message for p in err.value.problems]
    assert "did you mean 'deployed_warheads'" in msgs[0] and ">= 0" in msgs[1]
    assert parse_limit_values(["a=3", "b=4.0"]) == {"a": 3, "b": 4.0}
    with pytest.raises(InputError):
        parse_limit_values(["nothing"])


# --------------------------------------------------------------------------- user files
def test_user_framework_file_and_extends(tmp_path):
    fw = load_framework(write(tmp_path, MINIMAL))
    assert fw.name == "mine" and fw.status == "user"
    child = write(
        tmp_path,
        """\
        extends: new-start
        name: lower-warheads
        title: New START with 1,000 warheads
        limits:
          deployed_warheads:
            limit: 1000
            source: "assumption: a lower ceiling"
        """,
        "child.yaml",
    )
    fw2 = load_framework(child)
    assert fw2.limits["deployed warheads".replace(" ", "_")].limit == 1000
    assert fw2.limits["deployed_launchers"].limit == 700
    assert not assess(load_scenario("us-russia-2023"), child).compliant


def test_framework_named_relative_to_the_scenario_file(tmp_path):
    from security_equation.io import dump_scenario

    write(tmp_path, MINIMAL, "mine.yaml")
    scenario_file = tmp_path / "sc.yaml"
    text = dump_scenario(load_scenario("us-russia-2023")).replace(
        "framework: new-start", "framework: mine.yaml"
    )
    scenario_file.write_text(text)
    assert assess(load_scenario(scenario_file)).framework.name == "mine"


def test_unknown_framework_named_by_the_scenario_points_at_its_field(tmp_path):
    sc = load_scenario("us-russia-2023", set_values=["framework=new-strat"])
    with pytest.raises(InputError) as err:
        assess(sc)
    (p,) = err.value.problems
    assert p.path == "framework" and p.file.endswith("us-russia-2023.yaml")
    assert "did you mean 'new-start'" in p.message


def test_framework_from_text():
    assert framework_from_text(MINIMAL).origin == "<upload>"
    with pytest.raises(InputError):
        framework_from_text("extends: ../../etc/x.yaml\n")


# --------------------------------------------------------------------------- bad files
BAD = """\
name: bad
title: Bad
limits:
  launchers:
    label: L
    unit: launchers
    limit: -5
    source: x
    rules:
      - categories: [icbm_silo, icbm]
        count: deployed_launchers
        colour: red
      - categories: [slbm]
        count: warheads
bogus: 1
"""


def test_bad_framework_lists_every_problem_with_file_line_and_path(tmp_path):
    path = write(tmp_path, BAD, "bad.yaml")
    with pytest.raises(InputError) as err:
        load_framework(path)
    got = {(line, dotted): msg for file, line, dotted, msg in problems(err.value)}
    assert all(p.file == str(path) for p in err.value.problems)
    assert got[(7, "limits.launchers.limit")] == "must be >= 0, got -5"  # negative limit
    assert "got 'icbm'" in got[(10, "limits.launchers.rules.0.categories.1")]  # unknown category
    assert "'icbm_silo'" in got[(10, "limits.launchers.rules.0.categories.1")]
    assert got[(12, "limits.launchers.rules.0.colour")].startswith("unknown key 'colour'")  # unknown key
    assert "got 'warheads'" in got[(14, "limits.launchers.rules.1.count")]  # unknown count
    assert got[(15, "bogus")].startswith("unknown key 'bogus'")


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("name: x\nlimits: [1, 2\n", 3, "not valid YAML"),
        ("- a\n- b\n", 1, "expected a mapping"),
        ("", None, "file is empty"),
        ("name: x\ntitle: t\nlimits: {}\n", 3, "at least 1 item"),
        (
            "name: x\ntitle: t\nlimits:\n  a:\n    label: a\n    unit: u\n    limit: 1\n    source: s\n"
            "    rules:\n      - count: interceptors\n        categories: [slbm]\n",
            10,
            "remove categories",
        ),
        (
            "name: x\ntitle: t\nlimits:\n  a:\n    label: a\n    unit: u\n    limit: 1\n    source: s\n"
            "    rules:\n      - count: launchers\n        categories: [slbm]\n"
            "        each: loaded_warheads\n",
            10,
            "only applies to count: deployed_launchers",
        ),
        (
            "name: x\ntitle: t\nlimits:\n  a:\n    label: a\n    unit: u\n    limit: 1\n    source: s\n"
            "    rules:\n      - count: training_launchers\n        categories: [icbm_silo]\n"
            "        each: loaded_warheads\n",
            10,
            "training launchers carry no warheads",
        ),
        (
            "name: x\ntitle: t\nlimits:\n  a:\n    label: a\n    unit: u\n    limit: 1.5\n    source: s\n"
            "    rules:\n      - count: launchers\n        categories: [slbm]\n",
            7,
            "whole number",
        ),
        ("name: x\ntitle: t\nbinding_from: someday\n" + MINIMAL.split("\n", 2)[2], 3, "YYYY-MM-DD"),
    ],
)
def test_bad_framework_files(tmp_path, text, line, fragment):
    path = write(tmp_path, text, "bad.yaml")
    with pytest.raises(InputError) as err:
        load_framework(path)
    p = err.value.problems[0]
    assert p.file == str(path) and p.line == line and fragment in p.message, p


def test_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(InputError) as err:
        load_framework(tmp_path / "nope.yaml")
    (p,) = err.value.problems
    assert p.file == str(tmp_path / "nope.yaml") and "not found" in p.message
    with pytest.raises(InputError) as err:
        load_framework("all-warhead-cap")
    assert "did you mean 'all-warheads-cap'" in str(err.value)


def test_extends_problems_are_located(tmp_path):
    path = write(tmp_path, "extends: no-such-framework\n", "ext.yaml")
    with pytest.raises(InputError) as err:
        load_framework(path)
    (p,) = err.value.problems
    assert (p.file, p.line, p.path) == (str(path), 1, "extends")
    a = write(tmp_path, "extends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(InputError, match="cycle"):
        load_framework(a)
