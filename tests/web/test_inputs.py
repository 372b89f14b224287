"""What a web request may name (``web.inputs``): bundled names only, uploads without
aliases or paths, edits validated like ``--set``, and every refusal located."""

from __future__ import annotations

import pytest

from security_equation.io import bundled_names, dump_scenario, load_scenario
from security_equation.io.errors import InputError
from security_equation.io.loading import MAX_FILE_BYTES
from security_equation.web import inputs

SCENARIOS = [
    "china-silos-2030",
    "conventional-prompt-strike",
    "counterforce-race",
    "deep-cuts-1000",
    "five-powers-2026",
    "nato-counted-2026",
    "post-new-start-upload",
    "russia-china-strike-2026",
    "us-missile-defence-expansion",
    "us-russia-2023",
]
FRAMEWORKS = ["all-warheads-cap", "new-start", "new-start-extended", "proportional-cuts", "security-equation"]


def problem(exc: pytest.ExceptionInfo) -> dict:
    """The one problem of an InputError, as the API reports it."""
    (only,) = exc.value.problems
    return only.to_dict()


# ----------------------------------------------------------------- bundled names
def test_the_bundled_names_are_all_there():
    # A missing bundled file is a packaging error: fail, never skip.
    assert bundled_names() == SCENARIOS
    assert bundled_names("frameworks") == FRAMEWORKS
    assert inputs.DEFAULT_SCENARIO in SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
def test_check_name_accepts_each_bundled_scenario(name):
    assert inputs.check_name(name) == name


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("us-russia-2032", "; did you mean 'us-russia-2023'?"),
        ("../scenarios/us-russia-2023", "; did you mean 'us-russia-2023'?"),
        ("/etc/passwd", ""),
        ("us-russia-2023.yaml", "; did you mean 'us-russia-2023'?"),
        ("", ""),
        (123, ""),
    ],
)
def test_check_name_refuses_anything_else_with_a_hint(name, hint):
    with pytest.raises(InputError) as exc:
        inputs.check_name(name)
    assert problem(exc) == {
        "file": None,
        "line": None,
        "path": "scenario",
        "message": f"no bundled scenario named '{name}'{hint} (bundled: {', '.join(SCENARIOS)})",
    }


def test_check_name_of_a_framework_is_located_at_the_given_path():
    assert inputs.check_name("new-start", "frameworks", "framework") == "new-start"
    with pytest.raises(InputError) as exc:
        inputs.check_name("new-strat", "frameworks", "frameworks.1")
    assert problem(exc)["path"] == "frameworks.1"
    assert problem(exc)["message"] == (
        "no bundled framework named 'new-strat'; did you mean 'new-start'?"
        f" (bundled: {', '.join(FRAMEWORKS)})"
    )


def test_check_framework_uses_the_request_then_the_scenario():
    scenario = load_scenario("us-russia-2023")
    assert inputs.check_framework(None, scenario) == "new-start"
    assert inputs.check_framework("all-warheads-cap", scenario) == "all-warheads-cap"
    with pytest.raises(InputError) as exc:
        inputs.check_framework("nope", scenario)
    assert problem(exc)["path"] == "framework"
    # A scenario naming a framework file that is not bundled is refused too.
    own = scenario.model_copy(update={"framework": "mine.yaml"})
    with pytest.raises(InputError) as exc:
        inputs.check_framework(None, own)
    assert problem(exc)["path"] == "framework"
    assert problem(exc)["message"].startswith("no bundled framework named 'mine.yaml'")


# ----------------------------------------------------------------- uploads
def test_aliases_are_refused_at_their_line():
    text = "name: x\nsides: &s\n  a: 1\nagain: *s\n"
    with pytest.raises(InputError) as exc:
        inputs.refuse_aliases(text)
    assert problem(exc) == {
        "file": "<upload>",
        "line": 4,
        "path": "",
        "message": "YAML aliases are not accepted in uploads (found *s); write the values out",
    }
    assert inputs.refuse_aliases("name: x\nsides: &s\n  a: 1\n") is None  # an anchor alone is fine
    assert inputs.refuse_aliases("name: [1,\n") is None  # syntax: left to the loader


def test_a_valid_upload_gives_the_same_scenario():
    original = load_scenario("us-russia-2023")
    uploaded = inputs.scenario_from_upload(dump_scenario(original))
    for name in ("us", "russia"):
        assert uploaded.sides[name] == original.sides[name]
    assert uploaded.framework == "new-start"


