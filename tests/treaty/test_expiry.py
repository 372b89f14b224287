"""Expired treaties (issue 11, item 5): a framework's status on the scenario's ``date``.

New START's limits bound from 2018-02-05 and the treaty expired on 2026-02-05 (sources
SD2, ACA1 and EXP in data/sources.csv). Compliance is still counted as if the
limits were in force, but every output that says "compliant" or "exceeds" carries the
status; the action–reaction model runs without an expired framework's limits unless
asked for them (``--limits-in-force``).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from security_equation.io import load_scenario
from security_equation.io.errors import InputError
from security_equation.model.race import arms_race_section
from security_equation.present import plots
from security_equation.treaty import assess, load_framework
from security_equation.treaty.assessment import framework_status, status_qualifier

EXPIRED = "expired on 2026-02-05 — shown as if in force"
RACE_NOTE = (
    "New START (2010) central limits (new-start) expired on 2026-02-05: the race runs without"
    " its limits; use --limits-in-force to apply them"
)
#: Both sides ask for 600 arriving warheads: enough to make the race build (us-russia-2023's
#: requirements are met from the start).
REQUIREMENTS = (
    "  us: {requirement: {arriving_warheads: 600}}\n  russia: {requirement: {arriving_warheads: 600}}\n"
)


def _file(tmp_path, date: str, *, race: bool = False, name: str = "dated"):
    path = tmp_path / f"{name}.yaml"
    text = f"extends: us-russia-2023\nname: {name}\ndate: {date}\n"
    if race:
        text += "sides:\n" + REQUIREMENTS
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- status
@pytest.mark.parametrize(
    ("name", "date", "status"),
    [
        ("us-russia-2023", "2023-03-01", "in force"),
        ("conventional-prompt-strike", "2023-03-01", "in force"),
        ("deep-cuts-1000", "2023-03-01", "in force"),
        ("us-missile-defence-expansion", "2023-03-01", "in force"),
        ("post-new-start-upload", "2026-02-05", EXPIRED),
    ],
)
def test_status_of_each_bundled_scenario(name, date, status):
    sc = load_scenario(name)
    assert sc.date == dt.date.fromisoformat(date)
    data = assess(sc).to_dict()
    assert (data["status"], data["as_of"]) == (status, date)


@pytest.mark.parametrize(
    ("on", "status"),
    [
        ("2011-02-05", "not yet binding"),  # entry into force: limits not yet binding
        ("2018-02-04", "not yet binding"),
        ("2018-02-05", "in force"),  # the central limits bind (SD2; ACA1)
        ("2026-02-04", "in force"),
        ("2026-02-05", EXPIRED),  # the treaty lapsed that day (EXP; ACA1)
        ("2026-06-01", EXPIRED),
    ],
)
def test_new_start_status_by_date(on, status):
    assert framework_status(load_framework("new-start"), dt.date.fromisoformat(on)) == status


def test_a_framework_without_dates_is_always_in_force():
    fw = load_framework("all-warheads-cap")
    assert fw.binding_from is None and fw.expires is None
    assert framework_status(fw, dt.date(2040, 1, 1)) == "in force"
    assert status_qualifier("in force") == "" and status_qualifier(None) == ""
    assert status_qualifier(EXPIRED) == f" ({EXPIRED})"


def test_without_a_date_the_status_is_judged_today():
    sc = load_scenario("us-russia-2023").model_copy(update={"date": None})
    result = assess(sc)
    assert result.as_of == dt.date.today() and not result.dated
    assert result.to_dict()["as_of"] == dt.date.today().isoformat()
    assert result.status == framework_status(load_framework("new-start"), dt.date.today())


def test_expired_counts_stay_as_if_in_force(tmp_path):
    """The rows are the same numbers as on us-russia-2023's date: 1,419 US and 1,474 Russian
    counted warheads under the 1,550 limit (docs/examples/us-russia-2023.md)."""
    dated = assess(load_scenario(_file(tmp_path, "2026-06-01")))
    default = assess(load_scenario("us-russia-2023"))
    assert dated.status == EXPIRED and default.status == "in force"
    d, g = dated.to_dict(), default.to_dict()
    assert d["sides"] == g["sides"] and d["compliant"] is g["compliant"] is True
    assert d["sides"]["us"]["limits"][1]["counted"] == 1419
    assert d["sides"]["russia"]["limits"][1]["counted"] == 1474


# --------------------------------------------------------------------------- outputs
def test_treaty_command_text_and_json_say_expired(seceq, tmp_path):
    path = _file(tmp_path, "2026-06-01")
    code, out, _ = seceq("treaty", path)
    assert code == 0
    assert "Status as of 2026-06-01 (the scenario's date): " + EXPIRED in out
    assert f"Compliant (both sides): yes ({EXPIRED})" in out
    code, out, _ = seceq("treaty", path, "--format", "json")
    data = json.loads(out)
    assert (data["status"], data["as_of"], data["compliant"]) == (EXPIRED, "2026-06-01", True)
    # In force: no label after the verdict.
    code, out, _ = seceq("treaty", "us-russia-2023")
    assert "Compliant (both sides): yes\n" in out and "shown as if in force" not in out
    assert "Status as of 2023-03-01 (the scenario's date): in force" in out


def test_run_says_expired_in_text_and_json(seceq, tmp_path):
    path = _file(tmp_path, "2026-06-01")
    code, out, _ = seceq("run", path)
    assert code == 0
    flat = " ".join(out.split())  # the console may wrap long lines
    assert f"Compliant (both sides): yes ({EXPIRED})" in flat
    assert "expired on 2026-02-05: the race runs without its limits; use --limits-in-force" in flat
    code, out, _ = seceq("run", path, "--format", "json")
    data = json.loads(out)
    assert (data["treaty"]["status"], data["treaty"]["as_of"]) == (EXPIRED, "2026-06-01")
    assert data["arms_race"]["framework_status"] == EXPIRED
    assert data["arms_race"]["limits_applied"] is False
    assert RACE_NOTE in data["arms_race"]["notes"]


def test_report_html_and_treaty_figure_say_expired(tmp_path):
    from security_equation.analysis.report import build_report

    sc = load_scenario(_file(tmp_path, "2026-06-01"))
    html = build_report(sc, image_format="svg")
    assert f'all sides compliant</span> <b class="bad">({EXPIRED})</b>' in html
    assert "Status as of 2026-06-01: " + EXPIRED in html
    assert RACE_NOTE in html
    fig = plots.treaty_figure(assess(sc).to_dict())
    try:
        assert fig._suptitle.get_text().endswith(f"all sides compliant\n({EXPIRED}, as of 2026-06-01)")
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


# --------------------------------------------------------------------------- arms race
def test_race_runs_without_expired_limits_unless_asked(tmp_path):
    """Both sides require 600 arriving warheads. Without limits the race settles after 2
    rounds (US 2,017 and Russia 3,558 deployed warheads: uploads within the stored warheads,
    then new launchers); with New START's limits applied
    both stop at the 1,550 counted warheads after 1 round, short of their requirement."""
    sc = load_scenario(_file(tmp_path, "2026-06-01", race=True))
    free = arms_race_section(sc, framework=sc.framework).to_dict()
    assert free["limits"]["us"] == {
        "deployed_warheads": None,
        "deployed_launchers": None,
        "total_launchers": None,
        "bombers_count_one": False,
        "labels": {},
    }
    assert free["notes"] == [RACE_NOTE]
    assert (free["framework_status"], free["as_of"], free["limits_applied"]) == (
        EXPIRED,
        "2026-06-01",
        False,
    )
    assert (free["outcome"], free["rounds"], free["capped"]) == ("settles", 2, {})
    last = free["path"][-1]["sides"]
    assert last["us"]["deployed_warheads"] == pytest.approx(2017.15, abs=0.01)
    assert last["russia"]["deployed_warheads"] == pytest.approx(3557.89, abs=0.01)

    bound = arms_race_section(sc, framework=sc.framework, limits_in_force=True).to_dict()
    assert bound["limits"]["us"]["deployed_warheads"] == pytest.approx(1550, abs=0.01)
    assert bound["limits"]["us"]["deployed_launchers"] == 700
    assert bound["notes"] == [] and bound["limits_applied"] is True
    assert (bound["outcome"], bound["rounds"]) == ("stopped by a limit", 1)
    assert bound["capped"] == {"us": "deployed_warheads", "russia": "deployed_warheads"}


def test_race_follows_the_scenario_date(tmp_path):
    """The same requirements on us-russia-2023's date (in force): the limits bind."""
    sc = load_scenario(_file(tmp_path, "2023-03-01", race=True))
    race = arms_race_section(sc, framework=sc.framework).to_dict()
    assert race["framework_status"] == "in force" and race["limits_applied"] is True
    assert (race["outcome"], race["rounds"]) == ("stopped by a limit", 1)


