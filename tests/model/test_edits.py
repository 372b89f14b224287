"""Edited values keep their original sources (issue 11, item 3; docs/model.md,
"Provenance of edited values"): a value changed by ``--set``, a named override, a web
edit or a sweep axis is shown as edited, with its original value and source, in the
tables, JSON, report, web API and saved YAML; "Sources cited" lists every cited source."""

from __future__ import annotations

import json
import re

import pytest

from security_equation.data.sources import cited_ids
from security_equation.io import dump_scenario, load_scenario, scenario_from_text
from security_equation.io.errors import InputError
from security_equation.model import evaluate
from security_equation.model.provenance import assumptions, description_note, edited_values, provenance

MDE = "us-missile-defence-expansion"
GMD = "us.defences.gmd.interceptors"
SET = [f"{GMD}=500"]
#: The bundled figure and its note (us-missile-defence-expansion.yaml).
GMD_NOTE = (
    "MD2; MD3 (inferred: 44 GBIs + 20 NGIs planned for the 20 empty Fort Greely silos = 64);"
    " MD1 (64 proposed for FY2017-18)"
)
GMD_SOURCE = f"edited by --set (was 64: {GMD_NOTE})"
NOTE = "(edited: 1 value changed from the bundled scenario; see edited values)"


@pytest.fixture(scope="module")
def edited():
    return load_scenario(MDE, set_values=SET)


@pytest.fixture(scope="module")
def edited_data(edited):
    return evaluate(edited, sections=()).to_dict()


# --------------------------------------------------------------------------- recording
def test_set_records_the_edit_with_its_original_value_and_source(edited):
    (edit,) = edited.edits
    assert edit.model_dump() == {
        "path": GMD,
        "by": "--set",
        "value": 500,
        "original_value": 64,
        "original_source": GMD_NOTE,
    }
    assert edited.sides["us"].defences["gmd"].interceptors == 500
    # The note in the scenario stays the file's; what is shown says the value was edited.
    assert edited.sides["us"].defences["gmd"].sources["interceptors"] == GMD_NOTE


def test_unedited_scenario_has_no_edits():
    scenario = load_scenario(MDE)
    assert scenario.edits == ()
    assert description_note(scenario) is None
    assert edited_values(scenario) == []
    assert all(not p.edits and p.source == p.note for p in provenance(scenario))


def test_a_value_set_to_its_original_is_not_an_edit():
    assert load_scenario(MDE, set_values=[f"{GMD}=64"]).edits == ()
    # An override's change set back by --set is no edit either; the other side's stays.
    scenario = load_scenario("us-russia-2023", ["generated"], ["us.posture.alert=day_to_day"])
    assert [(e.path, e.by, e.value, e.original_value) for e in scenario.edits] == [
        ("russia.posture.alert", "override generated", "generated", "day_to_day")
    ]


def test_override_edits_name_the_override():
    scenario = load_scenario("us-russia-2023", ["generated"])
    assert [e.model_dump() for e in scenario.edits] == [
        {
            "path": f"{side}.posture.alert",
            "by": "override generated",
            "value": "generated",
            "original_value": "day_to_day",
            "original_source": "assumption: peacetime posture",
        }
        for side in ("us", "russia")
    ]
    (alert,) = (p for p in provenance(scenario) if p.path == "us.posture.alert")
    assert alert.to_dict() == {
        "path": "us.posture.alert",
        "value": "generated",
        "source": "edited by override generated (was day_to_day: assumption: peacetime posture)",
        "assumption": True,
        "edited": {
            "by": "override generated",
            "original_value": "day_to_day",
            "original_source": "assumption: peacetime posture",
        },
    }
    assert description_note(scenario) == (
        "(edited: 2 values changed from the bundled scenario; see edited values)"
    )


def test_set_after_an_override_keeps_the_files_original():
    scenario = load_scenario(
        "us-russia-2023", ["launch-under-attack"], ["us.posture.launch_under_attack=0.5"]
    )
    us = next(e for e in scenario.edits if e.path == "us.posture.launch_under_attack")
    assert (us.by, us.value, us.original_value) == ("--set", 0.5, 0.0)


def test_a_field_the_file_leaves_to_its_default_has_the_default_as_original():
    scenario = load_scenario(MDE, set_values=["settings.cost_exponent=0.8"])
    (edit,) = scenario.edits
    assert (edit.original_value, edit.original_source) == (0.75, None)
    (row,) = (p for p in provenance(scenario) if p.path == "settings.cost_exponent")
    assert row.to_dict()["source"] == "edited by --set (was 0.75)"


def test_a_file_may_not_claim_edits():
    with pytest.raises(InputError) as info:
        scenario_from_text("extends: us-russia-2023\nname: x\nedits: []\n")
    (problem,) = info.value.problems
    assert problem.path == "edits" and problem.line == 3
    assert "loader records edited values" in problem.message


# --------------------------------------------------------------------------- provenance, JSON
def test_provenance_of_an_edited_figure_says_so(edited):
    (row,) = (p for p in provenance(edited) if p.path == GMD)
    assert row.to_dict() == {
        "path": GMD,
        "value": 500,
        "source": GMD_SOURCE,
        "assumption": False,
        "edited": {"by": "--set", "original_value": 64, "original_source": GMD_NOTE},
    }


def test_edited_assumptions_say_so():
    scenario = load_scenario(MDE, set_values=["us.defences.sm3_iia.interceptors=200"])
    (row,) = (a for a in assumptions(scenario) if a.path == "us.defences.sm3_iia.interceptors")
    assert row.value == 200
    assert row.source.startswith("edited by --set (was 100: assumption: no public SM-3 inventory")
    assert row.to_dict()["edited"]["original_value"] == 100