def test_an_upload_may_extend_a_bundled_scenario_and_take_edits():
    text = "extends: us-russia-2023\nname: mine\nsides:\n  us:\n    value:\n      w80: 250\n"
    sc = inputs.scenario_from_upload(text, {"russia.posture.launch_under_attack": 0.5})
    assert sc.name == "mine"
    assert sc.sides["us"].value.w80 == 250
    assert sc.sides["russia"].posture.launch_under_attack == 0.5
    assert sc.sides["us"].systems["minuteman_iii"].launchers == 400  # from the bundled base


@pytest.mark.parametrize("target", ["/etc/passwd", "../scenarios/us-russia-2023", "us-russia-2023.yaml"])
def test_an_upload_may_not_extend_a_path(target):
    with pytest.raises(InputError) as exc:
        inputs.scenario_from_upload(f"extends: {target}\n")
    assert problem(exc)["file"] == "<upload>" and problem(exc)["line"] == 1
    assert problem(exc)["path"] == "extends"
    assert problem(exc)["message"].startswith(
        f"uploads may only extend a bundled scenario by name, got '{target}'"
    )


def test_a_bad_value_in_an_upload_is_located_in_the_upload():
    text = "extends: us-russia-2023\nsides:\n  us:\n    posture:\n      launch_under_attack: 1.5\n"
    with pytest.raises(InputError) as exc:
        inputs.scenario_from_upload(text)
    assert problem(exc) == {
        "file": "<upload>",
        "line": 5,
        "path": "us.posture.launch_under_attack",
        "message": "must be <= 1, got 1.5",
    }
    with pytest.raises(InputError) as exc:
        inputs.scenario_from_upload("name: [1,\n")
    assert problem(exc)["file"] == "<upload>" and problem(exc)["line"] == 2
    assert problem(exc)["message"].startswith("not valid YAML")


def test_an_oversized_upload_is_refused_before_parsing():
    with pytest.raises(InputError) as exc:
        inputs.scenario_from_upload("#" * (MAX_FILE_BYTES + 1))
    assert problem(exc) == {
        "file": "<upload>",
        "line": None,
        "path": "",
        "message": "input is too large (the limit is 2,000,000 bytes)",
    }


# ----------------------------------------------------------------- load
def test_load_defaults_to_the_default_scenario():
    sc = inputs.load()
    assert inputs.DEFAULT_SCENARIO == sc.name == "five-powers-2026"
    assert sc.sides["us"] == load_scenario("five-powers-2026").sides["us"]


def test_load_applies_named_overrides_then_edits():
    sc = inputs.load(
        "us-russia-2023", overrides=["generated"], set_values={"us.posture.launch_under_attack": 0.5}
    )
    assert sc.applied_overrides == ("generated",)
    assert sc.sides["us"].posture.alert == "generated" and sc.sides["russia"].posture.alert == "generated"
    assert sc.sides["us"].posture.launch_under_attack == 0.5
    assert sc.sides["russia"].posture.launch_under_attack == 0.0


def test_edits_do_not_leak_into_the_cached_scenario():
    assert (
        inputs.load(set_values={"us.systems.minuteman_iii.launchers": 10})
        .sides["us"]
        .systems["minuteman_iii"]
        .launchers
        == 10
    )
    assert inputs.load().sides["us"].systems["minuteman_iii"].launchers == 400


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"us.posture.launch_under_attack": 1.5}, "must be <= 1, got 1.5"),
        ({"us.systems.minuteman_iii.launchers": 10.5}, "must be a whole number, got 10.5"),
        (
            {"us.posture.nope": 1},
            "unknown key 'nope' (allowed: alert, holdback_fraction, launch_under_attack,"
            " max_warheads_per_target, reserve, sources)",
        ),
    ],
)
def test_bad_edits_are_located_like_set_values(edit, message):
    with pytest.raises(InputError) as exc:
        inputs.load("us-russia-2023", set_values=edit)
    (path,) = edit
    assert problem(exc) == {"file": "--set", "line": None, "path": path, "message": message}


def test_named_overrides_are_for_bundled_scenarios_only():
    with pytest.raises(InputError) as exc:
        inputs.load(text="extends: us-russia-2023\n", overrides=["generated"])
    assert problem(exc)["path"] == "overrides"
    assert problem(exc)["message"].startswith("named overrides apply to bundled scenarios only")
    with pytest.raises(InputError) as exc:
        inputs.load("us-russia-2023", overrides=["nope"])
    assert problem(exc)["path"] == "overrides"
    assert problem(exc)["message"] == "unknown override 'nope' (available: generated, launch-under-attack)"


def test_load_refuses_an_unbundled_name():
    with pytest.raises(InputError) as exc:
        inputs.load("../../etc/passwd")
    assert problem(exc)["path"] == "scenario"