def test_arms_race_command_limits_in_force(seceq, tmp_path):
    path = _file(tmp_path, "2026-06-01", race=True)
    code, out, _ = seceq("arms-race", path, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["notes"] == [RACE_NOTE] and data["limits"]["russia"]["deployed_warheads"] is None
    assert data["outcome"] == "settles"
    code, out, _ = seceq("arms-race", path, "--limits-in-force", "--format", "json")
    data = json.loads(out)
    assert data["notes"] == []
    assert data["limits"]["russia"]["deployed_warheads"] == pytest.approx(1550, abs=0.01)
    assert data["outcome"] == "stopped by a limit"
    code, out, _ = seceq("arms-race", path)
    assert "framework: new-start, expired on 2026-02-05: no limits" in out
    code, out, _ = seceq("arms-race", path, "--limits-in-force")
    assert "framework: new-start, expired on 2026-02-05: limits applied all the same" in out


def test_before_the_limits_bind(seceq, tmp_path):
    path = _file(tmp_path, "2016-09-01", race=True)
    sc = load_scenario(path)
    assert assess(sc).status == "not yet binding"
    race = arms_race_section(sc, framework=sc.framework).to_dict()
    assert race["notes"] == [
        "New START (2010) central limits (new-start) not yet binding on 2016-09-01 (binding from"
        " 2018-02-05): the race runs without its limits; use --limits-in-force to apply them"
    ]
    assert race["limits"]["us"]["deployed_warheads"] is None
    code, out, _ = seceq("treaty", path)
    assert "Compliant (both sides): yes (not yet binding)" in out


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("soon", "must be a date (YYYY-MM-DD), got 'soon'"),
        ("2026-13-01", "cannot read this value: month must be in 1..12"),
    ],
)
def test_a_bad_date_is_a_located_error(seceq, tmp_path, value, message):
    path = _file(tmp_path, value)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.message) == ("date", 3, message)
    code, _, err = seceq("treaty", path)
    assert code == 2
    assert f"{path}:3 date: {message}" in err and "Traceback" not in err