def test_evaluation_json_lists_edited_values_and_keeps_the_description(edited_data):
    d = edited_data
    assert d["description"].startswith("US homeland missile defence grown to 64 GMD interceptors")
    assert d["description_note"] == NOTE
    assert d["edited_values"] == [
        {
            "path": GMD,
            "value": 500,
            "original_value": 64,
            "original_source": GMD_NOTE,
            "by": "--set",
            "source": GMD_SOURCE,
        }
    ]
    json.dumps(d["edited_values"], allow_nan=False)  # JSON as it stands


def test_the_edit_changes_the_result(edited_data):
    base = evaluate(load_scenario(MDE), sections=()).to_dict()
    assert base["description_note"] is None and base["edited_values"] == []
    assert edited_data["fsi"] != base["fsi"]


# --------------------------------------------------------------------------- CLI
def test_run_prints_the_edited_values_table(seceq):
    code, out, err = seceq("run", MDE, "--set", SET[0])
    assert code == 0, err
    assert NOTE in out
    head = out[: out.index("(us) — forces")]
    assert "Edited values (1)" in head
    lines = head.splitlines()
    start = next(i for i, line in enumerate(lines) if GMD in line)
    columns: list[list[str]] = []
    for line in lines[start:]:  # one row, wrapped over several lines
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        columns = (
            [[*col, c] for col, c in zip(columns, cells, strict=True)] if columns else [[c] for c in cells]
        )
    assert [" ".join(filter(None, col)) for col in columns] == [GMD, "500", "64", GMD_NOTE, "--set"]


def test_run_json_has_the_edits(seceq):
    code, out, err = seceq("run", MDE, "--set", SET[0], "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["description_note"] == NOTE
    assert [(e["path"], e["value"], e["original_value"], e["by"]) for e in data["edited_values"]] == [
        (GMD, 500, 64, "--set")
    ]


def test_run_of_an_unedited_scenario_prints_no_edits(seceq):
    code, out, err = seceq("run", MDE, "--set", f"{GMD}=64")
    assert code == 0, err
    assert "Edited values" not in out and "(edited:" not in out


# --------------------------------------------------------------------------- saved YAML
def test_saved_yaml_does_not_claim_the_old_source(edited):
    text = dump_scenario(edited)
    assert text.splitlines()[:2] == [
        f"# Edited from security_equation/data/scenarios/{MDE}.yaml: 1 value",
        f"#   {GMD} = 500: {GMD_SOURCE}",
    ]
    back = scenario_from_text(text)  # still a valid scenario
    assert back.edits == ()
    gmd = back.sides["us"].defences["gmd"]
    assert gmd.interceptors == 500
    assert gmd.sources["interceptors"] == GMD_SOURCE
    assert back.description.endswith(
        f"(edited: 1 value changed from the bundled scenario {MDE};"
        " see the source notes that say 'edited by')"
    )
    # Everything else is as edited.
    assert back.sides["russia"] == edited.sides["russia"]
    assert dump_scenario(load_scenario(MDE)).startswith("name: ")  # unedited: no header


# --------------------------------------------------------------------------- sources cited
def test_cited_ids_reads_the_whole_note():
    assert cited_ids(GMD_NOTE) == ["MD2", "MD3", "MD1"]
    sm3 = load_scenario(MDE).sides["us"].defences["sm3_iia"].sources["interceptors"]
    assert cited_ids(sm3) == ["MD4"]
    assert cited_ids("SD3; SD3 (SD3)") == ["SD3"]
    assert cited_ids("no ids here (ICBM, NGI)") == []


@pytest.fixture(scope="module")
def report_html(edited):
    from security_equation.analysis.report import build_report

    return build_report(edited)


def test_report_lists_every_cited_source(report_html):
    sources = report_html[report_html.index('id="sources"') :]
    sources = sources[: sources.index("</table>")]
    ids = re.findall(r"<td><b>([A-Za-z0-9-]+)</b></td>", sources)
    assert {"MD1", "MD2", "MD3", "MD4"} <= set(ids)
    # Every id any field's note cites is listed.
    cited = {i for p in provenance(load_scenario(MDE)) for i in cited_ids(p.note)}
    assert cited <= set(ids)


def test_report_shows_the_edited_values(report_html):
    assert f"<b>{NOTE}</b>" in report_html
    section = report_html[report_html.index('<section id="edited-values">') :]
    section = section[: section.index("</section>")]
    assert "<h2>Edited values (1)</h2>" in section
    cells = re.findall(r"<td[^>]*>(.*?)</td>", section, re.S)
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == [GMD, "500", "64", GMD_NOTE, "--set"]
    table = report_html[report_html.index('id="provenance-table"') :]
    row = re.search(
        r'<tr class="edited"><td><code>' + re.escape(GMD) + r"</code></td>(.*?)</tr>", table, re.S
    )
    assert row is not None
    assert '<td class="n">500</td>' in row.group(1)
    assert GMD_SOURCE in row.group(1)


# --------------------------------------------------------------------------- sweeps
def test_sweep_records_what_its_axes_replace(edited):
    from security_equation.analysis.sweep import run_sweep

    ds = run_sweep(edited, [f"{GMD}=0:400:2", "us.systems.minuteman_iii.launchers=300:400:2"])
    assert json.loads(ds.attrs["swept_values"]) == [
        {"path": GMD, "by": "sweep axis", "original_value": 500, "original_source": GMD_SOURCE},
        {
            "path": "us.systems.minuteman_iii.launchers",
            "by": "sweep axis",
            "original_value": 400,
            "original_source": "NN-US23; ACA2",
        },
    ]
    assert [e["path"] for e in json.loads(ds.attrs["edited_values"])] == [GMD]
